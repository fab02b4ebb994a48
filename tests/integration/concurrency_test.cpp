// SPDX-License-Identifier: BSL-1.0
// One client shared by many coroutines on a multi-threaded io_context, and by plain threads on a
// one-thread io_context (run under TSan in CI).
#include "support/cancel.hpp"
#include "support/fixture.hpp"

#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/transport/is_strand.hpp>

#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>
#include <thread>

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
constexpr int coroutines = 100;
constexpr int runs_per_coroutine = 3;

asio::awaitable<void> create_and_fetch(bp::client& c, int worker, std::atomic<int>& succeeded) {
  for (int i = 0; i < runs_per_coroutine; ++i) {
    bp::run created = co_await bp::create_run(
        c, topic_request(demo::text_prompt_version_id, "w" + std::to_string(worker)));
    bp::run fetched = co_await bp::get_run(c, created.run_id);
    if (fetched.status == bp::run_status::succeeded &&
        fetched.text().find("w" + std::to_string(worker)) != std::string::npos)
      ++succeeded;
  }
}
}  // namespace

TEST_CASE("hundreds of runs from coroutines on 4 threads share one client", "[concurrency]") {
  asio::io_context ioc(4);
  bp::testing::emulator emu(ioc);
  bp::client c{ioc, emu.make_client_options()};
  std::atomic<int> succeeded{0};
  std::atomic<int> finished{0};
  std::atomic<int> failures{0};
  for (int w = 0; w < coroutines; ++w) {
    asio::co_spawn(ioc, create_and_fetch(c, w, succeeded), [&](std::exception_ptr e) {
      if (e) ++failures;
      if (++finished == coroutines) emu.stop();
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { ioc.run_for(std::chrono::seconds(120)); });
  for (auto& t : threads) t.join();
  CHECK(finished == coroutines);
  CHECK(failures == 0);
  CHECK(succeeded == coroutines * runs_per_coroutine);
  CHECK(emu.run_count() == static_cast<std::size_t>(coroutines * runs_per_coroutine));
}

TEST_CASE("calls started from 4 plain threads share a client on a one-thread io_context",
          "[concurrency]") {
  // Not thread-safe: one thread runs the io_context, so the client runs its operations without
  // strands; threads that are not running the io_context may still start calls.
  asio::io_context ioc{1};
  bp::testing::emulator emu(ioc);
  auto opts = emu.make_client_options();
  opts.thread_safe = false;
  bp::client c{ioc, opts};
  auto work = asio::make_work_guard(ioc);
  std::thread runner([&] { ioc.run_for(std::chrono::seconds(120)); });
  std::atomic<int> succeeded{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        bp::run created =
            bp::create_run(c, topic_request(demo::text_prompt_version_id, "t" + std::to_string(t)),
                           asio::use_future)
                .get();
        bp::run fetched = bp::get_run(c, created.run_id, asio::use_future).get();
        if (fetched.run_id == created.run_id) ++succeeded;
      }
    });
  for (auto& t : callers) t.join();
  c.close();
  work.reset();
  emu.stop();
  runner.join();
  CHECK(succeeded == 40);
  CHECK(emu.run_count() == 40u);
}

TEST_CASE("a thread-safe client runs calls on strands, its own or the one it was given, and a "
          "client that need not be runs them on its executor",
          "[concurrency]") {
  asio::io_context ioc;
  bp::testing::emulator emu(ioc);
  const auto call_executor_of = [](const bp::client& c) {
    return bp::detail::client_access::handle(c)->state().call_executor();
  };
  auto opts = emu.make_client_options();
  const bp::client safe{ioc, opts};  // thread_safe by default
  CHECK(call_executor_of(safe) != asio::any_io_executor(ioc.get_executor()));
  CHECK(call_executor_of(safe) != call_executor_of(safe));  // a few strands, in turn
  const auto strand = asio::make_strand(ioc);
  const bp::client on_strand{asio::any_io_executor(strand), opts};
  CHECK(call_executor_of(on_strand) == asio::any_io_executor(strand));
  opts.thread_safe = false;
  const bp::client serial{ioc, opts};
  CHECK(call_executor_of(serial) == asio::any_io_executor(ioc.get_executor()));
  emu.stop();
  // The strands recognised, whatever they wrap.
  asio::thread_pool pool{1};
  CHECK(bp::detail::is_strand(asio::make_strand(pool)));
  CHECK(bp::detail::is_strand(asio::make_strand(asio::any_io_executor(ioc.get_executor()))));
  CHECK_FALSE(bp::detail::is_strand(pool.get_executor()));
  CHECK_FALSE(bp::detail::is_strand(ioc.get_executor()));
  pool.join();
}

