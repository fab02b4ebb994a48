// SPDX-License-Identifier: BSL-1.0
// A graceful drain for a server that shuts down: no new create, the written ones finish, then
// close().
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/drain_op.hpp>
#include <betterprompt/detail/operations/initiate.hpp>

#include <chrono>
#include <utility>

namespace betterprompt {

/// Closes `c` gracefully: from now on its creates that have not yet written their request end at
/// their write point with error::client_closed, outcome not_created (never sent), while the
/// creates it has already written go on until they end, for at most `grace`; then close() (and
/// what is still running ends with error::client_closed, as close() says). Other calls (gets,
/// waits, listings) go on until the close. Completion signature void(error_code, drain_result):
/// how many written creates it waited for, and how many the grace period cut off. Errors:
/// error::invalid_argument for a negative grace. Not cancellable: `grace` bounds it.
/// Affects `c` and its with() handles only, not other clients of the same account.
template <class CompletionToken = default_completion_token_t>
auto close_gracefully(client& c, std::chrono::milliseconds grace, CompletionToken&& token = {}) {
  return detail::initiate_composed<drain_result>(detail::launch_drain(c, grace), nullptr,
                                                 std::forward<CompletionToken>(token));
}

}  // namespace betterprompt
