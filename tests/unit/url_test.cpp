// SPDX-License-Identifier: BSL-1.0
// Base URLs: parsing, what is refused, the environment default; percent-encoding and trimming.
#include "support/pch.hpp"

#include <betterprompt/detail/transport/url.hpp>

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
  // Escapes first, last and next to each other, and nothing at all.
  CHECK(bp::detail::percent_encode("/a//") == "%2Fa%2F%2F");
  CHECK(bp::detail::percent_encode("%%") == "%25%25");
  CHECK(bp::detail::percent_encode("").empty());
}

TEST_CASE("trimming drops leading and trailing ASCII whitespace only", "[unit][url]") {
  CHECK(bp::detail::trimmed(" \t haiku writer\r\n") == "haiku writer");
  CHECK(bp::detail::trimmed("haiku") == "haiku");
  CHECK(bp::detail::trimmed(" \f\v ").empty());
  CHECK(bp::detail::trimmed("").empty());
}

TEST_CASE("base URLs with control characters, spaces or non-ASCII bytes are refused",
          "[unit][url]") {
  for (const char* bad : {"https://api.example\r\nX-Injected: 1/v1", "https://api.example/v1\r\n",
                          "https://a b/v1", "https://api.example/v 1", "https://api.example/v1\t",
                          "https://\xC3\xA9xample.com/v1", "https://api.example/\x7F"}) {
    INFO(bp::detail::redacted_url(bad));
    try {
      bp::detail::parse_base_url(bad);
      FAIL("accepted");
    } catch (const bp::error_with_diagnostics& e) {
      CHECK(e.code() == bp::error::invalid_argument);
      for (char c : std::string(e.what())) CHECK((static_cast<unsigned char>(c) >= 0x20));
    }
  }
}

TEST_CASE("user information in a base URL is refused without being echoed", "[unit][url]") {
  try {
    bp::detail::parse_base_url("https://alice:s3cr3t-pass@api.example/v1");
    FAIL("accepted");
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == bp::error::invalid_argument);
    const std::string what = e.what();
    CHECK(what.find("s3cr3t") == std::string::npos);
    CHECK(what.find("alice") == std::string::npos);
    CHECK(what.find("***@api.example") != std::string::npos);
  }
}

TEST_CASE("schemes are case-insensitive, loopback hosts are recognised", "[unit][url]") {
  CHECK(bp::detail::parse_base_url("HTTPS://api.example/v1").tls);
  CHECK_FALSE(bp::detail::parse_base_url("HtTp://127.0.0.1:8080/v1").tls);
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1"})
    CHECK(bp::detail::is_loopback_host(host));
  for (const char* host :
       {"example.com", "127.0.0.1.evil.com", "128.0.0.1", "localhost.com", "10.0.0.1", "::2"})
    CHECK_FALSE(bp::detail::is_loopback_host(host));
}

TEST_CASE("http:// is refused for hosts that are not loopback, unless allowed", "[unit][url]") {
  boost::asio::io_context ioc;
  bp::client_options opts;
  opts.api_key = "k";
  opts.base_url = "http://api.example/v1";
  CHECK_THROWS_AS(bp::client(ioc, opts), bp::error_with_diagnostics);
  opts.base_url = "HTTP://127.0.0.1:9/v1";
  CHECK_NOTHROW(bp::client(ioc, opts));
  opts.base_url = "http://localhost:9/v1";
  CHECK_NOTHROW(bp::client(ioc, opts));
  opts.base_url = "http://api.example/v1";
  opts.allow_insecure_http = true;
  CHECK_NOTHROW(bp::client(ioc, opts));
}

TEST_CASE("BETTERPROMPT_BASE_URL sets the default base URL, empty or unset keeps the API's",
          "[unit][url]") {
  const char* saved = std::getenv("BETTERPROMPT_BASE_URL");
  const std::string restore = saved ? saved : "";
  ::setenv("BETTERPROMPT_BASE_URL", "http://127.0.0.1:8080/v1", 1);
  CHECK(bp::client_options{}.base_url == "http://127.0.0.1:8080/v1");
  ::setenv("BETTERPROMPT_BASE_URL", "", 1);
  CHECK(bp::client_options{}.base_url == "https://api.betterprompt.me/v1");
  ::unsetenv("BETTERPROMPT_BASE_URL");
  CHECK(bp::client_options{}.base_url == "https://api.betterprompt.me/v1");
  if (saved) ::setenv("BETTERPROMPT_BASE_URL", restore.c_str(), 1);
}
