// SPDX-License-Identifier: BSL-1.0
// Whether a keep-alive connection may carry another request, from facts the transport gathers:
// the decision that keeps one call's answer from ever being read as another's.
#pragma once

#include <chrono>

namespace betterprompt::detail {

/// What the transport knows about a connection.
struct connection_facts {
  bool open = true;           ///< The socket is open.
  bool keep_alive = true;     ///< The last answer allowed keep-alive.
  bool unread_bytes = false;  ///< Bytes past the last answer: buffered here or in TLS, or
                              ///< waiting on the socket (a second response, junk, close_notify).
  bool peer_closed = false;   ///< The socket reads end-of-stream.
  std::chrono::milliseconds idle_for{0};  ///< Since the connection went idle.
};

/// True when a connection may go back to the pool after an answer, or be taken from it for a
/// new request: open, kept alive, in step with the server (nothing unread), not closed by the
/// peer, and not idle for longer than `idle_timeout`.
inline bool may_reuse(const connection_facts& f, std::chrono::milliseconds idle_timeout) {
  return f.open && f.keep_alive && !f.unread_bytes && !f.peer_closed && f.idle_for <= idle_timeout;
}

}  // namespace betterprompt::detail
