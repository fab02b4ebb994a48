// SPDX-License-Identifier: BSL-1.0
// One API call as a composed operation: rate limit, a connection slot, a connection (idle or new),
// the exchange, and the retry decision, in one loop whose steps never run at once. The decisions
// are the decisions/ functions; this file only performs what they decide. Failures travel as
// error_code plus diagnostics, never as exceptions.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/operations/call_phase.hpp>
#include <betterprompt/detail/operations/caller_completion.hpp>
#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/transport/connection.hpp>
#include <betterprompt/detail/transport/connection_slots.hpp>
#include <betterprompt/detail/decisions/io_deadline.hpp>
#include <betterprompt/detail/decisions/rate_limit_state.hpp>
#include <betterprompt/detail/decisions/retry.hpp>
#include <betterprompt/detail/transport/http_types.hpp>
#include <betterprompt/detail/operations/operation_registry.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/events.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace betterprompt::detail {

/// The state of one call. Every handler it starts carries its executor (executor_) and the step it
/// belongs to: a handler of a step that is over (raced by a timer, a cancellation or close()) does
/// nothing.
class call_operation final : public registered_operation,
                             public std::enable_shared_from_this<call_operation> {
 public:
  using handler_type = caller_completion<call_signature>::handler_type;

  call_operation(std::shared_ptr<client_handle> client, api_request request, handler_type handler);
  ~call_operation();

  /// Connects the handler's cancellation slot and starts the first step (never inline).
  void start();

  void on_client_closed() noexcept override;
  /// From any thread: the caller's cancellation of `type`, handled on the call's executor.
  void post_cancel(boost::asio::cancellation_type_t type);

 private:
  using clock = std::chrono::steady_clock;
  using results_type = boost::asio::ip::tcp::resolver::results_type;

  /// The limit of one step: its phase budget, or what the total deadline leaves when that is less.
  struct step_limit {
    std::chrono::milliseconds limit{0};  ///< Zero: no limit.
    bool is_total = false;               ///< The total deadline, not the phase, sets it.
  };

  // The steps, in order; each starts one asynchronous operation or decides.
  void begin();
  void next_attempt();
  void reserve_rate();
  void acquire_slot();
  void use_connection();
  void resolve();
  void connect(const results_type& endpoints);
  void tunnel();
  void handshake();
  void opened();
  void write();
  /// A create whose prompt version a reconciliation holds: gives back its connection and slot
  /// and waits, until the hold ends (then it starts the attempt again) or its deadline passes.
  void hold_create();
  void held_too_long();
  /// A new parser for the next answer on the connection.
  void expect_answer();
  void read();
  /// Parses what the connection has buffered: moves to the body's phase after the header, skips
  /// interim answers, and reads more until the answer is complete.
  void parse();
  /// After a final answer's header: keeps its status, request id and Retry-After (what every
  /// failure from now on reports), and notes a resources change it announces.
  void headed();
  void answered();
  void attempt_failed(boost::system::error_code ec, diagnostics diag);
  void decide(const attempt_outcome& outcome);

  // Failures of the exchange and of opening a connection, as the caller sees them.
  void exchange_failed(const boost::system::error_code& ec);
  /// Where opening a connection failed: it decides the error code, the text only explains.
  enum class open_failure { connect, host_verification, tls_handshake };
  void open_failed(const boost::system::error_code& ec, open_failure kind,
                   const std::string& failure);
  void total_timeout();
  /// The proxy answered CONNECT with `status` (not 2xx, or with stray bytes).
  void tunnel_refused(unsigned status, const std::string& reason);

  void cancel(boost::asio::cancellation_type_t type);
  /// Ends the call now with `ec`: whatever step is pending is cancelled and its handler ignored.
  void abort(boost::system::error_code ec, std::string message);
  void finish(boost::system::error_code ec);
  void release_attempt_resources(bool keep_connection);

  step_limit limit_for(std::chrono::milliseconds phase_budget) const;
  /// The largest answer body taken: the request's own bound, else the client's.
  std::size_t body_limit() const noexcept {
    return request_.max_body ? request_.max_body : client_->options().max_response_body;
  }
  /// Limits the connection's I/O from now on to `phase_budget` (or what the total deadline
  /// leaves): when it runs out, the connection is closed and the pending step fails with
  /// beast::error::timeout (see io_step()).
  void limit_io(std::chrono::milliseconds phase_budget);
  /// Waits on the timer until io_deadline_'s deadline; closes the connection when it passes.
  void arm_io_deadline();
  /// Calls the client's event hook, when it has one, with an event of `kind` about this call that
  /// `fill` completes.
  template <class Fill>
  void notify(event_kind kind, Fill fill);
  /// Now, when a hook will want durations; a default time point otherwise (no clock read).
  clock::time_point stamp() const noexcept { return hooked_ ? clock::now() : clock::time_point(); }
  /// A handler for the current step: runs `f(*this, args...)` on executor_ unless the step is
  /// over by then.
  template <class F>
  auto step(F f);
  /// step() for an I/O step on the connection: `f(*this, ec, args...)` gets
  /// beast::error::timeout as `ec` when the I/O deadline closed the connection under it.
  template <class F>
  auto io_step(F f);

  std::shared_ptr<client_handle> client_;
  origin* origin_ = nullptr;  ///< Where the request goes: the API's origin, or request_.to.
  client_state& state_;
  api_request request_;  // before executor_, which may refer to request_.runs_on
  /// Runs the call's steps one at a time: request_.runs_on when set (a wait's), else one the
  /// client chose (client_state::call_executor). A reference: no copy per call.
  const boost::asio::any_io_executor& executor_;
  std::string http_request_;  ///< The request as written.
  caller_completion<call_signature> caller_;

  std::uint64_t generation_ = 0;  ///< Bumped when a step ends: older handlers do nothing.
  bool done_ = false;
  bool sent_ = false;  ///< Request bytes may have reached the server (in any attempt).
  unsigned attempts_ = 0;  ///< Attempts that began writing the request (retries, resends).
  clock::time_point deadline_ = clock::time_point::max();
  call_phase phase_ = call_phase::queued;
  bool phase_limited_by_total_ = false;

  int retry_ = 0;
  int stale_resends_ = 0;
  bool written_ = false;    ///< This attempt's request bytes may have reached the server.
  bool transient_ = false;  ///< This attempt failed before sending, worth another try.
  bool reused_ = false;     ///< This attempt's connection came from the idle list.
  std::chrono::milliseconds reused_idle_for_{0};  ///< How long that connection had been idle.
  bool response_started_ = false;
  bool request_written_ = false;  ///< This attempt handed its whole request to the network.
  unsigned attempt_status_ = 0;   ///< The final status line this attempt read.
  bool answer_complete_ = false;  ///< This attempt read a whole answer.
  std::optional<std::chrono::system_clock::time_point>
      sent_at_;  ///< When this attempt's write began.
  /// The last final status line any attempt read, and its fields: what a failure reports.
  struct {
    unsigned status = 0;
    std::string request_id;
    int retry_after_seconds = -1;
  } last_answer_;
  int interim_answers_ = 0;
  unsigned refused_interim_ = 0;
  bool skip_idle_ = false;  ///< The next attempt opens a new connection (after a stale one).
  boost::system::error_code failure_;  ///< The last attempt's failure.

  bool hooked_ = false;  ///< The client has an event hook.
  clock::time_point started_{}, slot_wait_started_{}, open_started_{}, handshake_started_{};
  clock::time_point write_started_{};  ///< When the attempt's request began going out (hooked).
  clock::time_point held_since_{};  ///< When a reconciliation's hold first stopped this create.

  /// For waits of the call's own (rate limit, a slot, backoff, the name lookup): made on first use,
  /// since most calls never wait, and making a timer looks up its service under a lock.
  std::optional<boost::asio::steady_timer> timer_;
  boost::asio::steady_timer& timer() {
    if (!timer_) timer_.emplace(state_.executor());
    return *timer_;
  }
  void cancel_timer() {
    if (!timer_) return;
    timer_->cancel();
    io_deadline_.disarm();  // a deadline wait already completing does nothing
  }
  io_deadline io_deadline_;    ///< The pending I/O step's deadline, on timer_.
  bool io_timed_out_ = false;  ///< The deadline closed this attempt's connection.
  std::optional<rate_limit_state::reservation> reservation_;
  std::shared_ptr<connection_slots::waiter> slot_waiter_;
  bool holding_slot_ = false;
  std::unique_ptr<connection> connection_;
  std::optional<connection::parser_type> parser_;
  std::optional<connection::tunnel_parser_type> tunnel_parser_;
  api_response result_;
};

/// Starts one call through `client`'s transport; completes with call_signature.
template <class CompletionToken>
auto async_call(std::shared_ptr<client_handle> client, api_request request,
                CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, call_signature>(
      [](auto handler, std::shared_ptr<client_handle> client, api_request request) {
        auto op =
            std::make_shared<call_operation>(std::move(client), std::move(request),
                                             call_operation::handler_type(std::move(handler)));
        op->start();
      },
      token, std::move(client), std::move(request));
}

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
// In this order: call_op.ipp uses call_failures.ipp's helpers, call_exchange.ipp and
// call_connect.ipp its step().
// clang-format off
#include <betterprompt/impl/call_failures.ipp>
#include <betterprompt/impl/call_op.ipp>
#include <betterprompt/impl/call_exchange.ipp>
#include <betterprompt/impl/call_connect.ipp>
// clang-format on
#endif
