// Body of wait_for_run.
#pragma once

#include <betterprompt/detail/call.hpp>
#include <betterprompt/detail/cancellation.hpp>
#include <betterprompt/detail/fsm/poll_plan.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/wait.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <optional>

namespace betterprompt {

namespace detail {

// `last_status` outlives this coroutine: the caller's parallel group waits for both branches.
inline boost::asio::awaitable<run> poll_until_finished(std::shared_ptr<client_impl> impl,
                                                       std::string run_id, wait_options options,
                                                       run_status& last_status) {
  // A branch of the caller's parallel group: accept every cancellation type, polling only reads.
  co_await detail::accept_every_cancellation();
  const poll_schedule schedule{options.poll_interval, options.poll_multiplier,
                               options.max_poll_interval};
  auto interval = options.poll_interval;
  boost::asio::steady_timer pause(impl->executor());
  const auto deadline = options.timeout.count() > 0
                            ? std::chrono::steady_clock::now() + options.timeout
                            : std::chrono::steady_clock::time_point::max();
  for (;;) {
    std::optional<run> current;
    std::exception_ptr failure;
    poll_result result = poll_result::failed;
    int retry_after = -1;
    try {
      current = co_await fetch_run(impl, run_id, deadline);
      result = current->finished() ? poll_result::finished : poll_result::pending;
      last_status = current->status;
    } catch (const error_with_diagnostics& e) {
      failure = std::current_exception();
      if (e.code() == error::rate_limited) {
        result = poll_result::rate_limited;
        retry_after = e.get_diagnostics().retry_after_seconds;
      }
    }
    const auto time_left = time_left_until(deadline, std::chrono::steady_clock::now());
    const poll_step step =
        plan_poll(schedule, impl->options().retry, interval, result, retry_after, time_left);
    if (step.action == poll_action::done) co_return std::move(*current);
    if (step.action == poll_action::fail) std::rethrow_exception(failure);
    interval = step.next_interval;
    pause.expires_after(step.delay);
    co_await pause.async_wait(boost::asio::use_awaitable);
  }
}

inline boost::asio::awaitable<run> wait_on_strand(std::shared_ptr<client_impl> impl,
                                                  std::string run_id, wait_options options) {
  namespace exp = boost::asio::experimental;
  using boost::asio::deferred;
  // A new coroutine thread (see wait_until_finished): waiting only reads, so every cancellation
  // type ends it; the group below then sees terminal cancellation only.
  co_await detail::accept_every_cancellation();
  run_status last_status = run_status::unknown;
  auto deadline = timer_for_limit(impl->executor(), options.timeout);
  // Whichever ends first — the polling (with its run or its error), the deadline or the client's
  // close() — cancels the others. (The awaitable || would wait out the deadline after a failed
  // poll.)
  auto ex = co_await boost::asio::this_coro::executor;
  auto [order, failure, finished, deadline_ec, closed_ec] =
      co_await exp::make_parallel_group(
          boost::asio::co_spawn(ex, poll_until_finished(impl, run_id, options, last_status),
                                deferred),
          deadline.async_wait(deferred), impl->pool().async_wait_closed(deferred))
          .async_wait(exp::wait_for_one(), deferred);
  if (!failure) co_return std::move(finished);
  if (order[0] == 2 && connection_pool::closed_by(closed_ec))
    throw_client_error(error::client_closed, "wait for run " + run_id + ": client closed");
  if (order[0] != 1 || deadline_ec) std::rethrow_exception(failure);

  diagnostics diag;
  diag.message = "run " + run_id + " did not finish within " +
                 std::to_string(options.timeout.count()) +
                 " ms (last status: " + std::string(to_string(last_status)) + ")";
  diag.data = {{"runId", run_id}, {"lastStatus", to_string(last_status)}};
  throw error_with_diagnostics(error::wait_timeout, std::move(diag));
}

inline boost::asio::awaitable<run> wait_until_finished(std::shared_ptr<client_impl> impl,
                                                       std::string run_id, wait_options options) {
  require_id(run_id, "run_id");
  // The wait's parallel group completes, and cancels its branches, from whichever thread its
  // first branch ends on; on a strand of its own that never races the polling coroutine, even when
  // the caller runs on a multi-threaded io_context without a strand.
  auto ex = co_await boost::asio::this_coro::executor;
  run finished = co_await boost::asio::co_spawn(
      boost::asio::make_strand(ex), wait_on_strand(std::move(impl), std::move(run_id), options),
      boost::asio::use_awaitable);
  co_return finished;
}

}  // namespace detail

BETTERPROMPT_DECL boost::asio::awaitable<run> detail::wait_for_run_op(
    std::shared_ptr<client_impl> state, std::string run_id, wait_options options) {
  run finished = co_await wait_until_finished(std::move(state), std::move(run_id), options);
  co_return finished;
}

}  // namespace betterprompt
