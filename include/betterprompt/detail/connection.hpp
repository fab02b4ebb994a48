// One keep-alive HTTP/1.1 connection, plain or TLS. Used by one request at a time.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/call_phase.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace betterprompt::detail {

class connection {
 public:
  using clock = std::chrono::steady_clock;
  using request_type = boost::beast::http::request<boost::beast::http::string_body>;
  using parser_type = boost::beast::http::response_parser<boost::beast::http::string_body>;

  /// A connection whose I/O runs on `ex`; TLS when tls_context is not null.
  connection(const boost::asio::any_io_executor& ex, boost::asio::ssl::context* tls_context);

  /// The strand all I/O of this connection runs on: co_spawn connect() and exchange() onto it.
  boost::asio::any_io_executor get_executor() noexcept;

  /// Connects to one of `endpoints` and, for TLS, handshakes with peer and host-name
  /// verification for `host`, each phase within its limit; `phase` tracks where it is. On failure,
  /// `failure` says why. Terminal cancellation ends it.
  boost::asio::awaitable<boost::system::error_code> connect(
      const boost::asio::ip::tcp::resolver::results_type& endpoints, const std::string& host,
      const timeout_options& limits, call_phase& phase, std::string& failure);

  /// Writes `req` and reads one response into `parser`, each phase within its limit.
  /// `response_started` tells whether any response byte arrived (decides retry safety).
  /// Terminal cancellation ends it.
  boost::asio::awaitable<boost::system::error_code> exchange(request_type& req, parser_type& parser,
                                                             const timeout_options& limits,
                                                             call_phase& phase,
                                                             bool& response_started);

  /// True when an idle connection may be reused: open, not closed by the peer, not too old.
  bool reusable(clock::time_point now, std::chrono::milliseconds idle_timeout);

  /// Closes the socket; pending operations complete with operation_aborted.
  void close() noexcept;

  /// When the connection last went idle.
  clock::time_point idle_since{};
  /// Set by connect() when the peer's certificate failed verification (a permanent failure).
  bool certificate_rejected = false;

 private:
  boost::beast::tcp_stream& tcp() noexcept;
  void limit_next_phase(std::chrono::milliseconds budget);

  template <class Stream>
  boost::asio::awaitable<boost::system::error_code> exchange_on(Stream& stream, request_type& req,
                                                                parser_type& parser,
                                                                const timeout_options& limits,
                                                                call_phase& phase,
                                                                bool& response_started);

  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/connection.ipp>
