// SPDX-License-Identifier: BSL-1.0
// A server that misbehaves on purpose: bytes past its answers, runs nobody asked for, interim
// answers, absurd Retry-After values, a limit stricter than the client's. Each ends in the right
// answer or a typed error, promptly, and never in a run created twice.
#include "support/cancel.hpp"
#include "support/fixture.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

using namespace bp_test;
namespace demo = bp::testing::demo;
using bp::testing::fault;
using bp::testing::fault_kind;
namespace routes = bp::testing::routes;

namespace {
constexpr const char* forged_run = "ffffffff-ffff-4fff-8fff-ffffffffffff";

emulator_options plain_or_tls(bool tls) {
  emulator_options opts;
  opts.tls = tls;
  return opts;
}

fault rate_limited_for(std::chrono::seconds retry_after, int count = 1) {
  auto f = make_fault(fault_kind::rate_limited, count);
  f.delay = retry_after;
  return f;
}
}  // namespace

TEST_CASE("a second response after an answer is never taken for the next call's answer",
          "[hostile][desync]") {
  for (bool tls : {false, true}) {
    INFO((tls ? "https" : "http"));
    fixture f(plain_or_tls(tls));
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::trailing_response));
    f.run([](fixture& f) -> asio::awaitable<void> {
      auto c = f.make_client();
      bp::run first =
          co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "one"));
      bp::run second =
          co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "two"));
      CHECK(first.run_id != forged_run);
      CHECK(second.run_id != forged_run);
      CHECK(second.run_id != first.run_id);
      CHECK(f.emu.run_count() == 2);
      // The connection that carried extra bytes was closed, not reused.
      CHECK(f.emu.connection_count() == 2);
      bp::run fetched = co_await bp::get_run(c, second.run_id);
      CHECK(fetched.run_id == second.run_id);
    });
  }
}

TEST_CASE("junk past Content-Length closes the connection, the next GET gets its own answer",
          "[hostile][desync]") {
  for (bool tls : {false, true}) {
    INFO((tls ? "https" : "http"));
    fixture f(plain_or_tls(tls));
    f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::trailing_junk));
    f.run([](fixture& f) -> asio::awaitable<void> {
      auto opts = f.client_options();
      opts.retry.max_retries = 0;  // the second call must succeed on its own, not by a retry
      bp::client c{f.ioc, opts};
      bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
      CHECK(p.prompt_id == demo::text_prompt_id);
      bp::prompt again = co_await bp::get_prompt(c, demo::text_prompt_id);
      CHECK(again.prompt_id == demo::text_prompt_id);
      CHECK(f.emu.connection_count() == 2);
      CHECK(f.emu.request_count() == 2);
    });
  }
}

TEST_CASE("an answer about another run is bad_response for get_run and wait_for_run", "[hostile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run created = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "x"));
    f.emu.inject_fault(routes::get_run, make_fault(fault_kind::foreign_run));
    auto e = co_await expect_error(bp::get_run(c, created.run_id));
    CHECK(e.code() == bp::error::bad_response);
    CHECK(e.get_diagnostics().data.at("runId").as_string() == created.run_id);
    CHECK(e.get_diagnostics().data.at("answeredRunId") == forged_run);
    CHECK(e.get_diagnostics().request_id.size() > 0);
    f.emu.inject_fault(routes::get_run, make_fault(fault_kind::foreign_run));
    auto waited = co_await expect_error(bp::wait_for_run(c, created.run_id));
    CHECK(waited.code() == bp::error::bad_response);
  });
}

TEST_CASE("interim 1xx answers are skipped, 101 is bad_response", "[hostile]") {
  fixture f;
  for (unsigned status : {100u, 102u, 103u}) {
    auto interim = make_fault(fault_kind::interim_response);
    interim.status = status;
    f.emu.inject_fault(routes::get_prompt, interim);
  }
  auto upgrade = make_fault(fault_kind::interim_response);
  upgrade.status = 101;
  f.emu.inject_fault(routes::get_run, upgrade);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.retry.max_retries = 0;
    bp::client c{f.ioc, opts};
    for (int i = 0; i < 3; ++i) {
      bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
      CHECK(p.prompt_id == demo::text_prompt_id);
    }
    auto e = co_await expect_error(bp::get_run(c, "00000000-0000-4000-8000-000000000000"));
    CHECK(e.code() == bp::error::bad_response);
    CHECK(e.get_diagnostics().message.find("101") != std::string::npos);
  });
}

namespace {
/// Accepts one connection on `server`, reads a request header, writes `answer` and closes.
asio::awaitable<void> answer_then_close(asio::ip::tcp::acceptor& server, std::string answer) {
  auto socket = co_await server.async_accept(asio::use_awaitable);
  std::string request;
  co_await asio::async_read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n",
                                  asio::use_awaitable);
  co_await asio::async_write(socket, asio::buffer(answer), asio::use_awaitable);
  socket.close();
}
}  // namespace

TEST_CASE("a body without Content-Length ends at the close and a header cut short is an error",
          "[hostile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    asio::ip::tcp::acceptor server(f.ioc, {asio::ip::make_address("127.0.0.1"), 0});
    auto opts = f.client_options();
    opts.base_url = loopback_base_url(server.local_endpoint().port());
    opts.retry.max_retries = 0;
    bp::client c{f.ioc, opts};
    asio::co_spawn(f.ioc,
                   answer_then_close(server,
                                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
                                     "{\"status\":\"SUCCESS\",\"data\":{\"credits\":12.5}}"),
                   asio::detached);
    bp::credit_balance balance = co_await bp::get_credits(c);
    CHECK(balance.credits == 12.5);
    asio::co_spawn(f.ioc, answer_then_close(server, "HTTP/1.1 200 OK\r\nContent-Ty"),
                   asio::detached);
    auto e = co_await expect_error(bp::get_credits(c));
    CHECK(e.code() == bp::error::connection_closed);
  });
}

