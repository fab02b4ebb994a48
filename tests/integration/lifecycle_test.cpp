// SPDX-License-Identifier: BSL-1.0
// A client's life: per-call overrides (with), close() and destruction cancelling work, timeouts
// by phase, and what each cancellation type does to each kind of operation.
#include "support/fixture.hpp"

#include <optional>

using namespace bp_test;
namespace demo = bp::testing::demo;
namespace routes = bp::testing::routes;
using bp::testing::fault;
using bp::testing::fault_kind;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr const char* running_version = "66666666-7777-4888-8999-aaaaaaaaaaaa";

bp::client_options no_retries(const fixture& f) {
  auto opts = f.client_options();
  opts.retry.max_retries = 0;
  return opts;
}

/// Awaits `op` in a coroutine that lets partial and total cancellation through (Asio's default
/// forwards terminal cancellation only).
template <class T>
asio::awaitable<T> accepting_every_cancellation(asio::awaitable<T> op) {
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  T value = co_await std::move(op);
  co_return value;
}

struct cancel_outcome {
  bool done = false;
  std::exception_ptr error;
};

/// Starts `op` on `ex` with `signal` bound to it; the outcome fills in when it ends.
template <class T>
std::shared_ptr<cancel_outcome> launch(const asio::any_io_executor& ex, asio::awaitable<T> op,
                                       const std::shared_ptr<asio::cancellation_signal>& signal) {
  auto outcome = std::make_shared<cancel_outcome>();
  auto on_done = [outcome, signal](std::exception_ptr e, T) {
    outcome->error = e;
    outcome->done = true;
  };
  asio::co_spawn(ex, accepting_every_cancellation(std::move(op)),
                 asio::bind_cancellation_slot(signal->slot(), on_done));
  return outcome;
}

/// Waits (up to 5 s) for a started operation to end.
asio::awaitable<void> until_done(const cancel_outcome& outcome) {
  for (int i = 0; i < 500 && !outcome.done; ++i) co_await sleep_for(10ms);
}

/// Starts `op`, emits a cancellation of `type` after `after`, and waits for it to end.
template <class T>
asio::awaitable<std::shared_ptr<cancel_outcome>> cancel_during(asio::awaitable<T> op,
                                                               asio::cancellation_type type,
                                                               std::chrono::milliseconds after) {
  auto signal = std::make_shared<asio::cancellation_signal>();
  auto ex = co_await asio::this_coro::executor;
  auto outcome = launch(ex, std::move(op), signal);
  co_await sleep_for(after);
  signal->emit(type);
  co_await until_done(*outcome);
  co_return outcome;
}

bool aborted(const cancel_outcome& outcome) {
  CHECK(outcome.error);
  if (!outcome.error) return false;
  try {
    std::rethrow_exception(outcome.error);
  } catch (const boost::system::system_error& e) {
    INFO("ended with " << e.what());
    CHECK(e.code() == asio::error::operation_aborted);
    return e.code() == asio::error::operation_aborted;
  } catch (const std::exception& e) {
    FAIL_CHECK("ended with " << e.what());
  }
  return false;
}

// Returns a value: Asio 1.81's `tuple && awaitable<void>` does not compile.
asio::awaitable<bool> close_after(bp::client& c, std::chrono::milliseconds delay) {
  co_await sleep_for(delay);
  c.close();
  co_return true;
}

}  // namespace

TEST_CASE("with() overrides the retry policy and timeouts for the calls of one handle",
          "[lifecycle]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.retry.initial_backoff = 10ms;
    bp::client c{f.ioc, opts};
    bp::call_options once;
    once.retry = opts.retry;
    once.retry->max_retries = 0;
    bp::client impatient = c.with(once);
    CHECK(impatient.options().retry.max_retries == 0);
    CHECK(c.options().retry.max_retries == 2);

    auto burst = make_fault(fault_kind::server_error);
    burst.status = 503;
    f.emu.inject_fault(routes::get_prompt, burst);
    auto e = co_await expect_error(bp::get_prompt(impatient, demo::text_prompt_id));
    CHECK(e.code() == bp::error::server_error);
    f.emu.inject_fault(routes::get_prompt, burst);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);  // retried
    CHECK(p.prompt_id == demo::text_prompt_id);

    bp::call_options quick;
    quick.timeouts = opts.timeouts;
    quick.timeouts->response_headers = 100ms;
    bp::client hurried = impatient.with(quick);
    f.emu.set_response_delay(routes::get_prompt, 400ms);
    auto late = co_await expect_error(bp::get_prompt(hurried, demo::text_prompt_id));
    CHECK(late.code() == bp::error::timeout);
    CHECK(late.get_diagnostics().data.at("phase") == "response_headers");
    bp::prompt patient = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(patient.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("close() ends calls in flight, in backoff and between polls with client_closed",
          "[lifecycle][cancel]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, f.client_options()};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "long"));
    REQUIRE_FALSE(pending.finished());
    auto limited = make_fault(fault_kind::rate_limited);
    limited.delay = 30s;  // Retry-After: 30
    f.emu.inject_fault(routes::get_credits, limited);
    bp::wait_options slow_polls;
    slow_polls.poll_interval = 30s;

    const auto start = std::chrono::steady_clock::now();
    auto [in_flight, in_backoff, between_polls, closed] = co_await (
        expect_error(bp::get_prompt(c, demo::text_prompt_id)) && expect_error(bp::get_credits(c)) &&
        expect_error(bp::wait_for_run(c, pending.run_id, slow_polls)) && close_after(c, 300ms));
    CHECK(elapsed_since(start) < 5s);
    CHECK(in_flight.code() == bp::error::client_closed);
    CHECK(in_backoff.code() == bp::error::client_closed);
    CHECK(between_polls.code() == bp::error::client_closed);
    auto later = co_await expect_error(bp::get_run(c, pending.run_id));
    CHECK(later.code() == bp::error::client_closed);
  });
}

