// Bodies of detail::connection_pool.
#pragma once

#include <betterprompt/detail/connection_pool.hpp>
#include <betterprompt/detail/printable.hpp>
#include <betterprompt/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/channel_error.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace betterprompt::detail {

inline bool has_control_characters(std::string_view text) {
  for (unsigned char c : text)
    if (is_control(c)) return true;
  return false;
}

inline connection_pool::connection_pool(boost::asio::any_io_executor ex, const client_options& opts)
    : executor_(std::move(ex)),
      address_(parse_base_url(opts.base_url)),
      max_idle_(opts.max_idle_connections),
      idle_timeout_(opts.idle_timeout),
      limiter_(opts.rate_limit),
      slots_(opts.max_connections),
      closed_signal_(executor_, 0) {
  if (!address_.tls && !is_loopback_host(address_.host) && !opts.allow_insecure_http)
    throw_client_error(error::invalid_argument,
                       "invalid base_url '" + redacted_url(opts.base_url) +
                           "': http:// would send the API key in clear text; use https://, or "
                           "set client_options::allow_insecure_http");
  // Header injection guard; the message must not echo the key.
  if (has_control_characters(opts.api_key))
    throw_client_error(error::invalid_argument, "api_key contains control characters");
  if (has_control_characters(opts.user_agent))
    throw_client_error(error::invalid_argument, "user_agent contains control characters");
  if (!address_.tls) return;

  namespace ssl = boost::asio::ssl;
  tls_context_.emplace(ssl::context::tls_client);
  tls_context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                            ssl::context::no_tlsv1_1);
  tls_context_->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (opts.tls.use_system_trust_store) tls_context_->set_default_verify_paths(ec);
  if (!opts.tls.ca_file.empty()) {
    tls_context_->load_verify_file(opts.tls.ca_file, ec);
    if (ec)
      throw_client_error(error::tls_error,
                         "cannot load CA file '" + opts.tls.ca_file + "': " + ec.message());
  }
  if (!opts.tls.ca_pem.empty()) {
    tls_context_->add_certificate_authority(boost::asio::buffer(opts.tls.ca_pem), ec);
    if (ec) throw_client_error(error::tls_error, "cannot load CA PEM: " + ec.message());
  }
}

inline connection_pool::connection_ptr connection_pool::take_idle() {
  const auto now = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  while (!idle_.empty()) {
    connection_ptr conn = std::move(idle_.back());
    idle_.pop_back();
    if (may_reuse(conn->facts(true, now - conn->idle_since), idle_timeout_)) return conn;
    conn->close();
  }
  return nullptr;
}

inline void connection_pool::return_idle(connection_ptr conn) {
  conn->idle_since = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  if (idle_.size() < max_idle_ && !is_closed())
    idle_.push_back(std::move(conn));
  else
    conn->close();
}

inline void connection_pool::close_idle() noexcept {
  std::lock_guard lock(idle_mutex_);
  for (auto& conn : idle_) conn->close();
  idle_.clear();
}

inline void connection_pool::close() noexcept {
  closed_ = true;
  closed_signal_.close();
  close_idle();
}

[[noreturn]] inline void throw_cancelled() {
  throw boost::system::system_error(boost::asio::error::operation_aborted);
}

inline boost::asio::awaitable<boost::asio::ip::tcp::resolver::results_type>
connection_pool::resolve(const timeout_options& limits, const std::string& what,
                         attempt_state& state) {
  namespace exp = boost::asio::experimental;
  using boost::asio::deferred;
  using results_type = boost::asio::ip::tcp::resolver::results_type;
  state.phase = call_phase::resolve;
  // Asio cannot interrupt a lookup (getaddrinfo runs on a helper thread), so the lookup runs
  // detached and the call only waits for its answer: a timeout or cancellation ends the wait at
  // once, and a late answer is dropped with the lookup.
  struct lookup {
    explicit lookup(const boost::asio::any_io_executor& ex) : resolver(ex), answer(ex, 1) {}
    boost::asio::ip::tcp::resolver resolver;
    exp::concurrent_channel<void(boost::system::error_code, results_type)> answer;
  };
  auto job = std::make_shared<lookup>(executor_);
  auto deliver = [job](const boost::system::error_code& ec, results_type results) {
    job->answer.try_send(ec, std::move(results));
  };
  job->resolver.async_resolve(address_.host, address_.port, std::move(deliver));

  auto timer = timer_for_limit(executor_, limits.resolve);
  auto [order, resolve_ec, endpoints, timer_ec] =
      co_await exp::make_parallel_group(job->answer.async_receive(deferred),
                                        timer.async_wait(deferred))
          .async_wait(exp::wait_for_one(), deferred);
  if (order[0] == 1) {
    if (timer_ec) throw_cancelled();
    state.transient = true;
    throw_client_error(error::timeout,
                       what + ": resolving " + address_.host + " took over " +
                           std::to_string(limits.resolve.count()) + " ms",
                       {{"phase", to_string(state.phase)}});
  }
  if (resolve_ec == exp::error::channel_cancelled ||
      resolve_ec == boost::asio::error::operation_aborted)
    throw_cancelled();
  if (resolve_ec) {
    state.transient = true;
    throw_client_error(error::connection_failed,
                       what + ": cannot resolve " + address_.host + ": " + resolve_ec.message());
  }
  co_return endpoints;
}

inline boost::asio::awaitable<connection_pool::connection_ptr> connection_pool::open(
    const timeout_options& limits, const std::string& what, attempt_state& state) {
  using boost::asio::use_awaitable;
  const std::string where = address_.host + ":" + address_.port;

  const auto endpoints = co_await resolve(limits, what, state);
  auto conn = std::make_unique<connection>(boost::asio::make_strand(executor_),
                                           tls_context_ ? &*tls_context_ : nullptr);
  std::string failure;
  // On the connection's strand, like every later exchange on it.
  const auto ec = co_await boost::asio::co_spawn(
      conn->get_executor(), conn->connect(endpoints, address_.host, limits, state.phase, failure),
      use_awaitable);
  if (!ec) co_return conn;
  conn->close();
  if (ec == boost::asio::error::operation_aborted) throw_cancelled();
  // Nothing was sent yet: worth another try, unless the certificate was rejected.
  state.transient = !conn->certificate_rejected;
  if (ec == boost::beast::error::timeout) {
    const auto budget = state.phase == call_phase::connect ? limits.connect : limits.tls_handshake;
    throw_client_error(error::timeout,
                       what + ": " + to_string(state.phase) + " with " + where + " took over " +
                           std::to_string(budget.count()) + " ms",
                       {{"phase", to_string(state.phase)}});
  }
  const bool tls_failed = failure.rfind("TLS", 0) == 0;
  throw_client_error(tls_failed ? error::tls_error : error::connection_failed,
                     what + ": " + where + ": " + failure);
}

}  // namespace betterprompt::detail
