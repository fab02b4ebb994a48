// SPDX-License-Identifier: BSL-1.0
// Which run, if any, each create of unknown outcome made: the decision, without I/O. The caller
// (the reconciling operation) has already held new creates of the prompt version, waited until
// every create of it that was in flight has settled, listed the server's runs of that version over
// the group's windows, and dropped the runs the client holds. What is left can only have been
// made by the group's unknowns, or by another creator.
//
// The rule that keeps "found" true: a run is attributed only when exactly one unknown could have
// made it, where "could" means the run's createdAt falls in that unknown's window on the server's
// clock, and every run left over is explained. A run that no window explains proves another
// creator exists, so nothing is attributed at all.
#pragma once

#include <betterprompt/detail/decisions/clock_skew.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace betterprompt::detail {

/// The widest margin and grace reconcile_options accepts: the client remembers its runs long
/// enough for them (run_memory_horizon).
inline constexpr std::chrono::milliseconds max_reconcile_margin{10000};
inline constexpr std::chrono::milliseconds max_reconcile_grace{60000};

/// A create of unknown outcome, on our clock.
struct unknown_create {
  std::chrono::system_clock::time_point sent;    ///< Its request started going out.
  std::chrono::system_clock::time_point failed;  ///< Its call ended.
  /// An earlier reconciliation already answered it (not_found or ambiguous): it may still have
  /// made a run, so it can explain one, but it gets no answer here.
  bool answered = false;
  /// Its run is known to exist (create_outcome::created: a 2xx status line was read): it is never
  /// not_found. With no run in its window past its grace, it is ambiguous with no candidate.
  bool made_run = false;
};

/// A run of the version the listing returned that the client neither holds nor has handed out.
struct listed_run {
  std::chrono::system_clock::time_point created_at;  ///< Its createdAt, on the server's clock.
  /// How finely createdAt is stamped (iso8601_precision): the run was made within this much of
  /// it, on either side (a server may cut or round).
  std::chrono::milliseconds precision{1};
};

/// The server-clock interval in which an unknown's run, if any, was created.
struct reconcile_window {
  std::chrono::system_clock::time_point from;
  std::chrono::system_clock::time_point to;
  bool contains(std::chrono::system_clock::time_point t) const noexcept {
    return from <= t && t <= to;
  }
  /// Whether a run stamped `r.created_at` to `r.precision` may have been made inside.
  bool may_hold(const listed_run& r) const noexcept {
    return from <= r.created_at + r.precision && r.created_at - r.precision <= to;
  }
};

/// [sent - m, failed + m] on our clock, carried to the server's with every offset `skew` allows.
inline reconcile_window window_of(const unknown_create& u, clock_offset_bounds skew,
                                  std::chrono::milliseconds margin) {
  return {u.sent + skew.low - margin, u.failed + skew.high + margin};
}

/// Each unknown's answer.
enum class reconcile_verdict {
  found,      ///< runs[0] is its run.
  not_found,  ///< No run in its window after the grace period (not proof; see run_prompt docs).
  ambiguous,  ///< Its run, if any, is among `runs`; which one cannot be told.
  wait,       ///< No candidate yet, and its grace period runs until `wait_until`: list again.
  unchanged,  ///< Answered earlier (unknown_create::answered): nothing new.
};

/// One unknown's answer; `runs` are indexes into the listed runs.
struct reconcile_answer {
  reconcile_verdict verdict = reconcile_verdict::wait;
  std::vector<std::size_t> runs;
  std::chrono::system_clock::time_point wait_until{};
  /// Ambiguous because a listed run is one no unknown can explain: another creator exists.
  bool another_creator = false;
};

