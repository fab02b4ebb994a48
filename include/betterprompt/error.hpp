// SPDX-License-Identifier: BSL-1.0
// Error codes, diagnostics and the exception type of betterprompt-cpp.
#pragma once

#include <betterprompt/config.hpp>
#include <betterprompt/create_outcome.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <optional>
#include <string>
#include <type_traits>

namespace betterprompt {

/// Error codes. `error::api_errc` mirror the API's envelope `status`; `error::client_errc`
/// are detected by this library (named as Boost.MySQL names its codes). Compare directly: `ec == betterprompt::error::not_found`.
/// Cancellation is reported as `boost::asio::error::operation_aborted`, as everywhere in Asio.
namespace error {

/// Errors the BetterPrompt API reported (category "betterprompt.api").
enum api_errc {
  bad_request = 1,   ///< 400 BAD_REQUEST_ERROR: malformed request.
  unauthorized,      ///< 401 UNAUTHORIZED_ERROR: missing, invalid or revoked API key.
  payment_required,  ///< 402 PAYMENT_REQUIRED_ERROR: not enough credits, or no Pro plan.
  not_found,         ///< 404 NOT_FOUND_ERROR: the resource does not exist or is not yours.
  gone,              ///< 410 GONE_ERROR: the resource is no longer available.
  validation,        ///< 422 VALIDATION_ERROR: bad UUID, missing input, ...; see diagnostics::data.
  rate_limited,      ///< 429 TOO_MANY_REQUESTS_ERROR: see diagnostics::retry_after_seconds.
  server_error,      ///< 500 SERVER_ERROR.
  gateway_timeout,   ///< 504 GATEWAY_TIMEOUT_ERROR (create_run turns it into a pending run).
  unknown_api_error,  ///< Any other error status the API sent.
};

/// Errors detected on the client side (category "betterprompt.client").
enum client_errc {
  timeout = 1,         ///< A phase or the whole call exceeded client_options::timeouts;
                       ///< diagnostics::data = {"phase", and "runId" for run calls}.
  wait_timeout,        ///< wait_for_run's deadline passed; diagnostics::data holds the runId.
  bad_response,        ///< The response is not a valid API envelope or lacks expected fields.
  response_too_large,  ///< The response exceeded client_options::max_response_body.
  tls_error,           ///< TLS handshake or certificate verification failed.
  connection_failed,   ///< The host could not be resolved or connected to.
  connection_closed,   ///< The connection broke before a complete response arrived.
  invalid_argument,    ///< A caller-supplied argument is invalid (empty id, bad base_url, ...).
  invalid_input,       ///< A run request does not match the prompt's inputs; data = {"field"}.
  file_error,          ///< A file could not be read or is over its size limit.
  client_closed,       ///< client::close() was called, or the last handle of the client destroyed.
  proxy_refused,       ///< The proxy refused the tunnel (CONNECT); diagnostics::http_status is its
                       ///< status, e.g. 407 for missing or wrong proxy credentials.
  /// A create (POST /v1/runs) was sent and no answer says whether it made a run: it may exist
  /// and be billed. diagnostics::create has the record (outcome unknown) and its `cause` (the
  /// reset, timeout or 5xx behind it). Do not resend blindly: the API has no idempotency key.
  create_outcome_unknown,
  /// A create's run exists (a 2xx status line was read) but its answer was lost, so its id is
  /// unknown. diagnostics::create has the record (outcome created).
  created_answer_lost,
  /// A create waited at its write point while a reconciliation of its prompt version listed the
  /// server's runs, and its deadline passed (or the client closed) before it could be sent: it was
  /// not created (diagnostics::create says so). Time held counts against its total timeout.
  create_held,
  /// reconcile_create could not list the server's runs (the listing failed after its retries):
  /// nothing is decided; the create's record is unchanged and may be reconciled again.
  reconcile_failed,
};

/// The category of api_errc.
BETTERPROMPT_DECL const boost::system::error_category& get_api_category() noexcept;
/// The category of client_errc.
BETTERPROMPT_DECL const boost::system::error_category& get_client_category() noexcept;

/// Makes an error_code from an api_errc value (found by ADL for implicit conversion).
inline boost::system::error_code make_error_code(api_errc e) noexcept {
  return {static_cast<int>(e), get_api_category()};
}
/// Makes an error_code from a client_errc value (found by ADL for implicit conversion).
inline boost::system::error_code make_error_code(client_errc e) noexcept {
  return {static_cast<int>(e), get_client_category()};
}

/// The former name of api_errc. Deprecated in 0.2 (Boost.MySQL's naming); removed in the next
/// minor version.
using api_errors [[deprecated("renamed betterprompt::error::api_errc")]] = api_errc;
/// The former name of client_errc. Deprecated in 0.2; removed in the next minor version.
using client_errors [[deprecated("renamed betterprompt::error::client_errc")]] = client_errc;

/// Maps an envelope `status` string (e.g. "NOT_FOUND_ERROR") to its code; unknown →
/// unknown_api_error.
BETTERPROMPT_DECL api_errc api_error_from_status(std::string_view status) noexcept;

/// A stable name for `ec`, fit for records and logs: the enumerator of this library's codes
/// ("connection_failed", "validation", "create_outcome_unknown"), "operation_aborted" for Asio's
/// cancellation, "" for no error, and "<category>:<value>" for any other code.
BETTERPROMPT_DECL std::string code_name(const boost::system::error_code& ec);

}  // namespace error

/// The most bytes of diagnostics::message that error_with_diagnostics::what() shows.
inline constexpr std::size_t max_what_message = 1024;

/// What is known about a failed operation beyond its error code. Never contains the API key. The
/// HTTP status, request id and Retry-After are those of the last answer whose status line was
/// read, even when its body then broke or a later attempt failed without one.
struct diagnostics {
  unsigned http_status = 0;  ///< HTTP status of the response; 0 when none was received.
  std::string api_status;    ///< Envelope status, e.g. "VALIDATION_ERROR"; empty for client errors.
  std::string message;       ///< Human-readable explanation (the API's message or ours).
  boost::json::value data;   ///< Error context: the envelope's `data`, or e.g. {"runId": …}.
  std::string request_id;    ///< The `x-request-id` response header, when the server sent one.
  int retry_after_seconds = -1;  ///< The `Retry-After` header in seconds; -1 when absent.
  /// For a failed create (create_run, run_prompt's create step): what it left behind, whatever
  /// the code (cancellation and close() included). Empty for every other operation.
  std::optional<create_record> create;
  /// Requests the operation sent: retries, resends, polls (wait_for_run, run_prompt) and steps
  /// (run_prompt) included; 0 when nothing was sent.
  unsigned attempts = 0;
  /// run_prompt: the create's `x-request-id` (request_id is then the last poll's, or the
  /// create's when it answered with the finished run). Empty otherwise.
  std::string create_request_id;
};

/// The exception operations throw with the default token (and with with_diagnostics): an
/// error_code plus diagnostics.
/// `what()` reads like "Run not found [HTTP 404 NOT_FOUND_ERROR, request id req_7]". The
/// message part has its control characters escaped (`\x1B`, `\x0A`, …) and is cut after
/// max_what_message bytes; get_diagnostics().message keeps the server's raw text.
class error_with_diagnostics : public boost::system::system_error {
 public:
  /// Builds the exception; the message is composed from diag.
  BETTERPROMPT_DECL error_with_diagnostics(boost::system::error_code ec, diagnostics diag);

