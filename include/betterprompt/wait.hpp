// wait_for_run: poll a run until it finishes.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace betterprompt {

/// How wait_for_run polls: the first poll is immediate, then the delay starts at poll_interval
/// and grows by poll_multiplier up to max_poll_interval. A 429 answer does not end the wait: the
/// next poll comes after the server's Retry-After (or the current delay when it sends none),
/// unless the server asks for longer than retry_policy::max_retry_after or than the wait has
/// left: then the wait fails at once with error::rate_limited.
struct wait_options {
  /// Delay after the first poll that finds the run still going. Default: 1 s.
  std::chrono::milliseconds poll_interval{std::chrono::seconds(1)};
  /// Growth of the delay after each further poll; 1 keeps it constant. Default: 1.5.
  double poll_multiplier = 1.5;
  /// Largest delay between two polls. Default: 10 s.
  std::chrono::milliseconds max_poll_interval{std::chrono::seconds(10)};
  /// Overall deadline of the wait, including requests in flight; zero means no deadline.
  /// Default: 10 minutes.
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
};

/// Polls GET /v1/runs/{run_id} until the run succeeded or failed, and returns it. A failed run is
/// returned, not thrown: check run::failed() and its error outputs.
///
/// Throws error_with_diagnostics with error::wait_timeout when `options.timeout` passes first;
/// its diagnostics name the run (`data` = {"runId", "lastStatus"}) so the caller can resume
/// waiting later. Other errors as get_run. Supports terminal, partial and total cancellation (it
/// only reads): a poll in flight or the delay between polls ends at once (operation_aborted);
/// the run itself is not affected. client::close() ends it with error::client_closed.
BETTERPROMPT_DECL boost::asio::awaitable<run> wait_for_run(client& c, std::string run_id,
                                                           wait_options options = {});

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/wait.ipp>
#endif
