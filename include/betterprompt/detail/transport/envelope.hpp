// SPDX-License-Identifier: BSL-1.0
// The API's response envelope: parse it, map its errors, decode its `data` into a model.
#pragma once

#include <betterprompt/detail/api_error_table.hpp>
#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/error.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <memory>
#include <string>

namespace betterprompt::detail {

/// A parsed response envelope.
struct envelope {
  unsigned http_status = 0;
  std::string status;  ///< "SUCCESS" or an error code.
  std::string message;
  boost::json::value data;
  std::string request_id;
  int retry_after_seconds = -1;
  std::string what;  ///< "GET /v1/runs/…", for messages.
  std::string note;  ///< Why the transport did not retry this answer, if it was retryable.

  bool ok() const noexcept { return status == "SUCCESS" && http_status < 300; }
};

/// Reads the body as an envelope into `env`. A body that is not an envelope is bad_response on a
/// 2xx, and an API error derived from the HTTP status otherwise (e.g. a proxy's HTML 502 page):
/// returned, with `diag` filled. Throws nothing but bad_alloc: an answer is not an exception.
inline boost::system::error_code read_envelope(api_response&& resp, envelope& env,
                                               diagnostics& diag) {
  env.http_status = resp.http_status;
  env.request_id = std::move(resp.request_id);
  env.retry_after_seconds = resp.retry_after_seconds;
  env.what = std::move(resp.what);
  env.note = std::move(resp.note);
  boost::system::error_code ec;
  // One arena for the whole tree, freed with the envelope: a few allocations instead of one per
  // string, array and object. Nothing decoded from it keeps a reference to it (models copy into
  // their own members; diagnostics::data is assigned, which copies into default storage).
  const boost::json::storage_ptr arena =
      boost::json::make_shared_resource<boost::json::monotonic_resource>(
          std::min<std::size_t>(resp.body.size() * 2 + 1024, 64 * 1024));
  boost::json::value body = boost::json::parse(resp.body, ec, arena);
  // The text is not needed once parsed: freeing it now keeps the peak of a large answer at
  // about twice its size (JSON value, then the decoded model) instead of three times.
  std::string().swap(resp.body);
  auto* obj = ec ? nullptr : body.if_object();
  const auto* status = obj ? obj->if_contains("status") : nullptr;
  if (!status || !status->is_string()) {
    diag.http_status = env.http_status;
    diag.request_id = env.request_id;
    diag.retry_after_seconds = env.retry_after_seconds;
    diag.message = env.what + ": response is not a JSON API envelope" +
                   (ec ? " (" + ec.message() + ")" : std::string()) +
                   (env.note.empty() ? std::string() : "; " + env.note);
    return env.http_status < 300 ? make_error_code(error::bad_response)
                                 : make_error_code(api_error_from_http(env.http_status));
  }
  env.status = std::string(status->get_string());
  if (const auto* message = obj->if_contains("message"); message && message->is_string())
    env.message = std::string(message->get_string());
  if (auto* data = obj->if_contains("data")) {
    // Move-constructed, so that it keeps the arena (an assignment would copy the whole tree into
    // the member's default storage).
    std::destroy_at(&env.data);
    std::construct_at(&env.data, std::move(*data));
  }
  return {};
}

/// The API error an unsuccessful envelope describes: returned, with `diag` filled.
inline boost::system::error_code api_error_of(envelope&& env, diagnostics& diag) {
  diag.http_status = env.http_status;
  diag.api_status = env.status;
  diag.message = env.message.empty() ? env.what + ": " + env.status : std::move(env.message);
  if (!env.note.empty()) diag.message += " (" + env.note + ")";
  diag.data = std::move(env.data);
  diag.request_id = std::move(env.request_id);
  diag.retry_after_seconds = env.retry_after_seconds;
  auto code = error::api_error_from_status(diag.api_status);
  if (code == error::unknown_api_error) code = api_error_from_http(diag.http_status);
  return make_error_code(code);
}

/// Reads a successful envelope's data as a T into `out`: bad_response, with `diag` naming the
/// bad field, when it is not one.
template <class T>
boost::system::error_code decode_data(envelope&& env, T& out, diagnostics& diag) {
  json_reader in;
  out = read_model_as<T>(env.data, in);
  if (!in.failed()) return {};
  diag.http_status = env.http_status;
  diag.api_status = env.status;
  diag.request_id = env.request_id;
  diag.message = env.what + ": unexpected data: " + in.failure();
  return make_error_code(error::bad_response);
}

}  // namespace betterprompt::detail
