// SPDX-License-Identifier: BSL-1.0
// What a failed create (POST /v1/runs) left behind: not created, created, or unknown. The API has
// no idempotency key, so a create that broke after its request was sent may have made a billed run;
// this record says what is known, and is what reconciling the create starts from.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace betterprompt {

/// What a failed create is known to have done on the server.
enum class create_outcome {
  /// Provably no run: nothing whole reached the API (a connect or TLS failure, a timeout or
  /// cancellation before the request was written, a write cut short), or the API refused it
  /// before creating (400, 401, 402, 404, 410, 422, 429). Safe to send again.
  not_created,
  /// The run exists and is billed, but its answer was lost: a 2xx status line was read, then the
  /// body was cut or stalled. Its id is unknown.
  created,
  /// The request was sent and no answer says what happened: a reset, EOF or timeout after the
  /// write, a 5xx (a 504 without a runId included), a 3xx or another 4xx, a 2xx that is not an
  /// API envelope. The run may exist: resending may bill twice.
  unknown,
};

/// "not_created", "created" or "unknown".
BETTERPROMPT_DECL std::string_view to_string(create_outcome outcome) noexcept;

/// How the creates of a client ended where their run was in doubt, and what reconciliation
/// answered (client::create_counters). Counts since the client was made, shared as its memory of
/// runs is (its with() handles, and its process's clients of the same base_url and key).
struct create_counters {
  std::uint64_t unknown = 0;  ///< Creates that failed with a run that may exist (unknown, created).
  std::uint64_t found = 0;    ///< Reconciliations that found the run.
  std::uint64_t not_found = 0;         ///< Reconciliations that answered not_found.
  std::uint64_t ambiguous = 0;         ///< Reconciliations that answered ambiguous.
  std::uint64_t reconcile_failed = 0;  ///< Reconciliations whose listing failed.
};

/// A failed create, as diagnostics::create carries it: what is known, typed and
/// JSON-serialisable (value_from / value_to), so that it can be stored and reconciled later.
struct create_record {
  create_outcome outcome = create_outcome::unknown;  ///< What it is known to have done.
  std::string prompt_version_id;                     ///< The version it asked to run.
  /// When its request started going out (the last attempt's write); none when nothing was sent.
  std::optional<std::chrono::system_clock::time_point> sent_at;
  std::chrono::system_clock::time_point failed_at{};  ///< When the create ended.
  unsigned http_status = 0;  ///< The status line the last attempt read; 0 when none.
  std::string request_id;    ///< That answer's x-request-id; empty when none.
  /// What ended it, as error::code_name spells the code the transport or the API gave
  /// ("connection_closed", "timeout", "server_error", "validation", "operation_aborted", …).
  std::string cause;
};

/// Reads a create_record from its JSON: {"outcome", "promptVersionId", "sentAt" (ISO 8601 UTC or
/// null), "failedAt", "httpStatus", "requestId", "cause"}. Throws std::runtime_error naming the
/// field that is missing or wrong.
BETTERPROMPT_DECL create_record tag_invoke(boost::json::value_to_tag<create_record>,
                                           const boost::json::value& v);
/// Writes a create_record as JSON (see the value_to overload for its shape).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const create_record& r);

namespace detail {
class json_reader;
/// Reads a create_record from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL create_record read_model(const boost::json::value& v, json_reader& in,
                                           std::type_identity<create_record>);
}  // namespace detail

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/create_outcome.ipp>
#endif
