// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::call_operation, continued: what a failed step or call tells the caller (its
// error code, message and data), and how a timeout names its phase.
#pragma once

#include <betterprompt/detail/operations/call_op.hpp>
#include <betterprompt/detail/printable.hpp>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <string>

namespace betterprompt::detail {

inline std::chrono::milliseconds phase_budget(const timeout_options& limits, call_phase phase) {
  switch (phase) {
    case call_phase::resolve:
      return limits.resolve;
    case call_phase::connect:
      return limits.connect;
    case call_phase::tls_handshake:
      return limits.tls_handshake;
    case call_phase::write:
      return limits.write;
    case call_phase::response_headers:
      return limits.response_headers;
    case call_phase::response_body:
      return limits.response_body;
    default:
      return limits.total;
  }
}

/// Why a retryable answer was handed back as it is, for its error message.
/// Why another attempt follows, for the retry_scheduled event.
inline std::string retry_reason(const attempt_outcome& outcome, boost::system::error_code failure) {
  if (outcome.stale_connection) return "stale keep-alive connection";
  if (outcome.http_status != 0) return "HTTP " + std::to_string(outcome.http_status);
  if (outcome.failed_before_sending) return "failed before sending: " + failure.message();
  return failure.message();
}

inline std::string retry_after_refusal(retry_verdict verdict, int retry_after_seconds,
                                       const retry_policy& policy) {
  const std::string asked =
      "the server asked to wait " + std::to_string(retry_after_seconds) + " s";
  if (verdict == retry_verdict::retry_after_too_long)
    return "not retried: " + asked + ", over retry_policy::max_retry_after (" +
           std::to_string(policy.max_retry_after.count()) + " ms)";
  return "not retried: " + asked +
         ", longer than the call has left (timeouts.total, or the "
         "deadline of wait_for_run)";
}

BETTERPROMPT_DECL void call_operation::open_failed(const boost::system::error_code& ec,
                                                   open_failure kind, const std::string& failure) {
  connection_->close();
  // Nothing was sent yet: worth another try, unless the certificate was rejected.
  transient_ = !connection_->certificate_rejected();
  connection_.reset();
  const std::string where = origin_->connect_shown();
  if (ec == boost::beast::error::timeout) {
    if (phase_limited_by_total_) return total_timeout();
    diagnostics diag;
    diag.message = request_.what + ": " + to_string(phase_) + " with " + where + " took over " +
                   std::to_string(phase_budget(client_->options().timeouts, phase_).count()) +
                   " ms";
    diag.data = {{"phase", to_string(phase_)}};
    return attempt_failed(error::timeout, std::move(diag));
  }
  diagnostics diag;
  diag.message = request_.what + ": " + where + ": " + failure;
  attempt_failed(kind == open_failure::tls_handshake ? error::tls_error : error::connection_failed,
                 std::move(diag));
}

BETTERPROMPT_DECL void call_operation::tunnel_refused(unsigned status, const std::string& reason) {
  connection_->close();
  connection_.reset();
  transient_ = false;  // the proxy's decision (credentials, policy) does not change on a retry
  diagnostics diag;
  diag.http_status = status;
  const auto& address = origin_->address;
  diag.message = request_.what + ": " + origin_->connect_shown() + " refused the tunnel to " +
                 address.host + ":" + address.port + ": " +
                 (status / 100 == 2 ? "bytes followed its answer"
                                    : "HTTP " + std::to_string(status) + " " +
                                          escape_bytes(reason.substr(0, 128), true));
  attempt_failed(error::proxy_refused, std::move(diag));
}

BETTERPROMPT_DECL void call_operation::exchange_failed(const boost::system::error_code& ec) {
  const auto& limits = client_->options().timeouts;
  diagnostics diag;
  if (refused_interim_ != 0) {
    diag.message = request_.what + ": unexpected interim response HTTP " +
                   std::to_string(refused_interim_) +
                   (refused_interim_ == 101 ? " (protocol switch)" : " (too many 1xx answers)");
    return attempt_failed(error::bad_response, std::move(diag));
  }
  if (ec == boost::beast::error::timeout) {
    if (phase_limited_by_total_) return total_timeout();
    diag.message = request_.what + ": " + to_string(phase_) + " took over " +
                   std::to_string(phase_budget(limits, phase_).count()) + " ms";
    diag.data = {{"phase", to_string(phase_)}};
    return attempt_failed(error::timeout, std::move(diag));
  }
  if (ec == boost::beast::http::error::body_limit) {
    diag.message =
        request_.what + ": response body exceeds " + std::to_string(body_limit()) + " bytes";
    return attempt_failed(error::response_too_large, std::move(diag));
  }
  if (&ec.category() ==
          &boost::beast::http::make_error_code(boost::beast::http::error::bad_version).category() &&
      ec != boost::beast::http::error::end_of_stream &&
      ec != boost::beast::http::error::partial_message) {
    diag.message = request_.what + ": malformed HTTP response: " + ec.message();
    return attempt_failed(error::bad_response, std::move(diag));
  }
  diag.message = request_.what + ": " + ec.message();
  attempt_failed(error::connection_closed, std::move(diag));
}

BETTERPROMPT_DECL void call_operation::total_timeout() {
  const auto total = client_->options().timeouts.total;
  const auto left_by = total.count() > 0 ? std::to_string(total.count()) + " ms" : "its deadline";
  result_ = api_response{};
  result_.failure.message = request_.what +
                            ": no complete answer within the call's total timeout of " + left_by +
                            " (was in phase " + to_string(phase_) + ")";
  result_.failure.data = {{"phase", "total"}, {"during", to_string(phase_)}};
  finish(error::timeout);
}

}  // namespace betterprompt::detail
