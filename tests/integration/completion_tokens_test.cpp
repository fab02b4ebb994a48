// SPDX-License-Identifier: BSL-1.0
// Every operation takes any Asio completion token: callbacks, futures, deferred, as_tuple,
// use_promise, bound cancellation slots and executors, coroutines on other executor types, the
// diagnostics& overloads, and the client's lifetime after an operation started.
#include "support/fixture.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/experimental/promise.hpp>
#include <boost/asio/experimental/use_promise.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <thread>

using namespace bp_test;
namespace demo = bp::testing::demo;
namespace routes = bp::testing::routes;
using boost::system::error_code;

namespace {
constexpr const char* missing_run = "00000000-0000-4000-8000-000000000000";
constexpr const char* running_version = "66666666-7777-4888-8999-aaaaaaaaaaaa";
}  // namespace

TEST_CASE("a plain callback gets (error_code, value)", "[tokens]") {
  fixture f;
  auto c = f.make_client();
  error_code found_ec = bp::error::timeout;
  std::string found_id;
  bp::get_prompt(c, demo::text_prompt_id, [&](error_code ec, bp::prompt p) {
    found_ec = ec;
    found_id = p.prompt_id;
    bp::get_run(c, missing_run, [&](error_code ec, bp::run) {
      found_ec = ec;
      f.emu.stop();
    });
  });
  f.ioc.run_for(10s);
  CHECK(found_id == demo::text_prompt_id);
  CHECK(found_ec == bp::error::not_found);
}

TEST_CASE("run_prompt and run_pager take callbacks too", "[tokens]") {
  fixture f;
  auto c = f.make_client();
  bp::run_inputs inputs;
  inputs.text_inputs["topic"] = "callbacks";
  error_code run_ec = bp::error::timeout;
  std::string text;
  std::vector<std::size_t> page_sizes;
  error_code page_ec = bp::error::timeout;
  bp::run_pager pager{c, {.limit = 1}};
  bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), inputs,
                 [&](error_code ec, bp::run done) {
                   run_ec = ec;
                   text = done.text();
                   // The run just made is the one row; a second next() finds the listing done.
                   pager.next([&](error_code ec, std::vector<bp::run> rows) {
                     page_sizes.push_back(rows.size());
                     pager.next([&](error_code ec2, std::vector<bp::run> more) {
                       page_sizes.push_back(more.size());
                       page_ec = ec ? ec : ec2;
                       f.emu.stop();
                     });
                   });
                 });
  f.ioc.run_for(10s);
  CHECK_FALSE(run_ec);
  CHECK(text == "A haiku about callbacks: quiet callbacks waits, then answers.");
  CHECK_FALSE(page_ec);
  CHECK(page_sizes == std::vector<std::size_t>{1, 0});
  CHECK(pager.done());
}

TEST_CASE("futures from a plain thread, with and without diagnostics", "[tokens]") {
  fixture f;
  auto c = f.make_client();
  auto work = asio::make_work_guard(f.ioc);
  std::thread runner([&] { f.ioc.run(); });
  bp::prompt p = bp::get_prompt(c, demo::text_prompt_id, asio::use_future).get();
  CHECK(p.prompt_id == demo::text_prompt_id);
  // use_future alone: a system_error with the code.
  // Each failure is read only once the I/O thread is past the completion (a later post ran):
  // libstdc++ releases the exception_ptr with atomics TSan cannot see (uninstrumented), so a
  // read racing that release would be reported although it is synchronized.
  auto settled = [&](auto& future) {
    future.wait();
    asio::post(f.ioc, asio::use_future).get();
  };
  auto plain = bp::get_run(c, missing_run, asio::use_future);
  settled(plain);
  CHECK_THROWS_AS(plain.get(), boost::system::system_error);
  // with_diagnostics(use_future): error_with_diagnostics, diagnostics intact.
  auto rich = bp::get_run(c, missing_run, bp::with_diagnostics(asio::use_future));
  settled(rich);
  try {
    rich.get();
    FAIL("no error");
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == bp::error::not_found);
    CHECK(e.get_diagnostics().http_status == 404);
    CHECK_FALSE(e.get_diagnostics().request_id.empty());
  }
  c.close();
  work.reset();
  f.emu.stop();
  runner.join();
}

