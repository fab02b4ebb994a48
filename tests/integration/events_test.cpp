// SPDX-License-Identifier: BSL-1.0
// The event hook: what each call reports (calls, retries, waits, connections), that the API key
// never appears, the stream logger and BETTERPROMPT_LOG.
#include "support/fixture.hpp"

#include <mutex>
#include <sstream>

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
/// An event with its views copied (they are valid during the hook's call only).
struct recorded {
  bp::event_kind kind;
  std::string operation, method, path_template, reason, request_id;
  int attempt = 0;
  unsigned http_status = 0;
  boost::system::error_code error;
  std::chrono::microseconds duration{0};
  std::chrono::milliseconds delay{0};
  std::size_t bytes_in = 0, bytes_out = 0;
};

struct recorder {
  std::mutex mutex;
  std::vector<recorded> events;

  bp::event_hook hook() {
    return [this](const bp::event& e) {
      std::lock_guard lock(mutex);
      events.push_back({e.kind, std::string(e.operation), std::string(e.method),
                        std::string(e.path_template), std::string(e.reason),
                        std::string(e.request_id), e.attempt, e.http_status, e.error, e.duration,
                        e.delay, e.bytes_in, e.bytes_out});
    };
  }
  std::vector<recorded> of(bp::event_kind kind) {
    std::lock_guard lock(mutex);
    std::vector<recorded> out;
    for (const auto& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
};

recorder* events_of_test = nullptr;  // the captureless test bodies reach their recorder here
}  // namespace

TEST_CASE("a call reports its start, connection, finish with status, request id and sizes",
          "[events]") {
  recorder rec;
  events_of_test = &rec;
  fixture f(emulator_options{.tls = true});
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.on_event = events_of_test->hook();
    auto c = f.make_client(opts);
    co_await bp::get_prompt(c, demo::text_prompt_id);
    co_await bp::get_credits(c);
  });
  const auto started = rec.of(bp::event_kind::call_started);
  const auto finished = rec.of(bp::event_kind::call_finished);
  REQUIRE(started.size() == 2);
  REQUIRE(finished.size() == 2);
  CHECK(finished[0].operation == "get_prompt");
  CHECK(finished[0].method == "GET");
  CHECK(finished[0].path_template == "/v1/prompts/{promptId}");
  CHECK(finished[0].path_template.find(demo::text_prompt_id) == std::string::npos);
  CHECK(finished[0].http_status == 200);
  CHECK_FALSE(finished[0].error);
  CHECK(finished[0].attempt == 1);
  CHECK(finished[0].duration.count() > 0);
  CHECK_FALSE(finished[0].request_id.empty());
  CHECK(finished[0].bytes_in > 0);
  CHECK(finished[0].bytes_out > 0);
  CHECK(finished[1].operation == "get_credits");
  CHECK(rec.of(bp::event_kind::connection_opened).size() == 1);
  REQUIRE(rec.of(bp::event_kind::tls_handshake).size() == 1);
  CHECK(rec.of(bp::event_kind::tls_handshake)[0].duration.count() > 0);
  CHECK(rec.of(bp::event_kind::connection_reused).size() == 1);  // the second call
  // Each attempt's header, before its call finished, with the same status and request id.
  const auto headed = rec.of(bp::event_kind::response_headers);
  REQUIRE(headed.size() == 2);
  CHECK(headed[0].operation == "get_prompt");
  CHECK(headed[0].http_status == 200);
  CHECK(headed[0].request_id == finished[0].request_id);
  CHECK(headed[0].duration.count() > 0);
  CHECK(headed[0].duration <= finished[0].duration);
  CHECK(headed[1].operation == "get_credits");
}

TEST_CASE("a call that failed after its status line reports that status and request id",
          "[events]") {
  recorder rec;
  events_of_test = &rec;
  fixture f;
  auto stall = make_fault(bp::testing::fault_kind::stall);
  stall.bytes = 5;
  stall.delay = 3s;
  f.emu.inject_fault(bp::testing::routes::get_prompt, stall);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.on_event = events_of_test->hook();
    opts.timeouts.response_body = 200ms;
    auto c = f.make_client(opts);
    auto outcome = co_await bp::as_result(bp::get_prompt(c, demo::text_prompt_id));
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error() == bp::error::timeout);
    const bp::diagnostics& diag = outcome.get_diagnostics();
    CHECK(diag.http_status == 200);
    const auto finished = events_of_test->of(bp::event_kind::call_finished);
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].error == bp::error::timeout);
    CHECK(finished[0].http_status == diag.http_status);
    CHECK(finished[0].request_id == diag.request_id);
    CHECK_FALSE(finished[0].request_id.empty());
    // The header was read before the body stalled: reported once, with the same facts.
    const auto headed = events_of_test->of(bp::event_kind::response_headers);
    REQUIRE(headed.size() == 1);
    CHECK(headed[0].http_status == 200);
    CHECK(headed[0].request_id == diag.request_id);
  });
}

