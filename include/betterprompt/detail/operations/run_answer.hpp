// SPDX-License-Identifier: BSL-1.0
// The answer to GET /v1/runs/{id}, decoded: shared by get_run and wait_for_run's polls.
#pragma once

#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/models/run.hpp>

#include <string>

namespace betterprompt::detail {

/// The run a successful answer carries, into `out`. bad_response for one that is not a run, and
/// bad_response (data = {runId, answeredRunId}) for an answer about another run than `run_id` (a
/// confused proxy or cache, a desync): never hand back another run.
inline boost::system::error_code decode_run_answer(envelope&& env, const std::string& run_id,
                                                   run& out, diagnostics& diag) {
  const std::string what = env.what;
  std::string api_status = env.status;
  if (auto ec = decode_data<run>(std::move(env), out, diag)) return ec;
  if (out.run_id == run_id) return {};
  diag.message = what + ": the answer is for another run than the one asked for";
  diag.data = {{"runId", run_id}, {"answeredRunId", out.run_id}};
  diag.api_status = std::move(api_status);
  out = run();
  return make_error_code(error::bad_response);
}

}  // namespace betterprompt::detail
