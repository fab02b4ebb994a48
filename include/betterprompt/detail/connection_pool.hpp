// SPDX-License-Identifier: BSL-1.0
// What all handles of one client share: the address, TLS context, connections, the bound on
// connections in use, the rate limiter and the closed state.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/connection.hpp>
#include <betterprompt/detail/connection_slots.hpp>
#include <betterprompt/detail/http_types.hpp>
#include <betterprompt/detail/operation_registry.hpp>
#include <betterprompt/detail/origin.hpp>
#include <betterprompt/detail/proxy.hpp>
#include <betterprompt/detail/rate_limiter.hpp>
#include <betterprompt/detail/resources_state.hpp>
#include <betterprompt/detail/serial_executor.hpp>
#include <betterprompt/detail/text_cache.hpp>
#include <betterprompt/detail/url.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <map>

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
  /// Sets TLS 1.2+, peer verification and the trust anchors of `tls` on `context`.
  static void configure_tls(boost::asio::ssl::context& context, const tls_options& tls);

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
  /// The API's host: its proxy, its common header lines, its idle connections.
  origin& api_origin() noexcept { return *api_; }
  const origin& api_origin() const noexcept { return *api_; }
  /// Another host the client fetches from (a SKILL.md host): its scheme, host and port (the
  /// path is ignored), made on first use with its own proxy choice (NO_PROXY included) and idle
  /// connections; never the API's key or fields. Lives as long as the pool. Thread-safe.
  origin& origin_for(const endpoint_address& address);
  /// `req` as sent to its origin (`req.to`, else the API): the request line (`req.what` is its
  /// method and target), the origin's common fields, then, to the API only, `extra_fields` (the
  /// caller's, checked lines) and `cli-agent`; the body's fields and the body.
  std::string serialize(const api_request& req, std::string_view extra_fields = {}) const;
  rate_limiter& limiter() noexcept { return limiter_; }
  /// The resources hash announced on every request, and whether the server called it stale.
  resources_state& resources() noexcept { return resources_; }
  connection_slots& slots() noexcept { return slots_; }
  /// The SKILL.md texts fetched so far, by URL (client_options::skillmd::cache_entries).
  text_cache& skillmd_cache() noexcept { return skillmd_cache_; }

  /// An idle connection to `from` still fit for a request, or null.
  connection_ptr take_idle(origin& from);
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
  /// Keeps a connection to `to` for reuse (or closes it when enough are idle).
  void return_idle(origin& to, connection_ptr conn);
  /// Closes every idle connection.
  void close_idle() noexcept;

  /// A new, unconnected connection to `to` (TLS when its URL is https).
  connection_ptr make_connection(const origin& to) {
    return std::make_unique<connection>(executor_, to.tls);
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
  std::optional<std::string> proxy_option_;  ///< client_options::proxy, for other origins.
  std::string user_agent_;
  std::unique_ptr<origin> api_;
  std::map<std::string, std::unique_ptr<origin>> others_;  ///< Guarded by idle_mutex_.
  std::size_t max_idle_;
  std::chrono::milliseconds idle_timeout_;
  tls_options tls_options_;
  std::optional<boost::asio::ssl::context> tls_context_;  ///< The API's, when it is https.
  /// Other origins' when the API is plain http (made on first use). Guarded by idle_mutex_.
  std::unique_ptr<boost::asio::ssl::context> other_tls_;
  rate_limiter limiter_;
  resources_state resources_;
  connection_slots slots_;
  text_cache skillmd_cache_;
  std::mutex idle_mutex_;
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
