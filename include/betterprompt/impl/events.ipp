// SPDX-License-Identifier: BSL-1.0
// Bodies of the event names, BETTERPROMPT_LOG and the stream logger.
#pragma once

#include <betterprompt/detail/printable.hpp>
#include <betterprompt/events.hpp>
#include <betterprompt/timestamps.hpp>

#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>

namespace betterprompt {

BETTERPROMPT_DECL std::string_view to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::call_started:
      return "call_started";
    case event_kind::call_finished:
      return "call_finished";
    case event_kind::retry_scheduled:
      return "retry_scheduled";
    case event_kind::rate_limit_wait:
      return "rate_limit_wait";
    case event_kind::connection_slot_wait:
      return "connection_slot_wait";
    case event_kind::connection_opened:
      return "connection_opened";
    case event_kind::tls_handshake:
      return "tls_handshake";
    case event_kind::connection_reused:
      return "connection_reused";
    case event_kind::connection_closed:
      return "connection_closed";
    case event_kind::create_sent:
      return "create_sent";
    case event_kind::create_settled:
      return "create_settled";
    case event_kind::response_headers:
      return "response_headers";
    case event_kind::creates_held:
      return "creates_held";
    case event_kind::creates_released:
      return "creates_released";
  }
  return "unknown";
}

BETTERPROMPT_DECL std::optional<log_level> log_level_from_environment() {
  const char* value = std::getenv("BETTERPROMPT_LOG");
  if (!value) return std::nullopt;
  std::string level(value);
  for (char& c : level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (level == "info") return log_level::info;
  if (level == "debug") return log_level::debug;
  return std::nullopt;
}

namespace detail {
inline bool shown_at_info(event_kind k) noexcept {
  return k == event_kind::call_finished || k == event_kind::retry_scheduled ||
         k == event_kind::rate_limit_wait || k == event_kind::connection_slot_wait ||
         k == event_kind::create_settled || k == event_kind::creates_held ||
         k == event_kind::creates_released;
}
}  // namespace detail

BETTERPROMPT_DECL event_hook make_stream_logger(std::ostream& out, log_level level) {
  auto mutex = std::make_shared<std::mutex>();
  return [&out, level, mutex](const event& e) {
    if (level == log_level::info && !detail::shown_at_info(e.kind)) return;
    std::ostringstream line;
    line << "betterprompt: " << to_string(e.kind) << ' ' << e.operation << ' ' << e.method << ' '
         << e.path_template << " attempt=" << e.attempt;
    if (e.kind == event_kind::call_finished || e.kind == event_kind::response_headers) {
      line << " status=" << e.http_status;
      if (e.error) line << " error=" << e.error.category().name() << ':' << e.error.value();
      // The server chose it: escaped, so that it cannot write control sequences to a terminal.
      if (!e.request_id.empty())
        line << " request_id=" << detail::escape_bytes(e.request_id.substr(0, 128), true);
    }
    if (e.kind == event_kind::call_finished) line << " in=" << e.bytes_in << " out=" << e.bytes_out;
    if (e.duration.count() > 0) line << " duration_us=" << e.duration.count();
    if (e.delay.count() > 0) line << " delay_ms=" << e.delay.count();
    if (!e.reason.empty()) line << " reason=\"" << e.reason << '"';
    if (!e.prompt_version_id.empty()) line << " prompt_version=" << e.prompt_version_id;
    if (e.sent_at) line << " sent_at=" << to_iso8601(*e.sent_at);
    if (!e.outcome.empty()) line << " outcome=" << e.outcome;
    if (!e.run_id.empty()) line << " run_id=" << e.run_id;
    line << '\n';
    std::lock_guard lock(*mutex);
    out << line.str() << std::flush;
  };
}

}  // namespace betterprompt
