// The transport: the one path every API call takes (connections, TLS, timeouts, cancellation).
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/connection.hpp>
#include <betterprompt/detail/http_types.hpp>
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

  /// Sends one request and returns the raw response (any HTTP status). Throws
  /// error_with_diagnostics for transport failures, and system_error(operation_aborted) when the
  /// awaiting coroutine is cancelled; the connection in use is then closed, never reused.
  boost::asio::awaitable<api_response> send(api_request req);

  /// Closes every idle connection.
  void close_idle() noexcept;

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  const client_options& options() const noexcept { return options_; }
  const endpoint_address& address() const noexcept { return address_; }

 private:
  using connection_ptr = std::unique_ptr<connection>;

  connection_ptr take_idle();
  void return_idle(connection_ptr conn);
  boost::asio::awaitable<connection_ptr> open_connection(connection::clock::time_point deadline,
                                                         const std::string& what);
  connection::request_type build_request(const api_request& req) const;

  boost::asio::any_io_executor executor_;
  client_options options_;
  endpoint_address address_;
  std::optional<boost::asio::ssl::context> tls_context_;
  std::mutex idle_mutex_;
  std::vector<connection_ptr> idle_;
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/client_impl.ipp>
