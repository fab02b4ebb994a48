// SPDX-License-Identifier: BSL-1.0
// System-clock times as ISO 8601 UTC text with milliseconds ("2026-12-05T12:00:00.123Z"), and
// back: how the API names times (run::created_at) and how create records and the batch's output
// name theirs.
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

}  // namespace betterprompt
