// Bodies of detail::client_impl, the transport.
#pragma once

#include <betterprompt/detail/cancellation.hpp>
#include <betterprompt/detail/client_impl.hpp>
#include <betterprompt/detail/fsm/retry.hpp>
#include <betterprompt/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <optional>

namespace betterprompt::detail {

inline client_impl::client_impl(boost::asio::any_io_executor ex, client_options opts)
    : pool_(std::make_shared<connection_pool>(std::move(ex), opts)), options_(std::move(opts)) {}

inline client_impl::client_impl(const client_impl& base, const call_options& overrides)
    : pool_(base.pool_), options_(base.options_) {
  if (overrides.retry) options_.retry = *overrides.retry;
  if (overrides.timeouts) options_.timeouts = *overrides.timeouts;
}

inline connection::request_type client_impl::build_request(const api_request& req) const {
  namespace http = boost::beast::http;
  const endpoint_address& address = pool_->address();
  connection::request_type r{req.method, address.path_prefix + req.target, 11};
  r.set(http::field::host, address.host_header);
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

inline std::chrono::milliseconds phase_budget(const timeout_options& limits, call_phase phase) {
  switch (phase) {
    case call_phase::write:
      return limits.write;
    case call_phase::response_headers:
      return limits.response_headers;
    case call_phase::response_body:
      return limits.response_body;
    default:
      return limits.total;
  }
}

[[noreturn]] inline void throw_exchange_error(const boost::system::error_code& ec,
                                              const std::string& what, call_phase phase,
                                              const client_options& options) {
  namespace http = boost::beast::http;
  if (ec == boost::beast::error::timeout)
    throw_client_error(error::timeout,
                       what + ": " + to_string(phase) + " took over " +
                           std::to_string(phase_budget(options.timeouts, phase).count()) + " ms",
                       {{"phase", to_string(phase)}});
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
    const api_request& req, connection::request_type& request, attempt_state& state,
    std::atomic<bool>& sent) {
  namespace http = boost::beast::http;
  state.phase = call_phase::queued;
  if (!pool_->slots().try_acquire()) co_await pool_->slots().acquire(executor());
  slot_guard slot(pool_->slots());
  connection_pool::connection_ptr conn = pool_->take_idle();
  bool reused = conn != nullptr;
  for (;;) {
    if (!conn) conn = co_await pool_->open(options_.timeouts, req.what, state);
    state.written = true;
    sent = true;
    std::optional<connection::parser_type> parser;
    bool response_started = false;
    // On the connection's strand: its timer and socket are only ever touched from there.
    const auto ec = co_await boost::asio::co_spawn(
        conn->get_executor(),
        conn->exchange(request, parser, options_.max_response_body, options_.timeouts, state.phase,
                       response_started),
        boost::asio::use_awaitable);
    if (!ec) {
      auto message = parser->release();
      api_response out;
      out.http_status = message.result_int();
      out.request_id = std::string(message["x-request-id"]);
      out.retry_after_seconds = parse_retry_after(message[http::field::retry_after]);
      // Bytes past the answer (a second response, junk) would be taken for the next request's
      // answer on this connection: only a connection with nothing left unread is reused.
      if (may_reuse(conn->facts(message.keep_alive(), {}), options_.idle_timeout))
        pool_->return_idle(std::move(conn));
      else
        conn->close();
      out.body = std::move(message.body());
      out.what = req.what;
      co_return out;
    }
    const unsigned refused_interim = conn->refused_interim_status;
    conn->close();
    conn.reset();
    if (ec == boost::asio::error::operation_aborted) throw_cancelled();
    if (refused_interim != 0)
      throw_client_error(
          error::bad_response,
          req.what + ": unexpected interim response HTTP " + std::to_string(refused_interim) +
              (refused_interim == 101 ? " (protocol switch)" : " (too many 1xx answers)"));
    // A kept-alive connection the server dropped before answering: safe to resend a GET once.
    // A POST might have been processed (and billed), so it is never resent.
    if (reused && !response_started && req.method == http::verb::get &&
        ec != boost::beast::error::timeout) {
      reused = false;
      continue;
    }
    throw_exchange_error(ec, req.what, state.phase, options_);
  }
}

/// Why a retryable answer was handed back as it is, for its error message.
inline std::string retry_after_refusal(retry_verdict verdict, int retry_after_seconds,
                                       const retry_policy& policy) {
  const std::string asked =
      "the server asked to wait " + std::to_string(retry_after_seconds) + " s";
  if (verdict == retry_verdict::retry_after_too_long)
    return "not retried: " + asked + ", over retry_policy::max_retry_after (" +
           std::to_string(policy.max_retry_after.count()) + " ms)";
  return "not retried: " + asked +
         ", longer than the call has left (timeouts.total, or the "
         "deadline of wait_for_run)";
}

inline boost::asio::awaitable<api_response> client_impl::send_with_retries(
    const api_request& req, connection::request_type& request, attempt_state& state,
    std::atomic<bool>& sent, clock::time_point deadline) {
  const retry_policy& policy = options_.retry;
  deadline = std::min(deadline, req.retry_deadline);
  for (int retry = 0;; ++retry) {
    state = attempt_state{};
    if (pool_->limiter().enabled()) co_await pool_->limiter().acquire(executor());
    std::optional<api_response> response;
    std::optional<error_with_diagnostics> failure;
    try {
      response = co_await send_once(req, request, state, sent);
    } catch (const error_with_diagnostics& e) {
      failure = e;
    }
    attempt_outcome outcome;
    outcome.method = req.method;
    if (response) {
      outcome.http_status = response->http_status;
      outcome.retry_after_seconds = response->retry_after_seconds;
      if (response->http_status == 429) pause_client_after_429(response->retry_after_seconds);
    } else {
      outcome.failed_before_sending = !state.written && state.transient;
      outcome.connection_broke = state.written && failure->code() == error::connection_closed;
    }
    const retry_step step = plan_retry(policy, retry, outcome,
                                       time_left_until(deadline, clock::now()), random_jitter());
    if (step.verdict != retry_verdict::retry) {
      if (!response) throw *failure;
      if (step.verdict != retry_verdict::final_answer)
        response->note = retry_after_refusal(step.verdict, response->retry_after_seconds, policy);
      co_return std::move(*response);
    }
    state.phase = call_phase::backoff;
    boost::asio::steady_timer pause(executor(), step.delay);
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}

inline void client_impl::pause_client_after_429(int retry_after_seconds) {
  const auto asked =
      ask_of_retry_after(options_.retry, retry_after_seconds, std::chrono::milliseconds::max());
  const std::chrono::milliseconds wait =
      asked.wait.count() > 0 ? asked.wait : std::chrono::seconds(1);
  pool_->limiter().on_rate_limited(std::min(wait, options_.retry.max_retry_after));
}

/// Rethrows `failure`, adding the run id to a timeout's diagnostics.
[[noreturn]] inline void rethrow_naming_run(std::exception_ptr failure, const std::string& run_id) {
  try {
    std::rethrow_exception(failure);
  } catch (const error_with_diagnostics& e) {
    if (run_id.empty() || e.code() != error::timeout) throw;
    diagnostics diag = e.get_diagnostics();
    if (auto* data = diag.data.if_object()) (*data)["runId"] = run_id;
    throw error_with_diagnostics(e.code(), std::move(diag));
  }
}

inline boost::asio::awaitable<api_response> client_impl::send(api_request req) {
  req.what = std::string(boost::beast::http::to_string(req.method)) + " " +
             pool_->address().path_prefix + req.target;
  if (pool_->is_closed()) throw_client_error(error::client_closed, req.what + ": client closed");
  // A coroutine thread of its own, whose filter decides which cancellations the call honours, on
  // a strand of its own: the call's parallel group completes and cancels its branches from
  // whichever thread its first branch ends on, which must never race the branches themselves
  // (the caller may run on a multi-threaded io_context without a strand).
  auto sent = std::make_shared<std::atomic<bool>>(false);
  auto ex = co_await boost::asio::this_coro::executor;
  api_response response = co_await boost::asio::co_spawn(
      boost::asio::make_strand(ex), send_guarded(std::move(req), std::move(sent)),
      boost::asio::use_awaitable);
  co_return response;
}

inline boost::asio::awaitable<api_response> client_impl::send_guarded(
    api_request req, std::shared_ptr<std::atomic<bool>> sent) {
  namespace exp = boost::asio::experimental;
  using boost::asio::deferred;
  const bool side_effect_free = req.method == boost::beast::http::verb::get;
  const call_cancellation_filter filter(side_effect_free ? nullptr : sent);
  co_await boost::asio::this_coro::reset_cancellation_state(filter, filter);
  auto request = build_request(req);
  attempt_state state;
  const auto total = options_.timeouts.total;
  auto deadline = timer_for_limit(executor(), total);
  const auto deadline_at = deadline.expiry();

  // The call races its deadline and the client's close(); whichever ends first cancels the rest.
  auto ex = co_await boost::asio::this_coro::executor;
  auto [order, failure, response, closed_ec, deadline_ec] =
      co_await exp::make_parallel_group(
          boost::asio::co_spawn(ex, send_with_retries(req, request, state, *sent, deadline_at),
                                deferred),
          pool_->async_wait_closed(deferred), deadline.async_wait(deferred))
          .async_wait(exp::wait_for_one(), deferred);
  if (!failure) co_return std::move(response);
  if (order[0] == 2 && !deadline_ec) {
    boost::json::object data{{"phase", "total"}, {"during", to_string(state.phase)}};
    if (!req.run_id.empty()) data["runId"] = req.run_id;
    diagnostics diag;
    diag.message = req.what + ": no complete answer within the call's total timeout of " +
                   std::to_string(total.count()) + " ms (was in phase " + to_string(state.phase) +
                   ")";
    diag.data = std::move(data);
    throw error_with_diagnostics(error::timeout, std::move(diag));
  }
  if (order[0] == 1 && connection_pool::closed_by(closed_ec))
    throw_client_error(error::client_closed, req.what + ": client closed during the call");
  rethrow_naming_run(failure, req.run_id);
}

}  // namespace betterprompt::detail
