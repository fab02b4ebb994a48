// SPDX-License-Identifier: BSL-1.0
// How wait_for_run polls and how long it waits.
#pragma once

#include <chrono>
#include <functional>

namespace betterprompt {

struct run;

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
  /// Called after each poll that read the run, with the run as it is now and the delay before
  /// the next poll (zero when the run finished, or when the wait ends on its deadline): what a
  /// progress display needs. Not called for a failed poll. Called on the client's executor,
  /// inside the wait (keep it short); an exception it throws is swallowed. Default: none.
  std::function<void(const run&, std::chrono::milliseconds next_poll_in)> on_poll{};
};

}  // namespace betterprompt
