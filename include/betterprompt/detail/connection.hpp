// One keep-alive HTTP/1.1 connection, plain or TLS. Used by one request at a time.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/call_phase.hpp>
#include <betterprompt/detail/fsm/reuse.hpp>

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

  /// Writes `req` and reads the final response into `parser` (emplaced here, with
  /// `body_limit`), each phase within its limit. Interim answers 100, 102 and 103 are skipped;
  /// 101 (a protocol switch the client never asked for) and more than max_interim_responses
  /// interim answers fail with http::error::bad_status and refused_interim_status set.
  /// `response_started` tells whether any response byte arrived (decides retry safety).
  /// Terminal cancellation ends it.
  boost::asio::awaitable<boost::system::error_code> exchange(
      request_type& req, std::optional<parser_type>& parser, std::size_t body_limit,
      const timeout_options& limits, call_phase& phase, bool& response_started);

  /// What the connection shows now, for may_reuse(): open, unread bytes (buffered here, in
  /// TLS or on the socket), closed by the peer. `keep_alive` is the last answer's.
  connection_facts facts(bool keep_alive, clock::duration idle_for);

  /// Interim (1xx) answers skipped before the final one; more is a hostile server.
  static constexpr int max_interim_responses = 8;

  /// Closes the socket; pending operations complete with operation_aborted.
  void close() noexcept;

  /// When the connection last went idle.
  clock::time_point idle_since{};
  /// Set by connect() when the peer's certificate failed verification (a permanent failure).
  bool certificate_rejected = false;
  /// Set by exchange() to the status of an interim answer it refused (101, or one 1xx too many).
  unsigned refused_interim_status = 0;

 private:
  boost::beast::tcp_stream& tcp() noexcept;
  void limit_next_phase(std::chrono::milliseconds budget);

  template <class Stream>
  boost::asio::awaitable<boost::system::error_code> exchange_on(
      Stream& stream, request_type& req, std::optional<parser_type>& parser, std::size_t body_limit,
      const timeout_options& limits, call_phase& phase, bool& response_started);

  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace betterprompt::detail

#include <betterprompt/impl/connection.ipp>