TEST_CASE("close() ends calls queued for a connection, and so does destroying the client",
          "[lifecycle][cancel]") {
  fixture f;
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.max_connections = 1;
    bp::client c{f.ioc, opts};
    const auto start = std::chrono::steady_clock::now();
    auto [holder, queued, closed] =
        co_await (expect_error(bp::get_prompt(c, demo::text_prompt_id)) &&
                  expect_error(bp::get_prompt(c, demo::text_prompt_id)) && close_after(c, 200ms));
    CHECK(elapsed_since(start) < 5s);
    CHECK(holder.code() == bp::error::client_closed);
    CHECK(queued.code() == bp::error::client_closed);
    CHECK(f.emu.request_count() == 1);  // the queued call never reached the server

    // The last handle going away closes the client; a with() handle keeps it open.
    std::optional<bp::client> original;
    original.emplace(f.ioc, f.client_options());
    bp::client derived = original->with(bp::call_options{});
    original.reset();
    f.emu.set_response_delay(routes::get_prompt, 0ms);
    bp::prompt p = co_await bp::get_prompt(derived, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    f.emu.set_response_delay(routes::get_prompt, 30s);
    auto signal = std::make_shared<asio::cancellation_signal>();
    auto outcome =
        launch(f.ioc.get_executor(), bp::get_prompt(derived, demo::text_prompt_id), signal);
    co_await sleep_for(200ms);
    CHECK_FALSE(outcome->done);
    { bp::client gone = std::move(derived); }
    co_await until_done(*outcome);
    REQUIRE(outcome->done);
    REQUIRE(outcome->error);
    CHECK_THROWS_MATCHES(std::rethrow_exception(outcome->error), bp::error_with_diagnostics,
                         Catch::Predicate<bp::error_with_diagnostics>(
                             [](const auto& e) { return e.code() == bp::error::client_closed; }));
  });
}

TEST_CASE("timeouts.total bounds the whole call and names the phase it interrupted",
          "[lifecycle][timeout]") {
  fixture f;
  f.emu.set_response_delay(routes::get_run, 10s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.timeouts.total = 300ms;
    bp::client c{f.ioc, opts};
    bp::run created = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "t"));
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::get_run(c, created.run_id));
    CHECK(elapsed_since(start) < 5s);
    CHECK(e.code() == bp::error::timeout);
    const auto& data = e.get_diagnostics().data;
    CHECK(data.at("phase") == "total");
    CHECK(data.at("during") == "response_headers");
    CHECK(data.at("runId") == created.run_id.c_str());
  });
}

TEST_CASE("a stalled TLS handshake times out in phase tls_handshake, or ends when cancelled",
          "[lifecycle][timeout][cancel]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    // Accepts TCP connections (the kernel completes them) but never speaks TLS.
    asio::ip::tcp::acceptor silent(f.ioc, {asio::ip::make_address("127.0.0.1"), 0});
    auto opts = no_retries(f);
    opts.base_url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/v1";
    opts.max_connections = 1;
    opts.timeouts.tls_handshake = 200ms;
    bp::client c{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::timeout);
    CHECK(e.get_diagnostics().data.at("phase") == "tls_handshake");

    opts.timeouts.tls_handshake = 30s;
    bp::client slow{f.ioc, opts};
    const auto start = std::chrono::steady_clock::now();
    auto winner = co_await (bp::get_prompt(slow, demo::text_prompt_id) || sleep_for(200ms));
    CHECK(winner.index() == 1);
    CHECK(elapsed_since(start) < 5s);
    // The slot was released: the next call connects again (and is cancelled the same way).
    auto again = co_await (bp::get_prompt(slow, demo::text_prompt_id) || sleep_for(200ms));
    CHECK(again.index() == 1);
    CHECK(elapsed_since(start) < 5s);
  });
}

