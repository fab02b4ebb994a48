// SPDX-License-Identifier: BSL-1.0
// Memory of waiting: N concurrent wait_for_run on runs that stay running, measured as the growth
// of resident memory per waiting run once every waiter has polled once and sleeps.
#include "sdk_options.hpp"

#include <betterprompt/betterprompt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <malloc.h>

namespace bp = betterprompt;
namespace asio = boost::asio;

namespace {

asio::awaitable<void> create_runs(bp::client& c, std::string version_id, int count,
                                  std::vector<std::string>& ids) {
  for (int i = 0; i < count; ++i) {
    bp::run_request request;
    request.prompt_version_id = version_id;
    request.text_inputs["topic"] = "waiting";
    bp::run created = co_await bp::create_run(c, std::move(request));
    if (created.finished()) throw std::runtime_error("run finished: use a long-running prompt");
    ids.push_back(created.run_id);
  }
}

asio::awaitable<void> wait_one(bp::client& c, std::string run_id, int& closed, int& other) {
  try {
    bp::wait_options options;
    options.poll_interval = std::chrono::minutes(10);  // one poll, then a long sleep
    options.timeout = std::chrono::milliseconds(0);
    bp::run finished = co_await bp::wait_for_run(c, std::move(run_id), options);
    ++other;
  } catch (const bp::error_with_diagnostics& e) {
    if (e.code() == bp::error::client_closed)
      ++closed;
    else if (other++ == 0)
      std::cerr << "bench_waiters: " << e.what() << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  return bench::guarded_main("bench_waiters", [&] {
    const auto args = bench::parse_arguments(argc, argv);
    asio::io_context ioc(1);
    auto options = bench::sdk_options(args);
    bp::client c{ioc, options};

    // The runs to wait for, created by a few workers.
    constexpr int creators = 16;
    std::vector<std::vector<std::string>> ids(creators);
    for (int i = 0; i < creators; ++i) {
      const int count = args.waiters / creators + (i < args.waiters % creators ? 1 : 0);
      asio::co_spawn(ioc, create_runs(c, args.version_id, count, ids[static_cast<std::size_t>(i)]),
                     [](std::exception_ptr e) {
                       if (e) std::rethrow_exception(e);
                     });
    }
    ioc.run();
    std::vector<std::string> run_ids;
    for (auto& batch : ids) run_ids.insert(run_ids.end(), batch.begin(), batch.end());

    // Freed memory goes back to the system before each reading, so that the numbers are the
    // waiting runs' live memory (plus fragmentation), not the transient peak of the first polls.
    malloc_trim(0);
    const long rss_before = bench::current_rss_kb();
    const long peak_before = bench::peak_rss_kb();
    const auto heap_before = mallinfo2().uordblks;
    int closed = 0, other = 0;
    if (args.style == "callback") {
      bp::wait_options options;
      options.poll_interval = std::chrono::minutes(10);
      options.timeout = std::chrono::milliseconds(0);
      for (auto& id : run_ids)
        bp::wait_for_run(c, id, options, [&](boost::system::error_code ec, bp::run) {
          if (ec == bp::error::client_closed)
            ++closed;
          else if (other++ == 0)
            std::cerr << "bench_waiters: " << ec.message() << "\n";
        });
    } else {
      for (auto& id : run_ids) asio::co_spawn(ioc, wait_one(c, id, closed, other), asio::detached);
    }
    // Let every waiter send its first poll and go to sleep (the connection pool queues them).
    ioc.restart();
    const auto settle = std::chrono::milliseconds(1000 + args.waiters / 2);
    ioc.run_for(settle);
    malloc_trim(0);
    const long rss_waiting = bench::current_rss_kb();
    const long peak_waiting = bench::peak_rss_kb();
    const auto heap_waiting = mallinfo2().uordblks;
    c.close();
    ioc.run();

    const double waiters = static_cast<double>(run_ids.size());
    boost::json::object line{
        {"client", "sdk"},
        {"transport", args.transport()},
        {"style", args.style},
        {"waiters", run_ids.size()},
        {"rss_growth_kb", rss_waiting - rss_before},
        {"bytes_per_waiter", static_cast<double>(rss_waiting - rss_before) * 1024 / waiters},
        {"peak_rss_growth_kb", peak_waiting - peak_before},
        {"heap_bytes_per_waiter",
         (static_cast<double>(heap_waiting) - static_cast<double>(heap_before)) / waiters},
        {"ended_by_close", closed},
        {"ended_otherwise", other},
    };
    std::cout << boost::json::serialize(line) << std::endl;
    return closed == static_cast<int>(run_ids.size()) ? 0 : 1;
  });
}
