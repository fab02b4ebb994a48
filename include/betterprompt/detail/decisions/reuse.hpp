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

/// A kept-alive connection found closed by the peer within this time of its last answer was
/// closed right after it, without the `Connection: close` that would have said so (some proxies
/// and load balancers do this). Past it, a close is the server's idle timeout, which is normal.
inline constexpr std::chrono::milliseconds silent_close_window{1000};

/// How long one such close keeps creates off idle connections (see create_may_reuse).
inline constexpr std::chrono::minutes silent_close_memory{5};

/// True when a connection that had been idle for `idle_for` and then turned out closed by the
/// peer was closed silently right after its answer.
inline bool is_silent_close(std::chrono::milliseconds idle_for) {
  return idle_for < silent_close_window;
}

/// Whether a create may take an idle connection at `now`, given the last silent close the host
/// showed (`never`: none yet). A close in flight cannot be seen before the write (the liveness
/// probe only sees one that arrived), and a create written into it cannot be resent, its outcome
/// unknown. So, once a host has shown it closes connections right after answers, creates open new
/// ones for silent_close_memory: a handshake against a run that might otherwise be lost. Hosts
/// that never do this keep full reuse.
template <class TimePoint>
bool create_may_reuse(TimePoint now, TimePoint last_silent_close, TimePoint never = TimePoint{}) {
  return last_silent_close == never || now - last_silent_close > silent_close_memory;
}

}  // namespace betterprompt::detail
