// What endpoints hand to the transport, and what it hands back.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <string>
#include <utility>

namespace betterprompt::detail {

/// One API call, before the transport adds host, prefix, headers and auth.
struct api_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target{};  ///< Path below the base URL's prefix plus query, already percent-encoded.
  std::string body{};    ///< JSON text; empty for none.
  std::string run_id{};  ///< The run concerned, if any: named in timeout diagnostics.
  std::string what{};    ///< "GET /v1/runs/…": set by the transport, names the call in messages.

  static api_request get(std::string target) {
    return {boost::beast::http::verb::get, std::move(target), {}, {}, {}};
  }
  static api_request post(std::string target, std::string json_body) {
    return {boost::beast::http::verb::post, std::move(target), std::move(json_body), {}, {}};
  }
};

/// The raw HTTP answer to an api_request.
struct api_response {
  unsigned http_status = 0;
  std::string body{};
  std::string request_id{};      ///< x-request-id header, if any.
  int retry_after_seconds = -1;  ///< Retry-After header in seconds, if any.
  std::string what{};            ///< "GET /v1/runs/…": names the request in messages.
};

}  // namespace betterprompt::detail
