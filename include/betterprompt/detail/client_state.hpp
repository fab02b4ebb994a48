// SPDX-License-Identifier: BSL-1.0
// What all handles of one client share: the address and its origins, the TLS contexts, the
// connection pool, the rate limiter, the resources hash, the operations in flight and the strands.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/operations/operation_registry.hpp>
#include <betterprompt/detail/resources_state.hpp>
#include <betterprompt/detail/text_cache.hpp>
#include <betterprompt/detail/transport/connection.hpp>
#include <betterprompt/detail/transport/connection_pool.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/detail/transport/origin.hpp>
#include <betterprompt/detail/transport/proxy.hpp>
#include <betterprompt/detail/transport/rate_limiter.hpp>
#include <betterprompt/detail/transport/is_strand.hpp>
#include <betterprompt/detail/transport/url.hpp>

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

class client_state {
 public:
  /// Parses the base URL and builds the TLS context. Throws error::invalid_argument or
  /// error::tls_error. Only the pool-wide options (address, TLS, limits) are used.
  client_state(boost::asio::any_io_executor ex, const client_options& opts);
  /// Sets TLS 1.2+, peer verification and the trust anchors of `tls` on `context`; on failure
  /// returns error::tls_error with `diag` naming what could not be loaded.
  static boost::system::error_code configure_tls(boost::asio::ssl::context& context,
                                                 const tls_options& tls, diagnostics& diag);

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  /// The executor a new call runs its steps on, one at a time: the client's executor when it needs
  /// no strands of its own (needs_own_strands()), else the client's strands in turn. Thread-safe.
  const boost::asio::any_io_executor& call_executor() noexcept {
    if (strands_.empty()) return executor_;
    return strands_[next_strand_.fetch_add(1, std::memory_order_relaxed) % strands_.size()];
  }
  /// The executor of an operation that lives long (a wait): the client's executor when it needs no
  /// strands of its own, else a strand of the operation's own.
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
  /// connections; never the API's key or fields. Lives as long as the client. Thread-safe. Sets
  /// `out`, or returns error::tls_error (its trust anchors could not be loaded) with `diag`.
  boost::system::error_code origin_for(const endpoint_address& address, origin*& out,
                                       diagnostics& diag);
  /// `req` as sent to its origin (`req.to`, else the API): the request line (`req.what` is its
  /// method and target), the origin's common fields, then, to the API only, `extra_fields` (the
  /// caller's, checked lines) and `cli-agent`; the body's fields and the body.
  std::string serialize(const api_request& req, std::string_view extra_fields = {}) const;
  rate_limiter& limiter() noexcept { return limiter_; }
  /// The resources hash announced on every request, and whether the server called it stale.
  resources_state& resources() noexcept { return resources_; }
  /// The SKILL.md texts fetched so far, by URL (client_options::skillmd::cache_entries).
  text_cache& skillmd_cache() noexcept { return skillmd_cache_; }

  /// The connections: their slots and each origin's idle ones.
  connection_pool& connections() noexcept { return connections_; }
  /// Closes every origin's idle connections; with `for_good`, keeps none from now on.
  void close_idle(bool for_good = false) noexcept;

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
  std::map<std::string, std::unique_ptr<origin>> others_;  ///< Guarded by origins_mutex_.
  tls_options tls_options_;
  std::optional<boost::asio::ssl::context> tls_context_;  ///< The API's, when it is https.
  /// Other origins' when the API is plain http (made on first use). Guarded by origins_mutex_.
  std::unique_ptr<boost::asio::ssl::context> other_tls_;
  rate_limiter limiter_;
  resources_state resources_;
  connection_pool connections_;
  text_cache skillmd_cache_;
  std::mutex origins_mutex_;
  operation_registry operations_;
  /// A few strands shared by the client's operations, instead of one made per operation: making,
  /// copying and destroying a strand each time cost more than a call's own bookkeeping. An
  /// operation's steps still never run concurrently, and operations still spread over the threads
  /// of a multi-threaded io_context. Built once, never resized; none when the client need not be
  /// thread-safe or its executor is a strand: a strand's locks cost a call as much CPU as the
  /// rest of its path.
  std::vector<boost::asio::any_io_executor> strands_;
  std::atomic<unsigned> next_strand_{0};
  std::atomic<bool> draining_{false};
};

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/client_state.ipp>
#endif