TEST_CASE("deferred, as_tuple and use_promise inside a coroutine", "[tokens]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id, asio::deferred);
    CHECK(p.prompt_id == demo::text_prompt_id);
    auto [ec, r] =
        co_await bp::get_run(c, missing_run, asio::experimental::as_tuple(asio::deferred));
    CHECK(ec == bp::error::not_found);
    auto [ec2, page] = co_await bp::list_runs(c, asio::experimental::as_tuple(asio::use_awaitable));
    CHECK_FALSE(ec2);
    auto promise = bp::get_credits(c, asio::experimental::use_promise);
    auto [ec3, balance] = co_await promise(asio::experimental::as_tuple(asio::use_awaitable));
    CHECK_FALSE(ec3);
    CHECK(balance.credits > 0);
  });
}

TEST_CASE("the diagnostics& overloads fill diagnostics for any token", "[tokens]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::diagnostics diag;
    auto [ec, r] =
        co_await bp::get_run(c, missing_run, diag, asio::experimental::as_tuple(asio::deferred));
    CHECK(ec == bp::error::not_found);
    CHECK(diag.http_status == 404);
    CHECK(diag.api_status == "NOT_FOUND_ERROR");
    CHECK_FALSE(diag.request_id.empty());
    // With the default token it throws, and fills diag too.
    bp::diagnostics thrown;
    auto outcome = co_await bp::as_result(bp::get_run(c, missing_run, thrown));
    CHECK(outcome.error() == bp::error::not_found);
    CHECK(thrown.http_status == 404);
    // A success leaves diagnostics empty.
    bp::diagnostics none;
    none.message = "stale";
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id, "", none);
    CHECK(p.prompt_id == demo::text_prompt_id);
    CHECK(none.message.empty());
  });
}

TEST_CASE("a bound cancellation slot cancels, a bound executor runs the handler", "[tokens]") {
  fixture f;
  f.emu.set_response_delay(routes::get_prompt, 2s);
  auto c = f.make_client();
  asio::cancellation_signal signal;
  error_code cancelled_ec;
  const auto start = std::chrono::steady_clock::now();
  bp::get_prompt(c, demo::text_prompt_id,
                 asio::bind_cancellation_slot(
                     signal.slot(), [&](error_code ec, bp::prompt) { cancelled_ec = ec; }));
  // Cancelled once its request reached the emulator (the answer is 2 s away).
  f.emu.async_wait_request(routes::get_prompt,
                           [&](error_code) { signal.emit(asio::cancellation_type::terminal); });
  auto strand = asio::make_strand(f.ioc);
  bool on_strand = false;
  bp::get_credits(c, asio::bind_executor(strand, [&](error_code ec, bp::credit_balance) {
                    CHECK_FALSE(ec);
                    on_strand = strand.running_in_this_thread();
                  }));
  while (cancelled_ec == error_code{} || !on_strand) {
    if (f.ioc.run_one_for(5s) == 0) break;
  }
  CHECK(cancelled_ec == asio::error::operation_aborted);
  CHECK(elapsed_since(start) < 1500ms);
  CHECK(on_strand);
  f.emu.stop();
}

