// SPDX-License-Identifier: BSL-1.0
// Metrics for a batch through the event hook: a latency histogram per operation and the retries
// by reason. Runs against the in-process emulator, which fails some requests on purpose (503s)
// so that retries show.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>

namespace asio = boost::asio;
namespace bp = betterprompt;
using namespace std::chrono_literals;

/// Call latencies in buckets, and retries by reason. The hook runs on the client's executor: one
/// thread here, so no lock is needed (take one with a multi-threaded executor).
struct batch_metrics {
  static constexpr std::array<int, 7> bounds_ms{1, 2, 5, 10, 20, 50, 100};
  std::map<std::string, std::array<int, bounds_ms.size() + 1>> latency;  // by operation
  std::map<std::string, int> retries;                                    // by reason
  int failures = 0;

  void record(const bp::event& e) {
    if (e.kind == bp::event_kind::retry_scheduled) ++retries[std::string(e.reason)];
    if (e.kind != bp::event_kind::call_finished) return;
    if (e.error || e.http_status >= 400) ++failures;
    const auto ms = std::chrono::duration<double, std::milli>(e.duration).count();
    std::size_t bucket = 0;
    while (bucket < bounds_ms.size() && ms >= bounds_ms[bucket]) ++bucket;
    ++latency[std::string(e.operation)][bucket];
  }

  void print(std::ostream& out) const {
    for (const auto& [operation, counts] : latency) {
      out << operation << " latency:\n";
      for (std::size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] == 0) continue;
        std::string label = i < bounds_ms.size() ? "< " + std::to_string(bounds_ms[i]) + " ms"
                                                 : ">= " + std::to_string(bounds_ms.back()) + " ms";
        out << "  " << std::setw(9) << label << " " << std::string(counts[i], '#') << " "
            << counts[i] << "\n";
      }
    }
    int total = 0;
    for (const auto& [reason, count] : retries) {
      out << "retried (" << reason << "): " << count << "\n";
      total += count;
    }
    out << "failed calls: " << failures << "\nretries: " << total << "\n";
  }
};

asio::awaitable<void> one_run(bp::client& c, int i, int& left) {
  bp::run_request request;
  request.prompt_version_id = bp::testing::demo::text_prompt_version_id;
  request.text_inputs["topic"] = "item " + std::to_string(i);
  bp::run created = co_await bp::create_run(c, std::move(request));
  co_await bp::get_run(c, created.run_id);  // read back: some of these meet a 503 and retry
  --left;
}

int main() {
  asio::io_context ioc{1};
  bp::testing::emulator emu(ioc);
  emu.set_response_delay(bp::testing::routes::create_run, 3ms);
  bp::testing::fault unavailable;
  unavailable.kind = bp::testing::fault_kind::server_error;
  unavailable.status = 503;
  unavailable.count = 6;
  emu.inject_fault(bp::testing::routes::get_run, unavailable);

  batch_metrics metrics;
  bp::client_options options = emu.make_client_options();
  options.retry.initial_backoff = 5ms;
  options.thread_safe = false;  // one thread runs ioc: the client needs no strands
  options.on_event = [&metrics](const bp::event& e) { metrics.record(e); };
  bp::client c(ioc, options);

  constexpr int batch = 40;
  int left = batch;
  for (int i = 0; i < batch; ++i)
    asio::co_spawn(ioc, one_run(c, i, left), [&](std::exception_ptr error) {
      if (error) ++metrics.failures;
      if (left == 0 || error) emu.stop();
    });
  ioc.run();
  metrics.print(std::cout);
  return left == 0 ? 0 : 1;
}
