// SPDX-License-Identifier: BSL-1.0
// What a client knows for reconciling its creates, shared by the handles of client::with() and by
// every client of the process with the same base URL and API key (shared_accounting): the
// runs its creates returned, the server's clock as its Date headers bound it, the creates in flight
// per prompt version and the holds on them, the creates that ended unknown, and the reconciliations
// running. Every member is thread-safe: calls on any strand reach it. Callbacks it is given run
// after its lock is released, so they may call back into it.
#pragma once

#include <betterprompt/create_outcome.hpp>
#include <betterprompt/detail/decisions/clock_skew.hpp>
#include <betterprompt/detail/decisions/create_ledger.hpp>
#include <betterprompt/detail/decisions/reconcile.hpp>
#include <betterprompt/detail/run_memory.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace betterprompt::detail {

/// Runs remembered at most; past it the oldest go, and reconciliations that could need them
/// answer "ambiguous" instead of "found" (run_memory::complete_since). ~100 bytes each.
inline constexpr std::size_t max_remembered_runs = 100'000;

/// How long a run must be remembered when creates may take `longest_create` (their total
/// timeout): it can fall into the window of an unknown create that was sent up to that long
/// before it, reconciled up to the longest grace period after that create failed, with the
/// widest margin and the widest clock offset allowed on both ends.
inline std::chrono::milliseconds run_memory_horizon(std::chrono::milliseconds longest_create) {
  return longest_create + max_reconcile_grace + 2 * max_reconcile_margin +
         2 * std::chrono::milliseconds(unknown_skew_bound);
}

class reconcile_group;

/// Possibly the same create: a record that went through JSON keeps its times to the millisecond.
/// Two creates of one version sent and failed within the same millisecond (a stalled proxy
/// failing a burst at once) look alike too: records are matched one to one (take_same_create),
/// never all at once, so that neither disappears.
inline bool same_create(const create_record& a, const create_record& b) {
  const auto close = [](auto x, auto y) { return (x > y ? x - y : y - x) <= std::chrono::milliseconds(1); };
  return a.prompt_version_id == b.prompt_version_id &&
         a.sent_at.has_value() == b.sent_at.has_value() &&
         (!a.sent_at || close(*a.sent_at, *b.sent_at)) && close(a.failed_at, b.failed_at);
}

