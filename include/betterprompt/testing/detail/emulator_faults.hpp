// SPDX-License-Identifier: BSL-1.0
// The emulator's misbehaviours: injected faults and the API's rate limit.
#pragma once

#include <betterprompt/testing/detail/emulator_http.hpp>
#include <betterprompt/testing/detail/emulator_state.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>

namespace betterprompt::testing::detail {

/// Takes a token of the rate limit; the 429 to send when none is left.
inline std::optional<emulated_response> take_rate_limit(emulator_state& state) {
  const double rate = state.options.rate_limit_per_second;
  if (rate <= 0) return std::nullopt;
  std::lock_guard lock(state.store.mutex);
  const auto now = clock::now();
  const std::chrono::duration<double> elapsed = now - state.rate_refilled;
  state.rate_tokens = std::min(state.rate_burst, state.rate_tokens + elapsed.count() * rate);
  state.rate_refilled = now;
  if (state.rate_tokens >= 1) {
    state.rate_tokens -= 1;
    return std::nullopt;
  }
  ++state.rate_limited;
  auto response = envelope_error(betterprompt::error::rate_limited, "Rate limit exceeded");
  response.retry_after_seconds = 1;
  return response;
}

/// The next injected fault for `route` (its own faults first, then those for "*").
inline std::optional<fault> take_fault(emulator_state& state, std::string_view route) {
  std::lock_guard lock(state.store.mutex);
  for (const std::string& key : {std::string(route), std::string("*")}) {
    const auto it = state.faults.find(key);
    if (it == state.faults.end() || it->second.empty()) continue;
    fault& next = it->second.front();
    fault taken = next;
    if (next.count > 0 && --next.count == 0) it->second.pop_front();
    return taken;
  }
  return std::nullopt;
}

/// The answer of a fault that replaces processing; nullopt for faults that alter a real answer.
inline std::optional<emulated_response> fault_response(const fault& f) {
  emulated_response r;
  switch (f.kind) {
    case fault_kind::reset:
      r.reset = true;
      return r;
    case fault_kind::server_error:
      r = envelope_error(f.status, "SERVER_ERROR", "Injected server error");
      return r;
    case fault_kind::rate_limited:
      r = envelope_error(betterprompt::error::rate_limited, "Rate limit exceeded");
      r.retry_after_seconds = static_cast<int>((f.delay.count() + 999) / 1000);
      return r;
    default:
      return std::nullopt;
  }
}

/// The run id the trailing_response and foreign_run faults name: never created by the emulator.
inline constexpr const char* unrequested_run_id = "ffffffff-ffff-4fff-8fff-ffffffffffff";

/// Replaces data.runId in an envelope answer that has one.
inline void rename_run(emulated_response& r, std::string_view run_id) {
  boost::system::error_code ec;
  boost::json::value envelope = boost::json::parse(r.body, ec);
  auto* object = ec ? nullptr : envelope.if_object();
  auto* data = object ? object->if_contains("data") : nullptr;
  if (!data || !data->is_object() || !data->as_object().contains("runId")) return;
  data->as_object()["runId"] = run_id;
  r.body = boost::json::serialize(envelope);
}

/// Alters a real answer for the faults that let the request be processed.
inline void apply_fault(const fault& f, emulated_response& r) {
  switch (f.kind) {
    case fault_kind::delay:
      r.delay += f.delay;
      break;
    case fault_kind::close_after_bytes:
      r.close_after_bytes = std::max<std::size_t>(f.bytes, 1);
      break;
    case fault_kind::drip:
      r.drip_bytes = std::max<std::size_t>(f.bytes, 1);
      r.drip_interval = f.delay;
      break;
    case fault_kind::close_connection:
      r.close = true;
      break;
    case fault_kind::stall:
      r.stall_body_bytes = f.bytes;
      r.stall = std::max(f.delay, std::chrono::milliseconds(1));
      break;
    case fault_kind::trailing_response: {
      const std::string body = boost::json::serialize(boost::json::object{
          {"status", "SUCCESS"},
          {"data", {{"runId", unrequested_run_id}, {"runStatus", "succeeded"}}}});
      r.trailing = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body;
      break;
    }
    case fault_kind::trailing_junk:
      r.trailing = std::string(f.bytes > 0 ? f.bytes : 16, 'J');
      break;
    case fault_kind::foreign_run:
      rename_run(r, unrequested_run_id);
      break;
    case fault_kind::interim_response:
      r.interim = "HTTP/1.1 " + std::to_string(f.status) + " Interim\r\n\r\n";
      break;
    // What a create answered this way leaves behind is a run: these come after processing.
    case fault_kind::malformed_json:
      r.status = 200;
      r.content_type = "application/json";
      r.body = R"({"status": "SUCCESS", "data": {"runId": )";
      break;
    case fault_kind::oversized_body:
      r = envelope_success(boost::json::object{{"padding", std::string(f.bytes, 'x')}});
      break;
    case fault_kind::wrong_content_type:
      r.status = 200;
      r.content_type = "text/html";
      r.body = "<html><body>Service temporarily unavailable</body></html>";
      break;
    case fault_kind::error_after_processing:
      // What a load balancer sends when the service behind it failed or was too slow: its own
      // page, no envelope, and for a 504 no runId.
      r.status = f.status;
      r.content_type = "text/html";
      r.body =
          "<html><body><h1>" + std::to_string(f.status) + "</h1>The upstream failed.</body></html>";
      r.retry_after_seconds = -1;
      break;
    case fault_kind::reset_after_processing:
      r.reset = true;
      break;
    case fault_kind::silent_close:
      r.close_silently = true;
      break;
    default:
      break;
  }
}

}  // namespace betterprompt::testing::detail
