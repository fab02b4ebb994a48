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

#include <betterprompt/detail/base64.hpp>

TEST_CASE("base64 encodes with padding", "[unit]") {
  CHECK(bp::detail::base64_encode("") == "");
  CHECK(bp::detail::base64_encode("f") == "Zg==");
  CHECK(bp::detail::base64_encode("fo") == "Zm8=");
  CHECK(bp::detail::base64_encode("foo") == "Zm9v");
  CHECK(bp::detail::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(bp::detail::base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("an emulator seed parses prompts, runs, keys and credits, and names its errors",
          "[unit][emulator]") {
  auto seed = bp::testing::parse_emulator_seed(R"({
    "apiKeys": ["k1", "k2"], "credits": 42,
    "prompts": [{"promptId": "01234567-89ab-cdef-0123-456789abcdef",
                 "promptVersionId": "a1b2c3d4-5678-90ab-cdef-1234567890ab", "title": "Seeded",
                 "config": {"textInputs": [{"name": "q", "required": true}], "imageCount": 0},
                 "outputTemplate": "Answer to {q}", "runDurationMs": 1500, "retired": false,
                 "runOptions": ["temperature", "maxTokens"], "creditEstimate": 3}],
    "runs": [{"promptVersionId": "a1b2c3d4-5678-90ab-cdef-1234567890ab",
              "inputs": {"textInputs": {"q": "life"}}}]})");
  CHECK(seed.api_keys == std::vector<std::string>{"k1", "k2"});
  CHECK(seed.credits == 42);
  REQUIRE(seed.prompts.size() == 1);
  CHECK(seed.prompts[0].version.inputs.text_inputs.at(0).name == "q");
  CHECK(seed.prompts[0].run_duration == std::chrono::milliseconds(1500));
  CHECK(seed.prompts[0].run_options.size() == 2);
  CHECK(seed.prompts[0].credit_estimate == 3);
  REQUIRE(seed.runs.size() == 1);
  CHECK(seed.runs[0].text_inputs.at("q") == "life");
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed("{"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed(R"({"prompts": [{"title": "x"}]})"),
                    Catch::Contains("promptId"));
}

#include <betterprompt/detail/retry.hpp>

TEST_CASE("Retry-After parses delta-seconds and HTTP dates", "[unit][retry]") {
  using bp::detail::parse_retry_after;
  CHECK(parse_retry_after("7") == 7);
  CHECK(parse_retry_after("") == -1);
  CHECK(parse_retry_after("-3") == -1);
  CHECK(parse_retry_after("soon") == -1);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT") == 0);  // in the past: no wait
  char future[64];
  const std::time_t in_a_minute = std::time(nullptr) + 60;
  std::tm utc{};
  gmtime_r(&in_a_minute, &utc);
  std::strftime(future, sizeof future, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  const int seconds = parse_retry_after(future);
  CHECK(seconds >= 58);
  CHECK(seconds <= 60);
}

TEST_CASE("backoff is full jitter under an exponential, capped bound, at least Retry-After",
          "[unit][retry]") {
  bp::retry_policy policy;  // 500 ms, x2, 8 s
  for (int i = 0; i < 200; ++i) {
    CHECK(bp::detail::backoff_delay(policy, 0, -1) <= std::chrono::milliseconds(500));
    CHECK(bp::detail::backoff_delay(policy, 2, -1) <= std::chrono::milliseconds(2000));
    CHECK(bp::detail::backoff_delay(policy, 10, -1) <= std::chrono::milliseconds(8000));
    CHECK(bp::detail::backoff_delay(policy, 0, 3) >= std::chrono::seconds(3));
  }
  policy.honor_retry_after = false;
  CHECK(bp::detail::backoff_delay(policy, 0, 30) <= std::chrono::milliseconds(500));
}

TEST_CASE("only GETs are retried on retryable statuses", "[unit][retry]") {
  using boost::beast::http::verb;
  for (unsigned status : {408u, 429u, 500u, 502u, 503u, 504u}) {
    CHECK(bp::detail::is_retryable_status(status, verb::get));
    CHECK_FALSE(bp::detail::is_retryable_status(status, verb::post));
  }
  for (unsigned status : {200u, 400u, 401u, 404u, 422u}) {
    CHECK_FALSE(bp::detail::is_retryable_status(status, verb::get));
  }
}
