// SPDX-License-Identifier: BSL-1.0
// The deadline of a call's pending I/O step (connect, handshake, write, the answer), kept on one
// timer that is armed as rarely as possible: a phase whose deadline is later than the pending
// wait's leaves the wait alone, and the wait checks again when it ends. A call over a kept-alive
// connection so arms its timer once, where a Beast tcp_stream arms and cancels one per read and
// per write.
#pragma once

#include <chrono>
#include <cstdint>

namespace betterprompt::detail {

class io_deadline {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  /// What the end of a wait means.
  enum class verdict {
    ignore,      ///< A wait that was cancelled or replaced, or there is no deadline now.
    wait_again,  ///< The deadline moved later meanwhile: wait until deadline().
    expired,     ///< The pending step is out of time.
  };

  /// Sets the deadline of the steps from now on (time_point::max(): none). True when the timer
  /// must wait until deadline(): no wait is pending, or the pending one would end too late.
  bool set(time_point deadline) noexcept {
    deadline_ = deadline;
    if (deadline == time_point::max()) return false;
    return !pending_ || wait_until_ > deadline;
  }
  /// The timer is about to wait until deadline(); returns the id that wait_ended() expects.
  std::uint64_t arm() noexcept {
    pending_ = true;
    wait_until_ = deadline_;
    return ++id_;
  }
  /// The timer was cancelled: the end of any wait it had does nothing.
  void disarm() noexcept {
    pending_ = false;
    ++id_;
  }
  /// The wait `id` ended at `now`.
  verdict wait_ended(std::uint64_t id, time_point now) noexcept {
    if (id != id_) return verdict::ignore;
    pending_ = false;
    if (deadline_ == time_point::max()) return verdict::ignore;
    return now < deadline_ ? verdict::wait_again : verdict::expired;
  }
  time_point deadline() const noexcept { return deadline_; }

 private:
  time_point deadline_ = time_point::max();
  time_point wait_until_{};
  bool pending_ = false;
  std::uint64_t id_ = 0;
};

}  // namespace betterprompt::detail
