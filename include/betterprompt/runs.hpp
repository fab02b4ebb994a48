// SPDX-License-Identifier: BSL-1.0
// Run endpoints: create a run and fetch its state.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace betterprompt {

namespace detail {
/// POST /v1/runs; refused (error::invalid_argument) for an empty prompt_version_id.
BETTERPROMPT_DECL endpoint_call<run> create_run_call(run_request request);
/// GET /v1/runs/{run_id}; refused for an empty run_id.
BETTERPROMPT_DECL endpoint_call<run> get_run_call(std::string run_id);
/// A create's failure_settler: classifies what it left behind (detail/decisions/create_outcome.hpp),
/// records it in diag.create, says it in the message, and turns the code into
/// create_outcome_unknown or created_answer_lost where the run may or does exist.
BETTERPROMPT_DECL void settle_create(boost::system::error_code& ec, const exchange_facts& facts,
                                     answer_body body, const std::string& prompt_version_id,
                                     diagnostics& diag);
}  // namespace detail

/// POST /v1/runs: starts a run of `request.prompt_version_id` with its inputs. Completion
/// signature void(error_code, run); with the default token, `co_await` returns the run.
///
/// The API answers synchronously when the run finishes within its window (~2 minutes): the
/// returned run is then finished. When the API answers 504 GATEWAY_TIMEOUT_ERROR with a runId,
/// that is not an error: the run keeps processing and is returned with status running and no
/// outputs; pass its run_id to wait_for_run or get_run.
///
/// Every failure says what it left behind in diagnostics::create (a create_record: not created,
/// created, or unknown; the prompt version; when it was sent). Errors (thrown as
/// error_with_diagnostics by the default token):
/// - the run provably does not exist: the API's refusals (error::validation, error::not_found,
///   error::payment_required, error::rate_limited, error::unauthorized, error::bad_request) and
///   failures before the whole request was written (connection_failed, tls_error, timeout,
///   invalid_argument, …);
/// - error::created_answer_lost: the run exists (a 2xx status line was read), its id is unknown;
/// - error::create_outcome_unknown: the request was sent, then the answer broke, timed out or
///   was a 5xx or another status: the run may exist (diagnostics::create's `cause` says what
///   happened).
/// Never resent automatically once it may have been processed: that could bill a second run (a
/// 429 proves it was not, and is retried).
/// Cancellation (operation_aborted): terminal ends it at once, and the run may exist if the
/// request was already sent (diagnostics::create says); partial and total end it only before the
/// request is sent, and are ignored afterwards.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto create_run(client& c, run_request request, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::create_run_call(std::move(request)), nullptr,
                               std::forward<CompletionToken>(token));
}

/// create_run, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto create_run(client& c, run_request request, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::create_run_call(std::move(request)), &diag,
                               std::forward<CompletionToken>(token));
}

/// GET /v1/runs/{run_id}: the run's current status, outputs and tokens. Completion signature
/// void(error_code, run). Errors: error::not_found, error::validation, client errors;
/// error::invalid_argument for an empty run_id; error::bad_response when the answer is about
/// another run. Any cancellation type ends it at once.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_run(client& c, std::string run_id, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_run_call(std::move(run_id)), nullptr,
                               std::forward<CompletionToken>(token));
}

/// get_run, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto get_run(client& c, std::string run_id, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_run_call(std::move(run_id)), &diag,
                               std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/runs.ipp>
#endif
