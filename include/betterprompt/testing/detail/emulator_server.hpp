// SPDX-License-Identifier: BSL-1.0
// The emulator's network side: listener and HTTP/1.1 keep-alive sessions, plain or TLS.
#pragma once

#include <betterprompt/testing/detail/certificates.hpp>
#include <betterprompt/testing/detail/emulator_routes.hpp>
#include <betterprompt/testing/detail/test_server.hpp>
#include <betterprompt/timestamps.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

namespace betterprompt::testing::detail {

/// One accepted connection; the server keeps a weak reference to close it on stop().
struct emulator_session {
  emulator_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls)
      : delay_timer(socket.get_executor()) {
    if (tls)
      tls_stream.emplace(std::move(socket), *tls);
    else
      plain_stream.emplace(std::move(socket));
  }
  boost::beast::tcp_stream& tcp() { return tls_stream ? tls_stream->next_layer() : *plain_stream; }

  std::optional<boost::beast::tcp_stream> plain_stream;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_stream;
  boost::asio::steady_timer delay_timer;
};

/// What a test reads of a received request: its line and its header fields, as sent.
template <class Request>
received_request received(const Request& req) {
  received_request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& f : req) r.fields.push_back({std::string(f.name_string()), std::string(f.value())});
  return r;
}

class emulator_server : public std::enable_shared_from_this<emulator_server> {
 public:
  emulator_server(boost::asio::any_io_executor ex, emulator_options opts)
      : state_(std::make_shared<emulator_state>(std::move(opts))),
        listener_(ex, state_->options.address, state_->options.port) {
    if (state_->options.tls) {
      const auto certs = generate_certificates();
      ca_pem_ = certs.ca_certificate_pem;
      tls_context_.emplace(boost::asio::ssl::context::tls_server);
      tls_context_->use_certificate_chain(boost::asio::buffer(certs.server_certificate_pem));
      tls_context_->use_private_key(boost::asio::buffer(certs.server_key_pem),
                                    boost::asio::ssl::context::pem);
    }
  }

  void start() {
    auto self = shared_from_this();
    listener_.start(
        self,
        [self](boost::asio::ip::tcp::socket socket) {
          ++self->state_->connections;
          return std::make_shared<emulator_session>(
              std::move(socket), self->tls_context_ ? &*self->tls_context_ : nullptr);
        },
        [self](const std::shared_ptr<emulator_session>& session) {
          boost::asio::co_spawn(session->delay_timer.get_executor(), serve(self, session),
                                boost::asio::detached);
        });
  }

  void stop() {
    listener_.stop(shared_from_this(), [](const std::shared_ptr<emulator_session>& session) {
      boost::asio::post(session->delay_timer.get_executor(), [session] {
        boost::system::error_code ignored;
        session->tcp().socket().close(ignored);
        session->delay_timer.cancel();
      });
    });
  }

  std::uint16_t port() const noexcept { return listener_.port(); }
  const std::string& ca_pem() const noexcept { return ca_pem_; }
  emulator_state& state() noexcept { return *state_; }
  const emulator_options& options() const noexcept { return state_->options; }

