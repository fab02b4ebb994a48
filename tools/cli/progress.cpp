// SPDX-License-Identifier: BSL-1.0
// Waiting for a run with progress.
#include "progress.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

bool on_terminal() { return ::isatty(STDOUT_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

namespace {
std::string seconds_text(clock::duration d) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << std::chrono::duration<double>(d).count() << " s";
  return text.str();
}
}  // namespace

asio::awaitable<bp::run> wait_with_progress(context& ctx, std::string run_id,
                                            std::chrono::seconds timeout) {
  static constexpr const char* frames[] = {"|", "/", "-", "\\"};
  const bool terminal = on_terminal();
  const auto start = clock::now();
  const auto deadline = timeout.count() > 0 ? start + timeout : clock::time_point::max();
  auto interval = std::chrono::milliseconds(1000);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  bp::run_status shown = bp::run_status::unknown;
  for (int frame = 0;;) {
    std::string id = run_id;
    bp::run r = co_await bp::get_run(ctx.client, std::move(id));
    if (r.status != shown && !terminal)
      std::cerr << "run " << run_id << ": " << bp::to_string(r.status) << " after "
                << seconds_text(clock::now() - start) << std::endl;
    shown = r.status;
    if (r.finished()) {
      if (terminal) std::cerr << "\r\033[K" << std::flush;
      co_return r;
    }
    const auto next_poll = clock::now() + interval;
    if (next_poll > deadline) {
      if (terminal) std::cerr << "\r\033[K" << std::flush;
      bp::diagnostics diag;
      diag.message = "run " + run_id + " did not finish within " + seconds_text(timeout) +
                     " (last status: " + std::string(bp::to_string(r.status)) + ")";
      diag.data = {{"runId", run_id}, {"lastStatus", bp::to_string(r.status)}};
      throw bp::error_with_diagnostics(bp::error::wait_timeout, std::move(diag));
    }
    interval = std::min(std::chrono::milliseconds(10000),
                        std::chrono::milliseconds(static_cast<long>(interval.count() * 1.5)));
    while (clock::now() < next_poll) {
      if (terminal)
        std::cerr << "\r\033[K" << frames[frame++ % 4] << " run " << run_id << " "
                  << bp::to_string(r.status) << ", " << seconds_text(clock::now() - start)
                  << ", next poll in " << seconds_text(next_poll - clock::now()) << std::flush;
      timer.expires_at(terminal ? std::min(next_poll, clock::now() + std::chrono::milliseconds(100))
                                : next_poll);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }
}

}  // namespace betterprompt_cli
