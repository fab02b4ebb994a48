// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::call_operation, continued: opening a connection (resolve, connect, a CONNECT
// tunnel through a proxy, the TLS handshake), each step raced against its phase's budget.
#pragma once

#include <betterprompt/detail/operations/call_op.hpp>

#include <boost/asio/bind_executor.hpp>

#include <memory>
#include <string>

namespace betterprompt::detail {

BETTERPROMPT_DECL void call_operation::resolve() {
  phase_ = call_phase::resolve;
  // Asio cannot interrupt a lookup (getaddrinfo runs on a helper thread): the lookup runs on its
  // own and the call races it against the timer. A late answer finds the call gone and is dropped
  // with the lookup; the lookup never keeps the call alive.
  auto resolver = std::make_shared<boost::asio::ip::tcp::resolver>(state_.executor());
  resolver->async_resolve(
      origin_->connect_host(), origin_->connect_port(),
      boost::asio::bind_executor(
          executor_, [weak = weak_from_this(), generation = generation_, resolver](
                         const boost::system::error_code& ec, results_type endpoints) {
            auto self = weak.lock();
            if (!self || generation != self->generation_ || self->done_) return;
            ++self->generation_;
            self->cancel_timer();
            if (!ec) return self->connect(endpoints);
            self->transient_ = true;
            diagnostics diag;
            diag.message = self->request_.what + ": cannot resolve " +
                           self->origin_->connect_shown() + ": " + ec.message();
            self->attempt_failed(error::connection_failed, std::move(diag));
          }));
  const auto budget = client_->options().timeouts.resolve;
  const step_limit limit = limit_for(budget);
  timer().expires_after(limit.limit.count() > 0 ? limit.limit : std::chrono::hours(24 * 365));
  phase_limited_by_total_ = limit.is_total;
  timer().async_wait(step([budget](call_operation& self, boost::system::error_code) {
    if (self.phase_limited_by_total_) return self.total_timeout();
    self.transient_ = true;
    diagnostics diag;
    diag.message = self.request_.what + ": resolving " + self.origin_->connect_shown() +
                   " took over " + std::to_string(budget.count()) + " ms";
    diag.data = {{"phase", to_string(call_phase::resolve)}};
    self.attempt_failed(error::timeout, std::move(diag));
  }));
}

BETTERPROMPT_DECL void call_operation::connect(const results_type& endpoints) {
  connection_ = state_.connections().make_connection(*origin_);
  phase_ = call_phase::connect;
  limit_io(client_->options().timeouts.connect);
  connection_->async_connect(
      endpoints, [this] { return !io_timed_out_; },  // no next address once out of time
      io_step([](call_operation& self, boost::system::error_code ec, auto&&...) {
        if (ec)
          return self.open_failed(ec, open_failure::connect, "connect failed: " + ec.message());
        std::string failure;
        if (!self.connection_->prepare(self.origin_->address.host, failure))
          return self.open_failed(boost::asio::error::invalid_argument,
                                  open_failure::host_verification, failure);
        if (!self.connection_->is_tls()) return self.opened();
        if (self.origin_->proxy) return self.tunnel();
        self.handshake();
      }));
}

// https through a proxy: CONNECT opens a tunnel to the API host, then TLS runs end to end through
// it. Under the connect phase's budget: the tunnel is part of reaching the host.
BETTERPROMPT_DECL void call_operation::tunnel() {
  connection_->async_write_tunnel_request(
      origin_->tunnel_request,
      io_step([](call_operation& self, boost::system::error_code ec, auto) {
        if (ec)
          return self.open_failed(ec, open_failure::connect,
                                  "sending CONNECT failed: " + ec.message());
        self.tunnel_parser_.emplace();
        self.connection_->async_read_tunnel_answer(
            *self.tunnel_parser_,
            self.io_step([](call_operation& self, boost::system::error_code ec, auto) {
              if (ec)
                return self.open_failed(ec, open_failure::connect,
                                        "reading the answer to CONNECT failed: " + ec.message());
              const auto& answer = self.tunnel_parser_->get();
              const unsigned status = answer.result_int();
              const std::string reason(answer.reason());
              self.tunnel_parser_.reset();
              // Anything past the header would be taken for the TLS server's first bytes.
              if (status / 100 == 2 && self.connection_->buffered() == 0) return self.handshake();
              self.tunnel_refused(status, reason);
            }));
      }));
}

BETTERPROMPT_DECL void call_operation::handshake() {
  phase_ = call_phase::tls_handshake;
  limit_io(client_->options().timeouts.tls_handshake);
  handshake_started_ = stamp();
  connection_->async_handshake(io_step([](call_operation& self, boost::system::error_code ec) {
    if (!ec) {
      self.notify(event_kind::tls_handshake,
                  [&](event& e) { e.duration = microseconds_since(self.handshake_started_); });
      return self.opened();
    }
    self.open_failed(ec, open_failure::tls_handshake,
                     "TLS handshake with " + self.origin_->address.host +
                         " failed: " + self.connection_->tls_failure(ec));
  }));
}

BETTERPROMPT_DECL void call_operation::opened() {
  notify(event_kind::connection_opened,
         [&](event& e) { e.duration = microseconds_since(open_started_); });
  write();
}

}  // namespace betterprompt::detail
