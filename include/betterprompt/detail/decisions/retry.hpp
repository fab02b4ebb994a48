// SPDX-License-Identifier: BSL-1.0
// The retry decision, free of I/O and of the clock: what an attempt ended in goes in, whether to
// try again (and after how long) comes out. The transport feeds it; unit tests drive it as a table.
#pragma once

#include <betterprompt/client_options.hpp>

#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <random>
#include <string>
#include <string_view>

namespace betterprompt::detail {

/// Retry-After in seconds: delta-seconds, or an HTTP date (IMF-fixdate) counted from `now`
/// (capped at 24 h). -1 when absent, negative, unreadable or too large for an int: such a header
/// is ignored and the usual backoff applies.
inline int parse_retry_after(std::string_view value, std::time_t now = std::time(nullptr)) {
  if (value.empty()) return -1;  // the common case: no header, and strptime is not cheap
  int seconds = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (end == value.data() + value.size() && ec == std::errc()) return seconds < 0 ? -1 : seconds;
  if (ec == std::errc::result_out_of_range) return -1;
  std::tm when{};
  const std::string text(value);
  const char* parsed = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &when);
  if (!parsed || *parsed != '\0') return -1;
  const auto delta = ::timegm(&when) - now;
  return static_cast<int>(std::clamp<std::time_t>(delta, 0, 24 * 3600));
}

/// Statuses worth another attempt. A POST (a run create) only on 429: the API refused it before
/// doing anything, so resending cannot bill a second run; any other answer may follow processing.
inline bool is_retryable_status(unsigned status, boost::beast::http::verb method) {
  if (method != boost::beast::http::verb::get) return status == 429;
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

/// What one attempt ended in, as the retry decision sees it.
struct attempt_outcome {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  /// The answer's HTTP status; 0 when the attempt failed without a complete answer.
  unsigned http_status = 0;
  /// The answer's Retry-After in seconds; -1 when absent or ignored.
  int retry_after_seconds = -1;
  /// No answer, and no request byte can have reached the server (resolve or connect failure).
  bool failed_before_sending = false;
  /// No answer: the connection broke after the request was written (only a GET may be resent).
  bool connection_broke = false;
  /// No answer: a kept-alive connection from the idle list turned out closed by the server before
  /// any response byte (a race every keep-alive client meets; not a failure of the server).
  bool stale_connection = false;
  /// How many stale-connection resends this call has made already.
  int stale_resends = 0;
};

/// What kind of new attempt a retry is: counted against retry_policy::max_retries, or the one
/// immediate resend of a GET whose idle connection was stale (counted apart, at most one per call).
enum class retry_kind { retry, stale_resend };

/// Why the transport stops retrying.
enum class retry_verdict {
  retry,                      ///< Try again after retry_step::delay.
  final_answer,               ///< Hand the answer (or failure) to the caller as it is.
  retry_after_too_long,       ///< The server asked to wait longer than max_retry_after.
  retry_after_past_deadline,  ///< The server asked to wait past the call's total deadline.
};

/// The decision after an attempt.
struct retry_step {
  retry_verdict verdict = retry_verdict::final_answer;
  std::chrono::milliseconds delay{0};   ///< With retry: the pause before the next attempt.
  retry_kind kind = retry_kind::retry;  ///< With retry: which budget the attempt is counted in.
};

/// At most this many stale-connection resends per call.
inline constexpr int max_stale_resends = 1;

/// What remains until `deadline` (milliseconds::max() for time_point::max(), "no deadline").
inline std::chrono::milliseconds time_left_until(std::chrono::steady_clock::time_point deadline,
                                                 std::chrono::steady_clock::time_point now) {
  if (deadline == std::chrono::steady_clock::time_point::max())
    return std::chrono::milliseconds::max();
  if (deadline <= now) return std::chrono::milliseconds::zero();
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
}

/// What a Retry-After of `seconds` asks for under `policy`: the wait (zero when absent or not
/// honoured) and whether it may be waited out — not longer than max_retry_after, nor than
/// `time_left`. The one rule for retries, polls and the client's pause after a 429.
struct retry_after_ask {
  std::chrono::milliseconds wait{0};
  retry_verdict verdict = retry_verdict::retry;  ///< retry: may be waited out.
};

inline retry_after_ask ask_of_retry_after(const retry_policy& policy, int seconds,
                                          std::chrono::milliseconds time_left) {
  if (!policy.honor_retry_after || seconds <= 0) return {};
  const std::chrono::milliseconds wait = std::chrono::seconds(seconds);
  if (wait > policy.max_retry_after) return {wait, retry_verdict::retry_after_too_long};
  if (wait > time_left) return {wait, retry_verdict::retry_after_past_deadline};
  return {wait, retry_verdict::retry};
}

/// A uniform draw in [0, 1] for plan_retry's jitter, from a per-thread generator. Not inlined:
/// a coroutine that resumes on another thread must not reuse the thread-local's old address.
[[gnu::noinline]] inline double random_jitter() {
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

/// Decides what follows attempt number `retry` (0-based). `time_left` is what remains of the
/// call's total timeout (milliseconds::max() when it has none). `jitter` in [0, 1] picks the
/// delay under the exponential bound (full jitter); the caller draws it.
inline retry_step plan_retry(const retry_policy& policy, int retry, const attempt_outcome& outcome,
                             std::chrono::milliseconds time_left, double jitter) {
  using std::chrono::milliseconds;
  // A GET on a connection the server had already closed never reached it: resend it at once, on
  // a fresh connection, without spending a retry. A POST is never resent: it may have been read.
  if (outcome.http_status == 0 && outcome.stale_connection &&
      outcome.method == boost::beast::http::verb::get && outcome.stale_resends < max_stale_resends)
    return {retry_verdict::retry, milliseconds(0), retry_kind::stale_resend};
  const bool retryable =
      outcome.http_status != 0
          ? is_retryable_status(outcome.http_status, outcome.method)
          : outcome.failed_before_sending ||
                (outcome.connection_broke && outcome.method == boost::beast::http::verb::get);
  if (!retryable || retry >= policy.max_retries) return {};
  const retry_after_ask asked = ask_of_retry_after(policy, outcome.retry_after_seconds, time_left);
  if (asked.verdict != retry_verdict::retry) return {asked.verdict};
  double bound = static_cast<double>(policy.initial_backoff.count());
  for (int i = 0; i < retry; ++i) bound *= policy.multiplier;
  // NaN (a NaN multiplier) and negative bounds mean no pause; the cap also tames infinity.
  bound = bound > 0 ? std::min(bound, static_cast<double>(policy.max_backoff.count())) : 0.0;
  auto delay =
      milliseconds(static_cast<std::int64_t>((jitter >= 0 && jitter <= 1 ? jitter : 1.0) * bound));
  delay = std::max(delay, asked.wait);
  return {retry_verdict::retry, delay};
}

}  // namespace betterprompt::detail
