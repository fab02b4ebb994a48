// SPDX-License-Identifier: BSL-1.0
// The answer to GET /v1/runs/{id}, decoded: shared by get_run and wait_for_run's polls.
#pragma once

#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/models/run.hpp>

#include <string>

namespace betterprompt::detail {

/// The run a successful answer carries. Throws bad_response for one that is not a run, and
/// bad_response (data = {runId, answeredRunId}) for an answer about another run than `run_id` (a
/// confused proxy or cache, a desync): never hand back another run.
inline run decode_run_answer(envelope&& env, const std::string& run_id) {
  diagnostics diag;
  diag.http_status = env.http_status;
  diag.api_status = env.status;
  diag.request_id = env.request_id;
  const std::string what = env.what;
  run current = decode_data<run>(std::move(env));
  if (current.run_id != run_id) {
    diag.message = what + ": the answer is for another run than the one asked for";
    diag.data = {{"runId", run_id}, {"answeredRunId", current.run_id}};
    throw error_with_diagnostics(error::bad_response, std::move(diag));
  }
  return current;
}

}  // namespace betterprompt::detail
