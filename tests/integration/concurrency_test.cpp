// One client shared by many coroutines on a multi-threaded io_context (run under TSan in CI).
#include "support/fixture.hpp"

#include <atomic>
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
