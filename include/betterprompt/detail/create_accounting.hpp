// SPDX-License-Identifier: BSL-1.0
// What a client knows for reconciling its creates, shared by the handles of client::with(): the
// runs its creates returned, and the server's clock as its Date headers bound it.
#pragma once

#include <betterprompt/detail/fsm/clock_skew.hpp>
#include <betterprompt/detail/fsm/reconcile.hpp>
#include <betterprompt/detail/run_memory.hpp>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>

namespace betterprompt::detail {

/// Runs remembered at most; past it the oldest go, and reconciliations that could need them
/// answer "ambiguous" instead of "found" (run_memory::complete_since). ~100 bytes each.
inline constexpr std::size_t max_remembered_runs = 100'000;

/// How long a run must be remembered when creates may take `longest_create` (their total
/// timeout): it can fall into the window of an unknown create that was sent up to that long
/// before it, reconciled up to the grace period after that create failed, with the windows'
/// margin and the widest clock offset allowed on both ends.
inline std::chrono::milliseconds run_memory_horizon(std::chrono::milliseconds longest_create) {
  return longest_create + default_reconcile_grace + 2 * default_reconcile_margin +
         2 * std::chrono::milliseconds(unknown_skew_bound);
}

class create_accounting {
 public:
  explicit create_accounting(std::chrono::milliseconds longest_create)
      : runs_(run_memory_horizon(longest_create), max_remembered_runs) {}

  /// The runs the client's creates returned (and those given to client::remember_runs).
  run_memory& runs() noexcept { return runs_; }
  const run_memory& runs() const noexcept { return runs_; }

  /// A handle whose creates may take `longest_create` keeps runs long enough for them.
  void cover_creates_of(std::chrono::milliseconds longest_create) {
    runs_.extend_horizon(run_memory_horizon(longest_create));
  }

  /// One answer's Date header: sent and received on our clock. Thread-safe.
  void observe_date(std::chrono::system_clock::time_point sent,
                    std::chrono::system_clock::time_point received,
                    std::chrono::system_clock::time_point server_date) {
    std::lock_guard lock(mutex_);
    skew_.observe(sent, received, server_date);
  }

  /// The server's clock minus ours, as bounded so far; none before the first Date. Thread-safe.
  std::optional<clock_offset_bounds> clock_offset() const {
    std::lock_guard lock(mutex_);
    return skew_.bounds();
  }

 private:
  run_memory runs_;
  mutable std::mutex mutex_;  // guards skew_
  clock_skew skew_;
};

}  // namespace betterprompt::detail