TEST_CASE("retries, rate-limit waits and connection-slot waits are reported", "[events]") {
  recorder rec;
  events_of_test = &rec;
  fixture f;
  f.emu.inject_fault(bp::testing::routes::get_prompt,
                     make_fault(bp::testing::fault_kind::server_error, 2));
  f.emu.set_response_delay(bp::testing::routes::get_credits, 100ms);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.on_event = events_of_test->hook();
    opts.retry.initial_backoff = 10ms;
    auto c = f.make_client(opts);
    co_await bp::get_prompt(c, demo::text_prompt_id);

    // One connection for two calls: the second waits for it.
    auto slow = opts;
    slow.max_connections = 1;
    auto one = f.make_client(slow);
    using namespace asio::experimental::awaitable_operators;
    co_await (bp::get_credits(one) && bp::get_credits(one));

    // Two requests per second, no burst: the second call waits.
    auto paced = opts;
    paced.rate_limit.requests_per_second = 2;
    paced.rate_limit.burst = 1;
    auto limited = f.make_client(paced);
    co_await bp::get_account(limited);
    co_await bp::get_account(limited);
  });
  const auto retries = rec.of(bp::event_kind::retry_scheduled);
  REQUIRE(retries.size() == 2);
  CHECK(retries[0].reason == "HTTP 500");
  CHECK(retries[0].attempt == 1);
  CHECK(retries[1].attempt == 2);
  // Full jitter under the exponential bound: 10 ms, then 20 ms.
  CHECK(retries[0].delay <= 10ms);
  CHECK(retries[1].delay <= 20ms);
  const auto finished = rec.of(bp::event_kind::call_finished);
  REQUIRE_FALSE(finished.empty());
  CHECK(finished[0].attempt == 3);
  CHECK(finished[0].http_status == 200);
  const auto slot_waits = rec.of(bp::event_kind::connection_slot_wait);
  REQUIRE(slot_waits.size() == 1);
  CHECK(slot_waits[0].operation == "get_credits");
  CHECK(slot_waits[0].duration >= 50ms);
  const auto paced_waits = rec.of(bp::event_kind::rate_limit_wait);
  REQUIRE(paced_waits.size() >= 1);
  CHECK(paced_waits.back().operation == "get_account");
  CHECK(paced_waits.back().delay.count() > 0);
}

TEST_CASE("events and the stream logger never show the API key, a throwing hook is ignored",
          "[events][security]") {
  static std::ostringstream debug_log, info_log;
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    auto debug = bp::make_stream_logger(debug_log, bp::log_level::debug);
    auto info = bp::make_stream_logger(info_log, bp::log_level::info);
    opts.on_event = [debug, info](const bp::event& e) {
      debug(e);
      info(e);
      throw std::runtime_error("a hook that throws");
    };
    auto c = f.make_client(opts);
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "logs"));
    CHECK(r.status == bp::run_status::succeeded);  // the throwing hook changed nothing
    co_await bp::get_run(c, r.run_id);
  });
  const std::string debug_text = debug_log.str(), info_text = info_log.str();
  INFO(debug_text);
  CHECK(debug_text.find(bp::testing::demo::api_key) == std::string::npos);
  CHECK(info_text.find(bp::testing::demo::api_key) == std::string::npos);
  CHECK(debug_text.find("betterprompt: call_started create_run POST /v1/runs") !=
        std::string::npos);
  CHECK(debug_text.find("betterprompt: call_finished get_run GET /v1/runs/{runId} attempt=1 "
                        "status=200") != std::string::npos);
  CHECK(debug_text.find("connection_opened") != std::string::npos);
  CHECK(debug_text.find("betterprompt: response_headers get_run GET /v1/runs/{runId} attempt=1 "
                        "status=200 request_id=") != std::string::npos);
  CHECK(info_text.find("call_finished create_run") != std::string::npos);
  CHECK(info_text.find("response_headers") == std::string::npos);
  CHECK(info_text.find("call_started") == std::string::npos);
  CHECK(info_text.find("connection_opened") == std::string::npos);
}

TEST_CASE("BETTERPROMPT_LOG installs a logger when no hook is set", "[events]") {
  asio::io_context ioc;
  const char* saved = std::getenv("BETTERPROMPT_LOG");
  const std::string restore = saved ? saved : "";
  ::setenv("BETTERPROMPT_LOG", "DEBUG", 1);
  CHECK(bp::log_level_from_environment() == bp::log_level::debug);
  bp::client_options opts;
  opts.base_url = "http://127.0.0.1:9/v1";
  CHECK(static_cast<bool>(bp::client(ioc, opts).options().on_event));
  ::setenv("BETTERPROMPT_LOG", "verbose", 1);
  CHECK_FALSE(bp::log_level_from_environment().has_value());
  ::unsetenv("BETTERPROMPT_LOG");
  CHECK_FALSE(static_cast<bool>(bp::client(ioc, opts).options().on_event));
  if (saved) ::setenv("BETTERPROMPT_LOG", restore.c_str(), 1);
}
