// SPDX-License-Identifier: BSL-1.0
// HTTP helpers of the emulator: envelopes, UUIDs, percent-decoding, query parameters.
#pragma once

#include <betterprompt/detail/api_error_table.hpp>
#include <betterprompt/detail/uuid.hpp>
#include <betterprompt/detail/transport/url.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace betterprompt::testing::detail {

/// What the server writes for one request.
struct emulated_response {
  unsigned status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};  ///< Wait this long before writing.
  std::string content_type = "application/json";
  int retry_after_seconds = -1;       ///< Retry-After header when >= 0.
  bool reset = false;                 ///< Reset the connection instead of writing.
  bool close = false;                 ///< Close the connection after writing.
  bool close_silently = false;        ///< Close it after writing, the answer saying keep-alive.
  std::size_t close_after_bytes = 0;  ///< When > 0: write only this much, then close.
  std::size_t drip_bytes = 0;         ///< When > 0: write this much per drip_interval.
  std::chrono::milliseconds drip_interval{0};
  std::size_t stall_body_bytes = 0;    ///< With stall: body bytes written before stalling.
  std::chrono::milliseconds stall{0};  ///< When > 0: stall this long mid-body, then close.
  std::string interim{};               ///< Raw bytes written before the response (a 1xx).
  std::string trailing{};              ///< Raw bytes written right after the response.
  bool update_resources = false;       ///< Send `action-require: update-resources` (stale hash).
};

inline emulated_response envelope_success(boost::json::value data) {
  return {200, boost::json::serialize(boost::json::object{{"status", "SUCCESS"}, {"data", data}})};
}

inline emulated_response envelope_error(unsigned http_status, std::string_view code,
                                        std::string_view message,
                                        boost::json::value data = nullptr) {
  return {http_status, boost::json::serialize(boost::json::object{
                           {"status", code}, {"message", message}, {"data", data}})};
}

/// The API's answer for `code`: its HTTP status and envelope status from the one table.
inline emulated_response envelope_error(betterprompt::error::api_errc code, std::string_view message,
                                        boost::json::value data = nullptr) {
  const auto& row = *betterprompt::detail::api_error_of(code);
  return envelope_error(row.http_status, row.status, message, std::move(data));
}

inline emulated_response validation_error(std::string message, std::string_view field) {
  return envelope_error(betterprompt::error::validation, message, {{"field", field}});
}

using betterprompt::detail::is_uuid;

inline std::optional<std::string> percent_decode(std::string_view s) {
  return betterprompt::detail::percent_decoded(s);
}

inline std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

inline bool is_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '/' || c == '=';
  });
}

/// Parses a whole decimal integer; nullopt for anything else.
inline std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace betterprompt::testing::detail