TEST_CASE("with_diagnostics and wait_for_run keep the handler's executor and cancellation slot",
          "[tokens]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.emu.set_response_delay(routes::get_prompt, 2s);
  auto c = f.make_client();
  bp::run pending;
  bp::create_run(c, topic_request(running_version, "w"), [&](error_code ec, bp::run r) {
    REQUIRE_FALSE(ec);
    pending = std::move(r);
  });
  while (pending.run_id.empty() && f.ioc.run_one_for(5s) != 0) {
  }
  REQUIRE_FALSE(pending.run_id.empty());

  asio::cancellation_signal stop_wait, stop_read;
  error_code wait_ec;
  std::exception_ptr read_failure;
  bool wait_done = false, read_done = false, read_on_strand = false;
  auto strand = asio::make_strand(f.ioc);
  bp::wait_for_run(c, pending.run_id, {.poll_interval = 50ms},
                   asio::bind_cancellation_slot(stop_wait.slot(), [&](error_code ec, bp::run) {
                     wait_ec = ec;
                     wait_done = true;
                   }));
  bp::get_prompt(
      c, demo::text_prompt_id,
      bp::with_diagnostics(asio::bind_cancellation_slot(
          stop_read.slot(), asio::bind_executor(strand, [&](std::exception_ptr e, bp::prompt) {
            read_failure = e;
            read_on_strand = strand.running_in_this_thread();
            read_done = true;
          }))));
  // Each cancelled once its request reached the emulator: the wait's first poll, the read.
  f.emu.async_wait_request(routes::get_run, [&](error_code) {
    stop_wait.emit(asio::cancellation_type::partial);  // a wait honours every type
  });
  f.emu.async_wait_request(routes::get_prompt, [&](error_code) {
    asio::post(strand, [&] { stop_read.emit(asio::cancellation_type::terminal); });
  });
  const auto start = std::chrono::steady_clock::now();
  while (!(wait_done && read_done) && f.ioc.run_one_for(5s) != 0) {
  }
  CHECK(elapsed_since(start) < 1500ms);
  CHECK(wait_ec == asio::error::operation_aborted);
  REQUIRE(read_failure);
  CHECK(read_on_strand);
  try {
    std::rethrow_exception(read_failure);
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == asio::error::operation_aborted);
  }
  f.emu.stop();
}

TEST_CASE("coroutines on another executor type pass a token", "[tokens]") {
  fixture f;
  using strand_type = asio::strand<asio::io_context::executor_type>;
  auto c = f.make_client();
  bool done = false;
  asio::co_spawn(
      asio::make_strand(f.ioc),
      [](bp::client& c, bool& done) -> asio::awaitable<void, strand_type> {
        bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id, asio::deferred);
        CHECK(p.prompt_id == demo::text_prompt_id);
        try {
          co_await bp::get_run(c, missing_run,
                               bp::with_diagnostics(asio::use_awaitable_t<strand_type>{}));
          FAIL("no error");
        } catch (const bp::error_with_diagnostics& e) {
          CHECK(e.code() == bp::error::not_found);
          CHECK(e.get_diagnostics().http_status == 404);
        }
        done = true;
      }(c, done),
      [&](std::exception_ptr e) {
        f.emu.stop();
        if (e) std::rethrow_exception(e);
      });
  f.ioc.run_for(10s);
  CHECK(done);
}

TEST_CASE("destroying the client right after starting an operation is safe", "[tokens][lifetime]") {
  fixture f;
  error_code callback_ec;
  bool callback_ran = false;
  std::exception_ptr spawned_failure;
  bool spawned_ran = false;
  {
    auto c = f.make_client();
    bp::get_prompt(c, demo::text_prompt_id, [&](error_code ec, bp::prompt) {
      callback_ran = true;
      callback_ec = ec;
    });
  }  // the client is gone before the operation even ran
  error_code run_prompt_ec;
  bool run_prompt_ran = false;
  {
    auto c = f.make_client();
    bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), bp::run_inputs{},
                   [&](error_code ec, bp::run) {
                     run_prompt_ran = true;
                     run_prompt_ec = ec;
                   });
  }
  {
    auto c = f.make_client();
    asio::co_spawn(f.ioc, bp::get_run(c, missing_run), [&](std::exception_ptr e, bp::run) {
      spawned_ran = true;
      spawned_failure = e;
    });
  }
  f.ioc.run_for(5s);
  CHECK(callback_ran);
  CHECK((callback_ec == bp::error::client_closed || callback_ec == asio::error::operation_aborted));
  CHECK(run_prompt_ran);
  CHECK(run_prompt_ec == bp::error::client_closed);
  REQUIRE(spawned_ran);
  REQUIRE(spawned_failure);
  try {
    std::rethrow_exception(spawned_failure);
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == bp::error::client_closed);
  }
  CHECK(f.emu.request_count() == 0);
  f.emu.stop();
}

TEST_CASE("a moved-from client is refused when the operation starts", "[tokens][lifetime]") {
  fixture f;
  auto c = f.make_client();
  bp::client other = std::move(c);
  CHECK_THROWS_AS(bp::get_prompt(c, demo::text_prompt_id, [](error_code, bp::prompt) {}),
                  bp::error_with_diagnostics);
  f.emu.stop();
}
