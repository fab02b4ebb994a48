// SPDX-License-Identifier: BSL-1.0
// System-clock times as ISO 8601 UTC text with milliseconds ("2026-12-05T12:00:00.123Z"), and
// back: how the API names times (run::created_at) and how create records and the batch's output
// name theirs. And HTTP dates (IMF-fixdate), as a server's Date header gives its clock.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace betterprompt {

/// `when` as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, milliseconds).
inline std::string to_iso8601(std::chrono::system_clock::time_point when) {
  const auto millis =
      std::chrono::floor<std::chrono::milliseconds>(when).time_since_epoch().count();
  const std::time_t seconds =
      static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const int n =
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                    utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                    static_cast<int>(((millis % 1000) + 1000) % 1000));
  return std::string(text, static_cast<std::size_t>(n > 0 ? n : 0));
}

/// Reads "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (UTC only, as the API sends; digits of the fraction past
/// milliseconds are dropped); nullopt for anything else, an impossible date included.
inline std::optional<std::chrono::system_clock::time_point> from_iso8601(std::string_view text) {
  // Digits and separators where the format puts them: no sign, no space, nothing sscanf allows.
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char c = text[i];
    if (shape[i] == 'd' ? (c < '0' || c > '9') : c != shape[i]) return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t digits) {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  using namespace std::chrono;
  const year_month_day date{year(number(0, 4)), month(static_cast<unsigned>(number(5, 2))),
                            day(static_cast<unsigned>(number(8, 2)))};
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::string_view rest = text.substr(shape.size());
  long long millis = 0;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits++ < 3) millis = millis * 10 + (rest.front() - '0');
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (rest != "Z") return std::nullopt;
  return time_point_cast<system_clock::duration>(sys_days(date) + hours(hour) + minutes(minute) +
                                                 seconds(second) + milliseconds(millis));
}

/// How finely an ISO 8601 time such as from_iso8601 reads is stamped: 1 s with no fraction,
/// 100 ms, 10 ms, or 1 ms for three digits or more. A server that cuts createdAt to whole seconds
/// made the run up to a second after (or, rounding, before) what it says.
inline std::chrono::milliseconds iso8601_precision(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::chrono::seconds(1);
  std::size_t digits = 0;
  while (dot + 1 + digits < text.size() && text[dot + 1 + digits] >= '0' &&
         text[dot + 1 + digits] <= '9')
    ++digits;
  if (digits == 0) return std::chrono::seconds(1);
  return std::chrono::milliseconds(digits == 1 ? 100 : digits == 2 ? 10 : 1);
}

namespace detail {
inline constexpr const char* http_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr const char* http_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace detail

/// `when` as an HTTP date (IMF-fixdate, RFC 9110), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
inline std::string to_http_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(when));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Not strftime: %a and %b follow the program's locale, and HTTP wants English names.
  char text[64];
  const int n = std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                              detail::http_days[utc.tm_wday], utc.tm_mday,
                              detail::http_months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour,
                              utc.tm_min, utc.tm_sec);
  return std::string(text, static_cast<std::size_t>(n > 0 ? n : 0));
}

/// Reads an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the only form RFC 9110 lets a server
/// send; nullopt for anything else (the obsolete forms included), an impossible date included.
/// The day name is checked for its shape, not against the date.
inline std::optional<std::chrono::system_clock::time_point> from_http_date(std::string_view text) {
  static constexpr std::string_view shape = "aaa, dd aaa dddd dd:dd:dd GMT";
  if (text.size() != shape.size()) return std::nullopt;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char c = text[i];
    const bool ok = shape[i] == 'd'   ? (c >= '0' && c <= '9')
                    : shape[i] == 'a' ? ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                                      : c == shape[i];
    if (!ok) return std::nullopt;
  }
  unsigned month = 0;
  for (unsigned m = 0; m < 12; ++m)
    if (text.substr(8, 3) == detail::http_months[m]) month = m + 1;
  auto number = [&](std::size_t at, std::size_t digits) {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  using namespace std::chrono;
  const year_month_day date{year(number(12, 4)), std::chrono::month(month),
                            day(static_cast<unsigned>(number(5, 2)))};
  const int hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
  if (month == 0 || !date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return time_point_cast<system_clock::duration>(sys_days(date) + hours(hour) + minutes(minute) +
                                                 seconds(second));
}

}  // namespace betterprompt
