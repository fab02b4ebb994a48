// SPDX-License-Identifier: BSL-1.0
// Cancellation and wait deadlines: prompt return, clean connections, usable client afterwards,
// and what each cancellation type does to each kind of operation.
#include "support/cancel.hpp"
#include "support/fixture.hpp"

#include <boost/asio/as_tuple.hpp>

using namespace bp_test;
namespace demo = bp::testing::demo;
namespace routes = bp::testing::routes;
using namespace boost::asio::experimental::awaitable_operators;

namespace {
constexpr const char* long_version = "44444444-5555-4666-8777-888888888888";
constexpr const char* running_version = "66666666-7777-4888-8999-aaaaaaaaaaaa";
}  // namespace

TEST_CASE("wait_for_run stops polling when cancelled, and the client stays usable", "[cancel]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(long_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run pending = co_await bp::create_run(c, topic_request(long_version, "forever"));
    REQUIRE_FALSE(pending.finished());
    const auto start = std::chrono::steady_clock::now();
    auto waited = co_await cancel_on_request(
        f.emu, routes::get_run, bp::wait_for_run(c, pending.run_id, {.poll_interval = 50ms}),
        asio::cancellation_type::terminal);
    CHECK(aborted(*waited));
    CHECK(elapsed_since(start) < 5s);
    // No poll follows the cancellation: none arrives within four poll intervals.
    auto next_poll = f.emu.async_wait_request(routes::get_run, asio::as_tuple(asio::use_awaitable));
    auto quiet = co_await (std::move(next_poll) || sleep_for(200ms));
    CHECK(quiet.index() == 1);
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
    auto read = co_await cancel_on_request(f.emu, routes::get_run, bp::get_run(c, created.run_id),
                                           asio::cancellation_type::terminal);
    CHECK(aborted(*read));
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
    event ended(f.ioc.get_executor());
    auto arrived = request_arrives(f.emu, routes::get_prompt, f.ioc.get_executor());
    asio::co_spawn(
        f.ioc, bp::get_prompt(c, demo::text_prompt_id),
        asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, bp::prompt) {
          error = e;
          ended.set();
        }));
    co_await arrived->wait();  // sent; its answer is held back for 30 s
    signal.emit(asio::cancellation_type::terminal);
    co_await ended.wait();
    REQUIRE(ended.is_set());
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
    auto created = co_await cancel_on_request(f.emu, routes::create_run,
                                              bp::create_run(c, topic_request(long_version, "t")),
                                              asio::cancellation_type::terminal);
    CHECK(aborted(*created));
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

TEST_CASE("total and partial cancellation end reads at any point", "[lifecycle][cancel]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, f.client_options()};
    auto read = co_await cancel_on_request(f.emu, routes::get_prompt,
                                           bp::get_prompt(c, demo::text_prompt_id),
                                           asio::cancellation_type::total);
    REQUIRE(read->done);
    CHECK(aborted(*read));
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "p"));
    bp::wait_options wait;
    wait.poll_interval = 50ms;
    auto waiting = co_await cancel_on_request(f.emu, routes::get_run,
                                              bp::wait_for_run(c, pending.run_id, wait),
                                              asio::cancellation_type::partial);
    REQUIRE(waiting->done);
    CHECK(aborted(*waiting));
    bp::run fetched = co_await bp::get_run(c, pending.run_id);  // the client is still usable
    CHECK(fetched.run_id == pending.run_id);
  });
}

