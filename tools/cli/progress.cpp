// SPDX-License-Identifier: BSL-1.0
// The progress line of `run` and `wait`.
#include "progress.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <sstream>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;

bool on_terminal() { return ::isatty(STDOUT_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

namespace {
std::string seconds_text(std::chrono::steady_clock::duration d) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1)
       << std::max(0.0, std::chrono::duration<double>(d).count()) << " s";
  return text.str();
}
}  // namespace

std::string progress_line::elapsed() const { return seconds_text(clock::now() - start_); }

void progress_line::start(std::string run_id) {
  start_ = clock::now();
  shown_ = true;
  run_id_ = std::move(run_id);
  phase_ = run_id_.empty() ? phase::creating : phase::waiting;
  if (phase_ == phase::creating)
    say("creating the run (the API may hold the create for up to 2 minutes)");
  draw();
}

void progress_line::on_event(const bp::event& e) {
  if (!shown_) return;
  if (e.kind == bp::event_kind::create_sent && phase_ != phase::creating) {
    phase_ = phase::creating;
    say("creating the run again (the API may hold the create for up to 2 minutes)");
  } else if (e.kind == bp::event_kind::create_settled && !e.run_id.empty()) {
    run_id_ = std::string(e.run_id);
    phase_ = phase::waiting;
    say("run " + run_id_ + ": created after " + elapsed());
  }
  draw();
}

void progress_line::polled(const bp::run& r, std::chrono::milliseconds next_poll_in) {
  if (!shown_) return;
  if (run_id_.empty()) run_id_ = r.run_id;
  phase_ = phase::waiting;
  next_poll_ = clock::now() + next_poll_in;
  const std::string status(bp::to_string(r.status));
  if (status != status_) say("run " + run_id_ + ": " + status + " after " + elapsed());
  status_ = status;
  draw();
}

void progress_line::reconciling() {
  shown_ = true;
  phase_ = phase::reconciling;
  say("the create's outcome is unknown: looking for its run");
  draw();
}

void progress_line::stop() {
  if (terminal_ && shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
  phase_ = phase::idle;
  if (timer_) timer_->cancel();
}

void progress_line::say(const std::string& line) {
  if (!terminal_) std::cerr << line << std::endl;
}

void progress_line::draw() {
  if (!terminal_ || !shown_) return;
  static constexpr const char* frames[] = {"|", "/", "-", "\\"};
  std::cerr << "\r\033[K" << frames[frame_++ % 4] << ' ';
  switch (phase_) {
    case phase::creating:
      std::cerr << "creating the run, " << elapsed() << " (the API may hold it up to 2 min)";
      break;
    case phase::waiting:
      std::cerr << "run " << run_id_ << ' ' << (status_.empty() ? "created" : status_) << ", "
                << elapsed();
      if (next_poll_ > clock::now())
        std::cerr << ", next poll in " << seconds_text(next_poll_ - clock::now());
      break;
    case phase::reconciling:
      std::cerr << "looking for the run of an unanswered create, " << elapsed();
      break;
    case phase::idle:
      break;
  }
  std::cerr << std::flush;
}

asio::awaitable<void> progress_line::animate() {
  if (!terminal_) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer_ = &timer;
  while (shown_) {
    timer.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    draw();
  }
  timer_ = nullptr;
}

}  // namespace betterprompt_cli
