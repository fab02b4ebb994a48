// Run endpoints: create a run and fetch its state.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>

namespace betterprompt {

/// POST /v1/runs: starts a run of `request.prompt_version_id` with its inputs.
///
/// The API answers synchronously when the run finishes within its window (~2 minutes): the
/// returned run is then finished. When the API answers 504 GATEWAY_TIMEOUT_ERROR with a runId,
/// that is not an error: the run keeps processing and is returned with status running and no
/// outputs; pass its run_id to wait_for_run or get_run.
///
/// Throws error_with_diagnostics: error::validation (inputs), error::not_found (version),
/// error::payment_required, error::rate_limited, error::unauthorized, client errors.
/// Never resent automatically: a resent create could bill a second run.
/// Supports terminal cancellation (throws operation_aborted); a run may still have been created.
BETTERPROMPT_DECL boost::asio::awaitable<run> create_run(client& c, run_request request);

/// GET /v1/runs/{run_id}: the run's current status, outputs and tokens.
/// Throws error_with_diagnostics: error::not_found, error::validation, client errors;
/// error::invalid_argument for an empty run_id. Supports terminal cancellation.
BETTERPROMPT_DECL boost::asio::awaitable<run> get_run(client& c, std::string run_id);

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/runs.ipp>
#endif
