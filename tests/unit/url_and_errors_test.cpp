// Pure logic: base URL parsing, percent-encoding, error codes and result<T>.
#include "support/pch.hpp"

#include <betterprompt/detail/url.hpp>

namespace bp = betterprompt;

TEST_CASE("base URLs parse into scheme, host, port and prefix", "[unit][url]") {
  auto a = bp::detail::parse_base_url("https://api.betterprompt.me/v1");
  CHECK(a.tls);
  CHECK(a.host == "api.betterprompt.me");
  CHECK(a.port == "443");
  CHECK(a.path_prefix == "/v1");
  CHECK(a.host_header == "api.betterprompt.me");

  auto b = bp::detail::parse_base_url("http://127.0.0.1:8080/");
  CHECK_FALSE(b.tls);
  CHECK(b.port == "8080");
  CHECK(b.path_prefix.empty());
  CHECK(b.host_header == "127.0.0.1:8080");

  auto c = bp::detail::parse_base_url("https://[::1]:9443/api/v1//");
  CHECK(c.host == "::1");
  CHECK(c.port == "9443");
  CHECK(c.path_prefix == "/api/v1");
  CHECK(c.host_header == "[::1]:9443");

  for (const char* bad : {"api.betterprompt.me", "https://", "https://:80", "http://h:x",
                          "https://h:70000", "https://[::1", "https://h/v1?x=1"}) {
    CHECK_THROWS_AS(bp::detail::parse_base_url(bad), bp::error_with_diagnostics);
  }
}

TEST_CASE("percent-encoding keeps unreserved characters and escapes the rest", "[unit][url]") {
  CHECK(bp::detail::percent_encode("a1b2-C3_d.e~") == "a1b2-C3_d.e~");
  CHECK(bp::detail::percent_encode("../x?y=1&z#") == "..%2Fx%3Fy%3D1%26z%23");
  CHECK(bp::detail::percent_encode("a b\xC3\xA9") == "a%20b%C3%A9");
}

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
}
