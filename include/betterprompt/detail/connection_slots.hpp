// Bounds the connections of a client: a request holds a slot while it uses a connection, and
// waits in first-come, first-served order when all are taken.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace betterprompt::detail {

class connection_slots {
 public:
  /// At most `max` slots at once; 0 means unbounded.
  explicit connection_slots(std::size_t max) : max_(max), available_(max) {}

  /// Takes a free slot if there is one and nobody waits; never blocks.
  bool try_acquire() {
    if (max_ == 0) return true;
    std::lock_guard lock(mutex_);
    if (available_ == 0 || !queue_.empty()) return false;
    --available_;
    return true;
  }

  /// Takes a slot, waiting behind earlier callers when none is free. Supports terminal
  /// cancellation: a cancelled waiter leaves the queue and throws operation_aborted.
  boost::asio::awaitable<void> acquire(const boost::asio::any_io_executor& ex) {
    if (try_acquire()) co_return;
    auto me = std::make_shared<waiter>(ex);
    {
      std::lock_guard lock(mutex_);
      if (available_ > 0 && queue_.empty()) {
        --available_;
        co_return;
      }
      queue_.push_back(me);
    }
    // The channel is buffered: a slot handed over before this wait starts is not lost.
    boost::system::error_code ec;
    co_await me->handover.async_receive(
        boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    {
      std::lock_guard lock(mutex_);
      if (me->granted) {
        if (!ec) co_return;
        // Cancelled just as the slot arrived: pass it on.
        hand_over_locked();
      } else {
        queue_.erase(std::remove(queue_.begin(), queue_.end(), me), queue_.end());
      }
    }
    // Cancelled (the channel says channel_cancelled): report it as Asio does everywhere else.
    throw boost::system::system_error(boost::asio::error::operation_aborted);
  }

  /// Returns a slot: to the first waiter if any.
  void release() {
    if (max_ == 0) return;
    std::lock_guard lock(mutex_);
    hand_over_locked();
  }

  /// Requests waiting for a slot.
  std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

 private:
  struct waiter {
    explicit waiter(const boost::asio::any_io_executor& ex) : handover(ex, 1) {}
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> handover;
    bool granted = false;  // guarded by mutex_
  };

  void hand_over_locked() {
    if (queue_.empty()) {
      ++available_;
      return;
    }
    auto next = std::move(queue_.front());
    queue_.pop_front();
    next->granted = true;
    next->handover.try_send(boost::system::error_code{});
  }

  const std::size_t max_;
  mutable std::mutex mutex_;
  std::size_t available_;
  std::deque<std::shared_ptr<waiter>> queue_;
};

/// Releases a slot when it leaves scope (also when the request throws or is cancelled).
class slot_guard {
 public:
  explicit slot_guard(connection_slots& slots) : slots_(&slots) {}
  slot_guard(const slot_guard&) = delete;
  slot_guard& operator=(const slot_guard&) = delete;
  ~slot_guard() { slots_->release(); }

 private:
  connection_slots* slots_;
};

}  // namespace betterprompt::detail