TEST_CASE("a Retry-After over max_retry_after fails at once as rate_limited", "[hostile][retry]") {
  fixture f;
  f.emu.inject_fault(routes::get_prompt, rate_limited_for(std::chrono::seconds(999999)));
  f.emu.inject_fault(routes::get_prompt, rate_limited_for(std::chrono::seconds(999999)));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.timeouts.total = 20s;
    bp::client c{f.ioc, opts};
    auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(elapsed_since(start) < 2s);
    CHECK(e.code() == bp::error::rate_limited);
    CHECK(e.get_diagnostics().retry_after_seconds == 999999);
    CHECK(e.get_diagnostics().message.find("max_retry_after") != std::string::npos);
    // No total deadline at all: still returns at once.
    opts.timeouts.total = 0ms;
    bp::client unbounded{f.ioc, opts};
    start = std::chrono::steady_clock::now();
    auto again = co_await expect_error(bp::get_prompt(unbounded, demo::text_prompt_id));
    CHECK(elapsed_since(start) < 2s);
    CHECK(again.code() == bp::error::rate_limited);
    CHECK(f.emu.request_count() == 2);
  });
}

TEST_CASE("a Retry-After past the call's total timeout fails at once as rate_limited",
          "[hostile][retry]") {
  fixture f;
  f.emu.inject_fault(routes::get_prompt, rate_limited_for(30s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.timeouts.total = 3s;
    bp::client c{f.ioc, opts};
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(elapsed_since(start) < 1s);
    CHECK(e.code() == bp::error::rate_limited);
    CHECK(e.get_diagnostics().retry_after_seconds == 30);
    INFO(e.get_diagnostics().message);
    CHECK(e.get_diagnostics().message.find("longer than the call has left") != std::string::npos);
  });
}

TEST_CASE("wait_for_run fails at once on a 429 asking for longer than it waits out",
          "[hostile][retry]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run created = co_await bp::create_run(c, topic_request(demo::slow_prompt_version_id, "x"));
    f.emu.inject_fault(routes::get_run, rate_limited_for(std::chrono::seconds(3600), -1));
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::wait_for_run(c, created.run_id));
    CHECK(elapsed_since(start) < 2s);
    CHECK(e.code() == bp::error::rate_limited);
    CHECK(e.get_diagnostics().retry_after_seconds == 3600);
    f.emu.clear_faults();
    // Within max_retry_after but past the wait's own deadline: also at once.
    f.emu.inject_fault(routes::get_run, rate_limited_for(std::chrono::seconds(30), -1));
    bp::wait_options within_two_seconds;
    within_two_seconds.timeout = 2s;
    // A new client: the first one pauses for max_retry_after after that 429.
    auto fresh = f.make_client();
    const auto second_start = std::chrono::steady_clock::now();
    auto past = co_await expect_error(bp::wait_for_run(fresh, created.run_id, within_two_seconds));
    CHECK(past.code() == bp::error::rate_limited);
    CHECK(elapsed_since(second_start) < 1s);
    f.emu.clear_faults();
  });
}

TEST_CASE("a 429 on POST /v1/runs is retried after its Retry-After, creating one run",
          "[hostile][retry]") {
  fixture f;
  f.emu.inject_fault(routes::create_run, rate_limited_for(1s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    const auto start = std::chrono::steady_clock::now();
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "x"));
    CHECK(elapsed_since(start) >= 900ms);
    CHECK(r.status == bp::run_status::succeeded);
    CHECK(f.emu.run_count() == 1);
    CHECK(f.emu.request_count() == 2);
  });
}

TEST_CASE("30 concurrent create+wait under a stricter server limit (burst 1) all succeed",
          "[hostile][rate]") {
  emulator_options opts;
  opts.rate_limit_per_second = 10;
  opts.rate_limit_burst = 1;  // stricter than the client's burst of 10
  fixture f(opts);
  f.run(
      [](fixture& f) -> asio::awaitable<void> {
        auto client_opts = f.client_options();
        client_opts.rate_limit = bp::rate_limit_options{10, 10};
        bp::client c{f.ioc, client_opts};
        int succeeded = 0;
        int failed = 0;
        auto one = [](bp::client& c, int& succeeded, int& failed) -> asio::awaitable<void> {
          auto outcome = co_await bp::as_result(
              bp::create_run(c, topic_request(demo::text_prompt_version_id, "batch")));
          if (!outcome) {
            ++failed;
            UNSCOPED_INFO("create failed: " << outcome.get_diagnostics().message);
            co_return;
          }
          auto waited = co_await bp::as_result(bp::wait_for_run(c, outcome->run_id));
          if (waited && waited->status == bp::run_status::succeeded)
            ++succeeded;
          else
            ++failed;
        };
        auto ex = co_await asio::this_coro::executor;
        int done = 0;
        event all_done(ex);
        for (int i = 0; i < 30; ++i)
          asio::co_spawn(ex, one(c, succeeded, failed), [&done, &all_done](std::exception_ptr) {
            if (++done == 30) all_done.set();
          });
        co_await all_done.wait(80s);
        CHECK(failed == 0);
        CHECK(succeeded == 30);
        CHECK(f.emu.run_count() == 30);
        // The limit did bite (so this test shows convergence, not a lenient server).
        CHECK(f.emu.rate_limited_count() > 0);
      },
      90s);
}
