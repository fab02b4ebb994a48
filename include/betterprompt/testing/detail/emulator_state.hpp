// SPDX-License-Identifier: BSL-1.0
// What every session of one emulator shares.
#pragma once

#include <betterprompt/testing/detail/emulator_store.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace betterprompt::testing::detail {

/// Everything the server's sessions share.
struct emulator_state {
  explicit emulator_state(emulator_options opts)
      : options(std::move(opts)),
        store(options.demo_prompts, options.credits),
        rate_burst(options.rate_limit_burst > 0 ? options.rate_limit_burst
                                                : options.rate_limit_per_second),
        rate_tokens(rate_burst),
        rate_refilled(clock::now()) {
    store.clock_offset = options.clock_offset;
    store.stamp_offset = options.stamp_offset;
  }

  emulator_options options;
  emulator_store store;                                     // guarded by store.mutex
  std::map<std::string, std::chrono::milliseconds> delays;  // guarded by store.mutex
  std::map<std::string, std::deque<fault>> faults;          // guarded by store.mutex
  std::deque<received_request> received;                    // guarded by store.mutex; last 256
  const double rate_burst;
  double rate_tokens = 0;             // guarded by store.mutex
  clock::time_point rate_refilled{};  // guarded by store.mutex
  std::atomic<std::size_t> rate_limited{0};
  std::atomic<std::size_t> requests{0};
  std::atomic<std::size_t> connections{0};
  /// The waits for a request (emulator::async_wait_request), shared with the emulator.
  const std::shared_ptr<request_waiters> waiters = std::make_shared<request_waiters>();

  /// Keeps `r` among the last 256 requests received.
  void remember(received_request r) {
    std::lock_guard lock(store.mutex);
    if (received.size() == 256) received.pop_front();
    received.push_back(std::move(r));
  }
};

}  // namespace betterprompt::testing::detail
