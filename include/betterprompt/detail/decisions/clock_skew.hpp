// SPDX-License-Identifier: BSL-1.0
// How far the server's clock is from ours, from the Date headers of its answers. Reconciling a
// create compares the server's createdAt with our own send and failure times, so it needs the
// offset as an interval it can trust, not as a guess: every answer narrows it.
#pragma once

#include <betterprompt/server_clock.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

namespace betterprompt::detail {


/// Used when no answer has carried a Date header yet: the offset is taken to lie within
/// ±unknown_skew_bound (NTP-synchronised hosts are within milliseconds; this is for the others).
inline constexpr std::chrono::seconds unknown_skew_bound{60};

/// The interval estimator. An answer whose Date is D was dated by the server at some instant
/// between our send and our receipt, and D is that instant cut to whole seconds, so
///   D - received <= offset < D + 1 s - sent.
/// Intersecting these intervals narrows the offset to the sharpest answer's precision. When an
/// answer contradicts the intersection (one clock stepped), the estimate starts again from it.
class clock_skew {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// One answer: sent and received on our clock, `server_date` its Date header.
  void observe(time_point sent, time_point received, time_point server_date) {
    if (received < sent) return;  // our clock stepped back during the exchange: no fact
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const clock_offset_bounds seen{duration_cast<milliseconds>(server_date - received),
                           duration_cast<milliseconds>(server_date + std::chrono::seconds(1) - sent)};
    if (!bounds_ || seen.high < bounds_->low || seen.low > bounds_->high) {
      bounds_ = seen;
      return;
    }
    if (seen.low > bounds_->low) bounds_->low = seen.low;
    if (seen.high < bounds_->high) bounds_->high = seen.high;
  }

  /// What the answers so far allow; none before the first.
  std::optional<clock_offset_bounds> bounds() const noexcept { return bounds_; }

  /// bounds(), or ±unknown_skew_bound before the first answer.
  clock_offset_bounds bounds_or_default() const noexcept {
    if (bounds_) return *bounds_;
    return {-std::chrono::milliseconds(unknown_skew_bound),
            std::chrono::milliseconds(unknown_skew_bound)};
  }

 private:
  std::optional<clock_offset_bounds> bounds_;
};

/// Where answered creates' runs were stamped against their exchanges: the least createdAt - sent
/// and the greatest createdAt - received seen. A server that stamps createdAt on the clock that
/// dates its answers keeps both within the Date bounds, however long its creates take; one that
/// stamps on another clock (a database's), or late, shows here by how much.
class stamp_span {
 public:
  using time_point = std::chrono::system_clock::time_point;

  void observe(time_point sent, time_point received, time_point created_at) {
    if (received < sent) return;  // our clock stepped back during the exchange: no fact
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const clock_offset_bounds seen{duration_cast<milliseconds>(created_at - sent),
                                   duration_cast<milliseconds>(created_at - received)};
    span_ = span_ ? clock_offset_bounds{std::min(span_->low, seen.low),
                                        std::max(span_->high, seen.high)}
                  : seen;
  }

  /// The extremes so far; none before the first answered create.
  std::optional<clock_offset_bounds> span() const noexcept { return span_; }

 private:
  std::optional<clock_offset_bounds> span_;
};

/// The smallest interval holding both.
inline clock_offset_bounds hull(clock_offset_bounds a, clock_offset_bounds b) noexcept {
  return {std::min(a.low, b.low), std::max(a.high, b.high)};
}

}  // namespace betterprompt::detail