TEST_CASE("cancelled mid-response, a call ends promptly and the next call succeeds",
          "[lifecycle][cancel]") {
  fixture f;
  auto stall = make_fault(fault_kind::stall);
  stall.bytes = 10;
  stall.delay = 30s;
  f.emu.inject_fault(routes::get_prompt, stall);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, f.client_options()};
    const auto start = std::chrono::steady_clock::now();
    auto winner = co_await (bp::get_prompt(c, demo::text_prompt_id) || sleep_for(300ms));
    CHECK(winner.index() == 1);
    CHECK(elapsed_since(start) < 5s);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("total and partial cancellation end reads at any point", "[lifecycle][cancel]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, f.client_options()};
    auto read = co_await cancel_during(bp::get_prompt(c, demo::text_prompt_id),
                                       asio::cancellation_type::total, 200ms);
    REQUIRE(read->done);
    CHECK(aborted(*read));
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "p"));
    bp::wait_options wait;
    wait.poll_interval = 50ms;
    auto waiting = co_await cancel_during(bp::wait_for_run(c, pending.run_id, wait),
                                          asio::cancellation_type::partial, 200ms);
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
    auto sent =
        co_await cancel_during(bp::create_run(c, topic_request(demo::text_prompt_version_id, "a")),
                               asio::cancellation_type::total, 200ms);
    REQUIRE(sent->done);
    CHECK_FALSE(sent->error);
    CHECK(elapsed_since(start) >= 1500ms);
    CHECK(f.emu.run_count() == 1);

    // Queued behind a slow read: nothing was sent, so it ends at once and creates nothing.
    auto [slow_read, queued] =
        co_await (bp::get_prompt(c, demo::text_prompt_id) &&
                  cancel_during(bp::create_run(c, topic_request(demo::text_prompt_version_id, "b")),
                                asio::cancellation_type::total, 200ms));
    CHECK(slow_read.prompt_id == demo::text_prompt_id);
    REQUIRE(queued->done);
    CHECK(aborted(*queued));
    CHECK(f.emu.run_count() == 1);

    // Terminal cancellation always ends it, even after sending.
    start = std::chrono::steady_clock::now();
    auto terminal =
        co_await cancel_during(bp::create_run(c, topic_request(demo::text_prompt_version_id, "c")),
                               asio::cancellation_type::terminal, 200ms);
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
    auto reading = co_await cancel_during(
        bp::run_prompt(c, bp::prompt_ref::version(running_version), inputs, options),
        asio::cancellation_type::partial, 200ms);
    REQUIRE(reading->done);
    CHECK(aborted(*reading));
    CHECK(f.emu.run_count() == 0);
    f.emu.set_response_delay(routes::get_prompt_version, 0ms);

    // Partial, while waiting for the run: ignored, the call completes with the finished run.
    auto waiting = co_await cancel_during(
        bp::run_prompt(c, bp::prompt_ref::version(quick_version), inputs, options),
        asio::cancellation_type::partial, 150ms);
    REQUIRE(waiting->done);
    CHECK_FALSE(waiting->error);
    CHECK(f.emu.run_count() == 1);

    // Terminal, while waiting: ends at once, and the error names the run, which keeps going.
    const auto start = std::chrono::steady_clock::now();
    auto stopped = co_await cancel_during(
        bp::run_prompt(c, bp::prompt_ref::version(running_version), inputs, options),
        asio::cancellation_type::terminal, 200ms);
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

TEST_CASE("wait_for_run backs off between polls and waits out 429s", "[lifecycle][wait]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 1200ms));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, no_retries(f)};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "backoff"));
    const auto before = f.emu.request_count();
    bp::wait_options growing;
    growing.poll_interval = 50ms;
    growing.poll_multiplier = 2;
    growing.max_poll_interval = 200ms;
    bp::run done = co_await bp::wait_for_run(c, pending.run_id, growing);
    CHECK(done.status == bp::run_status::succeeded);
    // Constant 50 ms polling would take ~24 polls; 50, 100, 200, 200, … takes about 8.
    const auto polls = f.emu.request_count() - before;
    CHECK(polls >= 4);
    CHECK(polls <= 12);

    bp::run second = co_await bp::create_run(c, topic_request(running_version, "limited"));
    auto limited = make_fault(fault_kind::rate_limited, 2);
    limited.delay = 1s;
    f.emu.inject_fault(routes::get_run, limited);
    const auto start = std::chrono::steady_clock::now();
    bp::run finished = co_await bp::wait_for_run(c, second.run_id, growing);
    CHECK(finished.status == bp::run_status::succeeded);
    CHECK(elapsed_since(start) >= 1900ms);  // two Retry-After: 1 honoured
  });
}