namespace {
asio::awaitable<void> fetch_prompt_into(bp::client& c, int index, std::vector<int>& order) {
  bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
  if (p.prompt_id == demo::text_prompt_id) order.push_back(index);
}
}  // namespace

TEST_CASE("max_connections bounds the connections, and waiters are served in order",
          "[concurrency][pool]") {
  fixture f;
  f.emu.set_response_delay(bp::testing::routes::get_prompt, 50ms);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.max_connections = 2;
    bp::client c{f.ioc, opts};
    std::vector<int> order;
    using namespace boost::asio::experimental::awaitable_operators;
    co_await (fetch_prompt_into(c, 0, order) && fetch_prompt_into(c, 1, order) &&
              fetch_prompt_into(c, 2, order) && fetch_prompt_into(c, 3, order) &&
              fetch_prompt_into(c, 4, order) && fetch_prompt_into(c, 5, order));
    CHECK(order.size() == 6);
    CHECK(f.emu.connection_count() <= 2);

    opts.max_connections = 1;
    bp::client single{f.ioc, opts};
    std::vector<int> serial;
    co_await (fetch_prompt_into(single, 0, serial) && fetch_prompt_into(single, 1, serial) &&
              fetch_prompt_into(single, 2, serial) && fetch_prompt_into(single, 3, serial));
    CHECK(serial == std::vector<int>{0, 1, 2, 3});  // first come, first served
  });
}

TEST_CASE("a request cancelled while queued for a connection leaves the queue",
          "[concurrency][pool][cancel]") {
  fixture f;
  f.emu.set_response_delay(bp::testing::routes::get_prompt, 300ms);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.max_connections = 1;
    bp::client c{f.ioc, opts};
    std::vector<int> done;
    using namespace boost::asio::experimental::awaitable_operators;
    const auto start = std::chrono::steady_clock::now();
    // 0 holds the only connection; 1 queues behind it and is cancelled once 0's request reached
    // the emulator (its answer is 300 ms away); 2 queues too.
    auto holder_sent = request_arrives(f.emu, bp::testing::routes::get_prompt, f.ioc.get_executor());
    auto outcome = co_await (fetch_prompt_into(c, 0, done) &&
                             (fetch_prompt_into(c, 1, done) || holder_sent->wait()) &&
                             fetch_prompt_into(c, 2, done));
    (void)outcome;
    CHECK(done == std::vector<int>{0, 2});
    CHECK(elapsed_since(start) < 5s);
    CHECK(f.emu.request_count() == 2);  // the cancelled one never reached the server
    CHECK(f.emu.connection_count() == 1);
  });
}

namespace {
asio::awaitable<void> fetch_until_closed(bp::client& c, std::atomic<int>& closed,
                                         std::atomic<int>& other) {
  for (;;) {
    auto outcome = co_await bp::as_result(bp::get_prompt(c, demo::text_prompt_id));
    if (outcome.has_value()) continue;
    if (outcome.error() == bp::error::client_closed)
      ++closed;
    else
      ++other;
    co_return;
  }
}
}  // namespace

TEST_CASE("close() from another thread ends every call of coroutines on 4 threads",
          "[concurrency][lifecycle]") {
  asio::io_context ioc(4);
  bp::testing::emulator emu(ioc);
  emu.set_response_delay(bp::testing::routes::get_prompt, 20ms);
  bp::client c{ioc, emu.make_client_options()};  // 8 connections: most calls queue
  std::atomic<int> closed{0};
  std::atomic<int> other{0};
  std::atomic<int> finished{0};
  for (int w = 0; w < coroutines; ++w) {
    asio::co_spawn(ioc, fetch_until_closed(c, closed, other), [&](std::exception_ptr e) {
      if (e) ++other;
      if (++finished == coroutines) emu.stop();
    });
  }
  // Closed once the calls are under way: the first request has reached the emulator.
  std::promise<void> under_way;
  emu.async_wait_request(bp::testing::routes::get_prompt,
                         [&under_way](boost::system::error_code) { under_way.set_value(); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { ioc.run_for(std::chrono::seconds(60)); });
  REQUIRE(under_way.get_future().wait_for(30s) == std::future_status::ready);
  const auto start = std::chrono::steady_clock::now();
  c.close();
  for (auto& t : threads) t.join();
  CHECK(elapsed_since(start) < 30s);
  CHECK(finished == coroutines);
  CHECK(closed == coroutines);
  CHECK(other == 0);
}
