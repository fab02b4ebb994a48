// SPDX-License-Identifier: BSL-1.0
// wait_for_run as a composed operation: poll, decide (plan_poll), sleep on a timer, repeat. While
// it sleeps it holds this small object and a timer: no coroutine frame, no connection.
#pragma once

#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/decisions/poll_plan.hpp>
#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/operations/call_op.hpp>
#include <betterprompt/detail/operations/caller_completion.hpp>
#include <betterprompt/detail/operations/inline_handler_memory.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/detail/operations/operation_registry.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/wait_options.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace betterprompt::detail {

/// The completion of a wait: the finished run, or the failure's diagnostics.
using wait_signature = operation_signature<run>;

class wait_operation final : public registered_operation,
                             public std::enable_shared_from_this<wait_operation> {
 public:
  using handler_type = caller_completion<wait_signature>::handler_type;

  wait_operation(std::shared_ptr<client_handle> client, std::string run_id, wait_options options,
                 handler_type handler);
  ~wait_operation();

  /// Connects the handler's cancellation slot and sends the first poll (never inline).
  void start();
  void on_client_closed() noexcept override;
  /// From any thread: the caller's cancellation (every type ends a wait: it only reads).
  void post_cancel(boost::asio::cancellation_type_t type);

 private:
  using clock = std::chrono::steady_clock;

  void poll();
  void polled(boost::system::error_code ec, api_response answer);
  void sleep(std::chrono::milliseconds delay);
  void cancel();
  void closed();
  void wait_timed_out();
  /// Keeps a failed poll, for the wait_timeout it may end in.
  void keep_last_failure(boost::system::error_code ec, const diagnostics& diag);
  /// Completes the wait with `finished` and `diag` (built only now: a waiting run holds no
  /// result).
  void finish(boost::system::error_code ec, run finished, diagnostics diag);

  std::shared_ptr<client_handle> client_;
  /// Runs the wait's steps and its polls one at a time: the client's executor when the client
  /// need not be thread-safe or its executor is a strand, else a
  /// strand of the wait's own, unlike a call's: a wait lives long, so making a strand costs little
  /// against it, and 10 000 waits spread over the client's few strands measured 1.6 KB more
  /// resident memory per waiter (benchmarks/NOTES.md).
  boost::asio::any_io_executor executor_;
  /// How a poll's answer is read: a run, and the one waited for (`polls_.run_id`).
  answer_reader<run> polls_;
  poll_schedule schedule_;
  std::chrono::milliseconds timeout_;
  caller_completion<wait_signature> caller_;

  clock::time_point deadline_ = clock::time_point::max();
  std::chrono::milliseconds interval_;
  run_status last_status_ = run_status::unknown;
  unsigned requests_ = 0;  ///< Requests the polls sent, retries included.
  /// The last poll that failed and was polled past; behind a pointer, so that a waiting run that
  /// never met a failure holds no diagnostics (10 000 waiters are measured for memory).
  struct last_failure {
    boost::system::error_code code;
    diagnostics diag;
  };
  std::unique_ptr<last_failure> last_failure_;
  /// wait_options::on_poll, behind a pointer for the same reason: most waits have none.
  using poll_hook = std::function<void(const run&, std::chrono::milliseconds)>;
  std::unique_ptr<poll_hook> on_poll_;
  void report_poll(const run& r, std::chrono::milliseconds next_poll_in) noexcept;
  boost::asio::steady_timer timer_;
  /// The pending sleep's memory (see inline_handler_memory): its size fits the timer's operation
  /// on the supported compilers; a larger one falls back to the heap.
  static constexpr std::size_t sleep_memory_size = 320;
  using sleep_allocator = inline_handler_allocator<void, sleep_memory_size>;
  inline_handler_memory<sleep_memory_size> sleep_memory_;
  boost::asio::cancellation_signal poll_cancel_;  ///< Reaches the poll in flight.
  bool polling_ = false;
  bool done_ = false;
  std::uint64_t generation_ = 0;  ///< Bumped when a sleep ends: an older timer handler is stale.
};

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/wait_op.ipp>
#endif
