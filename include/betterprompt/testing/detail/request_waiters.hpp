// SPDX-License-Identifier: BSL-1.0
// Who awaits the next request on a route (emulator::async_wait_request): the emulator wakes them
// when such a request arrives, before it answers; stop() and cancellation end them too.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace betterprompt::testing::detail {

/// One wait: its route ("*": any) and what completes it, at most once.
struct request_waiter {
  std::string route;
  /// Posts the caller's handler with `ec`; called once, outside the registry's lock.
  std::function<void(boost::system::error_code)> complete;
};

/// The waits in progress. Thread-safe.
class request_waiters {
 public:
  /// Adds `w`; ends it at once (operation_aborted) when the emulator has stopped.
  void add(std::shared_ptr<request_waiter> w) {
    {
      std::lock_guard lock(mutex_);
      if (!stopped_) {
        waiting_.push_back(std::move(w));
        return;
      }
    }
    w->complete(boost::asio::error::operation_aborted);
  }

  /// Takes `w` out; false when it was woken or ended already.
  bool remove(const request_waiter* w) {
    std::lock_guard lock(mutex_);
    const auto it = std::find_if(waiting_.begin(), waiting_.end(),
                                 [w](const auto& each) { return each.get() == w; });
    if (it == waiting_.end()) return false;
    waiting_.erase(it);
    return true;
  }

  /// A request on `route` arrived: wakes every wait for it or for "*".
  void arrived(std::string_view route) {
    std::vector<std::shared_ptr<request_waiter>> woken;
    {
      std::lock_guard lock(mutex_);
      if (waiting_.empty()) return;
      auto keep = std::partition(waiting_.begin(), waiting_.end(), [route](const auto& w) {
        return w->route != "*" && w->route != route;
      });
      woken.assign(keep, waiting_.end());
      waiting_.erase(keep, waiting_.end());
    }
    for (const auto& w : woken) w->complete({});
  }

  /// Ends every wait with operation_aborted, and each later one at once.
  void stop() {
    std::vector<std::shared_ptr<request_waiter>> ended;
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      ended.swap(waiting_);
    }
    for (const auto& w : ended) w->complete(boost::asio::error::operation_aborted);
  }

 private:
  std::mutex mutex_;
  std::vector<std::shared_ptr<request_waiter>> waiting_;
  bool stopped_ = false;
};

/// Starts emulator::async_wait_request: registers a waiter that posts the handler, once, to its
/// associated executor (the emulator's by default), and honours per-operation cancellation.
struct wait_request_initiation {
  std::shared_ptr<request_waiters> waiters;
  boost::asio::any_io_executor executor;

  template <class Handler>
  void operator()(Handler&& handler, std::string route) const {
    using handler_type = std::decay_t<Handler>;
    auto ex = boost::asio::get_associated_executor(handler, executor);
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    struct pending {
      std::optional<handler_type> handler;
      boost::asio::executor_work_guard<decltype(ex)> work;
    };
    auto held = std::make_shared<pending>(
        pending{handler_type(std::forward<Handler>(handler)), boost::asio::make_work_guard(ex)});
    auto waiter = std::make_shared<request_waiter>();
    waiter->route = std::move(route);
    waiter->complete = [held](boost::system::error_code ec) {
      boost::asio::post(held->work.get_executor(), [held, ec] {
        handler_type h = std::move(*held->handler);
        held->handler.reset();
        held->work.reset();
        boost::asio::get_associated_cancellation_slot(h).clear();
        std::move(h)(ec);
      });
    };
    if (slot.is_connected()) {
      slot.assign([waiters = waiters, weak = std::weak_ptr<request_waiter>(waiter)](
                      boost::asio::cancellation_type) {
        if (auto w = weak.lock(); w && waiters->remove(w.get()))
          w->complete(boost::asio::error::operation_aborted);
      });
    }
    waiters->add(std::move(waiter));
  }
};

}  // namespace betterprompt::testing::detail
