// SPDX-License-Identifier: BSL-1.0
// wait_for_run outlives a bad poll: transient failures are polled past until the wait's own
// deadline, which then says what the last failure was; permanent ones end it at once.
#include "support/fixture.hpp"

using namespace bp_test;
using bp::testing::fault_kind;
namespace routes = bp::testing::routes;

namespace {
constexpr const char* running_version = "77777777-8888-4999-aaaa-bbbbbbbbbbbb";

// The clients here have no retries of their own: each fault reaches the wait.

bp::wait_options quick_wait(std::chrono::milliseconds timeout) {
  bp::wait_options wait;
  wait.poll_interval = 50ms;
  wait.max_poll_interval = 100ms;
  wait.timeout = timeout;
  return wait;
}
}  // namespace

TEST_CASE("wait_for_run polls past resets, 5xx, timeouts and cut answers until the run ends",
          "[wait][faults]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 1500ms));
  f.emu.inject_fault(routes::get_run, make_fault(fault_kind::reset));
  auto unavailable = make_fault(fault_kind::server_error, 2);
  unavailable.status = 503;
  f.emu.inject_fault(routes::get_run, unavailable);
  auto stall = make_fault(fault_kind::stall);
  stall.bytes = 5;
  stall.delay = 2s;
  f.emu.inject_fault(routes::get_run, stall);
  auto slow = make_fault(fault_kind::delay);
  slow.delay = 2s;
  f.emu.inject_fault(routes::get_run, slow);
  f.emu.inject_fault(routes::get_run, make_fault(fault_kind::close_after_bytes));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 0, 300ms)};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "patient"));
    REQUIRE_FALSE(pending.finished());
    bp::run done = co_await bp::wait_for_run(c, pending.run_id, quick_wait(20s));
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(done.run_id == pending.run_id);
  });
}

TEST_CASE("a wait that meets only failures ends at its deadline, naming the last one",
          "[wait][faults][timeout]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 0, 300ms)};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "doomed"));
    auto every = make_fault(fault_kind::server_error, -1);
    every.status = 502;
    f.emu.inject_fault(routes::get_run, every);
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::wait_for_run(c, pending.run_id, quick_wait(600ms)));
    CHECK(elapsed_since(start) >= 550ms);  // it did not stop at the first failed poll
    CHECK(elapsed_since(start) < 5s);
    CHECK(e.code() == bp::error::wait_timeout);
    const auto& diag = e.get_diagnostics();
    CHECK(diag.data.at("runId") == pending.run_id.c_str());
    CHECK(diag.data.at("lastError").at("code") == "server_error");
    CHECK(diag.data.at("lastError").at("httpStatus") == 502);
    CHECK(diag.http_status == 502);
    CHECK(diag.request_id.rfind("req_", 0) == 0);
    CHECK(diag.message.find("the last failed poll") != std::string::npos);
    CHECK(f.emu.request_count() >= 4);  // the create and several polls
  });
}

TEST_CASE("a permanent failure ends a wait at once", "[wait][faults]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 0, 300ms)};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "broken"));
    f.emu.inject_fault(routes::get_run, make_fault(fault_kind::malformed_json));
    const auto start = std::chrono::steady_clock::now();
    auto malformed = co_await expect_error(bp::wait_for_run(c, pending.run_id, quick_wait(20s)));
    CHECK(malformed.code() == bp::error::bad_response);
    f.emu.inject_fault(routes::get_run, make_fault(fault_kind::foreign_run));
    auto foreign = co_await expect_error(bp::wait_for_run(c, pending.run_id, quick_wait(20s)));
    CHECK(foreign.code() == bp::error::bad_response);
    auto missing = co_await expect_error(
        bp::wait_for_run(c, "00000000-0000-4000-8000-000000000000", quick_wait(20s)));
    CHECK(missing.code() == bp::error::not_found);
    CHECK(elapsed_since(start) < 5s);
  });
}

TEST_CASE("wait_options::on_poll sees each poll that read the run, with the delay to the next",
          "[wait][faults]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 600ms));
  auto unavailable = make_fault(fault_kind::server_error, 1);
  unavailable.status = 503;
  f.emu.inject_fault(routes::get_run, unavailable);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 0, 300ms)};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "watched"));
    REQUIRE_FALSE(pending.finished());
    std::vector<std::pair<bp::run_status, std::chrono::milliseconds>> seen;
    bp::wait_options wait = quick_wait(20s);
    wait.on_poll = [&seen](const bp::run& r, std::chrono::milliseconds next) {
      seen.emplace_back(r.status, next);
      if (seen.size() == 1) throw std::runtime_error("a progress display that throws");
    };
    bp::diagnostics diag;
    bp::run done = co_await bp::wait_for_run(c, pending.run_id, wait, diag);
    CHECK(done.status == bp::run_status::succeeded);
    // The 503 poll read no run: every other poll is reported, the last with no next poll.
    REQUIRE(seen.size() >= 2);
    CHECK(seen.size() == diag.attempts - 1);
    CHECK(seen.back().first == bp::run_status::succeeded);
    CHECK(seen.back().second == 0ms);
    for (std::size_t i = 0; i + 1 < seen.size(); ++i) {
      CHECK((seen[i].first == bp::run_status::queued || seen[i].first == bp::run_status::running));
      CHECK(seen[i].second >= 50ms);
      CHECK(seen[i].second <= 100ms);
    }
  });
}