TEST_CASE("total cancellation of create_run: honoured before sending, ignored after",
          "[lifecycle][cancel]") {
  fixture f;
  f.emu.set_response_delay(routes::create_run, 2s);
  f.emu.set_response_delay(routes::get_prompt, 800ms);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.max_connections = 1;
    bp::client c{f.ioc, opts};
    // Sent: the run may exist, so a total cancellation (no side effects allowed) cannot apply.
    auto start = std::chrono::steady_clock::now();
    auto sent = co_await cancel_on_request(
        f.emu, routes::create_run,
        bp::create_run(c, topic_request(demo::text_prompt_version_id, "a")),
        asio::cancellation_type::total);
    REQUIRE(sent->done);
    CHECK_FALSE(sent->error);
    CHECK(elapsed_since(start) >= 1500ms);
    CHECK(f.emu.run_count() == 1);

    // Queued behind a slow read: nothing was sent, so it ends at once and creates nothing.
    // The read holds the only connection: by the time its request arrives, the create queues.
    auto read_arrived = request_arrives(f.emu, routes::get_prompt, f.ioc.get_executor());
    auto [slow_read, queued] =
        co_await (bp::get_prompt(c, demo::text_prompt_id) &&
                  cancel_when(bp::create_run(c, topic_request(demo::text_prompt_version_id, "b")),
                              asio::cancellation_type::total, read_arrived));
    CHECK(slow_read.prompt_id == demo::text_prompt_id);
    REQUIRE(queued->done);
    CHECK(aborted(*queued));
    CHECK(f.emu.run_count() == 1);

    // Terminal cancellation always ends it, even after sending.
    start = std::chrono::steady_clock::now();
    auto terminal = co_await cancel_on_request(
        f.emu, routes::create_run,
        bp::create_run(c, topic_request(demo::text_prompt_version_id, "c")),
        asio::cancellation_type::terminal);
    REQUIRE(terminal->done);
    CHECK(aborted(*terminal));
    CHECK(elapsed_since(start) < 1500ms);
  });
}

TEST_CASE("run_prompt: any cancellation before the run exists, only terminal while it waits",
          "[lifecycle][cancel][run_prompt]") {
  constexpr const char* quick_version = "77777777-8888-4999-8aaa-bbbbbbbbbbbb";
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.emu.add_prompt(timed_prompt(quick_version, 400ms));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, f.client_options()};
    bp::run_inputs inputs;
    inputs.text_inputs["topic"] = "cancel";
    bp::run_prompt_options options;
    options.wait.poll_interval = 50ms;

    // Partial, while the prompt is read: nothing was created, so it ends at once.
    f.emu.set_response_delay(routes::get_prompt_version, 30s);
    auto reading = co_await cancel_on_request(
        f.emu, routes::get_prompt_version,
        bp::run_prompt(c, bp::prompt_ref::version(running_version), inputs, options),
        asio::cancellation_type::partial);
    REQUIRE(reading->done);
    CHECK(aborted(*reading));
    CHECK(f.emu.run_count() == 0);
    f.emu.set_response_delay(routes::get_prompt_version, 0ms);

    // Partial, while waiting for the run: ignored, the call completes with the finished run.
    auto waiting = co_await cancel_on_request(
        f.emu, routes::get_run,
        bp::run_prompt(c, bp::prompt_ref::version(quick_version), inputs, options),
        asio::cancellation_type::partial);
    REQUIRE(waiting->done);
    CHECK_FALSE(waiting->error);
    CHECK(f.emu.run_count() == 1);

    // Terminal, while waiting: ends at once, and the error names the run, which keeps going.
    const auto start = std::chrono::steady_clock::now();
    auto stopped = co_await cancel_on_request(
        f.emu, routes::get_run,
        bp::run_prompt(c, bp::prompt_ref::version(running_version), inputs, options),
        asio::cancellation_type::terminal);
    REQUIRE(stopped->done);
    CHECK(aborted(*stopped));
    CHECK(elapsed_since(start) < 2s);
    std::string run_id;
    try {
      std::rethrow_exception(stopped->error);
    } catch (const bp::error_with_diagnostics& e) {
      const auto* data = e.get_diagnostics().data.if_object();
      REQUIRE(data);
      REQUIRE(data->contains("runId"));
      run_id = std::string(data->at("runId").as_string());
    }
    bp::run still = co_await bp::get_run(c, run_id);
    CHECK_FALSE(still.finished());  // queued or running: it keeps going
    CHECK(f.emu.run_count() == 2);
  });
}
