// SPDX-License-Identifier: BSL-1.0
// One keep-alive HTTP/1.1 connection, plain or TLS, used by one call at a time. It only performs
// I/O steps; the call operation decides which step comes next, on its executor, and the handlers
// passed in carry that executor. It has no timer: the call's own deadline closes it when a step
// runs out of time.
#pragma once

#include <betterprompt/detail/decisions/reuse.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

class connection {
 public:
  using clock = std::chrono::steady_clock;
  using parser_type = boost::beast::http::response_parser<boost::beast::http::string_body>;
  using socket_type = boost::asio::ip::tcp::socket;

  /// A connection whose socket belongs to `ex`; TLS when tls_context is not null.
  connection(const boost::asio::any_io_executor& ex, boost::asio::ssl::context* tls_context);

  /// Connects to one of `endpoints`, trying the next only while `go_on()` says so; the handler
  /// gets (error_code, endpoint).
  template <class Condition, class Handler>
  void async_connect(const boost::asio::ip::tcp::resolver::results_type& endpoints, Condition go_on,
                     Handler&& handler) {
    boost::asio::async_connect(
        tcp(), endpoints,
        [go_on](const boost::system::error_code&, const auto&) { return go_on(); },
        std::forward<Handler>(handler));
  }

  /// After connecting: disables Nagle, and for TLS sets SNI and peer verification against `host`
  /// (a name or an IP literal). False, with `failure` set, when OpenSSL refuses the host.
  bool prepare(const std::string& host, std::string& failure);
  bool is_tls() const noexcept { return tls_.has_value(); }

  /// The TLS handshake; the handler gets (error_code).
  template <class Handler>
  void async_handshake(Handler&& handler) {
    tls_->async_handshake(boost::asio::ssl::stream_base::client, std::forward<Handler>(handler));
  }
  /// Why the handshake failed with `ec`: the certificate verification error when there is one.
  std::string tls_failure(const boost::system::error_code& ec);
  /// True when the peer's certificate failed verification (a permanent failure).
  bool certificate_rejected();

  /// The answer to a CONNECT request: a header, no body.
  using tunnel_parser_type = boost::beast::http::response_parser<boost::beast::http::empty_body>;
  /// Writes `request` (a CONNECT to a proxy) on the TCP stream, under any TLS; the handler gets
  /// (error_code, bytes).
  template <class Handler>
  void async_write_tunnel_request(const std::string& request, Handler&& handler) {
    boost::asio::async_write(tcp(), boost::asio::buffer(request), std::forward<Handler>(handler));
  }
  /// Reads the proxy's answer to CONNECT from the TCP stream; the handler gets (error_code, bytes).
  template <class Handler>
  void async_read_tunnel_answer(tunnel_parser_type& parser, Handler&& handler) {
    boost::beast::http::async_read_header(tcp(), buffer_, parser, std::forward<Handler>(handler));
  }

  /// Writes a serialized request; the handler gets (error_code, bytes).
  template <class Handler>
  void async_write(const std::string& request, Handler&& handler) {
    on_stream([&](auto& stream) {
      boost::asio::async_write(stream, boost::asio::buffer(request),
                               std::forward<Handler>(handler));
    });
  }
  /// Reads what the peer sent next into the buffer, for parse(); the handler gets
  /// (error_code, bytes) and passes them to received(). The caller drives the parser itself, so
  /// that a response costs one layer of I/O operations, not Beast's three.
  template <class Handler>
  void async_read_some(Handler&& handler) {
    const std::size_t size = boost::beast::read_size(buffer_, 65536);
    on_stream([&](auto& stream) {
      stream.async_read_some(buffer_.prepare(size), std::forward<Handler>(handler));
    });
  }
  /// Takes in the `bytes` a read step received and maps its end-of-stream as Beast's reads do: the
  /// end of a response whose body runs to it, http::error::partial_message inside one, and
  /// http::error::end_of_stream before one.
  void received(parser_type& parser, boost::system::error_code& ec, std::size_t bytes);
  /// Feeds the buffered bytes to `parser` until it completes the message or needs more; "needs
  /// more" is no error.
  void parse(parser_type& parser, boost::system::error_code& ec);
  /// Response bytes received but not parsed yet.
  std::size_t buffered() const noexcept { return buffer_.size(); }

  /// What the connection shows now, for may_reuse(): open, unread bytes (buffered here, in
  /// TLS and, when `probe_socket`, on the socket), closed by the peer. `keep_alive` is the last
  /// answer's. Probing the socket costs a system call.
  connection_facts facts(bool keep_alive, clock::duration idle_for, bool probe_socket = true);

  /// Closes the socket; pending steps complete with an error.
  void close() noexcept;
  /// The socket is open (not closed yet).
  bool is_open() const noexcept { return tcp().is_open(); }

  /// When the connection last went idle.
  clock::time_point idle_since{};

 private:
  socket_type& tcp() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
  const socket_type& tcp() const noexcept { return tls_ ? tls_->next_layer() : *plain_; }
  /// Calls `f` with the stream requests go through: TLS or plain.
  template <class F>
  void on_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }

  std::optional<socket_type> plain_;
  std::optional<boost::asio::ssl::stream<socket_type>> tls_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/connection.ipp>
#endif
