// SPDX-License-Identifier: BSL-1.0
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

#include <betterprompt/detail/base64.hpp>

TEST_CASE("base64 encodes with padding", "[unit]") {
  CHECK(bp::detail::base64_encode("") == "");
  CHECK(bp::detail::base64_encode("f") == "Zg==");
  CHECK(bp::detail::base64_encode("fo") == "Zm8=");
  CHECK(bp::detail::base64_encode("foo") == "Zm9v");
  CHECK(bp::detail::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(bp::detail::base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE(
    "an emulator seed parses models, prompts, skills, runs, keys and credits, and names its "
    "errors",
    "[unit][emulator]") {
  auto seed = bp::testing::parse_emulator_seed(R"({
    "apiKeys": ["k1", "k2"], "credits": 42,
    "models": [{"model": "tiny", "modality": "text",
                "availableRunOptions": [{"key": "temperature", "options": ["0", "1"]}]}],
    "skills": [{"name": "answerer", "skillId": "5b0e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70",
                "promptId": "01234567-89ab-cdef-0123-456789abcdef", "author": null}],
    "prompts": [{"promptId": "01234567-89ab-cdef-0123-456789abcdef",
                 "promptVersionId": "a1b2c3d4-5678-90ab-cdef-1234567890ab", "title": "Seeded",
                 "config": {"textInputs": [{"name": "q", "required": true}], "imageCount": 0},
                 "outputTemplate": "Answer to {q}", "runDurationMs": 1500, "retired": false,
                 "model": "tiny", "creditEstimate": 3}],
    "runs": [{"promptVersionId": "a1b2c3d4-5678-90ab-cdef-1234567890ab",
              "inputs": {"textInputs": {"q": "life"}}}]})");
  CHECK(seed.api_keys == std::vector<std::string>{"k1", "k2"});
  CHECK(seed.credits == 42);
  REQUIRE(seed.prompts.size() == 1);
  CHECK(seed.prompts[0].version.inputs.text_inputs.at(0).name == "q");
  CHECK(seed.prompts[0].run_duration == std::chrono::milliseconds(1500));
  CHECK(seed.prompts[0].model == "tiny");
  REQUIRE(seed.models.size() == 1);
  CHECK(seed.models[0].available_run_options.at(0).key == "temperature");
  REQUIRE(seed.skills.size() == 1);
  CHECK(seed.skills[0].name == "answerer");
  CHECK_FALSE(seed.skills[0].author.has_value());
  CHECK(seed.prompts[0].credit_estimate == 3);
  REQUIRE(seed.runs.size() == 1);
  CHECK(seed.runs[0].text_inputs.at("q") == "life");
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed("{"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed(R"({"prompts": [{"title": "x"}]})"),
                    Catch::Contains("promptId"));
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed(R"({"prompts": [{"promptId": "p",
      "promptVersionId": "v", "runOptions": ["temperature"]}]})"),
                    Catch::Contains("catalogue 'model'"));
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

TEST_CASE("timestamps read and write ISO 8601 UTC with milliseconds", "[unit][time]") {
  using std::chrono::milliseconds;
  const std::chrono::system_clock::time_point when{milliseconds(1764936000123)};
  CHECK(bp::to_iso8601(when) == "2025-12-05T12:00:00.123Z");
  CHECK(bp::from_iso8601("2025-12-05T12:00:00.123Z") == when);
  CHECK(bp::from_iso8601("2025-12-05T12:00:00.1234567Z") == when);  // past milliseconds: dropped
  CHECK(bp::from_iso8601("2025-12-05T12:00:00Z") == when - milliseconds(123));
  CHECK(bp::from_iso8601("2025-12-05T12:00:00.5Z") == when + milliseconds(377));
  CHECK(bp::to_iso8601(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  for (const char* bad :
       {"", "2025-12-05", "2025-12-05T12:00:00", "2025-12-05T12:00:00+01:00",
        "2025-13-05T12:00:00Z", "2025-12-05T12:00:00.Z", "yesterday", "2025-12-05T12:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(bp::from_iso8601(bad));
  }
}

TEST_CASE("HTTP dates read and write IMF-fixdate, and nothing else", "[unit][time]") {
  using std::chrono::milliseconds;
  const std::chrono::system_clock::time_point when{milliseconds(1764936000123)};
  CHECK(bp::to_http_date(when) == "Fri, 05 Dec 2025 12:00:00 GMT");  // the fraction is cut
  CHECK(bp::from_http_date("Fri, 05 Dec 2025 12:00:00 GMT") == when - milliseconds(123));
  CHECK(bp::from_http_date("Sun, 06 Nov 1994 08:49:37 GMT") ==
        std::chrono::system_clock::time_point{std::chrono::seconds(784111777)});
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Sun, 06 Nox 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 6 Nov 1994 08:49:37 GMT"}) {
    INFO(bad);
    CHECK_FALSE(bp::from_http_date(bad));
  }
}

TEST_CASE("timestamps refuse signs, spaces and impossible dates", "[unit][time]") {
  for (const char* bad : {"+025-12-05T12:00:00Z", " 2025-12-05T12:00:00Z", "2025-02-30T12:00:00Z",
                          "2025-12-05T24:00:00Z", "2025-12-05T12:60:00Z", "2025-00-05T12:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(bp::from_iso8601(bad));
  }
  CHECK(bp::from_iso8601("2024-02-29T00:00:00Z"));  // a leap day
}

// The error enums' former names remain, deprecated, as aliases of the same types (CHANGELOG).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static_assert(std::is_same_v<betterprompt::error::api_errors, betterprompt::error::api_errc>);
static_assert(std::is_same_v<betterprompt::error::client_errors, betterprompt::error::client_errc>);
#pragma GCC diagnostic pop
