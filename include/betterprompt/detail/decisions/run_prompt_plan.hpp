// SPDX-License-Identifier: BSL-1.0
// run_prompt's order of steps, free of I/O: which requests it sends for its options, and whether
// a cancellation that arrived so far ends it before the next step.
#pragma once

#include <boost/asio/cancellation_type.hpp>

namespace betterprompt::detail {

/// A step of run_prompt: a request it sends, or the end.
enum class run_prompt_step {
  fetch_resources,  ///< Read the resources (through the cache) to check run options.
  fetch_prompt,     ///< Read the prompt (its latest version) or the pinned version.
  create,           ///< POST /v1/runs.
  wait,             ///< Poll the run the API answered 504 for until it finishes.
  reconcile,        ///< Find the run of a create whose outcome is unknown.
  finish,           ///< Hand back the finished run.
  abort,            ///< A cancellation ended it between steps: hand back operation_aborted.
};

/// The options that decide the steps.
struct run_prompt_plan {
  bool validate = true;          ///< run_prompt_options::validate.
  bool check_resources = false;  ///< validate, and run_prompt_options::resources is set.
  bool pinned = false;           ///< The prompt_ref names a version.
  bool reconcile = true;         ///< run_prompt_options::reconcile.
  bool resend = false;           ///< run_prompt_options::resend_if_not_created.
};

/// After the create failed: reconcile it when its run may exist (or does), it is asked for, and
/// no cancellation or close() ended the create; else finish with its error.
inline run_prompt_step after_create_failure(const run_prompt_plan& plan, bool run_may_exist,
                                            bool ended_by_caller,
                                            boost::asio::cancellation_type_t cancelled) {
  if (!plan.reconcile || !run_may_exist || ended_by_caller) return run_prompt_step::finish;
  if (cancelled != boost::asio::cancellation_type::none) return run_prompt_step::finish;
  return run_prompt_step::reconcile;
}

/// What a reconciliation's answer leads to.
enum class reconciled_as { found, not_found, ambiguous, failed };

/// The step after a reconciliation. found: wait for the run unless it is finished (terminal
/// cancellation ends it first, as after a create). not_found: send again once when asked (any
/// cancellation ends it: nothing was sent), else finish with the create's error. ambiguous and
/// failed: finish with the create's error.
inline run_prompt_step after_reconcile(const run_prompt_plan& plan, reconciled_as answer,
                                       bool run_finished, bool resent,
                                       boost::asio::cancellation_type_t cancelled) {
  using boost::asio::cancellation_type;
  if (answer == reconciled_as::found) {
    if (run_finished) return run_prompt_step::finish;
    return (cancelled & cancellation_type::terminal) != cancellation_type::none
               ? run_prompt_step::abort
               : run_prompt_step::wait;
  }
  if (answer == reconciled_as::not_found && plan.resend && !resent)
    return cancelled != cancellation_type::none ? run_prompt_step::abort : run_prompt_step::create;
  return run_prompt_step::finish;
}

/// The step after `plan`'s optional reads.
inline run_prompt_step after_reads(const run_prompt_plan& plan, run_prompt_step done) {
  if (done == run_prompt_step::fetch_resources && (!plan.pinned || plan.validate))
    return run_prompt_step::fetch_prompt;  // a latest version needs resolving; a check needs it
  return run_prompt_step::create;
}

/// The first step of run_prompt.
inline run_prompt_step first_step(const run_prompt_plan& plan) {
  if (plan.check_resources) return run_prompt_step::fetch_resources;
  if (!plan.pinned || plan.validate) return run_prompt_step::fetch_prompt;
  return run_prompt_step::create;
}

/// The step after `done` succeeded. `run_finished`: after create, whether the API answered with a
/// finished run (not a 504). `cancelled`: every cancellation type that reached the operation
/// during `done`. Until the run is created any type ends it (nothing with side effects was sent);
/// once it exists only a terminal one does: partial and total are ignored while waiting, as
/// create_run ignores them once its request is sent.
inline run_prompt_step next_step(const run_prompt_plan& plan, run_prompt_step done,
                                 bool run_finished, boost::asio::cancellation_type_t cancelled) {
  using boost::asio::cancellation_type;
  run_prompt_step next = run_prompt_step::finish;
  switch (done) {
    case run_prompt_step::fetch_resources:
    case run_prompt_step::fetch_prompt:
      next = after_reads(plan, done);
      break;
    case run_prompt_step::create:
      next = run_finished ? run_prompt_step::finish : run_prompt_step::wait;
      break;
    default:
      return run_prompt_step::finish;
  }
  const bool any = cancelled != cancellation_type::none;
  const bool terminal = (cancelled & cancellation_type::terminal) != cancellation_type::none;
  if (next == run_prompt_step::wait ? terminal : (any && next != run_prompt_step::finish))
    return run_prompt_step::abort;
  return next;
}

}  // namespace betterprompt::detail
