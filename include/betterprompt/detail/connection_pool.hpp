// What all handles of one client share: the address, TLS context, connections, the bound on
// connections in use, the rate limiter and the closed state.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/call_phase.hpp>
#include <betterprompt/detail/connection.hpp>
#include <betterprompt/detail/connection_slots.hpp>
#include <betterprompt/detail/rate_limiter.hpp>
#include <betterprompt/detail/url.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel_error.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace betterprompt::detail {

/// A timer expiring after `limit`, or never when `limit` is zero (the options' "no limit").
inline boost::asio::steady_timer timer_for_limit(const boost::asio::any_io_executor& ex,
                                                 std::chrono::milliseconds limit) {
  if (limit.count() > 0) return boost::asio::steady_timer(ex, limit);
  return boost::asio::steady_timer(ex, boost::asio::steady_timer::time_point::max());
}

/// What one attempt learnt, for the retry decision and for timeout messages.
struct attempt_state {
  bool written = false;    ///< Request bytes may have reached the server.
  bool transient = false;  ///< A connect-phase failure worth another try.
  call_phase phase = call_phase::queued;
};

class connection_pool {
 public:
  using connection_ptr = std::unique_ptr<connection>;

  /// Parses the base URL and builds the TLS context. Throws error::invalid_argument or
  /// error::tls_error. Only the pool-wide options (address, TLS, limits) are used.
  connection_pool(boost::asio::any_io_executor ex, const client_options& opts);

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  const endpoint_address& address() const noexcept { return address_; }
  rate_limiter& limiter() noexcept { return limiter_; }
  connection_slots& slots() noexcept { return slots_; }

  /// An idle connection still fit for a request, or null.
  connection_ptr take_idle();
  /// Keeps a connection for reuse (or closes it when enough are idle).
  void return_idle(connection_ptr conn);
  /// Closes every idle connection.
  void close_idle() noexcept;

  /// Resolves and connects (and handshakes) a new connection, each phase within `limits`.
  /// Throws error_with_diagnostics naming `what`; `state` tells the retry logic what happened.
  boost::asio::awaitable<connection_ptr> open(const timeout_options& limits,
                                              const std::string& what, attempt_state& state);

  /// Thread-safe. Completes every pending and future async_wait_closed(), and closes idle
  /// connections; calls in flight are then cancelled by their async_wait_closed() branch.
  void close() noexcept;
  bool is_closed() const noexcept { return closed_.load(); }
  /// Completes with an error_code once close() is called (see closed_by()), or when cancelled.
  /// A plain operation, not a coroutine: a waiting run costs no frame for it.
  template <class CompletionToken>
  auto async_wait_closed(CompletionToken&& token) {
    return closed_signal_.async_receive(std::forward<CompletionToken>(token));
  }
  /// True when async_wait_closed() completed with `ec` because the client was closed.
  static bool closed_by(const boost::system::error_code& ec) noexcept {
    return ec == boost::asio::experimental::error::channel_closed;
  }

 private:
  boost::asio::awaitable<boost::asio::ip::tcp::resolver::results_type> resolve(
      const timeout_options& limits, const std::string& what, attempt_state& state);

  boost::asio::any_io_executor executor_;
  endpoint_address address_;
  std::size_t max_idle_;
  std::chrono::milliseconds idle_timeout_;
  std::optional<boost::asio::ssl::context> tls_context_;
  rate_limiter limiter_;
  connection_slots slots_;
  std::mutex idle_mutex_;
  std::vector<connection_ptr> idle_;
  std::atomic<bool> closed_{false};
  // Never sent to: close() closes it, which completes every receive.
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> closed_signal_;
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/connection_pool.ipp>
