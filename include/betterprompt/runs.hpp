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
/// Never resent automatically once it may have reached the server: that could bill a second run.
/// Cancellation (throws operation_aborted): terminal ends it at once, and a run may exist if the
/// request was already sent; partial and total end it only before the request is sent, and are
/// ignored afterwards.
BETTERPROMPT_DECL boost::asio::awaitable<run> create_run(client& c, run_request request);

/// GET /v1/runs/{run_id}: the run's current status, outputs and tokens.
/// Throws error_with_diagnostics: error::not_found, error::validation, client errors;
/// error::invalid_argument for an empty run_id. Any cancellation type ends it at once.
BETTERPROMPT_DECL boost::asio::awaitable<run> get_run(client& c, std::string run_id);

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/runs.ipp>
#endif
