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
  /// Reads a successful answer; throws error_with_diagnostics (bad_response) for one that is not
  /// a T. `context` is the endpoint's argument the decoder checks the answer against (a run id),
  /// or empty.
  T (*decode)(envelope&& answer, const std::string& context) = nullptr;
  /// For an answer the API reports as failed that still carries a value (a create's 504 naming
  /// its run): the value, or nullopt for the API's error. Unset: every failure is the API's.
  std::optional<T> (*read_failed)(const envelope& answer) = nullptr;
  /// Instead of decode, for an answer that is not the API's envelope (a SKILL.md text): reads
  /// the raw answer, any status; throws error_with_diagnostics.
  T (*decode_raw)(api_response&& answer, const std::string& context) = nullptr;
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
/// An API error or a body that is not an envelope is read as a value, not thrown; only a
/// decoder's refusal of malformed data is an exception (caught here).
template <class T>
boost::system::error_code read_answer(boost::system::error_code ec, api_response&& answer,
                                      const answer_reader<T>& reader, outcome<T>& result) {
  answer_body body = answer_body::incomplete;
  const exchange_facts facts = answer.exchange;
  const unsigned attempts = answer.attempts;
  if (ec) {
    result.diag = std::move(answer.failure);
    if (ec == error::timeout && !reader.run_id.empty())
      if (auto* data = result.diag.data.if_object()) (*data)["runId"] = reader.run_id;
  } else {
    body = answer_body::not_envelope;
    try {
      if (reader.decode_raw) {
        result.value = reader.decode_raw(std::move(answer), reader.context);
        result.diag.http_status = answer.http_status;
        result.diag.request_id = std::move(answer.request_id);
        result.diag.attempts = attempts;
        return {};
      }
      envelope env;
      ec = read_envelope(std::move(answer), env, result.diag);
      if (!ec) {
        body = env.ok() ? answer_body::success_envelope : answer_body::error_envelope;
        std::optional<T> recovered;
        if (env.ok())
          result.value = reader.decode(std::move(env), reader.context);  // moves the data only
        else if (reader.read_failed && (recovered = reader.read_failed(env)))
          result.value = std::move(*recovered);
        else
          ec = api_error_of(std::move(env), result.diag);
        if (!ec) {
          result.diag.http_status = env.http_status;
          result.diag.request_id = std::move(env.request_id);
        }
      }
      result.diag.attempts = attempts;
      if (!ec) return {};
    } catch (const error_with_diagnostics& e) {
      result.diag = e.get_diagnostics();
      result.diag.attempts = attempts;
      ec = e.code();
    }
  }
  if (reader.settle) reader.settle(ec, facts, body, reader.context, result.diag);
  return ec;
}

}  // namespace betterprompt::detail
