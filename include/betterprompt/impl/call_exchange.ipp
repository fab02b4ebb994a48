// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::call_operation, continued: the exchange on a connection (write the request,
// read and parse the answer) and the I/O deadline every step on the connection runs under.
#pragma once

#include <betterprompt/detail/operations/call_op.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/error.hpp>

namespace betterprompt::detail {

BETTERPROMPT_DECL void call_operation::limit_io(std::chrono::milliseconds budget) {
  const step_limit limit = limit_for(budget);
  phase_limited_by_total_ = limit.is_total;
  const auto deadline =
      limit.limit.count() > 0 ? clock::now() + limit.limit : clock::time_point::max();
  if (io_deadline_.set(deadline)) arm_io_deadline();
}

BETTERPROMPT_DECL void call_operation::arm_io_deadline() {
  const std::uint64_t id = io_deadline_.arm();
  timer().expires_at(io_deadline_.deadline());
  timer().async_wait(boost::asio::bind_executor(
      executor_, [self = shared_from_this(), id](boost::system::error_code) {
        if (self->done_) return;
        switch (self->io_deadline_.wait_ended(id, clock::now())) {
          case io_deadline::verdict::ignore:
            return;
          case io_deadline::verdict::wait_again:
            return self->arm_io_deadline();
          case io_deadline::verdict::expired:
            self->io_timed_out_ = true;
            if (self->connection_) self->connection_->close();  // the pending step fails
        }
      }));
}

BETTERPROMPT_DECL void call_operation::write() {
  if (request_.create_ticket != 0 && state_.draining()) {
    result_ = api_response{};
    result_.failure.message = request_.what +
                              ": not sent: the client is closing gracefully "
                              "(close_gracefully) and starts no new create";
    return finish(error::client_closed);
  }
  if (request_.create_ticket != 0) {
    // Asked at the last moment, so that a hold stops every create that has not written yet.
    auto resume = step([](call_operation& self) {
      self.cancel_timer();
      self.next_attempt();
    });
    if (!client_->accounting().try_write(
            request_.create_ticket,
            [resume = std::move(resume)]() mutable { boost::asio::post(std::move(resume)); }))
      return hold_create();
  }
  phase_ = call_phase::write;
  written_ = sent_ = true;
  ++attempts_;
  sent_at_ = std::chrono::system_clock::now();  // a create's record; the Date header's sample
  write_started_ = stamp();
  if (request_.create_ticket != 0)
    notify(event_kind::create_sent, [this](event& e) {
      e.prompt_version_id = request_.create_version;
      e.sent_at = sent_at_;
    });
  limit_io(client_->options().timeouts.write);
  connection_->async_write(
      http_request_,
      io_step([](call_operation& self, boost::system::error_code ec, std::size_t bytes) {
        // Counted, not read from `ec`: the deadline may have closed the
        // connection after the last byte went out.
        self.request_written_ = bytes == self.http_request_.size();
        if (ec) return self.exchange_failed(ec);
        self.phase_ = call_phase::response_headers;
        self.limit_io(self.client_->options().timeouts.response_headers);
        self.expect_answer();
        self.parse();
      }));
}

BETTERPROMPT_DECL void call_operation::hold_create() {
  if (held_since_ == clock::time_point{}) held_since_ = clock::now();
  release_attempt_resources(true);  // nothing was written: the connection is as good as idle
  phase_ = call_phase::held;
  if (deadline_ == clock::time_point::max()) return;
  timer().expires_at(deadline_);
  timer().async_wait(
      step([](call_operation& self, boost::system::error_code) { self.held_too_long(); }));
}

BETTERPROMPT_DECL void call_operation::held_too_long() {
  const auto held =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - held_since_);
  result_ = api_response{};
  result_.failure.message = request_.what + ": held for " + std::to_string(held.count()) +
                            " ms at its write point while a reconciliation listed the runs of "
                            "its prompt version, until its total timeout; never sent";
  result_.failure.data = {{"phase", "held"}};
  finish(error::create_held);
}

BETTERPROMPT_DECL void call_operation::expect_answer() {
  parser_.emplace();
  parser_->body_limit(body_limit());
  parser_->eager(true);  // the body is parsed as it arrives, with the header
}

BETTERPROMPT_DECL void call_operation::read() {
  connection_->async_read_some(
      io_step([](call_operation& self, boost::system::error_code ec, std::size_t bytes) {
        self.response_started_ = self.response_started_ || bytes > 0;
        self.connection_->received(*self.parser_, ec, bytes);
        if (ec) return self.exchange_failed(ec);
        self.parse();
      }));
}

// Interim answers (100, 102, 103) share the headers budget with the final one.
BETTERPROMPT_DECL void call_operation::parse() {
  for (;;) {
    boost::system::error_code ec;
    connection_->parse(*parser_, ec);
    // A header parsed with an error after it (a body over the limit) still counts as read.
    if (phase_ == call_phase::response_headers && parser_->is_header_done()) {
      const unsigned status = parser_->get().result_int();
      if (status < 200) {
        if (ec) return exchange_failed(ec);
        // 101 would hand the connection to another protocol; endless 1xx is a hostile server.
        if (status == 101 || interim_answers_++ >= 8) {
          refused_interim_ = status;
          return exchange_failed(http::error::bad_status);
        }
        expect_answer();  // the final answer's header may be buffered already
        continue;
      }
      phase_ = call_phase::response_body;
      headed();
      if (!ec) limit_io(client_->options().timeouts.response_body);
    }
    if (ec) return exchange_failed(ec);
    if (parser_->is_done()) return answered();
    return read();
  }
}

}  // namespace betterprompt::detail
