// SPDX-License-Identifier: BSL-1.0
// Cancellation and wait deadlines: prompt return, clean connections, usable client afterwards.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;
using namespace boost::asio::experimental::awaitable_operators;

namespace {
constexpr const char* long_version = "44444444-5555-4666-8777-888888888888";
}  // namespace

TEST_CASE("wait_for_run stops polling when cancelled, and the client stays usable", "[cancel]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(long_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run pending = co_await bp::create_run(c, topic_request(long_version, "forever"));
    REQUIRE_FALSE(pending.finished());
    const auto start = std::chrono::steady_clock::now();
    auto winner =
        co_await (bp::wait_for_run(c, pending.run_id, {.poll_interval = 50ms}) || sleep_for(300ms));
    CHECK(winner.index() == 1);
    CHECK(elapsed_since(start) < 5s);
    const auto requests_after_cancel = f.emu.request_count();
    co_await sleep_for(200ms);
    CHECK(f.emu.request_count() == requests_after_cancel);  // no poll after cancellation
    bp::run again = co_await bp::get_run(c, pending.run_id);
    CHECK(again.run_id == pending.run_id);
  });
}

TEST_CASE("an in-flight get_run ends promptly when cancelled, the next call succeeds", "[cancel]") {
  fixture f;
  f.emu.set_response_delay(bp::testing::routes::get_run, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run created = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "x"));
    const auto start = std::chrono::steady_clock::now();
    auto winner = co_await (bp::get_run(c, created.run_id) || sleep_for(200ms));
    CHECK(winner.index() == 1);
    CHECK(elapsed_since(start) < 5s);
    f.emu.set_response_delay(bp::testing::routes::get_run, 0ms);
    bp::run fetched = co_await bp::get_run(c, created.run_id);
    CHECK(fetched.status == bp::run_status::succeeded);
  });
}

TEST_CASE("a cancellation signal aborts an operation with operation_aborted", "[cancel]") {
  fixture f;
  f.emu.set_response_delay(bp::testing::routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    asio::cancellation_signal signal;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(
        f.ioc, bp::get_prompt(c, demo::text_prompt_id),
        asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, bp::prompt) {
          error = e;
          done = true;
        }));
    co_await sleep_for(100ms);
    signal.emit(asio::cancellation_type::terminal);
    for (int i = 0; i < 100 && !done; ++i) co_await sleep_for(20ms);
    REQUIRE(done);
    REQUIRE(error);
    try {
      std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
      CHECK(e.code() == asio::error::operation_aborted);
    }
  });
}

TEST_CASE("cancelling create_run in flight returns promptly, the run may exist", "[cancel]") {
  fixture f;  // 2-minute synchronous window: create waits for the run
  f.emu.add_prompt(timed_prompt(long_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    const auto start = std::chrono::steady_clock::now();
    auto winner =
        co_await (bp::create_run(c, topic_request(long_version, "t")) || sleep_for(200ms));
    CHECK(winner.index() == 1);
    CHECK(elapsed_since(start) < 5s);
    CHECK(f.emu.run_count() == 1);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("wait_for_run's deadline is error::wait_timeout naming the run", "[wait][timeout]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(long_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run pending = co_await bp::create_run(c, topic_request(long_version, "slow"));
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(
        bp::wait_for_run(c, pending.run_id, {.poll_interval = 50ms, .timeout = 300ms}));
    CHECK(elapsed_since(start) < 5s);
    CHECK(e.code() == bp::error::wait_timeout);
    CHECK(e.get_diagnostics().data.at("runId").as_string() == pending.run_id.c_str());
    CHECK(e.get_diagnostics().message.find(pending.run_id) != std::string::npos);
    // Resuming later works: the run is still there.
    bp::run later = co_await bp::get_run(c, pending.run_id);
    CHECK(later.run_id == pending.run_id);
  });
}
