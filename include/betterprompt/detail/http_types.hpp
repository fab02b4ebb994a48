// What endpoints hand to the transport, and what it hands back.
#pragma once

#include <betterprompt/error.hpp>

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace betterprompt::detail {

/// One API call, before the transport adds host, prefix, headers and auth.
struct api_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target{};  ///< Path below the base URL's prefix plus query, already percent-encoded.
  std::string body{};    ///< JSON text; empty for none.
  std::string what{};    ///< "GET /v1/runs/…": set by the transport, names the call in messages.
  /// Ends the call like its own total timeout (whichever comes first); a Retry-After reaching
  /// past it is not waited out. wait_for_run's deadline, for its polls.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  static api_request get(std::string target) {
    api_request r;
    r.target = std::move(target);
    return r;
  }
  static api_request post(std::string target, std::string json_body) {
    api_request r;
    r.method = boost::beast::http::verb::post;
    r.target = std::move(target);
    r.body = std::move(json_body);
    return r;
  }
};

/// The raw HTTP answer to an api_request.
struct api_response {
  unsigned http_status = 0;
  std::string body{};
  std::string request_id{};      ///< x-request-id header, if any.
  int retry_after_seconds = -1;  ///< Retry-After header in seconds, if any.
  std::string what{};            ///< "GET /v1/runs/…": names the request in messages.
  std::string note{};            ///< Why the transport handed back a retryable answer, if it did.
  diagnostics failure{};         ///< When the call failed: what happened.
};

}  // namespace betterprompt::detail