/// What the decision takes.
struct reconcile_facts {
  std::span<const unknown_create> group;  ///< The unknowns of one prompt version.
  std::span<const listed_run> runs;       ///< Listed, unheld, unclaimed runs of that version.
  clock_offset_bounds skew;                       ///< The server's clock minus ours.
  std::chrono::milliseconds margin{0};    ///< Added to both ends of every window.
  std::chrono::milliseconds grace{0};     ///< How long after its failure "no run" becomes final.
  /// Our clock when the listing began: what it shows is the server as of then.
  std::chrono::system_clock::time_point now;
  /// False when the client's memory of its own runs dropped one the listing may show (its count
  /// cap): any listed run may then be ours already, so none can be "found".
  bool memory_complete = true;
};

/// The earliest createdAt any window reaches, cut to whole seconds: the listing's `since`.
inline std::chrono::sys_seconds listing_since(std::span<const unknown_create> group, clock_offset_bounds skew,
                                              std::chrono::milliseconds margin) {
  auto earliest = std::chrono::system_clock::time_point::max();
  for (const auto& u : group) earliest = std::min(earliest, window_of(u, skew, margin).from);
  return std::chrono::floor<std::chrono::seconds>(earliest);
}

/// Every unknown's answer, in the group's order.
inline std::vector<reconcile_answer> decide_reconcile(const reconcile_facts& f) {
  const std::size_t nu = f.group.size(), nr = f.runs.size();
  std::vector<reconcile_window> windows;
  for (const auto& u : f.group) windows.push_back(window_of(u, f.skew, f.margin));
  std::vector<std::vector<std::size_t>> makers(nr);  // per run: the unknowns that could have made it
  for (std::size_t r = 0; r < nr; ++r)
    for (std::size_t u = 0; u < nu; ++u)
      if (windows[u].may_hold(f.runs[r])) makers[r].push_back(u);

  // Attribute by elimination: a run that only one unassigned unknown can explain is that one's (a
  // create makes at most one run). A run nobody is left to explain means another creator.
  bool foreign = std::any_of(makers.begin(), makers.end(), [](const auto& m) { return m.empty(); });
  std::vector<std::optional<std::size_t>> run_of(nu);
  std::vector<bool> assigned(nr, false);
  for (bool progress = !foreign; progress && !foreign;) {
    progress = false;
    for (std::size_t r = 0; r < nr && !foreign; ++r) {
      if (assigned[r]) continue;
      std::optional<std::size_t> only;
      std::size_t live = 0;
      for (auto u : makers[r])
        if (!run_of[u]) ++live, only = u;
      if (live == 0) foreign = true;
      if (live == 1) run_of[*only] = r, assigned[r] = true, progress = true;
    }
  }

  std::vector<reconcile_answer> answers(nu);
  for (std::size_t u = 0; u < nu; ++u) {
    auto& a = answers[u];
    if (f.group[u].answered) {
      a.verdict = reconcile_verdict::unchanged;
      continue;
    }
    if (foreign) {  // name every run: the caller sees which ones no create of its explains
      a.verdict = reconcile_verdict::ambiguous;
      a.another_creator = true;
      for (std::size_t r = 0; r < nr; ++r) a.runs.push_back(r);
      continue;
    }
    if (run_of[u]) {
      a.verdict = f.memory_complete ? reconcile_verdict::found : reconcile_verdict::ambiguous;
      a.runs.push_back(*run_of[u]);
      continue;
    }
    for (std::size_t r = 0; r < nr; ++r)
      if (!assigned[r] && windows[u].may_hold(f.runs[r])) a.runs.push_back(r);
    if (!a.runs.empty()) {
      a.verdict = reconcile_verdict::ambiguous;
      continue;
    }
    // "No run" is final only from a listing begun after the grace ended and after its window
    // closed on the server's clock: such a listing shows every run the create can have made (the
    // listing lag aside), so a not_found create explains no later run, and is forgotten.
    const auto final_from = std::max(f.group[u].failed + f.grace, windows[u].to - f.skew.low);
    if (f.now >= final_from) {
      a.verdict = f.group[u].made_run ? reconcile_verdict::ambiguous : reconcile_verdict::not_found;
    } else {
      a.verdict = reconcile_verdict::wait;
      a.wait_until = final_from;
    }
  }
  return answers;
}

}  // namespace betterprompt::detail
