// SPDX-License-Identifier: BSL-1.0
// What all handles of one client share: the address, TLS context, connections, the bound on
// connections in use, the rate limiter and the closed state.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/connection.hpp>
#include <betterprompt/detail/connection_slots.hpp>
#include <betterprompt/detail/http_types.hpp>
#include <betterprompt/detail/operation_registry.hpp>
#include <betterprompt/detail/proxy.hpp>
#include <betterprompt/detail/rate_limiter.hpp>
#include <betterprompt/detail/resources_state.hpp>
#include <betterprompt/detail/serial_executor.hpp>
#include <betterprompt/detail/url.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace betterprompt::detail {

class connection_pool {
 public:
  using connection_ptr = std::unique_ptr<connection>;

  /// Parses the base URL and builds the TLS context. Throws error::invalid_argument or
  /// error::tls_error. Only the pool-wide options (address, TLS, limits) are used.
  connection_pool(boost::asio::any_io_executor ex, const client_options& opts);

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  /// The executor a new call runs its steps on, one at a time: the client's executor when it runs
  /// serially (runs_serially()), else the client's strands in turn. Thread-safe.
  const boost::asio::any_io_executor& call_executor() noexcept {
    if (strands_.empty()) return executor_;
    return strands_[next_strand_.fetch_add(1, std::memory_order_relaxed) % strands_.size()];
  }
  /// The executor of an operation that lives long (a wait): the client's executor when it runs
  /// serially, else a strand of its own.
  boost::asio::any_io_executor wait_executor() const {
    if (strands_.empty()) return executor_;
    return boost::asio::make_strand(executor_);
  }
  const endpoint_address& address() const noexcept { return address_; }
  /// The proxy connections go through, if any (client_options::proxy or the environment).
  const std::optional<proxy_config>& proxy() const noexcept { return proxy_; }
  /// Where connections go: the proxy's host and port, or the API's.
  const std::string& connect_host() const noexcept { return proxy_ ? proxy_->host : address_.host; }
  const std::string& connect_port() const noexcept { return proxy_ ? proxy_->port : address_.port; }
  /// What messages call the place connections go: "api.example:443", or
  /// "proxy http://host:port".
  std::string connect_shown() const {
    return proxy_ ? "proxy " + proxy_->shown : address_.host + ":" + address_.port;
  }
  /// The CONNECT request that opens a tunnel through the proxy to the API host (https).
  const std::string& tunnel_request() const noexcept { return tunnel_request_; }
  /// The header lines every request carries (Host, User-Agent, Accept, Authorization), each
  /// ending in CRLF: built once, checked free of control characters.
  const std::string& common_fields() const noexcept { return common_fields_; }
  /// `req` as sent: the request line (`req.what` is its method and target), the common fields,
  /// the body's fields and the body.
  std::string serialize(const api_request& req) const;
  rate_limiter& limiter() noexcept { return limiter_; }
  /// The resources hash announced on every request, and whether the server called it stale.
  resources_state& resources() noexcept { return resources_; }
  connection_slots& slots() noexcept { return slots_; }

  /// An idle connection still fit for a request, or null.
  connection_ptr take_idle();
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
  /// Keeps a connection for reuse (or closes it when enough are idle).
  void return_idle(connection_ptr conn);
  /// Closes every idle connection.
  void close_idle() noexcept;

  /// A new, unconnected connection (TLS when the base URL is https).
  connection_ptr make_connection() {
    return std::make_unique<connection>(executor_, tls_context_ ? &*tls_context_ : nullptr);
  }

  /// The operations in flight, which close() ends.
  operation_registry& operations() noexcept { return operations_; }

  /// Thread-safe. Ends every operation in flight (with error::client_closed) and refuses new
  /// ones, and closes idle connections.
  void close() noexcept;
  bool is_closed() const noexcept { return operations_.closed(); }
  /// From now on, creates that have not written end at their write point (close_gracefully).
  void begin_drain() noexcept { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const noexcept { return draining_.load(std::memory_order_relaxed); }

 private:
  boost::asio::any_io_executor executor_;
  endpoint_address address_;
  std::optional<proxy_config> proxy_;
  std::string common_fields_;
  std::string absolute_prefix_;  ///< "http://host:port" before the path: plain http via a proxy.
  std::string tunnel_request_;
  std::size_t max_idle_;
  std::chrono::milliseconds idle_timeout_;
  std::optional<boost::asio::ssl::context> tls_context_;
  rate_limiter limiter_;
  resources_state resources_;
  connection_slots slots_;
  std::mutex idle_mutex_;
  std::vector<connection_ptr> idle_;
  /// The last silent close seen (note_silent_close), as a steady_clock count; 0: none.
  std::atomic<connection::clock::rep> last_silent_close_{0};
  operation_registry operations_;
  /// A few strands shared by the client's operations, instead of one made per operation: making,
  /// copying and destroying a strand each time cost more than a call's own bookkeeping. An
  /// operation's steps still never run concurrently, and operations still spread over the threads
  /// of a multi-threaded io_context. Built once, never resized; none when the executor runs
  /// serially: a strand's locks then cost a call as much CPU as the rest of its path.
  std::vector<boost::asio::any_io_executor> strands_;
  std::atomic<unsigned> next_strand_{0};
  std::atomic<bool> draining_{false};
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/connection_pool.ipp>
