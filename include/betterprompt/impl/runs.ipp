// SPDX-License-Identifier: BSL-1.0
// Bodies of the run endpoints.
#pragma once

#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/detail/operations/run_answer.hpp>
#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/timestamps.hpp>

#include <boost/asio/error.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace betterprompt {

namespace detail {
/// The 504 answer of POST /v1/runs names a run that keeps processing; anything else is an error.
inline std::optional<run> pending_run_from(const envelope& env) {
  if (env.status != "GATEWAY_TIMEOUT_ERROR" && env.http_status != 504) return std::nullopt;
  const auto* data = env.data.if_object();
  const auto* id = data ? data->if_contains("runId") : nullptr;
  if (!id || !id->is_string() || id->get_string().empty()) return std::nullopt;
  run pending;
  pending.run_id = std::string(id->get_string());
  pending.status = run_status::running;
  return pending;
}

/// The JSON body of POST /v1/runs. The tree is built in a stack arena and lives
/// only until it is serialized.
inline std::string request_body(const run_request& request) {
  unsigned char scratch[4096];
  boost::json::monotonic_resource arena(scratch, sizeof(scratch));
  return boost::json::serialize(boost::json::value_from(request, &arena));
}

/// What a create's failure tells its caller about the run, after the message it already has.
inline std::string create_explanation(create_outcome outcome, const exchange_facts& facts,
                                      answer_body body) {
  switch (outcome) {
    case create_outcome::unknown:
      return "; the request was sent and no answer says whether it made a run: the run may "
             "exist and be billed (the API has no idempotency key: reconcile before resending)";
    case create_outcome::created:
      return "; the API answered HTTP " + std::to_string(facts.status) +
             ", so the run exists and is billed, but " +
             (body == answer_body::incomplete ? "the rest of its answer was lost"
                                              : "its answer did not name it") +
             ": its id is unknown";
    case create_outcome::not_created:
      if (facts.status != 0 && facts.request_written) return {};  // the API's refusal says it
      return "; no whole request reached the API: no run was created";
  }
  return {};
}

BETTERPROMPT_DECL void settle_create(boost::system::error_code& ec, const exchange_facts& facts,
                                     answer_body body, const std::string& prompt_version_id,
                                     diagnostics& diag) {
  create_facts known;
  known.request_written = facts.request_written;
  known.status = facts.status;
  known.body = body;
  // A 504 naming its run is no failure (pending_run_from hands the run back): none comes here.
  known.names_run = false;
  create_record record;
  record.outcome = classify_create(known);
  record.prompt_version_id = prompt_version_id;
  record.sent_at = facts.sent_at;
  record.failed_at = std::chrono::system_clock::now();
  record.http_status = facts.status;
  if (facts.status != 0) record.request_id = diag.request_id;
  record.cause = error::code_name(ec);
  diag.message += create_explanation(record.outcome, facts, body);
  // Cancellation and close() keep their codes, as Asio users expect; the record says the rest.
  const bool keeps_code = ec == boost::asio::error::operation_aborted || ec == error::client_closed;
  if (!keeps_code && record.outcome == create_outcome::unknown) ec = error::create_outcome_unknown;
  if (!keeps_code && record.outcome == create_outcome::created) ec = error::created_answer_lost;
  diag.create = std::move(record);
}

/// A created run is remembered: reconciling an unknown create must never take it for its own.
/// Its createdAt against when it was asked for says whether the server stamps on the clock of its
/// Date headers (create_accounting::created_at_offset).
inline void remember_created_run(client_handle& client, const run& created, const std::string&,
                                 std::optional<std::chrono::system_clock::time_point> sent_at) {
  const auto now = std::chrono::system_clock::now();
  client.accounting().runs().remember(created.run_id, now);
  if (!sent_at) return;
  if (const auto stamped = from_iso8601(created.created_at))
    client.accounting().observe_created(*sent_at, now, *stamped);
}

BETTERPROMPT_DECL endpoint_call<run> create_run_call(run_request request) {
  diagnostics diag;
  const auto refused =
      refuse_empty_id(request.prompt_version_id, "run_request.prompt_version_id", diag);
  endpoint_call<run> call =
      refused ? refused_call<run>(refused, std::move(diag)) : endpoint_call<run>();
  if (!refused) {
    call.request =
        api_request::post(routes::create_run, routes::create_run.target(), request_body(request));
    call.decode = &decode_answer<run>;
    call.read_failed = &pending_run_from;
  }
  // A refused create is settled too: its diagnostics then say that nothing was created.
  call.context = std::move(request.prompt_version_id);
  call.settle = &settle_create;
  call.record_value = &remember_created_run;
  return call;
}

BETTERPROMPT_DECL endpoint_call<run> get_run_call(std::string run_id) {
  diagnostics diag;
  if (auto ec = refuse_empty_id(run_id, "run_id", diag))
    return refused_call<run>(ec, std::move(diag));
  endpoint_call<run> call;
  call.request = api_request::get(routes::get_run, routes::get_run.target(percent_encode(run_id)));
  call.decode = &decode_run_answer;
  call.context = run_id;
  call.run_id = std::move(run_id);
  return call;
}
}  // namespace detail

}  // namespace betterprompt
