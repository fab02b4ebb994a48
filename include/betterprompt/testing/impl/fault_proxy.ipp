// SPDX-License-Identifier: BSL-1.0
// Bodies of betterprompt::testing::fault_proxy and its relay.
#pragma once

#include <betterprompt/testing/detail/fault_proxy_server.hpp>
#include <betterprompt/testing/fault_proxy.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <stdexcept>

namespace betterprompt::testing {

namespace detail {

/// How much of a faulted request's body its log entry keeps.
inline constexpr std::size_t logged_body_bytes = 1024;

/// Resets the connection (SO_LINGER 0: close() sends a TCP RST instead of a FIN).
inline void reset_connection(boost::beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().set_option(boost::asio::socket_base::linger(true, 0), ignored);
  stream.socket().close(ignored);
}

/// Holds the connection for `limit` without answering: ends sooner when the client closes it.
inline boost::asio::awaitable<void> hold(boost::beast::tcp_stream& client,
                                         std::chrono::milliseconds limit) {
  client.expires_after(limit);
  for (;;) {
    std::array<char, 512> sink;
    boost::system::error_code ec;
    co_await client.async_read_some(boost::asio::buffer(sink),
                                    boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return;  // the client closed, the limit passed, or the proxy stopped
  }
}

BETTERPROMPT_DECL fault_proxy_server::response_type fault_proxy_server::own_answer(
    proxy_fault kind, unsigned status, bool keep_alive) const {
  namespace http = boost::beast::http;
  response_type answer{static_cast<http::status>(status), 11};
  answer.set(http::field::server, "betterprompt-fault-proxy");
  if (kind == proxy_fault::too_many_requests) {
    answer.set(http::field::content_type, "application/json");
    answer.set(http::field::retry_after, std::to_string(options_.retry_after_seconds));
    answer.body() =
        R"({"status":"TOO_MANY_REQUESTS_ERROR","message":"Rate limit exceeded","data":null})";
  } else {
    answer.set(http::field::content_type, "text/html");
    answer.body() = "<html><body><h1>" + std::to_string(status) +
                    "</h1>The proxy could not get an answer.</body></html>";
  }
  answer.keep_alive(keep_alive);
  answer.prepare_payload();
  return answer;
}

BETTERPROMPT_DECL boost::asio::awaitable<void> fault_proxy_server::relay(
    std::shared_ptr<fault_proxy_server> self, std::shared_ptr<proxy_session> session) {
  namespace http = boost::beast::http;
  using boost::asio::redirect_error;
  using boost::asio::use_awaitable;
  boost::beast::flat_buffer from_client, from_upstream;
  bool upstream_open = false;
  for (;;) {
    boost::system::error_code ec;
    http::request_parser<http::string_body> reading;
    reading.body_limit(64 * 1024 * 1024);
    session->client.expires_after(std::chrono::minutes(5));  // idle keep-alive limit
    co_await http::async_read(session->client, from_client, reading,
                              redirect_error(use_awaitable, ec));
    if (ec) break;
    request_type request = reading.release();
    std::uint64_t number = 0;
    const std::optional<proxy_fault> fault = self->draw(number);
    proxy_fault_record entry;
    if (fault) {
      entry.request = number;
      entry.connection = session->number;
      entry.kind = *fault;
      entry.method = std::string(request.method_string());
      entry.target = std::string(request.target());
      entry.body = request.body().substr(0, logged_body_bytes);
    }
    if (fault == proxy_fault::reset_before_forwarding) {
      self->record(std::move(entry));
      reset_connection(session->client);
      break;
    }
    if (fault == proxy_fault::gateway_error || fault == proxy_fault::too_many_requests) {
      entry.status = *fault == proxy_fault::too_many_requests ? 429 : number % 2 ? 502 : 503;
      const auto answer = self->own_answer(*fault, entry.status, request.keep_alive());
      self->record(std::move(entry));
      session->client.expires_after(std::chrono::seconds(30));
      co_await http::async_write(session->client, answer, redirect_error(use_awaitable, ec));
      if (ec || !request.keep_alive()) break;
      continue;
    }
    if (!upstream_open) {
      boost::asio::ip::tcp::resolver resolver(session->upstream.get_executor());
      const auto endpoints = co_await resolver.async_resolve(
          self->upstream_.host, self->upstream_.port, redirect_error(use_awaitable, ec));
      session->upstream.expires_after(std::chrono::seconds(10));
      if (!ec)
        co_await session->upstream.async_connect(endpoints, redirect_error(use_awaitable, ec));
      if (ec) break;  // the client sees a close, as from a proxy whose upstream is down
      upstream_open = true;
    }
    session->upstream.expires_after(std::chrono::minutes(5));
    co_await http::async_write(session->upstream, request, redirect_error(use_awaitable, ec));
    http::response_parser<http::string_body> answering;
    answering.body_limit(256 * 1024 * 1024);
    if (!ec)
      co_await http::async_read(session->upstream, from_upstream, answering,
                                redirect_error(use_awaitable, ec));
    if (ec) break;  // the upstream broke the exchange (an emulator fault): so does the proxy
    response_type answer = answering.release();
    if (!answer.keep_alive()) {
      session->upstream.socket().close(ec);
      from_upstream.clear();
      upstream_open = false;
    }
    session->client.expires_after(std::chrono::seconds(30));
    if (!fault) {
      co_await http::async_write(session->client, answer, redirect_error(use_awaitable, ec));
      if (ec || !answer.keep_alive() || !request.keep_alive()) break;
      continue;
    }
    entry.status = answer.result_int();
    self->record(std::move(entry));
    switch (*fault) {
      case proxy_fault::reset_after_forwarding:
        reset_connection(session->client);
        break;
      case proxy_fault::stall_headers:
        co_await hold(session->client, self->options_.stall);
        break;
      case proxy_fault::stall_body:
      case proxy_fault::truncated_body: {
        std::ostringstream serialized;
        serialized << answer;
        std::string wire = serialized.str();
        wire.resize(wire.size() - (answer.body().size() + 1) / 2);
        co_await boost::asio::async_write(session->client, boost::asio::buffer(wire),
                                          redirect_error(use_awaitable, ec));
        if (!ec && *fault == proxy_fault::stall_body)
          co_await hold(session->client, self->options_.stall);
        break;
      }
      default: {  // close_after_answer
        co_await http::async_write(session->client, answer, redirect_error(use_awaitable, ec));
        boost::asio::steady_timer pause(session->client.get_executor(), self->close_delay());
        if (!ec) co_await pause.async_wait(redirect_error(use_awaitable, ec));
        break;
      }
    }
    break;
  }
  boost::system::error_code ignored;
  session->client.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  session->close();
}

}  // namespace detail

BETTERPROMPT_DECL std::string_view to_string(proxy_fault kind) noexcept {
  switch (kind) {
    case proxy_fault::reset_before_forwarding:
      return "reset_before_forwarding";
    case proxy_fault::reset_after_forwarding:
      return "reset_after_forwarding";
    case proxy_fault::stall_headers:
      return "stall_headers";
    case proxy_fault::stall_body:
      return "stall_body";
    case proxy_fault::truncated_body:
      return "truncated_body";
    case proxy_fault::close_after_answer:
      return "close_after_answer";
    case proxy_fault::gateway_error:
      return "gateway_error";
    case proxy_fault::too_many_requests:
      return "too_many_requests";
  }
  return "unknown";
}

BETTERPROMPT_DECL bool is_relayed(proxy_fault kind) noexcept {
  return kind != proxy_fault::reset_before_forwarding && kind != proxy_fault::gateway_error &&
         kind != proxy_fault::too_many_requests;
}

BETTERPROMPT_DECL std::vector<proxy_fault_rate> every_proxy_fault(double probability) {
  std::vector<proxy_fault_rate> rates;
  for (auto kind : {proxy_fault::reset_before_forwarding, proxy_fault::reset_after_forwarding,
                    proxy_fault::stall_headers, proxy_fault::stall_body,
                    proxy_fault::truncated_body, proxy_fault::close_after_answer,
                    proxy_fault::gateway_error, proxy_fault::too_many_requests})
    rates.push_back({kind, probability});
  return rates;
}

BETTERPROMPT_DECL fault_proxy::fault_proxy(boost::asio::any_io_executor ex,
                                           fault_proxy_options options) {
  try {
    server_ = std::make_shared<detail::fault_proxy_server>(std::move(ex), std::move(options));
  } catch (const error_with_diagnostics& e) {
    throw std::invalid_argument(std::string("fault_proxy: ") + e.what());
  }
  server_->start();
}

BETTERPROMPT_DECL fault_proxy::~fault_proxy() { stop(); }

BETTERPROMPT_DECL std::string fault_proxy::base_url() const { return server_->base_url(); }

BETTERPROMPT_DECL std::uint16_t fault_proxy::port() const { return server_->port(); }

BETTERPROMPT_DECL std::vector<proxy_fault_record> fault_proxy::faults() const {
  return server_->faults();
}

BETTERPROMPT_DECL std::size_t fault_proxy::request_count() const {
  return server_->request_count();
}

BETTERPROMPT_DECL void fault_proxy::stop() { server_->stop(); }

}  // namespace betterprompt::testing
