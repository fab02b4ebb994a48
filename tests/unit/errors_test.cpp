// SPDX-License-Identifier: BSL-1.0
// Error codes and their categories, error_with_diagnostics and its what(), result<T>.
#include "support/pch.hpp"

namespace bp = betterprompt;

TEST_CASE("error codes have named categories, messages, and map API statuses", "[unit][errors]") {
  boost::system::error_code api = bp::error::rate_limited;
  CHECK(std::string(api.category().name()) == "betterprompt.api");
  CHECK(api.message().find("429") != std::string::npos);
  boost::system::error_code client = bp::error::timeout;
  CHECK(std::string(client.category().name()) == "betterprompt.client");
  CHECK(api != client);
  CHECK(bp::error::api_error_from_status("NOT_FOUND_ERROR") == bp::error::not_found);
  CHECK(bp::error::api_error_from_status("TOO_MANY_REQUESTS_ERROR") == bp::error::rate_limited);
  CHECK(bp::error::api_error_from_status("SOMETHING_NEW") == bp::error::unknown_api_error);
}

TEST_CASE("error_with_diagnostics says what happened, with status and request id",
          "[unit][errors]") {
  bp::diagnostics d;
  d.http_status = 404;
  d.api_status = "NOT_FOUND_ERROR";
  d.message = "Run not found";
  d.request_id = "req_7";
  bp::error_with_diagnostics e(bp::error::not_found, d);
  const std::string what = e.what();
  CHECK(what.find("Run not found") != std::string::npos);
  CHECK(what.find("HTTP 404 NOT_FOUND_ERROR") != std::string::npos);
  CHECK(what.find("req_7") != std::string::npos);
  CHECK(e.code() == bp::error::not_found);
}

TEST_CASE("result holds a value or an error, and value() throws the error", "[unit][errors]") {
  bp::result<int> ok(42);
  CHECK(ok.has_value());
  CHECK(*ok == 42);
  bp::diagnostics d;
  d.message = "nope";
  bp::result<int> failed(bp::error::gone, d);
  CHECK_FALSE(failed);
  CHECK(failed.error() == bp::error::gone);
  CHECK(failed.get_diagnostics().message == "nope");
  CHECK_THROWS_AS(failed.value(), bp::error_with_diagnostics);
  // A success may carry what answered.
  bp::diagnostics answered;
  answered.request_id = "req_1";
  bp::result<int> told(std::in_place, 7, answered);
  CHECK(told.has_value());
  CHECK(*told == 7);
  CHECK(told.get_diagnostics().request_id == "req_1");
}

TEST_CASE("what() escapes control characters and caps the server's text, diagnostics keep it",
          "[unit][errors]") {
  bp::diagnostics d;
  static constexpr char raw[] = "bad \x1B[31mred\r\nX-Forged: 1\0tail";
  d.message = std::string(raw, sizeof raw - 1);  // keeps the NUL inside, not the final one
  d.http_status = 500;
  d.request_id = "req\x1B";
  bp::error_with_diagnostics e(bp::error::server_error, d);
  const std::string what = e.what();
  CHECK(what.find("\\x1B[31mred\\x0D\\x0AX-Forged: 1\\x00tail") != std::string::npos);
  for (char c : what) CHECK((static_cast<unsigned char>(c) >= 0x20));
  CHECK(e.get_diagnostics().message == d.message);  // raw text kept

  bp::diagnostics huge;
  huge.message = std::string(100000, 'x');
  const std::string capped = bp::error_with_diagnostics(bp::error::server_error, huge).what();
  CHECK(capped.size() < bp::max_what_message + 128);
  CHECK(capped.find("more bytes") != std::string::npos);

  // The cut never splits a UTF-8 character.
  bp::diagnostics accents;
  for (int i = 0; i < 1000; ++i) accents.message += "\xC3\xA9";  // é
  const std::string cut = bp::error_with_diagnostics(bp::error::server_error, accents).what();
  const auto end = cut.find("...");
  REQUIRE(end != std::string::npos);
  CHECK(end % 2 == 0);
}

// The error enums' former names remain, deprecated, as aliases of the same types (CHANGELOG).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static_assert(std::is_same_v<betterprompt::error::api_errors, betterprompt::error::api_errc>);
static_assert(std::is_same_v<betterprompt::error::client_errors, betterprompt::error::client_errc>);
#pragma GCC diagnostic pop

#include <betterprompt/detail/api_error_table.hpp>

TEST_CASE("one table names each API error: its status, HTTP status, message and code name",
          "[unit][errors]") {
  for (const auto& row : bp::detail::api_error_table) {
    const boost::system::error_code ec = row.code;
    CAPTURE(row.name);
    CHECK(ec.category() == bp::error::get_api_category());
    CHECK(ec.message() == row.message);
    CHECK(bp::error::code_name(ec) == row.name);
    if (row.status.empty()) continue;  // unknown_api_error: whatever the API sent
    CHECK(bp::error::api_error_from_status(row.status) == row.code);
    CHECK(bp::detail::api_error_from_http(row.http_status) == row.code);
  }
  CHECK(bp::detail::api_error_from_http(502) == bp::error::server_error);
  CHECK(bp::detail::api_error_from_http(418) == bp::error::unknown_api_error);
  CHECK(bp::error::code_name(boost::system::error_code(99, bp::error::get_api_category())) ==
        "betterprompt.api:99");
}
