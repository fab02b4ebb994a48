// SPDX-License-Identifier: BSL-1.0
// run_prompt as a composed operation: each step is another of the library's composed operations
// (the resources cache, get_prompt, create_run, wait_for_run); what to do after each one is
// decided by run_prompt_state (compiled once) and detail/decisions/run_prompt_plan.hpp. No
// coroutine.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/decisions/run_prompt_plan.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/reconcile_op.hpp>
#include <betterprompt/detail/operations/wait_op.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/skill.hpp>
#include <betterprompt/resources.hpp>
#include <betterprompt/run_prompt_options.hpp>

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <string>

namespace betterprompt::detail {

/// validate_run_request's check, returning its refusal (invalid_input, `diag` naming the field)
/// instead of throwing it: what run_prompt uses.
BETTERPROMPT_DECL boost::system::error_code check_run_request(const prompt& p,
                                                              const run_request& request,
                                                              diagnostics& diag);
/// The same for a skill.
BETTERPROMPT_DECL boost::system::error_code check_run_request(const skill& s,
                                                              const run_request& request,
                                                              diagnostics& diag);
/// validate_run_options's check, returning its refusal instead of throwing it.
BETTERPROMPT_DECL boost::system::error_code check_run_options(const resources& r,
                                                              const run_request& request,
                                                              diagnostics& diag);

/// What one run_prompt holds between its steps, and what it does after each. Every function
/// returns the step to take next; run_prompt_step::finish means the result is ready.
class run_prompt_state {
 public:
  BETTERPROMPT_DECL run_prompt_state(std::shared_ptr<client_handle> client, prompt_ref which,
                                     run_inputs inputs, run_prompt_options options);

  /// The first step, or finish when the arguments are refused (nothing is sent).
  BETTERPROMPT_DECL run_prompt_step begin();
  /// After the resources were read: checks the run options against them.
  BETTERPROMPT_DECL run_prompt_step resources_read(boost::system::error_code ec, resources&& answer,
                                                   diagnostics&& answered,
                                                   boost::asio::cancellation_type_t cancelled);
  /// After the prompt was read: takes its version id and checks the inputs against it.
  BETTERPROMPT_DECL run_prompt_step prompt_read(boost::system::error_code ec, prompt&& answer,
                                                diagnostics&& answered,
                                                boost::asio::cancellation_type_t cancelled);
  /// After the create or the wait answered.
  BETTERPROMPT_DECL run_prompt_step run_answered(boost::system::error_code ec, run&& answer,
                                                 diagnostics&& answered,
                                                 boost::asio::cancellation_type_t cancelled);

  /// After reconciling a create of unknown outcome.
  BETTERPROMPT_DECL run_prompt_step reconciled(boost::system::error_code ec,
                                               reconcile_result&& answer, diagnostics&& answered,
                                               boost::asio::cancellation_type_t cancelled);
  /// The reconcile step's launcher.
  reconcile_initiation reconciliation() const {
    return {client_, *create_failure_.diag.create, options_.reconciliation};
  }

  /// The request of the fetch_prompt and create steps.
  BETTERPROMPT_DECL std::unique_ptr<endpoint_call<prompt>> prompt_call() const;
  BETTERPROMPT_DECL std::unique_ptr<endpoint_call<run>> create_call() const;

  const std::shared_ptr<client_handle>& client() const noexcept { return client_; }
  const std::shared_ptr<resource_cache_state>& cache() const noexcept {
    return state_of(*options_.resources);
  }
  const std::string& run_id() const noexcept { return result_.run_id; }
  const wait_options& wait() const noexcept { return options_.wait; }

  /// With finish: true when nothing was sent yet (the completion must not run inline).
  bool refused_at_once() const noexcept { return step_ == run_prompt_step::finish && !sent_; }
  boost::system::error_code error() const noexcept { return ec_; }
  run&& take_result() noexcept { return std::move(result_); }
  diagnostics&& take_diagnostics() noexcept { return std::move(result_diag_); }

 private:
  /// Moves on to `next`; an abort becomes operation_aborted.
  run_prompt_step go(run_prompt_step next);
  /// Ends with `ec` and `diag`; after the run was created, the diagnostics name it (data.runId).
  run_prompt_step fail(boost::system::error_code ec, diagnostics diag);

  std::shared_ptr<client_handle> client_;
  prompt_ref which_;
  run_request request_;
  run_prompt_options options_;
  run_prompt_plan plan_;
  run_prompt_step step_ = run_prompt_step::fetch_prompt;
  bool sent_ = false;
  boost::system::error_code ec_;
  run result_;               ///< The created run (its id while waiting), then the result.
  diagnostics result_diag_;  ///< What answered (on success too), or the failure.
  unsigned requests_ = 0;  ///< Requests its steps sent, retries and polls included.
  /// A create of unknown outcome, while it is reconciled: what run_prompt fails with unless its
  /// run is found.
  struct {
    boost::system::error_code ec;
    diagnostics diag;
  } create_failure_;
  bool resent_ = false;  ///< resend_if_not_created sent the create a second time.
};

}  // namespace betterprompt::detail
