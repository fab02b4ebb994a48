// wait_for_run: poll a run until it finishes.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/initiate.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
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

namespace detail {
BETTERPROMPT_DECL boost::asio::awaitable<run> wait_for_run_op(std::shared_ptr<client_impl> state,
                                                              std::string run_id,
                                                              wait_options options);
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
  return detail::initiate<run>(
      c,
      [&](auto state) {
        return detail::wait_for_run_op(std::move(state), std::move(run_id), options);
      },
      nullptr, std::forward<CompletionToken>(token));
}

/// wait_for_run with the default options and `token`.
template <class CompletionToken>
requires detail::token_not<CompletionToken, wait_options>
auto wait_for_run(client& c, std::string run_id, CompletionToken&& token) {
  return wait_for_run(c, std::move(run_id), wait_options{}, std::forward<CompletionToken>(token));
}

/// wait_for_run, writing the failure's diagnostics to `diag` before completing.
template <class CompletionToken = default_completion_token_t>
auto wait_for_run(client& c, std::string run_id, wait_options options, diagnostics& diag,
                  CompletionToken&& token = {}) {
  return detail::initiate<run>(
      c,
      [&](auto state) {
        return detail::wait_for_run_op(std::move(state), std::move(run_id), options);
      },
      &diag, std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/wait.ipp>
#endif
