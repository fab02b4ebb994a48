// SPDX-License-Identifier: BSL-1.0
// What endpoints hand to the transport, and what it hands back.
#pragma once

#include <betterprompt/detail/api_routes.hpp>
#include <betterprompt/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

struct origin;

/// One API call, before the transport adds host, prefix, headers and auth.
struct api_request {
  route which{};  ///< The endpoint, for events.
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target{};  ///< Path below the base URL's prefix plus query, already percent-encoded.
  std::string body{};    ///< JSON text; empty for none.
  std::string what{};    ///< "GET /v1/runs/…": set by the transport, names the call in messages.
  /// Ends the call like its own total timeout (whichever comes first); a Retry-After reaching
  /// past it is not waited out. wait_for_run's deadline, for its polls.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// A create's entry in the client's create_accounting (0 for every other request): the call
  /// asks it before writing, and waits while a reconciliation holds the create's prompt version.
  std::uint64_t create_ticket = 0;
  std::string create_version{};  ///< A create's prompt version, for its events.
  /// Another host than the API's (a SKILL.md host), one of the pool's origins
  /// (client_state::origin_for): the request goes there, with none of the API's fields, and
  /// its target is the whole path. Null: the API.
  origin* to = nullptr;
  /// The largest answer body taken; 0: client_options::max_response_body.
  std::size_t max_body = 0;
  /// Runs the call's steps: a wait's own executor, so that its polls and the wait share it and
  /// no handler hops between strands. Empty: one the client chooses (client_state::call_executor).
  boost::asio::any_io_executor runs_on{};

  static api_request get(route which, std::string target) {
    api_request r;
    r.which = which;
    r.target = std::move(target);
    return r;
  }
  static api_request post(route which, std::string target, std::string json_body) {
    api_request r;
    r.which = which;
    r.method = boost::beast::http::verb::post;
    r.target = std::move(target);
    r.body = std::move(json_body);
    return r;
  }
};

/// What the transport knows of a call's last attempt: the facts a create's outcome is decided
/// from (detail/decisions/create_outcome.hpp).
struct exchange_facts {
  bool request_written = false;  ///< The whole request was handed to the network.
  unsigned status = 0;           ///< The final status line it read; 0 when none.
  bool answer_complete = false;  ///< It read a whole answer.
  /// When its write started (requests other than GET only: the clock is read for them alone).
  std::optional<std::chrono::system_clock::time_point> sent_at;
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
  unsigned attempts = 0;         ///< Attempts that wrote the request (retries and resends).
  exchange_facts exchange{};     ///< The last attempt, as the transport saw it.
};

/// The completion of a call: the answer (any HTTP status), or on failure its diagnostics in
/// api_response::failure.
using call_signature = void(boost::system::error_code, api_response);

/// A call's completion, type-erased: what the transport's one compiled call operation takes.
using call_completion = boost::asio::any_completion_handler<call_signature>;

}  // namespace betterprompt::detail