 private:
  static boost::asio::awaitable<void> serve(std::shared_ptr<emulator_server> self,
                                            std::shared_ptr<emulator_session> session) {
    if (session->tls_stream) {
      boost::system::error_code ec;
      session->tcp().expires_after(std::chrono::seconds(10));
      co_await session->tls_stream->async_handshake(
          boost::asio::ssl::stream_base::server,
          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (!ec) co_await exchange_loop(*self, *session, *session->tls_stream);
    } else {
      co_await exchange_loop(*self, *session, *session->plain_stream);
    }
    boost::system::error_code ignored;
    session->tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    session->tcp().socket().close(ignored);
  }

  template <class Stream>
  static boost::asio::awaitable<void> exchange_loop(emulator_server& self,
                                                    emulator_session& session, Stream& stream) {
    namespace http = boost::beast::http;
    using boost::asio::redirect_error;
    using boost::asio::use_awaitable;
    boost::beast::flat_buffer buffer;
    for (;;) {
      boost::system::error_code ec;
      http::request_parser<http::string_body> parser;
      parser.body_limit(self.state_->options.max_request_body);
      session.tcp().expires_after(std::chrono::minutes(5));  // idle keep-alive limit
      co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
      emulated_response reply;
      bool keep_alive = false;
      if (ec == http::error::body_limit) {
        reply = envelope_error(betterprompt::error::bad_request, "request body too large");
      } else if (ec) {
        co_return;
      } else {
        const auto& req = parser.get();
        self.state_->remember(received(req));
        reply = handle_request(*self.state_, req.method(), req.target(),
                               {req[http::field::authorization], req["cli-agent"]}, req.body());
        keep_alive = req.keep_alive();
      }
      session.tcp().expires_never();
      if (reply.delay.count() > 0) {
        session.delay_timer.expires_after(reply.delay);
        co_await session.delay_timer.async_wait(redirect_error(use_awaitable, ec));
        if (ec) co_return;  // stopped
      }
      if (reply.reset) {
        // SO_LINGER 0: close() sends a TCP RST instead of a FIN.
        session.tcp().socket().set_option(boost::asio::socket_base::linger(true, 0), ec);
        session.tcp().socket().close(ec);
        co_return;
      }
      keep_alive =
          keep_alive && !reply.close && reply.close_after_bytes == 0 && reply.stall.count() == 0;
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      res.set(http::field::server, "betterprompt-emulator");
      // Clients estimate their clock's skew from it (create reconciliation, doctor).
      res.set(http::field::date, betterprompt::to_http_date(self.state_->store.server_now()));
      res.set(http::field::content_type, reply.content_type);
      res.set("x-request-id", "req_" + std::to_string(self.request_ids_++));
      if (reply.retry_after_seconds >= 0)
        res.set(http::field::retry_after, std::to_string(reply.retry_after_seconds));
      if (reply.update_resources) res.set("action-require", "update-resources");
      res.keep_alive(keep_alive);
      res.body() = std::move(reply.body);
      res.prepare_payload();
      session.tcp().expires_after(std::chrono::seconds(30));
      if (reply.close_after_bytes > 0 || reply.drip_bytes > 0 || reply.stall.count() > 0) {
        co_await write_raw(session, stream, res, reply);
        co_return;
      }
      if (!reply.interim.empty() || !reply.trailing.empty()) {
        // One write, so that the extra bytes reach the client with the answer itself.
        const std::string wire = on_the_wire(res, reply);
        co_await boost::asio::async_write(stream, boost::asio::buffer(wire),
                                          redirect_error(use_awaitable, ec));
        if (ec || !keep_alive) co_return;
        continue;
      }
      co_await http::async_write(stream, res, redirect_error(use_awaitable, ec));
      if (ec || !keep_alive || reply.close_silently) co_return;
    }
  }

  // The bytes of one answer: any interim response, the response, any trailing bytes (a fault
  // sets at most one of them).
  static std::string on_the_wire(
      const boost::beast::http::response<boost::beast::http::string_body>& res,
      const emulated_response& reply) {
    std::ostringstream serialized;
    serialized << res;
    return reply.interim + serialized.str() + reply.trailing;
  }

  // Writes the serialized response in pieces: truncated (close_after_bytes), slowly (drip) or
  // stalling mid-body (stall); the connection closes afterwards.
  template <class Stream>
  static boost::asio::awaitable<void> write_raw(
      emulator_session& session, Stream& stream,
      const boost::beast::http::response<boost::beast::http::string_body>& res,
      const emulated_response& reply) {
    using boost::asio::redirect_error;
    using boost::asio::use_awaitable;
    std::string wire = on_the_wire(res, reply);
    if (reply.close_after_bytes > 0) wire.resize(std::min(wire.size(), reply.close_after_bytes));
    if (reply.stall.count() > 0) {
      const auto body_start = wire.find("\r\n\r\n");
      if (body_start != std::string::npos)
        wire.resize(std::min(wire.size(), body_start + 4 + reply.stall_body_bytes));
    }
    const std::size_t chunk = reply.drip_bytes > 0 ? reply.drip_bytes : wire.size();
    boost::system::error_code ec;
    for (std::size_t offset = 0; offset < wire.size(); offset += chunk) {
      if (offset > 0 && reply.drip_interval.count() > 0) {
        session.delay_timer.expires_after(reply.drip_interval);
        co_await session.delay_timer.async_wait(redirect_error(use_awaitable, ec));
        if (ec) co_return;
      }
      session.tcp().expires_after(std::chrono::seconds(30));
      const std::size_t n = std::min(chunk, wire.size() - offset);
      co_await boost::asio::async_write(stream, boost::asio::buffer(wire.data() + offset, n),
                                        redirect_error(use_awaitable, ec));
      if (ec) co_return;
    }
    if (reply.stall.count() > 0) {
      session.delay_timer.expires_after(reply.stall);
      co_await session.delay_timer.async_wait(redirect_error(use_awaitable, ec));
    }
  }

  std::shared_ptr<emulator_state> state_;
  listener<emulator_session> listener_;
  std::optional<boost::asio::ssl::context> tls_context_;
  std::string ca_pem_;
  std::atomic<std::uint64_t> request_ids_{1};
};

}  // namespace betterprompt::testing::detail