  /// The details of the failure.
  const diagnostics& get_diagnostics() const noexcept { return diag_; }

 private:
  diagnostics diag_;
};

namespace detail {
/// Puts `message` in `diag` and returns `e`: how a check on an operation's path refuses its
/// arguments (the operation completes with the refusal; nothing is thrown).
BETTERPROMPT_DECL boost::system::error_code client_refusal(error::client_errc e,
                                                           std::string message, diagnostics& diag);
/// Throws error_with_diagnostics{ec, {message}}: how constructors and other plain calls report a
/// client error.
[[noreturn]] BETTERPROMPT_DECL void throw_client_error(error::client_errc e, std::string message);
/// Throws error_with_diagnostics{ec, diag} when `ec` is set: how a plain call (a constructor, a
/// validate_ function) reports what its non-throwing check refused. `diag` is taken by reference,
/// so `throw_if_refused(check(..., diag), std::move(diag))` reads it after the check filled it.
BETTERPROMPT_DECL void throw_if_refused(boost::system::error_code ec, diagnostics&& diag);
}  // namespace detail

}  // namespace betterprompt

namespace boost::system {
template <>
struct is_error_code_enum<betterprompt::error::api_errc> : std::true_type {};
template <>
struct is_error_code_enum<betterprompt::error::client_errc> : std::true_type {};
}  // namespace boost::system

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/error.ipp>
#endif
