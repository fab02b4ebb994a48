// SPDX-License-Identifier: BSL-1.0
// The SDK: `concurrency` coroutines on one client, each running create_run + get_run pairs.
#include "sdk_options.hpp"

#include <betterprompt/betterprompt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace bp = betterprompt;
namespace asio = boost::asio;

namespace {

using worker_state = bench::worker_result;

asio::awaitable<void> run_pairs(bp::client& c, std::string version_id, int pairs,
                                worker_state& state) {
  for (int i = 0; i < pairs; ++i) {
    try {
      bp::run_request request;
      request.prompt_version_id = version_id;
      request.text_inputs["topic"] = "bench";
      const auto created_at = bench::clock::now();
      bp::run created = co_await bp::create_run(c, std::move(request));
      state.lat.add(bench::clock::now() - created_at);
      const auto fetched_at = bench::clock::now();
      bp::run fetched = co_await bp::get_run(c, created.run_id);
      state.lat.add(bench::clock::now() - fetched_at);
      if (fetched.run_id != created.run_id) ++state.errors;
    } catch (const std::exception& e) {
      if (state.errors++ == 0) std::cerr << "bench_sdk: " << e.what() << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return bench::guarded_main("bench_sdk", [&] {
    const auto args = bench::parse_arguments(argc, argv);
    asio::io_context ioc(1);
    auto options = bench::sdk_options(args);
    // One connection per worker, as libcurl's multi and the raw client get.
    options.max_connections = static_cast<std::size_t>(args.concurrency);
    options.max_idle_connections = static_cast<std::size_t>(args.concurrency);
    bp::client c{ioc, options};

    std::vector<worker_state> workers(static_cast<std::size_t>(args.concurrency));
    // Warm-up: every worker opens its connection (TLS handshakes are not timed).
    for (auto& w : workers)
      asio::co_spawn(ioc, run_pairs(c, args.version_id, 1, w), asio::detached);
    ioc.run();
    std::vector<worker_state> timed(workers.size());
    bench::timed_phase phase;
    ioc.restart();
    phase.start();
    for (auto& w : timed)
      asio::co_spawn(ioc, run_pairs(c, args.version_id, args.pairs_per_worker(), w),
                     asio::detached);
    ioc.run();
    phase.stop();
    return bench::report_workers("sdk", args, phase, timed) == 0 ? 0 : 1;
  });
}
