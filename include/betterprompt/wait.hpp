// SPDX-License-Identifier: BSL-1.0
// wait_for_run: poll a run until it finishes.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/wait_options.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace betterprompt {

namespace detail {
/// Starts waiting for run `run_id` through `client` (detail/operations/wait_op.hpp), completing
/// `handler`; compiled once, behind the compile wall.
BETTERPROMPT_DECL void start_wait_for_run(std::shared_ptr<client_handle> client, std::string run_id,
                                          const wait_options& options,
                                          operation_completion<run> handler);

/// The launcher of one wait_for_run, for initiate_composed.
struct wait_for_run_initiation {
  std::shared_ptr<client_handle> state;
  std::string run_id;
  wait_options options;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<run, &start_wait_for_run>(token, std::move(state), std::move(run_id),
                                                       options);
  }
};

/// The launcher for client `c` (throws error::invalid_argument for a moved-from client).
inline wait_for_run_initiation launch_wait_for_run(const client& c, std::string run_id,
                                               const wait_options& options) {
  return {handle_of(c), std::move(run_id), options};
}
}  // namespace detail

/// Polls GET /v1/runs/{run_id} until the run succeeded or failed, and returns it. A failed run is
/// returned, not an error: check run::failed() and its error outputs. Completion signature
/// void(error_code, run).
///
/// Fails with error::wait_timeout when `options.timeout` passes first; its diagnostics name the
/// run (`data` = {"runId", "lastStatus"}) so the caller can resume waiting later. Other errors as
/// get_run. Supports terminal, partial and total cancellation (it only reads): a poll in flight
/// or the delay between polls ends at once (operation_aborted); the run itself is not affected.
/// client::close() ends it with error::client_closed.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto wait_for_run(client& c, std::string run_id, wait_options options = {},
                  CompletionToken&& token = {}) {
  return detail::initiate_composed<run>(detail::launch_wait_for_run(c, std::move(run_id), options),
                                        nullptr, std::forward<CompletionToken>(token));
}

/// wait_for_run with the default options and `token`.
template <class CompletionToken>
requires detail::token_not<CompletionToken, wait_options>
auto wait_for_run(client& c, std::string run_id, CompletionToken&& token) {
  return wait_for_run(c, std::move(run_id), wait_options{}, std::forward<CompletionToken>(token));
}

/// wait_for_run, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto wait_for_run(client& c, std::string run_id, wait_options options, diagnostics& diag,
                  CompletionToken&& token = {}) {
  return detail::initiate_composed<run>(detail::launch_wait_for_run(c, std::move(run_id), options),
                                        &diag, std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/detail/operations/wait_op.hpp>
#endif
