// A token bucket that makes requests wait their turn instead of collecting 429s.
#pragma once

#include <betterprompt/client_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>

namespace betterprompt::detail {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(const rate_limit_options& o)
      : rate_(o.requests_per_second),
        burst_(std::max(1.0, o.burst)),
        tokens_(burst_),
        refilled_(clock::now()) {}

  /// False when the limit is off.
  bool enabled() const noexcept { return rate_ > 0; }

  /// Waits for a token. Tokens are reserved in call order, so waiters are served first come,
  /// first served. Cancellable (terminal): the reserved token is given back.
  boost::asio::awaitable<void> acquire(const boost::asio::any_io_executor& ex) {
    if (rate_ <= 0) co_return;
    const auto wait = reserve();
    if (wait <= clock::duration::zero()) co_return;
    boost::asio::steady_timer timer(ex, wait);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) {
      give_back();
      throw boost::system::system_error(ec);
    }
  }

 private:
  // Takes a token (possibly going into debt) and says how long until it is really available.
  clock::duration reserve() {
    std::lock_guard lock(mutex_);
    const auto now = clock::now();
    const std::chrono::duration<double> elapsed = now - refilled_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    refilled_ = now;
    tokens_ -= 1;
    if (tokens_ >= 0) return clock::duration::zero();
    return std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(-tokens_ / rate_));
  }

  void give_back() {
    std::lock_guard lock(mutex_);
    tokens_ = std::min(burst_, tokens_ + 1);
  }

  const double rate_;
  const double burst_;
  std::mutex mutex_;
  double tokens_;
  clock::time_point refilled_;
};

}  // namespace betterprompt::detail
