// The client's rate limit, shared by every request of a client: rate_limit_state plus the clock,
// a lock and a timer.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/fsm/rate_limit_state.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <atomic>
#include <chrono>
#include <mutex>

namespace betterprompt::detail {

class rate_limiter {
 public:
  using clock = rate_limit_state::clock;

  explicit rate_limiter(const rate_limit_options& o)
      : state_(o, clock::now()), active_(state_.active()) {}

  /// False while the limit is off and no 429 has paused the client: acquire() has nothing to do.
  bool enabled() const noexcept { return active_.load(std::memory_order_relaxed); }

  /// Waits for a token, and for the end of any pause a 429 began. Cancellable (terminal): the
  /// reserved token is given back.
  boost::asio::awaitable<void> acquire(const boost::asio::any_io_executor& ex) {
    for (;;) {
      const auto reserved = reserve();
      if (reserved.wait <= clock::duration::zero()) co_return;
      boost::asio::steady_timer timer(ex, reserved.wait);
      boost::system::error_code ec;
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) {
        give_back(reserved);
        throw boost::system::system_error(ec);
      }
      if (still_valid(reserved)) co_return;
    }
  }

  /// A 429 arrived: pause every request of the client for `pause`, then go slower for a while.
  void on_rate_limited(clock::duration pause) {
    std::lock_guard lock(mutex_);
    state_.on_rate_limited(clock::now(), pause);
    active_ = true;
  }

 private:
  rate_limit_state::reservation reserve() {
    std::lock_guard lock(mutex_);
    return state_.reserve(clock::now());
  }
  bool still_valid(const rate_limit_state::reservation& r) {
    std::lock_guard lock(mutex_);
    return state_.still_valid(r);
  }
  void give_back(const rate_limit_state::reservation& r) {
    std::lock_guard lock(mutex_);
    state_.give_back(r);
  }

  std::mutex mutex_;
  rate_limit_state state_;
  std::atomic<bool> active_;
};

}  // namespace betterprompt::detail
