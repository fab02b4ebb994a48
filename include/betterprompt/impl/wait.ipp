// Body of wait_for_run.
#pragma once

#include <betterprompt/detail/call.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/wait.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace betterprompt {

namespace detail {

// `last_status` outlives this coroutine: the caller's || waits for both branches to finish.
inline boost::asio::awaitable<run> poll_until_finished(std::shared_ptr<client_impl> impl,
                                                       std::string run_id,
                                                       std::chrono::milliseconds interval,
                                                       run_status& last_status) {
  boost::asio::steady_timer timer(impl->executor());
  for (;;) {
    run current = co_await fetch_run(impl, run_id);
    if (current.finished()) co_return current;
    last_status = current.status;
    timer.expires_after(interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

inline boost::asio::awaitable<run> wait_until_finished(std::shared_ptr<client_impl> impl,
                                                       std::string run_id, wait_options options) {
  using namespace boost::asio::experimental::awaitable_operators;
  require_id(run_id, "run_id");
  run_status last_status = run_status::unknown;
  if (options.timeout.count() <= 0) {
    run finished = co_await poll_until_finished(impl, run_id, options.poll_interval, last_status);
    co_return finished;
  }
  boost::asio::steady_timer deadline(impl->executor(), options.timeout);
  auto outcome = co_await (poll_until_finished(impl, run_id, options.poll_interval, last_status) ||
                           deadline.async_wait(boost::asio::use_awaitable));
  if (outcome.index() == 0) co_return std::move(std::get<0>(outcome));

  diagnostics diag;
  diag.message = "run " + run_id + " did not finish within " +
                 std::to_string(options.timeout.count()) +
                 " ms (last status: " + std::string(to_string(last_status)) + ")";
  diag.data = {{"runId", run_id}, {"lastStatus", to_string(last_status)}};
  throw error_with_diagnostics(error::wait_timeout, std::move(diag));
}

}  // namespace detail

BETTERPROMPT_DECL boost::asio::awaitable<run> wait_for_run(client& c, std::string run_id,
                                                           wait_options options) {
  auto impl = detail::impl_of(c);
  run finished = co_await detail::wait_until_finished(std::move(impl), std::move(run_id), options);
  co_return finished;
}

}  // namespace betterprompt
