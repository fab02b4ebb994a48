// SPDX-License-Identifier: BSL-1.0
// Bounds the connections of a client: a request holds a slot while it uses a connection, and
// waits in first-come, first-served order when all are taken.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

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

  /// A request waiting for a slot: its handover channel receives once a slot is handed to it.
  struct waiter {
    explicit waiter(const boost::asio::any_io_executor& ex) : handover(ex, 1) {}
    /// Buffered: a slot handed over before the receive starts is not lost.
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> handover;
    bool granted = false;  // guarded by mutex_
  };

  /// Takes a free slot (null), or queues a waiter behind earlier ones and returns it.
  std::shared_ptr<waiter> acquire_or_queue(const boost::asio::any_io_executor& ex) {
    if (try_acquire()) return nullptr;
    auto me = std::make_shared<waiter>(ex);
    std::lock_guard lock(mutex_);
    if (available_ > 0 && queue_.empty()) {
      --available_;
      return nullptr;
    }
    queue_.push_back(me);
    return me;
  }

  /// Ends a wait: true when `me` holds a slot and `keep` is set. A slot granted to a waiter that
  /// gives up (`keep` false: cancelled, timed out) passes on to the next one.
  bool settle(const std::shared_ptr<waiter>& me, bool keep) {
    std::lock_guard lock(mutex_);
    if (me->granted) {
      if (keep) return true;
      hand_over_locked();
    } else {
      queue_.erase(std::remove(queue_.begin(), queue_.end(), me), queue_.end());
    }
    return false;
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

}  // namespace betterprompt::detail
