// SPDX-License-Identifier: BSL-1.0
// wait_for_run's decision after each poll, free of I/O and of the clock: what the poll found goes
// in, whether to return, fail or sleep (and for how long) comes out.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/decisions/retry.hpp>
#include <betterprompt/error.hpp>

#include <algorithm>
#include <chrono>

namespace betterprompt::detail {

/// How wait_for_run polls (the decision's share of wait_options).
struct poll_schedule {
  std::chrono::milliseconds poll_interval{std::chrono::seconds(1)};
  double poll_multiplier = 1.5;
  std::chrono::milliseconds max_poll_interval{std::chrono::seconds(10)};
};

/// What one poll found.
enum class poll_result {
  finished,      ///< The run succeeded or failed.
  pending,       ///< Still queued or running.
  rate_limited,  ///< 429 (after the transport's own retries).
  transient,     ///< A failure the next poll may not meet: a timeout, a broken or refused
                 ///< connection, a 5xx, a 408 (after the transport's own retries).
  failed,        ///< A failure the next poll would meet again (TLS, a bad or oversized answer,
                 ///< any other 4xx): the wait ends.
};

/// What wait_for_run does next.
enum class poll_action {
  done,   ///< Hand back the finished run.
  fail,   ///< Hand back the poll's error.
  sleep,  ///< Poll again after poll_step::delay.
};

struct poll_step {
  poll_action action = poll_action::fail;
  std::chrono::milliseconds delay{0};          ///< With sleep: the pause before the next poll.
  std::chrono::milliseconds next_interval{0};  ///< The interval after that one.
};

/// The delay after `current`: grown by the multiplier, capped by max_poll_interval.
inline std::chrono::milliseconds next_poll_interval(const poll_schedule& schedule,
                                                    std::chrono::milliseconds current) {
  const double grown =
      static_cast<double>(current.count()) * std::max(1.0, schedule.poll_multiplier);
  const double cap =
      static_cast<double>(std::max(schedule.max_poll_interval, schedule.poll_interval).count());
  // !(grown < cap) also catches NaN and infinity from a hostile multiplier.
  return std::chrono::milliseconds(static_cast<long long>(grown < cap ? grown : cap));
}

/// Decides what follows a poll. `interval` is the delay due now; `retry_after_seconds` is the
/// answer's Retry-After (-1: none); `time_left` is what remains of the wait's timeout
/// (milliseconds::max() when it has none). A 429 slows the polling down to its Retry-After, but
/// one asking for longer than the policy's max_retry_after, or than the wait has left, ends it.
/// A transient failure is polled past: the next poll comes after the usual delay (or a longer
/// Retry-After the policy honours), and only the wait's own deadline ends the wait.
inline poll_step plan_poll(const poll_schedule& schedule, const retry_policy& policy,
                           std::chrono::milliseconds interval, poll_result result,
                           int retry_after_seconds, std::chrono::milliseconds time_left) {
  switch (result) {
    case poll_result::finished:
      return {poll_action::done};
    case poll_result::failed:
      return {poll_action::fail};
    case poll_result::pending:
      return {poll_action::sleep, interval, next_poll_interval(schedule, interval)};
    case poll_result::transient: {
      const retry_after_ask asked = ask_of_retry_after(policy, retry_after_seconds, time_left);
      const auto delay =
          asked.verdict == retry_verdict::retry ? std::max(interval, asked.wait) : interval;
      return {poll_action::sleep, delay, next_poll_interval(schedule, interval)};
    }
    case poll_result::rate_limited:
      break;
  }
  const retry_after_ask asked = ask_of_retry_after(policy, retry_after_seconds, time_left);
  if (asked.verdict != retry_verdict::retry) return {poll_action::fail};
  return {poll_action::sleep, std::max(interval, asked.wait),
          next_poll_interval(schedule, interval)};
}

/// What a failed poll found, from its error and the status of the answer it failed on (0 when
/// none): transient for a timeout of the call (not of the wait), a broken, closed or refused
/// connection, and the answers of a server that is overloaded or restarting (5xx, 408);
/// rate_limited for a 429; failed for what the next poll would meet again (TLS, a bad or
/// oversized answer, any other 4xx, a refused argument).
inline poll_result poll_failure(const boost::system::error_code& ec, unsigned answer_status) {
  if (ec == error::rate_limited) return poll_result::rate_limited;
  if (ec == error::timeout || ec == error::connection_closed || ec == error::connection_failed)
    return poll_result::transient;
  if (ec.category() == error::get_api_category() &&
      (answer_status == 408 || (answer_status >= 500 && answer_status < 600)))
    return poll_result::transient;
  return poll_result::failed;
}

}  // namespace betterprompt::detail
