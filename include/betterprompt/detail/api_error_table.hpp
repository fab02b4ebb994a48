// SPDX-License-Identifier: BSL-1.0
// The API's errors, once: each code's name, envelope status, HTTP status and message. The error
// category, the envelope's mapping, code_name() and the emulator's answers all read this table.
#pragma once

#include <betterprompt/error.hpp>

#include <cstddef>
#include <string_view>

namespace betterprompt::detail {

/// One API error as the contract describes it.
struct api_error_row {
  error::api_errc code;
  std::string_view name;      ///< The enumerator, for records and logs (code_name()).
  std::string_view status;    ///< The envelope's `status`; empty for unknown_api_error.
  unsigned http_status;       ///< What the API answers it with; 0 for unknown_api_error.
  std::string_view message;   ///< The category's message.
};

/// In the enum's order, from its first value (1), so that a code finds its row by index.
inline constexpr api_error_row api_error_table[] = {
    {error::bad_request, "bad_request", "BAD_REQUEST_ERROR", 400,
     "the API rejected the request as malformed (400)"},
    {error::unauthorized, "unauthorized", "UNAUTHORIZED_ERROR", 401,
     "missing, invalid or revoked API key (401)"},
    {error::payment_required, "payment_required", "PAYMENT_REQUIRED_ERROR", 402,
     "not enough credits or no Pro plan (402)"},
    {error::not_found, "not_found", "NOT_FOUND_ERROR", 404, "resource not found (404)"},
    {error::gone, "gone", "GONE_ERROR", 410, "resource no longer available (410)"},
    {error::validation, "validation", "VALIDATION_ERROR", 422, "input failed validation (422)"},
    {error::rate_limited, "rate_limited", "TOO_MANY_REQUESTS_ERROR", 429,
     "rate limit exceeded (429)"},
    {error::server_error, "server_error", "SERVER_ERROR", 500,
     "the API reported an internal error (500)"},
    {error::gateway_timeout, "gateway_timeout", "GATEWAY_TIMEOUT_ERROR", 504,
     "the API gateway timed out (504)"},
    {error::unknown_api_error, "unknown_api_error", "", 0, "the API reported an unknown error"},
};

constexpr bool api_error_table_in_enum_order() {
  for (std::size_t i = 0; i < std::size(api_error_table); ++i)
    if (static_cast<std::size_t>(api_error_table[i].code) != i + 1) return false;
  return true;
}
static_assert(api_error_table_in_enum_order(), "one row per api_errc, in the enum's order");

/// The row of `code`, or null for a value outside the enum.
constexpr const api_error_row* api_error_of(int code) noexcept {
  if (code < 1 || code > static_cast<int>(std::size(api_error_table))) return nullptr;
  return &api_error_table[code - 1];
}

/// The code of an envelope `status`: unknown_api_error when the table does not name it.
constexpr error::api_errc api_error_from_status_text(std::string_view status) noexcept {
  for (const auto& row : api_error_table)
    if (!row.status.empty() && row.status == status) return row.code;
  return error::unknown_api_error;
}

/// The code of an HTTP status alone (a body that is not an envelope): the table's, else
/// server_error for any other 5xx and unknown_api_error for the rest.
constexpr error::api_errc api_error_from_http(unsigned http_status) noexcept {
  for (const auto& row : api_error_table)
    if (row.http_status == http_status) return row.code;
  return http_status >= 500 ? error::server_error : error::unknown_api_error;
}

}  // namespace betterprompt::detail
