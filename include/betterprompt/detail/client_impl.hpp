// The transport: the one path every API call takes (connections, TLS, timeouts, cancellation).
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/connection.hpp>
#include <betterprompt/detail/connection_slots.hpp>
#include <betterprompt/detail/http_types.hpp>
#include <betterprompt/detail/rate_limiter.hpp>
#include <betterprompt/detail/url.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace betterprompt::detail {

/// Shared state behind a betterprompt::client. Operations hold a shared_ptr to it.
class client_impl : public std::enable_shared_from_this<client_impl> {
 public:
  client_impl(boost::asio::any_io_executor ex, client_options opts);

  /// Sends one request, under the rate limit and retry policy, and returns the raw response (any
  /// HTTP status). Throws error_with_diagnostics for transport failures, and
  /// system_error(operation_aborted) when the awaiting coroutine is cancelled; the connection in
  /// use is then closed, never reused.
  boost::asio::awaitable<api_response> send(api_request req);

  /// Closes every idle connection.
  void close_idle() noexcept;

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  const client_options& options() const noexcept { return options_; }
  const endpoint_address& address() const noexcept { return address_; }

 private:
  using connection_ptr = std::unique_ptr<connection>;

  /// What one attempt learnt, for the retry decision.
  struct attempt_state {
    bool written = false;    ///< Request bytes may have reached the server.
    bool transient = false;  ///< A connect-phase failure worth another try.
  };

  boost::asio::awaitable<api_response> send_once(const api_request& req,
                                                 connection::request_type& request,
                                                 attempt_state& state);
  connection_ptr take_idle();
  void return_idle(connection_ptr conn);
  boost::asio::awaitable<connection_ptr> open_connection(connection::clock::time_point deadline,
                                                         const std::string& what,
                                                         attempt_state& state);
  connection::request_type build_request(const api_request& req) const;

  boost::asio::any_io_executor executor_;
  client_options options_;
  endpoint_address address_;
  std::optional<boost::asio::ssl::context> tls_context_;
  rate_limiter limiter_;
  connection_slots slots_;
  std::mutex idle_mutex_;
  std::vector<connection_ptr> idle_;
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/client_impl.ipp>
