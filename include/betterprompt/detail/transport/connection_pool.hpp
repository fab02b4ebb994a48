// SPDX-License-Identifier: BSL-1.0
// A client's connections: the slots that bound how many are in use, and each origin's idle ones,
// with the rules for when an idle connection is still fit for a request.
#pragma once

#include <betterprompt/detail/transport/connection.hpp>
#include <betterprompt/detail/transport/connection_slots.hpp>
#include <betterprompt/detail/transport/origin.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>

namespace betterprompt::detail {

/// Every member is thread-safe. The idle lists live in each origin (origin::idle), guarded here.
class connection_pool {
 public:
  using connection_ptr = std::unique_ptr<connection>;

  /// At most `max_connections` in use at once (0: unbounded) and `max_idle` idle per origin,
  /// each idle for at most `idle_timeout`.
  connection_pool(boost::asio::any_io_executor ex, std::size_t max_connections,
                  std::size_t max_idle, std::chrono::milliseconds idle_timeout)
      : executor_(std::move(ex)),
        slots_(max_connections),
        max_idle_(max_idle),
        idle_timeout_(idle_timeout) {}

  /// The bound on connections in use.
  connection_slots& slots() noexcept { return slots_; }

  /// A new, unconnected connection to `to` (TLS when its URL is https).
  connection_ptr make_connection(const origin& to) {
    return std::make_unique<connection>(executor_, to.tls);
  }
  /// An idle connection to `from` still fit for a request, or null.
  connection_ptr take_idle(origin& from);
  /// Keeps a connection to `to` for reuse, or closes it when enough are idle or the pool is
  /// closed.
  void return_idle(origin& to, connection_ptr conn);
  /// Closes `of`'s idle connections; with `for_good`, the pool keeps none from now on (the
  /// client closed).
  void close_idle(origin& of, bool for_good = false) noexcept;

  /// Notes, at `now`, a connection the server closed right after an answer without saying so.
  void note_silent_close(connection::clock::time_point now) noexcept {
    last_silent_close_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  }
  /// Whether a create may take an idle connection at `now` (see create_may_reuse).
  bool creates_may_reuse(connection::clock::time_point now) const noexcept {
    const connection::clock::time_point last{
        connection::clock::duration(last_silent_close_.load(std::memory_order_relaxed))};
    return create_may_reuse(now, last);
  }

 private:
  boost::asio::any_io_executor executor_;
  connection_slots slots_;
  std::size_t max_idle_;
  std::chrono::milliseconds idle_timeout_;
  std::mutex idle_mutex_;  ///< Guards every origin's idle list and closed_.
  bool closed_ = false;
  /// The last silent close seen (note_silent_close), as a steady_clock count; 0: none.
  std::atomic<connection::clock::rep> last_silent_close_{0};
};

inline connection_pool::connection_ptr connection_pool::take_idle(origin& from) {
  const auto now = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  auto& idle = from.idle;
  while (!idle.empty()) {
    connection_ptr conn = std::move(idle.back());
    idle.pop_back();
    const connection_facts facts = conn->facts(true, now - conn->idle_since);
    if (may_reuse(facts, idle_timeout_)) return conn;
    if (facts.peer_closed && is_silent_close(facts.idle_for)) note_silent_close(now);
    conn->close();
  }
  return nullptr;
}

inline void connection_pool::return_idle(origin& to, connection_ptr conn) {
  conn->idle_since = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  if (to.idle.size() < max_idle_ && !closed_)
    to.idle.push_back(std::move(conn));
  else
    conn->close();
}

inline void connection_pool::close_idle(origin& of, bool for_good) noexcept {
  std::lock_guard lock(idle_mutex_);
  closed_ = closed_ || for_good;
  for (auto& conn : of.idle) conn->close();
  of.idle.clear();
}

}  // namespace betterprompt::detail
