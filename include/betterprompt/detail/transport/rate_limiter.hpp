// SPDX-License-Identifier: BSL-1.0
// The client's rate limit, shared by every request of a client: rate_limit_state plus the clock
// and a lock. The call operation does the waiting.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/decisions/rate_limit_state.hpp>

#include <atomic>
#include <chrono>
#include <mutex>

namespace betterprompt::detail {

class rate_limiter {
 public:
  using clock = rate_limit_state::clock;

  explicit rate_limiter(const rate_limit_options& o)
      : state_(o, clock::now()), active_(state_.active()) {}

  /// False while the limit is off and no 429 has paused the client: nothing to reserve.
  bool enabled() const noexcept { return active_.load(std::memory_order_relaxed); }

  /// A 429 arrived: pause every request of the client for `pause`, then go slower for a while.
  void on_rate_limited(clock::duration pause) {
    std::lock_guard lock(mutex_);
    state_.on_rate_limited(clock::now(), pause);
    active_ = true;
  }

  /// Reserves the next token: its wait is zero when it may go now. After waiting, check
  /// still_valid() (a 429 may have paused the client meanwhile), or give_back() when abandoned.
  rate_limit_state::reservation reserve() {
    std::lock_guard lock(mutex_);
    return state_.reserve(clock::now());
  }
  /// True when a reservation waited out still holds (no pause began meanwhile).
  bool still_valid(const rate_limit_state::reservation& r) {
    std::lock_guard lock(mutex_);
    return state_.still_valid(r);
  }
  /// Returns an abandoned reservation's token.
  void give_back(const rate_limit_state::reservation& r) {
    std::lock_guard lock(mutex_);
    state_.give_back(r);
  }

 private:
  std::mutex mutex_;
  rate_limit_state state_;
  std::atomic<bool> active_;
};

}  // namespace betterprompt::detail
