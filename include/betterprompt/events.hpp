// SPDX-License-Identifier: BSL-1.0
// What a client does, as events: a per-client hook (client_options::on_event) sees every call,
// retry, wait and connection; BETTERPROMPT_LOG=info|debug prints them to stderr with no code
// change. Nothing is built or called when no hook is set.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace betterprompt {

/// What happened.
enum class event_kind {
  call_started,          ///< A call began (before the rate limiter and the connection slot).
  call_finished,         ///< A call ended: `http_status`, `error`, `duration` (the whole call).
  retry_scheduled,       ///< Another attempt follows after `delay`; `reason` says why.
  rate_limit_wait,       ///< The client's rate limiter holds the call for `delay`.
  connection_slot_wait,  ///< The call waited `duration` for a connection (max_connections).
  connection_opened,     ///< A new connection is ready: `duration` = connect (+ TLS handshake).
  tls_handshake,         ///< A TLS handshake finished in `duration`.
  connection_reused,     ///< The attempt uses an idle keep-alive connection.
  connection_closed,     ///< The call closed its connection (a failure, or not reusable).
  /// A create's request is being written (each attempt that writes): `prompt_version_id`,
  /// `sent_at`. With create_settled, what a server needs to keep its own journal of creates and
  /// reconcile them after its own crash.
  create_sent,
  /// A create ended and the client knows how: `prompt_version_id`, `sent_at` (of its last write;
  /// empty when nothing was written), `outcome` ("answered" with its `run_id`, or the
  /// create_record's "not_created", "unknown" or "created"), `error`.
  create_settled,
  /// An attempt's final response header was read (interim 1xx answers are not reported):
  /// `http_status`, `request_id`, `duration` since its request began going out (the time to the
  /// answer's header).
  response_headers,
  /// A reconciliation (operation "reconcile_create") began holding new creates of
  /// `prompt_version_id` at their write point: it waits for the creates already written, then
  /// lists runs. A create that reaches its write point meanwhile waits (error::create_held at
  /// its deadline).
  creates_held,
  /// That reconciliation's listing ended and held creates go on: `prompt_version_id`,
  /// `duration` of the hold.
  creates_released,
};

/// The event's name: "call_started", "retry_scheduled", …
BETTERPROMPT_DECL std::string_view to_string(event_kind k) noexcept;

/// One event. The views are valid during the hook's call only. The API key, header values and
/// request bodies never appear in an event.
struct event {
  event_kind kind = event_kind::call_started;  ///< What happened.
  std::string_view operation;                  ///< The SDK function: "get_run", "create_run", …
  std::string_view method;                     ///< "GET" or "POST".
  std::string_view path_template;         ///< "/v1/runs/{runId}": no ids, safe to aggregate on.
  int attempt = 1;                        ///< 1 for the first attempt, 2 for the first retry, …
  unsigned http_status = 0;  ///< call_finished, response_headers: the answer's status (0: none).
  boost::system::error_code error{};      ///< call_finished: the failure, if any.
  std::chrono::microseconds duration{0};  ///< See event_kind.
  std::chrono::milliseconds delay{0};     ///< retry_scheduled, rate_limit_wait: the wait ahead.
  std::string_view reason;                ///< retry_scheduled: why ("HTTP 503", …).
  std::string_view request_id;  ///< call_finished, response_headers: x-request-id, when sent.
  std::size_t bytes_out = 0;              ///< call_finished: bytes of the request (last attempt).
  std::size_t bytes_in = 0;               ///< call_finished: bytes of the response body.
  /// create_sent, create_settled: the create's version; creates_held, creates_released: the
  /// version held.
  std::string_view prompt_version_id;
  /// create_sent, create_settled: when its (last) request began going out, system clock.
  std::optional<std::chrono::system_clock::time_point> sent_at;
  std::string_view outcome;  ///< create_settled: "answered", "not_created", "unknown", "created".
  std::string_view run_id;   ///< create_settled: the run it answered, when it did.
};

/// A client's event hook. Called on the client's executor, from every thread that runs it (make
/// it thread-safe when the executor is multi-threaded); keep it short: the call waits for it.
/// An exception it throws is swallowed.
using event_hook = std::function<void(const event&)>;

/// How much a logger prints: info (calls finished, retries, rate-limit and slot waits) or debug
/// (every event).
enum class log_level { info, debug };

/// The level BETTERPROMPT_LOG asks for ("info" or "debug", any case); nullopt when unset, empty
/// or anything else.
BETTERPROMPT_DECL std::optional<log_level> log_level_from_environment();

/// A hook that writes one line per event of `level` to `out` ("betterprompt: call_finished
/// get_run GET /v1/runs/{runId} status=200 attempt=1 duration_us=812 request_id=… in=… out=…").
/// Lines from concurrent calls do not interleave. `out` must outlive every client using it.
BETTERPROMPT_DECL event_hook make_stream_logger(std::ostream& out, log_level level);

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/events.ipp>
#endif
