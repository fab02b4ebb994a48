// SPDX-License-Identifier: BSL-1.0
// The phases of an API call, so that a timeout can say which one expired.
#pragma once

namespace betterprompt::detail {

enum class call_phase {
  queued,            ///< Waiting for the rate limiter or a free connection.
  resolve,           ///< Resolving the host name.
  connect,           ///< TCP connect.
  tls_handshake,     ///< TLS handshake and certificate verification.
  write,             ///< Writing the request.
  response_headers,  ///< Waiting for the response headers.
  response_body,     ///< Reading the response body.
  backoff,           ///< Pausing before a retry.
  held,              ///< A create waiting to write while a reconciliation lists its version's runs.
};

/// The name used in messages and in diagnostics::data["phase"].
inline const char* to_string(call_phase p) noexcept {
  switch (p) {
    case call_phase::queued:
      return "queued";
    case call_phase::resolve:
      return "resolve";
    case call_phase::connect:
      return "connect";
    case call_phase::tls_handshake:
      return "tls_handshake";
    case call_phase::write:
      return "write";
    case call_phase::response_headers:
      return "response_headers";
    case call_phase::response_body:
      return "response_body";
    case call_phase::backoff:
      return "backoff";
    case call_phase::held:
      return "held";
  }
  return "unknown";
}

}  // namespace betterprompt::detail
