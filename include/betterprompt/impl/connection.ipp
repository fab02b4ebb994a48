// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::connection.
#pragma once

#include <betterprompt/detail/transport/connection.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#if !defined(_WIN32)
#include <sys/socket.h>
#include <cerrno>
#endif

namespace betterprompt::detail {

BETTERPROMPT_DECL connection::connection(const boost::asio::any_io_executor& ex,
                                         boost::asio::ssl::context* tls_context) {
  if (tls_context)
    tls_.emplace(ex, *tls_context);
  else
    plain_.emplace(ex);
  // Room for a whole TLS record from the start. Beast's read size starts at 512 bytes and grows
  // only when the buffer is full, so answers just over 512 bytes (most runs and prompts) took two
  // reads on every call of a kept-alive connection.
  buffer_.reserve(16 * 1024);
}

BETTERPROMPT_DECL void connection::received(parser_type& parser, boost::system::error_code& ec,
                                            std::size_t bytes) {
  buffer_.commit(bytes);
  if (ec != boost::asio::error::eof) return;
  if (!parser.got_some()) {
    ec = boost::beast::http::error::end_of_stream;
    return;
  }
  ec = {};
  parser.put_eof(ec);  // done for a body that runs to the end of the stream; partial otherwise
}

BETTERPROMPT_DECL void connection::parse(parser_type& parser, boost::system::error_code& ec) {
  while (buffer_.size() != 0 && !parser.is_done()) {
    const std::size_t used = parser.put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == boost::beast::http::error::need_more) {
      ec = {};
      return;
    }
    if (ec || used == 0) return;
  }
}

BETTERPROMPT_DECL bool connection::prepare(const std::string& host, std::string& failure) {
  boost::system::error_code ignored;
  tcp().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  if (!tls_) return true;
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
    return false;
  }
  tls_->set_verify_mode(boost::asio::ssl::verify_peer);
  return true;
}

BETTERPROMPT_DECL std::string connection::tls_failure(const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(tls_->native_handle());
  if (verify != X509_V_OK)
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  return ec.message();
}

BETTERPROMPT_DECL bool connection::certificate_rejected() {
  return tls_ && SSL_get_verify_result(tls_->native_handle()) != X509_V_OK;
}

BETTERPROMPT_DECL connection_facts connection::facts(bool keep_alive, clock::duration idle_for,
                                                     bool probe_socket) {
  connection_facts f;
  auto& socket = tcp();
  f.open = socket.is_open();
  f.keep_alive = keep_alive;
  f.idle_for = std::chrono::duration_cast<std::chrono::milliseconds>(idle_for);
  // Buffered past the last answer, here or decrypted inside TLS.
  f.unread_bytes = buffer_.size() != 0 || (tls_ && SSL_pending(tls_->native_handle()) != 0);
  if (!f.open || f.unread_bytes || !probe_socket) return f;
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

BETTERPROMPT_DECL void connection::close() noexcept {
  boost::system::error_code ignored;
  tcp().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().close(ignored);
}

}  // namespace betterprompt::detail
