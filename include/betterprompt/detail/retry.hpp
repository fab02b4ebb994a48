// The arithmetic of retrying: which answers are retried, how long to wait, Retry-After.
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

/// Retry-After in seconds: delta-seconds, or an HTTP date (IMF-fixdate) counted from now.
/// -1 when absent or unreadable.
inline int parse_retry_after(std::string_view value) {
  int seconds = -1;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) return seconds < 0 ? -1 : seconds;
  std::tm when{};
  const std::string text(value);
  const char* parsed = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &when);
  if (!parsed || *parsed != '\0') return -1;
  const auto delta = ::timegm(&when) - std::time(nullptr);
  return static_cast<int>(std::clamp<std::time_t>(delta, 0, 24 * 3600));
}

inline bool is_retryable_status(unsigned status, boost::beast::http::verb method) {
  if (method != boost::beast::http::verb::get) return false;  // a POST may have been processed
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

/// The delay before retry number `retry` (0-based): full jitter under an exponential bound, and
/// at least the server's Retry-After when the policy honours it.
inline std::chrono::milliseconds backoff_delay(const retry_policy& policy, int retry,
                                               int retry_after_seconds) {
  double bound = static_cast<double>(policy.initial_backoff.count());
  for (int i = 0; i < retry; ++i) bound *= policy.multiplier;
  bound = std::min(bound, static_cast<double>(policy.max_backoff.count()));
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.0, std::max(bound, 0.0));
  auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(jitter(rng)));
  if (policy.honor_retry_after && retry_after_seconds > 0)
    delay = std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(retry_after_seconds));
  return delay;
}

}  // namespace betterprompt::detail
