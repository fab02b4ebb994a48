// The transport: the one path every API call takes (rate limit, connections, retries, timeouts,
// cancellation). One client_impl per client handle; handles made by client::with() share the pool.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/connection_pool.hpp>
#include <betterprompt/detail/http_types.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace betterprompt::detail {

class client_impl {
 public:
  /// A new client: its own pool. Throws as connection_pool's constructor.
  client_impl(boost::asio::any_io_executor ex, client_options opts);
  /// A handle on `base`'s pool with `overrides` applied to its options.
  client_impl(const client_impl& base, const call_options& overrides);

  /// Sends one request, under the rate limit, retry policy and timeouts, and returns the raw
  /// response (any HTTP status). Throws error_with_diagnostics for transport failures (timeouts
  /// name their phase), error::client_closed after close(), and
  /// system_error(operation_aborted) when the awaiting coroutine is cancelled; the connection in
  /// use is then closed, never reused.
  boost::asio::awaitable<api_response> send(api_request req);

  const boost::asio::any_io_executor& executor() const noexcept { return pool_->executor(); }
  const client_options& options() const noexcept { return options_; }
  connection_pool& pool() noexcept { return *pool_; }
  const std::shared_ptr<connection_pool>& pool_ptr() const noexcept { return pool_; }

 private:
  boost::asio::awaitable<api_response> send_guarded(api_request req,
                                                    std::shared_ptr<std::atomic<bool>> sent);
  using clock = std::chrono::steady_clock;
  boost::asio::awaitable<api_response> send_with_retries(const api_request& req,
                                                         connection::request_type& request,
                                                         attempt_state& state,
                                                         std::atomic<bool>& sent,
                                                         clock::time_point deadline);
  // Pauses the whole client (every handle) for the Retry-After of a 429, or 1 s.
  void pause_client_after_429(int retry_after_seconds);
  boost::asio::awaitable<api_response> send_once(const api_request& req,
                                                 connection::request_type& request,
                                                 attempt_state& state, std::atomic<bool>& sent);
  connection::request_type build_request(const api_request& req) const;

  std::shared_ptr<connection_pool> pool_;
  client_options options_;
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/client_impl.ipp>
