// SPDX-License-Identifier: BSL-1.0
// The runs a client's creates returned, so that reconciling an unknown create can drop them from
// the server's listing: what is left can only be the unknown's run or another creator's.
// Bounded by time (a run is kept while it can fall into a reconciliation window) and by count. The
// count cap may only make a later answer "ambiguous", never "found": complete_since says whether
// the cap dropped a run the listing may show.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace betterprompt::detail {

class run_memory {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// Keeps each run for `horizon` after it was remembered, and at most `cap` runs.
  run_memory(std::chrono::milliseconds horizon, std::size_t cap) : cap_(cap), horizon_(horizon) {}

  /// Remembers `id`, learned at `at` (our clock). False when it was already remembered: a
  /// reconciliation claims a run by remembering it, so of two claims one fails. Thread-safe.
  bool remember(std::string id, time_point at) {
    std::lock_guard lock(mutex_);
    forget_older_than(at - horizon_);
    if (!ids_.insert(id).second) return false;
    order_.emplace_back(at, std::move(id));
    while (order_.size() > cap_) {
      if (!capped_since_ || order_.front().first > *capped_since_) capped_since_ = order_.front().first;
      ids_.erase(order_.front().second);
      order_.pop_front();
    }
    return true;
  }

  /// Whether `id` is remembered. Thread-safe.
  bool holds(std::string_view id) const {
    std::lock_guard lock(mutex_);
    return ids_.find(std::string(id)) != ids_.end();
  }

  /// Every remembered id, oldest first. Thread-safe.
  std::vector<std::string> ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(order_.size());
    for (const auto& entry : order_) out.push_back(entry.second);
    return out;
  }

  /// True when the count cap dropped no run remembered at or after `since`: a run created then
  /// that the client returned is still here. Thread-safe.
  bool complete_since(time_point since) const {
    std::lock_guard lock(mutex_);
    return !capped_since_ || *capped_since_ < since;
  }

  /// How long a run is kept. Thread-safe.
  std::chrono::milliseconds horizon() const {
    std::lock_guard lock(mutex_);
    return horizon_;
  }

  /// Keeps runs for at least `horizon` from now on. Thread-safe.
  void extend_horizon(std::chrono::milliseconds horizon) {
    std::lock_guard lock(mutex_);
    if (horizon > horizon_) horizon_ = horizon;
  }

 private:
  void forget_older_than(time_point limit) {
    while (!order_.empty() && order_.front().first < limit) {
      ids_.erase(order_.front().second);
      order_.pop_front();
    }
  }

  const std::size_t cap_;
  mutable std::mutex mutex_;  // guards everything below
  std::chrono::milliseconds horizon_;
  std::deque<std::pair<time_point, std::string>> order_;
  std::unordered_set<std::string> ids_;
  std::optional<time_point> capped_since_;  // the latest time of a run the cap dropped
};

}  // namespace betterprompt::detail
