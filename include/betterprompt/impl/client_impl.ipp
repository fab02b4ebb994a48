// Bodies of detail::client_impl, the transport.
#pragma once

#include <betterprompt/detail/client_impl.hpp>
#include <betterprompt/detail/retry.hpp>
#include <betterprompt/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <chrono>
#include <optional>

namespace betterprompt::detail {

inline bool has_control_characters(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

inline client_impl::client_impl(boost::asio::any_io_executor ex, client_options opts)
    : executor_(std::move(ex)),
      options_(std::move(opts)),
      limiter_(options_.rate_limit),
      slots_(options_.max_connections) {
  address_ = parse_base_url(options_.base_url);
  // Header injection guard; the message must not echo the key.
  if (has_control_characters(options_.api_key))
    throw_client_error(error::invalid_argument, "api_key contains control characters");
  if (has_control_characters(options_.user_agent))
    throw_client_error(error::invalid_argument, "user_agent contains control characters");
  if (!address_.tls) return;

  namespace ssl = boost::asio::ssl;
  tls_context_.emplace(ssl::context::tls_client);
  tls_context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                            ssl::context::no_tlsv1_1);
  tls_context_->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (options_.tls.use_system_trust_store) tls_context_->set_default_verify_paths(ec);
  if (!options_.tls.ca_file.empty()) {
    tls_context_->load_verify_file(options_.tls.ca_file, ec);
    if (ec)
      throw_client_error(error::tls_error,
                         "cannot load CA file '" + options_.tls.ca_file + "': " + ec.message());
  }
  if (!options_.tls.ca_pem.empty()) {
    tls_context_->add_certificate_authority(boost::asio::buffer(options_.tls.ca_pem), ec);
    if (ec) throw_client_error(error::tls_error, "cannot load CA PEM: " + ec.message());
  }
}

inline client_impl::connection_ptr client_impl::take_idle() {
  const auto now = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  while (!idle_.empty()) {
    connection_ptr conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->reusable(now, options_.idle_timeout)) return conn;
    conn->close();
  }
  return nullptr;
}

inline void client_impl::return_idle(connection_ptr conn) {
  conn->idle_since = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  if (idle_.size() < options_.max_idle_connections)
    idle_.push_back(std::move(conn));
  else
    conn->close();
}

inline void client_impl::close_idle() noexcept {
  std::lock_guard lock(idle_mutex_);
  for (auto& conn : idle_) conn->close();
  idle_.clear();
}

[[noreturn]] inline void throw_cancelled() {
  throw boost::system::system_error(boost::asio::error::operation_aborted);
}

inline boost::asio::awaitable<client_impl::connection_ptr> client_impl::open_connection(
    connection::clock::time_point deadline, const std::string& what, attempt_state& state) {
  using namespace boost::asio::experimental::awaitable_operators;
  using boost::asio::as_tuple;
  using boost::asio::use_awaitable;
  const std::string where = address_.host + ":" + address_.port;

  boost::asio::ip::tcp::resolver resolver(executor_);
  boost::asio::steady_timer timer(executor_, deadline);
  auto resolved =
      co_await (resolver.async_resolve(address_.host, address_.port, as_tuple(use_awaitable)) ||
                timer.async_wait(as_tuple(use_awaitable)));
  if (resolved.index() == 1) {
    if (std::get<0>(std::get<1>(resolved)) == boost::asio::error::operation_aborted)
      throw_cancelled();
    state.transient = true;
    throw_client_error(error::timeout, what + ": resolving " + address_.host + " timed out");
  }
  auto& [resolve_ec, endpoints] = std::get<0>(resolved);
  if (resolve_ec == boost::asio::error::operation_aborted) throw_cancelled();
  if (resolve_ec) {
    state.transient = true;
    throw_client_error(error::connection_failed,
                       what + ": cannot resolve " + address_.host + ": " + resolve_ec.message());
  }

  auto conn = std::make_unique<connection>(boost::asio::make_strand(executor_),
                                           tls_context_ ? &*tls_context_ : nullptr);
  std::string failure;
  const auto ec = co_await conn->connect(endpoints, address_.host, deadline, failure);
  if (!ec) co_return conn;
  conn->close();
  if (ec == boost::asio::error::operation_aborted) throw_cancelled();
  // Nothing was sent yet: worth another try, unless the certificate was rejected.
  state.transient = !conn->certificate_rejected;
  if (ec == boost::beast::error::timeout)
    throw_client_error(error::timeout, what + ": connecting to " + where + " timed out");
  const bool tls_failed = failure.rfind("TLS", 0) == 0;
  throw_client_error(tls_failed ? error::tls_error : error::connection_failed,
                     what + ": " + where + ": " + failure);
}

