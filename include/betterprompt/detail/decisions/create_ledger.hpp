// SPDX-License-Identifier: BSL-1.0
// The creates a client has in flight, per prompt version, and the holds reconciliation puts on
// them: the bookkeeping behind "hold new creates of that version at their write point, and wait
// until every create of it that was in flight has settled". No I/O and no waiting here: the
// reconciling operation and the call layer ask and are told whom to wake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace betterprompt::detail {

class create_ledger {
 public:
  /// One create, from its start to its end.
  using ticket = std::uint64_t;

  /// A create of `prompt_version_id` starts (before it queues for a slot or a rate-limiter token),
  /// by `owner` (the client it belongs to: the ledger is shared by an account's clients).
  ticket begin(const std::string& prompt_version_id, const void* owner = nullptr) {
    const ticket t = next_++;
    creates_.emplace(t, entry{prompt_version_id, false, owner});
    return t;
  }

  /// The creates of `owner` that are written and not settled: the ones a drain waits for.
  std::vector<ticket> written_by(const void* owner) const {
    std::vector<ticket> out;
    for (const auto& [t, e] : creates_)
      if (e.owner == owner && e.written) out.push_back(t);
    return out;
  }

  /// How many of `awaited` have not settled.
  std::size_t unsettled(const std::vector<ticket>& awaited) const {
    std::size_t n = 0;
    for (ticket t : awaited) n += creates_.count(t);
    return n;
  }

  /// Whether `t` may write its request now; false while its version is held. A create told
  /// false is remembered as waiting, and release() names it when it may go on. A create that a
  /// release woke may write even if a new hold began since: it counts as written from its
  /// release on, so that the new hold waits for it to settle instead of holding it again (back
  /// to back reconciliations under faults would otherwise starve it until its deadline).
  bool may_write(ticket t) {
    const auto it = creates_.find(t);
    if (it == creates_.end()) return true;
    if (it->second.written || holds_.count(it->second.version) == 0) return true;
    waiting_.insert(t);
    return false;
  }

  /// `t`'s request started going out.
  void written(ticket t) {
    if (const auto it = creates_.find(t); it != creates_.end()) it->second.written = true;
  }

  /// `t` ended (a run, not created, unknown, cancelled: settled means the call ended).
  void settle(ticket t) {
    creates_.erase(t);
    waiting_.erase(t);
  }

  /// Holds new writes of `version` (holds nest) and returns the creates of it that are written
  /// and not settled: the ones a reconciliation waits for.
  std::vector<ticket> hold(const std::string& version) {
    holds_.insert(version);
    std::vector<ticket> in_flight;
    for (const auto& [t, e] : creates_)
      if (e.version == version && e.written) in_flight.push_back(t);
    return in_flight;
  }

  /// Ends one hold of `version`; when it was the last, returns the creates that waited to write
  /// and may now go on.
  std::vector<ticket> release(const std::string& version) {
    std::vector<ticket> woken;
    const auto it = holds_.find(version);
    if (it == holds_.end()) return woken;
    holds_.erase(it);
    if (holds_.count(version) != 0) return woken;
    for (auto w = waiting_.begin(); w != waiting_.end();) {
      const auto c = creates_.find(*w);
      if (c != creates_.end() && c->second.version == version) {
        c->second.written = true;  // its pass: see may_write
        woken.push_back(*w);
        w = waiting_.erase(w);
      } else {
        ++w;
      }
    }
    return woken;
  }

  /// Whether every ticket of `awaited` has settled.
  bool settled(const std::vector<ticket>& awaited) const {
    for (ticket t : awaited)
      if (creates_.count(t) != 0) return false;
    return true;
  }

  /// Whether `version` is held now.
  bool held(const std::string& version) const { return holds_.count(version) != 0; }

 private:
  struct entry {
    std::string version;
    bool written;
    const void* owner;
  };
  ticket next_ = 1;
  std::map<ticket, entry> creates_;
  std::multiset<std::string> holds_;
  std::set<ticket> waiting_;
};

}  // namespace betterprompt::detail
