// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::wait_operation.
#pragma once

#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/detail/operations/run_answer.hpp>
#include <betterprompt/detail/operations/wait_op.hpp>
#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/wait.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <utility>

namespace betterprompt::detail {

BETTERPROMPT_DECL wait_operation::wait_operation(std::shared_ptr<client_handle> client,
                                                 std::string run_id, wait_options options,
                                                 handler_type handler)
    : client_(std::move(client)),
      executor_(client_->state().wait_executor()),
      polls_{&decode_run_answer, nullptr, nullptr, run_id, std::move(run_id)},
      schedule_{options.poll_interval, options.poll_multiplier, options.max_poll_interval},
      timeout_(options.timeout),
      caller_(std::move(handler), client_->executor()),
      interval_(options.poll_interval),
      timer_(client_->executor()) {
  if (options.on_poll) on_poll_ = std::make_unique<poll_hook>(std::move(options.on_poll));
}

BETTERPROMPT_DECL void wait_operation::report_poll(
    const run& r, std::chrono::milliseconds next_poll_in) noexcept {
  if (!on_poll_) return;
  try {
    (*on_poll_)(r, next_poll_in);
  } catch (...) {
    // A progress display must not end the wait it shows.
  }
}

BETTERPROMPT_DECL wait_operation::~wait_operation() {
  // First, while the object is whole: close() may be walking the registry on another thread.
  leave_registry();
}

BETTERPROMPT_DECL void wait_operation::start() {
  caller_.relay_cancellation_to(weak_from_this());
  boost::asio::post(executor_, [self = shared_from_this()] {
    diagnostics refusal;
    if (auto refused = refuse_empty_id(self->polls_.run_id, "run_id", refusal))
      return self->finish(refused, {}, std::move(refusal));
    if (!self->client_->state().operations().add(*self)) return self->closed();
    if (self->timeout_.count() > 0) self->deadline_ = clock::now() + self->timeout_;
    self->poll();
  });
}

BETTERPROMPT_DECL void wait_operation::post_cancel(boost::asio::cancellation_type_t type) {
  if (type == boost::asio::cancellation_type::none) return;  // any other type ends a wait
  boost::asio::post(executor_, [self = shared_from_this()] { self->cancel(); });
}

BETTERPROMPT_DECL void wait_operation::on_client_closed() noexcept {
  if (auto self = weak_from_this().lock())
    boost::asio::post(executor_, [self] {
      // A poll in flight is a registered call too, and ends with client_closed on its own.
      if (!self->polling_ && !self->done_) self->closed();
    });
}

BETTERPROMPT_DECL void wait_operation::poll() {
  auto request =
      api_request::get(routes::get_run, routes::get_run.target(percent_encode(polls_.run_id)));
  request.deadline = deadline_;
  request.runs_on = executor_;
  polling_ = true;
  async_call(client_, std::move(request),
             boost::asio::bind_cancellation_slot(
                 poll_cancel_.slot(),
                 boost::asio::bind_executor(
                     executor_, [self = shared_from_this()](boost::system::error_code ec,
                                                            api_response answer) {
                       self->polling_ = false;
                       self->polled(ec, std::move(answer));
                     })));
}

BETTERPROMPT_DECL void wait_operation::polled(boost::system::error_code ec, api_response answer) {
  if (done_) return;
  if (ec == error::client_closed) return closed();
  run polled_run;
  diagnostics diag;
  ec = read_answer(ec, std::move(answer), polls_, polled_run, diag);
  requests_ += diag.attempts;
  poll_result result = poll_result::failed;
  if (!ec) {
    last_status_ = polled_run.status;
    result = polled_run.finished() ? poll_result::finished : poll_result::pending;
  } else {
    result = poll_failure(ec, diag.http_status);
  }
  const int retry_after = ec ? diag.retry_after_seconds : -1;
  if (result == poll_result::transient || result == poll_result::rate_limited) {
    // The wait's own deadline may be what ended this poll (a timeout in phase "total"): that is
    // the wait timing out, not a failure to keep.
    const bool own_deadline = clock::now() >= deadline_;
    if (!(own_deadline && ec == error::timeout)) keep_last_failure(ec, diag);
    if (own_deadline) return wait_timed_out();
  }
  const poll_step next = plan_poll(schedule_, client_->options().retry, interval_, result,
                                   retry_after, time_left_until(deadline_, clock::now()));
  if (!ec)
    report_poll(polled_run,
                next.action == poll_action::sleep ? next.delay : std::chrono::milliseconds(0));
  switch (next.action) {
    case poll_action::done:
      return finish({}, std::move(polled_run), std::move(diag));
    case poll_action::fail:
      return finish(ec, {}, std::move(diag));
    case poll_action::sleep:
      interval_ = next.next_interval;
      return sleep(next.delay);
  }
}

BETTERPROMPT_DECL void wait_operation::sleep(std::chrono::milliseconds delay) {
  const auto wake = clock::now() + delay;
  timer_.expires_at(std::min(wake, deadline_));
  timer_.async_wait(boost::asio::bind_allocator(
      sleep_allocator(sleep_memory_),
      boost::asio::bind_executor(executor_, [self = shared_from_this(),
                                             generation = generation_](boost::system::error_code) {
        if (generation != self->generation_ || self->done_) return;
        ++self->generation_;
        if (clock::now() >= self->deadline_) return self->wait_timed_out();
        self->poll();
      })));
}

BETTERPROMPT_DECL void wait_operation::cancel() {
  if (done_) return;
  if (polling_) {
    poll_cancel_.emit(boost::asio::cancellation_type::terminal);  // the poll ends, then the wait
    return;
  }
  ++generation_;
  timer_.cancel();
  diagnostics diag;
  diag.message = "wait for run " + polls_.run_id + ": cancelled";
  finish(boost::asio::error::operation_aborted, {}, std::move(diag));
}

BETTERPROMPT_DECL void wait_operation::closed() {
  ++generation_;
  timer_.cancel();
  diagnostics diag;
  diag.message = "wait for run " + polls_.run_id + ": client closed";
  finish(error::client_closed, {}, std::move(diag));
}

BETTERPROMPT_DECL void wait_operation::keep_last_failure(boost::system::error_code ec,
                                                         const diagnostics& diag) {
  last_failure_ = std::make_unique<last_failure>(last_failure{ec, diag});
}

BETTERPROMPT_DECL void wait_operation::wait_timed_out() {
  diagnostics diag;
  diag.message = "run " + polls_.run_id + " did not finish within " +
                 std::to_string(timeout_.count()) +
                 " ms (last status: " + std::string(to_string(last_status_)) + ")";
  diag.data = {{"runId", polls_.run_id}, {"lastStatus", to_string(last_status_)}};
  if (last_failure_) {
    // What kept it from learning more: the last poll that failed on the way.
    const diagnostics& failed = last_failure_->diag;
    diag.message += "; the last failed poll: " + failed.message;
    diag.http_status = failed.http_status;
    diag.request_id = failed.request_id;
    diag.retry_after_seconds = failed.retry_after_seconds;
    boost::json::object last{{"code", error::code_name(last_failure_->code)},
                             {"message", failed.message}};
    if (failed.http_status != 0) last["httpStatus"] = failed.http_status;
    if (!failed.request_id.empty()) last["requestId"] = failed.request_id;
    diag.data.as_object()["lastError"] = std::move(last);
  }
  finish(error::wait_timeout, {}, std::move(diag));
}

BETTERPROMPT_DECL void wait_operation::finish(boost::system::error_code ec, run finished,
                                              diagnostics diag) {
  done_ = true;
  leave_registry();
  diag.attempts = requests_;  // every poll's, retries included
  caller_.complete(ec, std::move(finished), std::move(diag));
}

BETTERPROMPT_DECL void start_wait_for_run(std::shared_ptr<client_handle> client, std::string run_id,
                                          const wait_options& options,
                                          operation_completion<run> handler) {
  std::make_shared<wait_operation>(std::move(client), std::move(run_id), options,
                                   std::move(handler))
      ->start();
}

}  // namespace betterprompt::detail
