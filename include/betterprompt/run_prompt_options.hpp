// SPDX-License-Identifier: BSL-1.0
// What run_prompt takes: which version to run, the run's inputs, and its options.
#pragma once

#include <betterprompt/models/run.hpp>
#include <betterprompt/reconcile_options.hpp>
#include <betterprompt/resource_cache.hpp>
#include <betterprompt/wait_options.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt {

/// Which version run_prompt runs: a prompt's latest, or one pinned version.
struct prompt_ref {
  std::string id{};     ///< A prompt id or a prompt version id, per `pinned`.
  bool pinned = false;  ///< True: `id` is a prompt version id.

  /// The latest published version of a prompt.
  static prompt_ref latest(std::string prompt_id) { return {std::move(prompt_id), false}; }
  /// One specific prompt version.
  static prompt_ref version(std::string prompt_version_id) {
    return {std::move(prompt_version_id), true};
  }
};

/// The inputs of a run, without the version (run_prompt resolves that).
struct run_inputs {
  std::map<std::string, std::string> text_inputs{};  ///< The prompt's text fields, by name.
  std::vector<image_input> image_inputs{};           ///< Must match the prompt's image count.
  std::map<std::string, std::string> run_options{};  ///< Optional model options.
  std::string run_model{};  ///< Run on this model instead of the prompt's (empty: the prompt's).
};

/// Options of run_prompt.
struct run_prompt_options {
  /// Check the inputs against the prompt's input config before sending. Default: true.
  bool validate = true;
  /// Polling and deadline once the API answered 504 (the run keeps going). Default: wait_options{}.
  wait_options wait{};
  /// When set (and `validate` is on), run_options and run_model are checked against these
  /// resources (fetched through the cache when not current) before anything is sent. Default:
  /// none (the API answers 422 for an option its model does not accept).
  std::optional<resource_cache> resources{};
  /// When the create's outcome is unknown (or its answer was lost), find its run with
  /// reconcile_create and go on waiting for it when found. Otherwise, and when this is off,
  /// run_prompt fails with the create's error (create_outcome_unknown or created_answer_lost), its
  /// diagnostics::create, and data.reconcile = {"status", "reason", "candidates"} when it
  /// reconciled. Default: true.
  bool reconcile = true;
  /// How the reconciliation decides (its grace period is part of run_prompt's time). Default:
  /// reconcile_options{}.
  reconcile_options reconciliation{};
  /// After a reconciliation answers not_found, send the create once more. Off by default, and
  /// read this first: not_found is not proof. A request held by a middlebox, or a listing that
  /// lags, can surface after the grace period, and then both creates make a run and both are
  /// billed. Default: false.
  bool resend_if_not_created = false;
};

}  // namespace betterprompt
