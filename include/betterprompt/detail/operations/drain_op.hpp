// SPDX-License-Identifier: BSL-1.0
// close_gracefully as a composed operation: the client starts no new create, waits (on a timer
// bounded by the grace period) for the creates it has written to settle, then closes. Here its
// result and its initiation; the drain itself is compiled (impl/drain_op.ipp).
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>

#include <boost/asio/async_result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

namespace betterprompt {

/// What close_gracefully waited for.
struct drain_result {
  /// The creates this client had written and not yet seen end when the drain began.
  std::size_t waited_for = 0;
  /// Of those, the ones still in flight when the grace period ran out: close() ended them, and
  /// their failures' create records say what they left behind (outcome unknown).
  std::size_t cut_off = 0;
};

}  // namespace betterprompt

namespace betterprompt::detail {

using drain_signature = operation_signature<drain_result>;

/// Starts close_gracefully (see initiate_composed).
struct drain_initiation {
  std::shared_ptr<client_handle> client;
  std::chrono::milliseconds grace;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<drain_result, &start_drain>(token, std::move(client), grace);
  }

  BETTERPROMPT_DECL static void start_drain(std::shared_ptr<client_handle> client,
                                            std::chrono::milliseconds grace,
                                            operation_completion<drain_result> handler);
};

/// The launcher for client `c` (throws error::invalid_argument for a moved-from client).
BETTERPROMPT_DECL drain_initiation launch_drain(const client& c, std::chrono::milliseconds grace);

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/drain_op.ipp>
#endif
