// Bodies of detail::connection.
#pragma once

#include <betterprompt/detail/connection.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#if !defined(_WIN32)
#include <sys/socket.h>
#include <cerrno>
#endif

namespace betterprompt::detail {

inline connection::connection(const boost::asio::any_io_executor& ex,
                              boost::asio::ssl::context* tls_context) {
  if (tls_context)
    tls_.emplace(ex, *tls_context);
  else
    plain_.emplace(ex);
}

inline boost::beast::tcp_stream& connection::tcp() noexcept {
  return tls_ ? tls_->next_layer() : *plain_;
}

inline boost::asio::any_io_executor connection::get_executor() noexcept {
  return tcp().get_executor();
}

// Zero turns the phase's limit off.
inline void connection::limit_next_phase(std::chrono::milliseconds budget) {
  if (budget.count() > 0)
    tcp().expires_after(budget);
  else
    tcp().expires_never();
}

inline std::string tls_failure_reason(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  return ec.message();
}

inline boost::asio::awaitable<boost::system::error_code> connection::connect(
    const boost::asio::ip::tcp::resolver::results_type& endpoints, const std::string& host,
    const timeout_options& limits, call_phase& phase, std::string& failure) {
  using boost::asio::redirect_error;
  using boost::asio::use_awaitable;
  boost::system::error_code ec;
  phase = call_phase::connect;
  limit_next_phase(limits.connect);
  co_await tcp().async_connect(endpoints, redirect_error(use_awaitable, ec));
  if (ec) {
    failure = "connect failed: " + ec.message();
    co_return ec;
  }
  tcp().socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
  if (!tls_) co_return boost::system::error_code{};

  SSL* ssl = tls_->native_handle();
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  // Verify the peer against the host name (or IP literal); SNI is sent for names only.
  const bool configured =
      not_ip ? (SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 &&
                SSL_set1_host(ssl, host.c_str()) == 1)
             : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  if (!configured) {
    failure = "cannot configure TLS host verification for '" + host + "'";
    co_return boost::asio::error::invalid_argument;
  }
  tls_->set_verify_mode(boost::asio::ssl::verify_peer);
  phase = call_phase::tls_handshake;
  limit_next_phase(limits.tls_handshake);
  co_await tls_->async_handshake(boost::asio::ssl::stream_base::client,
                                 redirect_error(use_awaitable, ec));
  if (ec) {
    failure = "TLS handshake with " + host + " failed: " + tls_failure_reason(ssl, ec);
    certificate_rejected = SSL_get_verify_result(ssl) != X509_V_OK;
  }
  co_return ec;
}

template <class Stream>
boost::asio::awaitable<boost::system::error_code> connection::exchange_on(
    Stream& stream, request_type& req, std::optional<parser_type>& parser, std::size_t body_limit,
    const timeout_options& limits, call_phase& phase, bool& response_started) {
  using boost::asio::redirect_error;
  using boost::asio::use_awaitable;
  boost::system::error_code ec;
  phase = call_phase::write;
  limit_next_phase(limits.write);
  co_await boost::beast::http::async_write(stream, req, redirect_error(use_awaitable, ec));
  if (ec) co_return ec;
  phase = call_phase::response_headers;
  limit_next_phase(limits.response_headers);
  for (int interim = 0;; ++interim) {
    parser.emplace();
    parser->body_limit(body_limit);
    co_await boost::beast::http::async_read_header(stream, buffer_, *parser,
                                                   redirect_error(use_awaitable, ec));
    response_started = response_started || buffer_.size() > 0 || parser->got_some();
    if (ec) co_return ec;
    const unsigned status = parser->get().result_int();
    if (status >= 200) break;
    // 100 Continue, 102 Processing, 103 Early Hints precede the real answer, within the same
    // headers budget; 101 would hand the connection to another protocol.
    if (status == 101 || interim >= max_interim_responses) {
      refused_interim_status = status;
      co_return boost::beast::http::error::bad_status;
    }
  }
  phase = call_phase::response_body;
  limit_next_phase(limits.response_body);
  co_await boost::beast::http::async_read(stream, buffer_, *parser,
                                          redirect_error(use_awaitable, ec));
  co_return ec;
}

inline boost::asio::awaitable<boost::system::error_code> connection::exchange(
    request_type& req, std::optional<parser_type>& parser, std::size_t body_limit,
    const timeout_options& limits, call_phase& phase, bool& response_started) {
  boost::system::error_code ec;
  if (tls_)
    ec = co_await exchange_on(*tls_, req, parser, body_limit, limits, phase, response_started);
  else
    ec = co_await exchange_on(*plain_, req, parser, body_limit, limits, phase, response_started);
  if (!ec) tcp().expires_never();
  co_return ec;
}

inline connection_facts connection::facts(bool keep_alive, clock::duration idle_for) {
  connection_facts f;
  auto& socket = tcp().socket();
  f.open = socket.is_open();
  f.keep_alive = keep_alive;
  f.idle_for = std::chrono::duration_cast<std::chrono::milliseconds>(idle_for);
  // Buffered past the last answer, here or decrypted inside TLS.
  f.unread_bytes = buffer_.size() != 0 || (tls_ && SSL_pending(tls_->native_handle()) != 0);
  if (!f.open || f.unread_bytes) return f;
#if !defined(_WIN32)
  // On the socket: 0 means the peer closed it; data means it is out of step (or a TLS
  // close_notify). Either way it is not safe for a new request.
  char probe;
  const auto n = ::recv(socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) f.peer_closed = true;
  if (n > 0) f.unread_bytes = true;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) f.open = false;
#endif
  return f;
}

inline void connection::close() noexcept {
  boost::system::error_code ignored;
  tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

}  // namespace betterprompt::detail
