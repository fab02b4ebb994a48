// SPDX-License-Identifier: BSL-1.0
// How an endpoint reads its answer, and the one place that does: the transport's failure, the
// API's error, or the decoded value, each with its diagnostics.
#pragma once

#include <betterprompt/detail/decisions/create_outcome.hpp>
#include <betterprompt/detail/operations/outcome.hpp>
#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/error.hpp>

#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

/// Settles a failure of a request with side effects: gets its code (to keep or replace), the
/// transport's facts of the last attempt, what its body turned out to be, the endpoint's context
/// and the diagnostics to complete.
using failure_settler = void (*)(boost::system::error_code& ec, const exchange_facts& facts,
                                 answer_body body, const std::string& context, diagnostics& diag);

/// How one endpoint reads its answer.
template <class T>
struct answer_reader {
  /// Reads a successful answer into `out`; for one that is not a T, returns bad_response with
  /// `diag` filled. `context` is the endpoint's argument the decoder checks the answer against
  /// (a run id), or empty.
  boost::system::error_code (*decode)(envelope&& answer, const std::string& context, T& out,
                                      diagnostics& diag) = nullptr;
  /// For an answer the API reports as failed that still carries a value (a create's 504 naming
  /// its run): the value, or nullopt for the API's error. Unset: every failure is the API's.
  std::optional<T> (*read_failed)(const envelope& answer) = nullptr;
  /// Instead of decode, for an answer that is not the API's envelope (a SKILL.md text): reads
  /// the raw answer, any status, into `out`, or returns its failure with `diag` filled.
  boost::system::error_code (*decode_raw)(api_response&& answer, const std::string& context, T& out,
                                          diagnostics& diag) = nullptr;
  std::string context;
  /// Named in a timeout's diagnostics (data.runId) when set.
  std::string run_id;
  /// For a request with side effects: settles what a failure left behind (a create's outcome),
  /// and may turn its code into one that says so. Called for every failure, refusals included.
  failure_settler settle = nullptr;
};

/// A call's completion read by `reader` into `result`: the value, or the failure (the
/// transport's, the API's, or the decoder's) with its diagnostics, a timeout naming the run when
/// the reader names one, settled by the reader's settler when it has one. Returns the failure's
/// code. The diagnostics tell what answered on success too: status, request id, attempts.
/// Nothing is thrown on the way (but bad_alloc): an answer, whatever it says, is not an
/// exception.
template <class T>
boost::system::error_code read_answer(boost::system::error_code ec, api_response&& answer,
                                      const answer_reader<T>& reader, outcome<T>& result) {
  answer_body body = answer_body::incomplete;
  const exchange_facts facts = answer.exchange;
  if (ec) {
    result.diag = std::move(answer.failure);  // the transport's, attempts included
    if (ec == error::timeout && !reader.run_id.empty())
      if (auto* data = result.diag.data.if_object()) (*data)["runId"] = reader.run_id;
  } else if (reader.decode_raw) {
    body = answer_body::not_envelope;
    result.diag.attempts = answer.attempts;
    result.diag.http_status = answer.http_status;
    result.diag.request_id = answer.request_id;
    ec = reader.decode_raw(std::move(answer), reader.context, result.value, result.diag);
  } else {
    body = answer_body::not_envelope;
    result.diag.attempts = answer.attempts;
    envelope env;
    ec = read_envelope(std::move(answer), env, result.diag);
    if (!ec) {
      body = env.ok() ? answer_body::success_envelope : answer_body::error_envelope;
      result.diag.http_status = env.http_status;
      result.diag.request_id = env.request_id;
      std::optional<T> recovered;
      if (env.ok())
        ec = reader.decode(std::move(env), reader.context, result.value, result.diag);
      else if (reader.read_failed && (recovered = reader.read_failed(env)))
        result.value = std::move(*recovered);
      else
        ec = api_error_of(std::move(env), result.diag);
    }
  }
  if (ec && reader.settle) reader.settle(ec, facts, body, reader.context, result.diag);
  return ec;
}

}  // namespace betterprompt::detail
