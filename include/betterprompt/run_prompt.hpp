// SPDX-License-Identifier: BSL-1.0
// run_prompt: the one call that resolves, validates, creates and waits.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/models/skill.hpp>
#include <betterprompt/run_prompt_options.hpp>

#include <boost/asio/async_result.hpp>

#include <memory>
#include <utility>

namespace betterprompt {

namespace detail {
/// What one run_prompt was asked, boxed: the initiation moves it through several layers.
struct run_prompt_arguments {
  prompt_ref which;
  run_inputs inputs;
  run_prompt_options options;
};

/// Starts one run_prompt (detail/operations/run_prompt_op.hpp), completing `handler`; compiled
/// once, behind the compile wall.
BETTERPROMPT_DECL void start_run_prompt(std::shared_ptr<client_handle> client,
                                        std::unique_ptr<run_prompt_arguments> args,
                                        operation_completion<run> handler);

/// Starts run_prompt for initiate_composed.
struct run_prompt_initiation {
  std::shared_ptr<client_handle> client;
  std::unique_ptr<run_prompt_arguments> args;

  /// Takes `c`'s shared state now. Throws error::invalid_argument for a moved-from client.
  run_prompt_initiation(const betterprompt::client& c, prompt_ref which, run_inputs inputs,
                        run_prompt_options options)
      : client(handle_of(c)),
        args(std::make_unique<run_prompt_arguments>(
            run_prompt_arguments{std::move(which), std::move(inputs), std::move(options)})) {}

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<run, &start_run_prompt>(token, std::move(client), std::move(args));
  }
};
}  // namespace detail

/// Checks `request` against `p.inputs`: every required text input present and non-empty, no
/// unknown text input, exactly `image_count` images. Throws error_with_diagnostics with
/// error::invalid_input; its message and `data` ({"field": "inputs.textInputs.topic"}) name the
/// field. (runOptions are checked by validate_run_options.)
BETTERPROMPT_DECL void validate_run_request(const prompt& p, const run_request& request);

/// Checks `request` against a skill's input metadata: every text input known; a free-text input
/// present and non-empty unless it allows empty; a select input one of its option values (with
/// `multiple`, values joined by ", ", each an option value, their count within min/max); exactly
/// one image per image entry. Throws error_with_diagnostics with error::invalid_input naming the
/// field, as the prompt overload.
BETTERPROMPT_DECL void validate_run_request(const skill& s, const run_request& request);

/// Checks `request.run_model` and `request.run_options` against `r`: the model must exist, and
/// each option key must be one the model accepts, with one of its values. Without a run_model
/// (the prompt's own model runs, which the client cannot see) each key must be accepted by some
/// model, with a value that model accepts. Throws error_with_diagnostics with
/// error::invalid_input naming the field (`runModel`, `runOptions.KEY`).
BETTERPROMPT_DECL void validate_run_options(const resources& r, const run_request& request);

/// Runs a prompt and returns the finished run: fetches the version (the latest for
/// prompt_ref::latest; skipped for a pinned version when validation is off), validates, creates
/// the run, and when the API answers 504 polls until it finishes, under `options.wait`.
/// A failed run is returned (check run::failed()), not an error. Completion signature
/// void(error_code, run).
///
/// When the create's outcome is unknown (or its answer was lost), it reconciles the create
/// (reconcile_create, `options.reconcile`, on by default): a run found is waited for and
/// returned; otherwise it fails with the create's error, data.reconcile saying what the
/// reconciliation answered, and resends after not_found only with
/// `options.resend_if_not_created` (off by default: it can bill twice).
///
/// Errors: error::invalid_input (nothing sent), errors of get_prompt and create_run,
/// error::wait_timeout (its data names the run, which keeps going). Cancellation: any type ends
/// it while it reads; as create_run while creating (terminal after sending leaves a run that may
/// exist; partial/total are then ignored); only terminal while waiting, and then the error's
/// data.runId names the run, as for any failure after the run was created.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto run_prompt(client& c, prompt_ref which, run_inputs inputs, run_prompt_options options,
                CompletionToken&& token = {}) {
  return detail::initiate_composed<run>(
      detail::run_prompt_initiation(c, std::move(which), std::move(inputs), std::move(options)),
      nullptr, std::forward<CompletionToken>(token));
}

/// run_prompt with the default options. (An overload, not a defaulted argument: GCC 12
/// mishandles a defaulted class-type argument materialized inside the caller's `co_await`
/// expression.)
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, run_prompt_options>
auto run_prompt(client& c, prompt_ref which, run_inputs inputs, CompletionToken&& token = {}) {
  return run_prompt(c, std::move(which), std::move(inputs), run_prompt_options{},
                    std::forward<CompletionToken>(token));
}

/// run_prompt, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto run_prompt(client& c, prompt_ref which, run_inputs inputs, run_prompt_options options,
                diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_composed<run>(
      detail::run_prompt_initiation(c, std::move(which), std::move(inputs), std::move(options)),
      &diag, std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/run_prompt.ipp>
#include <betterprompt/impl/run_validation.ipp>
#endif
