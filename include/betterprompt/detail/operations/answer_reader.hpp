// SPDX-License-Identifier: BSL-1.0
// How an endpoint reads its answer: its decoder, its settler, and what it checks the answer
// against. The reading itself is detail/operations/read_answer.hpp (it needs the envelope).
#pragma once

#include <betterprompt/detail/decisions/create_outcome.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/error.hpp>

#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

struct envelope;

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

}  // namespace betterprompt::detail
