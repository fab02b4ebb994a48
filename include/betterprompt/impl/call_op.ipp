// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::call_operation: the transport's one loop.
#pragma once

#include <betterprompt/detail/decisions/cancellation.hpp>
#include <betterprompt/detail/operations/call_op.hpp>
#include <betterprompt/timestamps.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <utility>

namespace betterprompt::detail {

namespace http = boost::beast::http;

template <class F>
auto call_operation::step(F f) {
  return boost::asio::bind_executor(
      executor_, [self = shared_from_this(), generation = generation_, f](auto&&... args) mutable {
        if (generation != self->generation_ || self->done_) return;
        ++self->generation_;  // a racing handler of this step (a timer, a lookup) is now stale
        f(*self, std::forward<decltype(args)>(args)...);
      });
}

template <class F>
auto call_operation::io_step(F f) {
  return step([f](call_operation& self, boost::system::error_code ec, auto&&... args) mutable {
    if (self.io_timed_out_) ec = boost::beast::error::timeout;
    f(self, ec, std::forward<decltype(args)>(args)...);
  });
}

template <class Fill>
void call_operation::notify(event_kind kind, Fill fill) {
  if (!hooked_) return;
  event e;
  e.kind = kind;
  e.operation = request_.which.operation;
  e.method = http::to_string(request_.method);
  e.path_template = request_.which.path_template();
  e.attempt = retry_ + stale_resends_ + 1;
  fill(e);
  client_->notify(e);
}

inline std::chrono::microseconds microseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

BETTERPROMPT_DECL call_operation::call_operation(std::shared_ptr<client_handle> client,
                                                 api_request request, handler_type handler)
    : client_(std::move(client)),
      state_(client_->state()),
      request_(std::move(request)),
      executor_(request_.runs_on ? request_.runs_on : state_.call_executor()),
      caller_(std::move(handler), state_.executor()) {
  hooked_ = client_->hooked();
  origin_ = request_.to ? request_.to : &state_.api_origin();
  const std::string_view method = http::to_string(request_.method);
  const std::string& prefix = origin_->address.path_prefix;  // empty for another host
  request_.what.reserve(method.size() + 1 + prefix.size() + request_.target.size());
  request_.what.append(method).append(" ").append(prefix).append(request_.target);
}

BETTERPROMPT_DECL call_operation::~call_operation() {
  // First, while the object is whole: close() may be walking the registry on another thread.
  leave_registry();
}

BETTERPROMPT_DECL void call_operation::start() {
  caller_.relay_cancellation_to(weak_from_this());
  boost::asio::post(executor_, [self = shared_from_this()] { self->begin(); });
}

BETTERPROMPT_DECL void call_operation::post_cancel(boost::asio::cancellation_type_t type) {
  boost::asio::post(executor_, [self = shared_from_this(), type] { self->cancel(type); });
}

BETTERPROMPT_DECL void call_operation::on_client_closed() noexcept {
  if (auto self = weak_from_this().lock())
    boost::asio::post(executor_, [self] {
      // A create held for a reconciliation was never sent: it ends with the code that says so.
      if (self->phase_ == call_phase::held)
        return self->abort(error::create_held, self->request_.what +
                                                   ": client closed while the create was held "
                                                   "for a reconciliation; never sent");
      self->abort(error::client_closed, self->request_.what + ": client closed during the call");
    });
}

BETTERPROMPT_DECL void call_operation::begin() {
  if (!state_.operations().add(*this)) {
    result_.failure.message = request_.what + ": client closed";
    return finish(error::client_closed);
  }
  const auto total = client_->options().timeouts.total;
  if (total.count() > 0) deadline_ = clock::now() + total;
  deadline_ = std::min(deadline_, request_.deadline);
  http_request_ = state_.serialize(request_, client_->extra_fields());
  started_ = stamp();
  notify(event_kind::call_started, [](event&) {});
  next_attempt();
}

BETTERPROMPT_DECL call_operation::step_limit call_operation::limit_for(
    std::chrono::milliseconds budget) const {
  if (deadline_ == clock::time_point::max()) return {budget, false};
  const auto left =
      std::max(std::chrono::milliseconds(1),
               std::chrono::ceil<std::chrono::milliseconds>(deadline_ - clock::now()));
  if (budget.count() > 0 && budget <= left) return {budget, false};
  return {left, true};
}

BETTERPROMPT_DECL void call_operation::next_attempt() {
  written_ = transient_ = reused_ = response_started_ = io_timed_out_ = false;
  request_written_ = answer_complete_ = false;
  attempt_status_ = 0;
  sent_at_.reset();
  interim_answers_ = 0;
  refused_interim_ = 0;
  phase_ = call_phase::queued;
  reserve_rate();
}

BETTERPROMPT_DECL void call_operation::reserve_rate() {
  rate_limiter& limiter = state_.limiter();
  // The limiter paces the API; another host (a SKILL.md host) is not the API's to pace.
  if (!limiter.enabled() || !origin_->is_api) return acquire_slot();
  reservation_ = limiter.reserve();
  if (reservation_->wait <= clock::duration::zero()) {
    reservation_.reset();
    return acquire_slot();
  }
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(reservation_->wait);
  notify(event_kind::rate_limit_wait, [&](event& e) { e.delay = wait; });
  const step_limit limit = limit_for(wait);
  phase_limited_by_total_ = limit.is_total && limit.limit < wait;
  timer().expires_after(limit.limit);
  timer().async_wait(step([](call_operation& self, boost::system::error_code) {
    const auto reserved = *self.reservation_;
    self.reservation_.reset();
    rate_limiter& limiter = self.state_.limiter();
    if (self.phase_limited_by_total_) {
      limiter.give_back(reserved);
      return self.total_timeout();
    }
    if (limiter.still_valid(reserved)) return self.acquire_slot();
    self.reserve_rate();  // a 429 paused the client meanwhile: reserve again
  }));
}

BETTERPROMPT_DECL void call_operation::acquire_slot() {
  slot_waiter_ = state_.connections().slots().acquire_or_queue(state_.executor());
  if (!slot_waiter_) {
    holding_slot_ = true;
    return use_connection();
  }
  slot_wait_started_ = stamp();
  slot_waiter_->handover.async_receive(step([](call_operation& self, boost::system::error_code) {
    self.cancel_timer();
    self.holding_slot_ = self.state_.connections().slots().settle(self.slot_waiter_, true);
    self.slot_waiter_.reset();
    if (!self.holding_slot_) return self.acquire_slot();
    self.notify(event_kind::connection_slot_wait,
                [&](event& e) { e.duration = microseconds_since(self.slot_wait_started_); });
    self.use_connection();
  }));
  if (deadline_ == clock::time_point::max()) return;
  timer().expires_at(deadline_);
  timer().async_wait(step([](call_operation& self, boost::system::error_code) {
    self.state_.connections().slots().settle(self.slot_waiter_, false);
    self.slot_waiter_->handover.cancel();  // its receive completes, and is ignored
    self.slot_waiter_.reset();
    self.total_timeout();
  }));
}

BETTERPROMPT_DECL void call_operation::use_connection() {
  // A create avoids idle connections while the host has lately closed them right after answers
  // without saying so: the close of the one it would take may be in flight, and a create that
  // meets it cannot be resent. Reads take them, and resend once if they meet such a close.
  const bool fresh =
      skip_idle_ || (request_.method != http::verb::get &&
                     !state_.connections().creates_may_reuse(connection::clock::now()));
  connection_ = fresh ? nullptr : state_.connections().take_idle(*origin_);
  skip_idle_ = false;
  reused_ = connection_ != nullptr;
  if (reused_) {
    reused_idle_for_ = std::chrono::duration_cast<std::chrono::milliseconds>(
        connection::clock::now() - connection_->idle_since);
    notify(event_kind::connection_reused, [](event&) {});
    return write();
  }
  open_started_ = stamp();
  resolve();
}

BETTERPROMPT_DECL void call_operation::headed() {
  const auto& message = parser_->get();
  attempt_status_ = message.result_int();
  // One pass over the fields for the three the SDK reads (the first of each, as operator[]
  // gives), instead of a lookup by name for each.
  std::optional<std::string_view> request_id, retry_after, action, date;
  for (const auto& field : message) {
    const std::string_view name = field.name_string();
    if (!request_id && boost::beast::iequals(name, "x-request-id"))
      request_id = field.value();
    else if (!retry_after && boost::beast::iequals(name, "retry-after"))
      retry_after = field.value();
    else if (!action && boost::beast::iequals(name, "action-require"))
      action = field.value();
    else if (!date && field.name() == http::field::date)
      date = field.value();
  }
  // The server's clock, bounded by when this attempt went out and now (create reconciliation).
  // Another host's clock and fields are not the API's.
  if (date && sent_at_ && origin_->is_api)
    if (const auto server_time = from_http_date(*date))
      client_->accounting().observe_date(*sent_at_, std::chrono::system_clock::now(), *server_time);
  last_answer_.status = attempt_status_;
  last_answer_.request_id.assign(request_id.value_or(""));
  last_answer_.retry_after_seconds = parse_retry_after(retry_after.value_or(""));
  if (action && origin_->is_api && action->find("update-resources") != std::string_view::npos)
    state_.resources().mark_stale();
  notify(event_kind::response_headers, [&](event& e) {
    e.http_status = attempt_status_;
    e.request_id = last_answer_.request_id;
    e.duration = microseconds_since(write_started_);
  });
}

BETTERPROMPT_DECL void call_operation::answered() {
  answer_complete_ = true;
  // The parser's verdict also refuses a body that ends at end-of-stream.
  const bool keep_alive = parser_->keep_alive();
  auto message = parser_->release();
  parser_.reset();
  // The previous attempt's answer, if any, is replaced field by field (no temporary).
  result_.http_status = attempt_status_;
  result_.note.clear();
  if (!result_.failure.message.empty()) result_.failure = {};
  result_.retry_after_seconds = last_answer_.retry_after_seconds;  // the request id: finish()
  result_.body = std::move(message.body());
  // Bytes past the answer (a second response, junk) would be taken for the next request's answer
  // on this connection: only a connection with nothing left unread is reused. Bytes already read
  // are checked here; the socket is probed when the connection is taken for reuse
  // (connection_pool::take_idle), which also sees whatever arrives in between.
  const bool keep =
      may_reuse(connection_->facts(keep_alive, {}, false), client_->options().idle_timeout);
  release_attempt_resources(keep);
  if (result_.http_status == 429 && origin_->is_api) {
    const retry_policy& policy = client_->options().retry;
    const auto asked =
        ask_of_retry_after(policy, result_.retry_after_seconds, std::chrono::milliseconds::max());
    const std::chrono::milliseconds pause =
        asked.wait.count() > 0 ? asked.wait : std::chrono::seconds(1);
    state_.limiter().on_rate_limited(std::min(pause, policy.max_retry_after));
  }
  attempt_outcome outcome;
  outcome.method = request_.method;
  outcome.http_status = result_.http_status;
  outcome.retry_after_seconds = result_.retry_after_seconds;
  decide(outcome);
}

BETTERPROMPT_DECL void call_operation::attempt_failed(boost::system::error_code ec,
                                                      diagnostics diag) {
  const bool stale = reused_ && !response_started_ && ec == error::connection_closed;
  if (stale && is_silent_close(reused_idle_for_))
    state_.connections().note_silent_close(connection::clock::now());
  release_attempt_resources(false);
  result_ = api_response{};
  result_.failure = std::move(diag);
  attempt_outcome outcome;
  outcome.method = request_.method;
  outcome.failed_before_sending = !written_ && transient_;
  outcome.connection_broke = written_ && ec == error::connection_closed;
  outcome.stale_connection = stale;
  outcome.stale_resends = stale_resends_;
  failure_ = ec;
  decide(outcome);
}

BETTERPROMPT_DECL void call_operation::decide(const attempt_outcome& outcome) {
  const retry_policy& policy = client_->options().retry;
  const retry_step next = plan_retry(policy, retry_, outcome,
                                     time_left_until(deadline_, clock::now()), random_jitter());
  if (next.verdict != retry_verdict::retry) {
    if (outcome.http_status == 0) return finish(failure_);
    if (next.verdict != retry_verdict::final_answer)
      result_.note = retry_after_refusal(next.verdict, result_.retry_after_seconds, policy);
    return finish({});
  }
  if (hooked_) {
    const std::string reason = retry_reason(outcome, failure_);
    notify(event_kind::retry_scheduled, [&](event& e) {
      e.delay = next.delay;
      e.reason = reason;
    });
  }
  if (next.kind == retry_kind::stale_resend) {
    ++stale_resends_;
    skip_idle_ = true;  // on a new connection: the next idle one may be stale as well
  } else
    ++retry_;
  if (next.delay.count() <= 0) return next_attempt();
  phase_ = call_phase::backoff;
  phase_limited_by_total_ = false;
  timer().expires_after(next.delay);
  timer().async_wait(
      step([](call_operation& self, boost::system::error_code) { self.next_attempt(); }));
}

BETTERPROMPT_DECL void call_operation::cancel(boost::asio::cancellation_type_t type) {
  if (done_) return;
  const bool side_effects = request_.method != http::verb::get;
  if (honoured_cancellation(type, side_effects, sent_) == boost::asio::cancellation_type::none)
    return;
  abort(boost::asio::error::operation_aborted, request_.what + ": cancelled");
}

BETTERPROMPT_DECL void call_operation::abort(boost::system::error_code ec, std::string message) {
  if (done_) return;
  result_ = api_response{};
  result_.failure.message = std::move(message);
  finish(ec);  // cancels whatever step is pending; its handler then finds the call done
}

BETTERPROMPT_DECL void call_operation::release_attempt_resources(bool keep_connection) {
  cancel_timer();
  if (reservation_) {
    state_.limiter().give_back(*reservation_);
    reservation_.reset();
  }
  if (slot_waiter_) {
    state_.connections().slots().settle(slot_waiter_, false);
    slot_waiter_->handover.cancel();
    slot_waiter_.reset();
  }
  if (connection_) {
    if (keep_connection) {
      state_.connections().return_idle(*origin_, std::move(connection_));
    } else {
      // Closed, not destroyed: after abort() a step may still be pending on it, and completes
      // (with an error, ignored) before the call is gone. The next attempt replaces it.
      if (connection_->is_open()) notify(event_kind::connection_closed, [](event&) {});
      connection_->close();
    }
  }
  if (holding_slot_) {
    state_.connections().slots().release();
    holding_slot_ = false;
  }
}

BETTERPROMPT_DECL void call_operation::finish(boost::system::error_code ec) {
  done_ = true;
  ++generation_;
  release_attempt_resources(false);
  leave_registry();
  result_.exchange = {request_written_, attempt_status_, answer_complete_, sent_at_};
  result_.attempts = attempts_;
  if (ec) {
    // Whatever ended the call, it keeps what the last answer already told.
    diagnostics& diag = result_.failure;
    if (diag.http_status == 0) diag.http_status = last_answer_.status;
    if (diag.request_id.empty()) diag.request_id = std::move(last_answer_.request_id);
    if (diag.retry_after_seconds < 0) diag.retry_after_seconds = last_answer_.retry_after_seconds;
    diag.attempts = attempts_;
  } else {
    result_.request_id = std::move(last_answer_.request_id);  // the answer's own
  }
  notify(event_kind::call_finished, [&](event& e) {
    e.http_status = ec ? result_.failure.http_status : result_.http_status;
    e.error = ec;
    e.duration = microseconds_since(started_);
    e.request_id = ec ? result_.failure.request_id : result_.request_id;
    e.bytes_out = http_request_.size();
    e.bytes_in = result_.body.size();
  });
  result_.what = std::move(request_.what);  // the call is over: its name goes with the answer
  caller_.complete_from(shared_from_this(), ec, result_);
}

}  // namespace betterprompt::detail