/// Removes from `records` the one record of `record`'s create: the identical one if there is
/// one, else the first that same_create matches. False when none matches.
template <class Records>
bool take_same_create(Records& records, const create_record& record) {
  const auto identical = [&](const create_record& r) {
    return r.prompt_version_id == record.prompt_version_id && r.sent_at == record.sent_at &&
           r.failed_at == record.failed_at;
  };
  auto it = std::find_if(records.begin(), records.end(), identical);
  if (it == records.end())
    it = std::find_if(records.begin(), records.end(),
                      [&](const create_record& r) { return same_create(r, record); });
  if (it == records.end()) return false;
  records.erase(it);
  return true;
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

  /// A create answered with its run stamped `created_at` (the server's createdAt): sent and
  /// received on our clock. Thread-safe.
  void observe_created(std::chrono::system_clock::time_point sent,
                       std::chrono::system_clock::time_point received,
                       std::chrono::system_clock::time_point created_at) {
    std::lock_guard lock(mutex_);
    stamps_.observe(sent, received, created_at);
  }

  /// Where runs' createdAt lies against ours: clock_offset(), widened to hold the stamp_span of
  /// answered creates when it reaches past it (a server that stamps on a database's clock, or
  /// late), so that no run falls outside its own create's window. None before the first Date.
  /// Thread-safe.
  std::optional<clock_offset_bounds> created_at_offset() const {
    std::lock_guard lock(mutex_);
    const auto dated = skew_.bounds();
    const auto stamped = stamps_.span();
    if (!dated || !stamped) return dated;
    return hull(*dated, *stamped);
  }

  /// created_at_offset(), or ±unknown_skew_bound before the first Date. Thread-safe.
  clock_offset_bounds created_at_offset_or_default() const {
    return created_at_offset().value_or(clock_offset_bounds{
        -std::chrono::milliseconds(unknown_skew_bound), std::chrono::milliseconds(unknown_skew_bound)});
  }

  /// clock_offset(), or ±unknown_skew_bound before the first Date. Thread-safe.
  clock_offset_bounds clock_offset_or_default() const {
    std::lock_guard lock(mutex_);
    return skew_.bounds_or_default();
  }

  using ticket = create_ledger::ticket;

  /// A create of `version` by `owner` (its client's pool) starts: before it queues for a
  /// rate-limiter token or a slot.
  ticket begin_create(const std::string& version, const void* owner = nullptr) {
    std::lock_guard lock(mutex_);
    return ledger_.begin(version, owner);
  }

  /// The creates of `owner` written and not settled (what a graceful close waits for).
  std::vector<ticket> written_creates_of(const void* owner) const {
    std::lock_guard lock(mutex_);
    return ledger_.written_by(owner);
  }

  /// How many of `awaited` have not settled.
  std::size_t unsettled_count(const std::vector<ticket>& awaited) const {
    std::lock_guard lock(mutex_);
    return ledger_.unsettled(awaited);
  }

  /// Whether create `t` may write its request now. True marks it written (a reconciliation that
  /// holds its version from now on waits for it to settle); false means its version is held, and
  /// `wake` runs once the hold is released (not if it settles first).
  bool try_write(ticket t, std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    if (ledger_.may_write(t)) {
      ledger_.written(t);
      return true;
    }
    wakers_[t] = std::move(wake);
    return false;
  }

  /// Create `t` ended, its outcome known to the client (its run remembered, if any): runs the
  /// settle watchers that no longer wait for anything.
  void end_create(ticket t) {
    std::vector<std::function<void()>> ready;
    {
      std::lock_guard lock(mutex_);
      ledger_.settle(t);
      wakers_.erase(t);
      for (auto it = watchers_.begin(); it != watchers_.end();)
        if (ledger_.settled(it->awaited)) {
          ready.push_back(std::move(it->ready));
          it = watchers_.erase(it);
        } else {
          ++it;
        }
    }
    for (auto& f : ready) f();
  }

  /// Holds new writes of `version` (holds nest) and returns the written creates of it that have
  /// not settled.
  std::vector<ticket> hold(const std::string& version) {
    std::lock_guard lock(mutex_);
    return ledger_.hold(version);
  }

  /// Ends one hold of `version`; the creates it held go on.
  void release(const std::string& version) {
    std::vector<std::function<void()>> woken;
    {
      std::lock_guard lock(mutex_);
      for (ticket t : ledger_.release(version))
        if (auto it = wakers_.find(t); it != wakers_.end()) {
          woken.push_back(std::move(it->second));
          wakers_.erase(it);
        }
    }
    for (auto& f : woken) f();
  }

  /// Runs `ready` once every create of `awaited` has settled (now, if they have).
  void when_settled(std::vector<ticket> awaited, std::function<void()> ready) {
    {
      std::lock_guard lock(mutex_);
      if (!ledger_.settled(awaited)) {
        watchers_.push_back({std::move(awaited), std::move(ready)});
        return;
      }
    }
    ready();
  }

  /// A create of this client ended unknown or created (answer lost): it may explain a listed run
  /// in any reconciliation of its version while its window can still matter. `now` (the wall
  /// clock's, as the record's times) decides which notes are past the memory's horizon.
  void note_unsettled_outcome(const create_record& record,
                              std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto horizon = runs_.horizon();
    while (!unknowns_.empty() && unknowns_.front().failed_at < now - horizon) unknowns_.pop_front();
    unknowns_.push_back(record);
    ++counters_.unknown;
  }

  /// Counts one reconciliation's answer (`failed`: its listing failed).
  void count_answer(std::uint64_t create_counters::*which) {
    std::lock_guard lock(mutex_);
    ++(counters_.*which);
  }

  /// The counts so far. Thread-safe.
  create_counters counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
  }

  /// The create of `record` was reconciled to its run: it no longer explains runs in other
  /// reconciliations. (A not_found answer keeps it: its run may still surface.)
  void forget_unsettled_outcome(const create_record& record) {
    std::lock_guard lock(mutex_);
    take_same_create(unknowns_, record);
  }

  /// The creates of `version` noted by note_unsettled_outcome and not yet forgotten.
  std::vector<create_record> unsettled_outcomes(const std::string& version) const {
    std::lock_guard lock(mutex_);
    std::vector<create_record> out;
    for (const auto& r : unknowns_)
      if (r.prompt_version_id == version) out.push_back(r);
    return out;
  }

  /// Offers a member to the reconciliation of `version` run by `client` (one client's pool) that
  /// still takes members, or to one `make` makes when none does. Returns the group, and whether
  /// it is new (the caller starts it). One group per version and client at a time: its members
  /// are answered together, and a group never outlives its client's close() for another
  /// client's members. Groups of different clients of one accounting see each other's unknowns
  /// (unsettled_outcomes) and claim runs through runs().remember, so a run still goes to one
  /// caller.
  template <class Make, class Offer>
  std::pair<std::shared_ptr<reconcile_group>, bool> join_group(const void* client,
                                                               const std::string& version,
                                                               Make make, Offer offer) {
    std::lock_guard lock(mutex_);
    std::erase_if(groups_, [](const auto& entry) { return entry.second.expired(); });
    auto& slot = groups_[{client, version}];
    if (auto live = slot.lock(); live && offer(*live)) return {live, false};
    auto made = make();
    offer(*made);
    slot = made;
    return {made, true};
  }

 private:
  struct settle_watcher {
    std::vector<ticket> awaited;
    std::function<void()> ready;
  };

  run_memory runs_;
  mutable std::mutex mutex_;  // guards everything below
  clock_skew skew_;
  stamp_span stamps_;  // from the createdAt of answered creates
  create_ledger ledger_;
  std::map<ticket, std::function<void()>> wakers_;
  std::vector<settle_watcher> watchers_;
  std::deque<create_record> unknowns_;
  create_counters counters_;
  std::map<std::pair<const void*, std::string>, std::weak_ptr<reconcile_group>> groups_;
};

/// The accounting of the clients of this process that talk to `base_url` with `api_key`: a run
/// one of them created is known to all, a reconciliation holds all their creates of its version,
/// so a second client of the same account in the process is not another creator. Made on first
/// use, gone with the last client; `longest_create` widens its memory's horizon. Thread-safe.
inline std::shared_ptr<create_accounting> shared_accounting(const std::string& base_url,
                                                            const std::string& api_key,
                                                            std::chrono::milliseconds longest_create) {
  static std::mutex mutex;
  // Keyed by the account, in memory only (never printed, as client_options keeps the key too).
  static std::map<std::pair<std::string, std::string>, std::weak_ptr<create_accounting>> live;
  std::lock_guard lock(mutex);
  std::erase_if(live, [](const auto& entry) { return entry.second.expired(); });
  auto& slot = live[{base_url, api_key}];
  if (auto found = slot.lock()) {
    found->cover_creates_of(longest_create);
    return found;
  }
  auto made = std::make_shared<create_accounting>(longest_create);
  slot = made;
  return made;
}

}  // namespace betterprompt::detail