inline connection::request_type client_impl::build_request(const api_request& req) const {
  namespace http = boost::beast::http;
  connection::request_type r{req.method, address_.path_prefix + req.target, 11};
  r.set(http::field::host, address_.host_header);
  r.set(http::field::user_agent, options_.user_agent);
  r.set(http::field::accept, "application/json");
  if (!options_.api_key.empty()) r.set(http::field::authorization, "Bearer " + options_.api_key);
  if (!req.body.empty()) {
    r.set(http::field::content_type, "application/json");
    r.body() = req.body;
  }
  r.keep_alive(true);
  r.prepare_payload();
  return r;
}

[[noreturn]] inline void throw_exchange_error(const boost::system::error_code& ec,
                                              const std::string& what,
                                              const client_options& options) {
  namespace http = boost::beast::http;
  if (ec == boost::beast::error::timeout)
    throw_client_error(error::timeout, what + ": no complete response within " +
                                           std::to_string(options.timeout.count()) + " ms");
  if (ec == http::error::body_limit)
    throw_client_error(
        error::response_too_large,
        what + ": response body exceeds " + std::to_string(options.max_response_body) + " bytes");
  if (&ec.category() == &http::make_error_code(http::error::bad_version).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    throw_client_error(error::bad_response, what + ": malformed HTTP response: " + ec.message());
  throw_client_error(error::connection_closed, what + ": " + ec.message());
}

inline boost::asio::awaitable<api_response> client_impl::send_once(
    const api_request& req, connection::request_type& request, attempt_state& state) {
  namespace http = boost::beast::http;
  const std::string what =
      std::string(http::to_string(req.method)) + " " + address_.path_prefix + req.target;
  co_await slots_.acquire(executor_);
  slot_guard slot(slots_);
  // The deadline starts once a connection is ours: time queued behind busy ones does not count.
  const auto deadline = connection::clock::now() + options_.timeout;
  connection_ptr conn = take_idle();
  bool reused = conn != nullptr;
  for (;;) {
    if (!conn) conn = co_await open_connection(deadline, what, state);
    state.written = true;
    connection::parser_type parser;
    parser.body_limit(options_.max_response_body);
    bool response_started = false;
    const auto ec = co_await conn->exchange(request, parser, deadline, response_started);
    if (!ec) {
      auto message = parser.release();
      api_response out;
      out.http_status = message.result_int();
      out.request_id = std::string(message["x-request-id"]);
      out.retry_after_seconds = parse_retry_after(message[http::field::retry_after]);
      if (message.keep_alive())
        return_idle(std::move(conn));
      else
        conn->close();
      out.body = std::move(message.body());
      out.what = what;
      co_return out;
    }
    conn->close();
    conn.reset();
    if (ec == boost::asio::error::operation_aborted) throw_cancelled();
    // A kept-alive connection the server dropped before answering: safe to resend a GET once.
    // A POST might have been processed (and billed), so it is never resent.
    if (reused && !response_started && req.method == http::verb::get &&
        ec != boost::beast::error::timeout) {
      reused = false;
      continue;
    }
    throw_exchange_error(ec, what, options_);
  }
}

inline boost::asio::awaitable<api_response> client_impl::send(api_request req) {
  auto self = shared_from_this();
  auto request = build_request(req);
  const retry_policy& policy = options_.retry;
  for (int retry = 0;; ++retry) {
    co_await limiter_.acquire(executor_);
    attempt_state state;
    std::optional<api_response> response;
    std::optional<error_with_diagnostics> failure;
    try {
      response = co_await send_once(req, request, state);
    } catch (const error_with_diagnostics& e) {
      failure = e;
    }
    int retry_after = -1;
    if (response) {
      if (retry >= policy.max_retries || !is_retryable_status(response->http_status, req.method))
        co_return std::move(*response);
      retry_after = response->retry_after_seconds;
    } else {
      const bool before_sending = !state.written && state.transient;
      const bool broken_get = state.written && req.method == boost::beast::http::verb::get &&
                              failure->code() == error::connection_closed;
      if (retry >= policy.max_retries || !(before_sending || broken_get)) throw *failure;
    }
    boost::asio::steady_timer pause(executor_, backoff_delay(policy, retry, retry_after));
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace betterprompt::detail
