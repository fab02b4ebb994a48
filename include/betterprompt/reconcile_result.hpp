// SPDX-License-Identifier: BSL-1.0
// What reconcile_create answers: found (the run), not_found, or ambiguous (the candidates).
#pragma once

#include <betterprompt/config.hpp>
#include <betterprompt/create_outcome.hpp>
#include <betterprompt/models/run.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace betterprompt {

/// What reconcile_create concluded.
enum class reconcile_status {
  found,      ///< reconcile_result::run is the create's run.
  not_found,  ///< No run appeared in its window within the grace period (not proof: see below).
  ambiguous,  ///< Its run, if it made one, is among reconcile_result::candidates.
};

/// "found", "not_found" or "ambiguous".
BETTERPROMPT_DECL std::string_view to_string(reconcile_status status) noexcept;

/// reconcile_create's answer.
struct reconcile_result {
  reconcile_status status = reconcile_status::ambiguous;  ///< The answer: found, not_found, ambiguous.
  /// found: the create's run as the listing showed it (wait_for_run it if it is not finished).
  std::optional<betterprompt::run> run;
  /// ambiguous: the ids of the runs that may be the create's; empty when its run is known to
  /// exist (outcome created) and none could be told apart.
  std::vector<std::string> candidates;
  /// Why the answer is not found: "another creator made runs of this version in the window",
  /// "listing too long", "several creates could have made each run", …
  std::string reason;
  create_record record;  ///< The record that was reconciled.
};

}  // namespace betterprompt
