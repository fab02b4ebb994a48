// SPDX-License-Identifier: BSL-1.0
// What a long command is doing, on stderr: on a terminal one line redrawn ten times a second (the
// phase, the time since the command began, the next poll); otherwise one plain line per change,
// with no control characters at all.
#pragma once

#include <betterprompt/events.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace betterprompt_cli {

/// True when both stdout and stderr are terminals (progress may redraw a line).
bool on_terminal();

/// The progress line of `run` and `wait`. Fed by the client's events (the create going out and
/// its answer) and by wait_options::on_poll; inert until start().
class progress_line {
 public:
  using clock = std::chrono::steady_clock;

  explicit progress_line(bool terminal) : terminal_(terminal) {}

  /// Shows progress from now on; `run_id` is the run waited for (empty: one is being created).
  void start(std::string run_id = {});
  /// The client's event hook calls this: create_sent and create_settled move the phase.
  void on_event(const betterprompt::event& e);
  /// wait_options::on_poll: the run as it is now, and when the next poll comes.
  void polled(const betterprompt::run& r, std::chrono::milliseconds next_poll_in);
  /// The create's answer was lost: its run is being looked for.
  void reconciling();
  /// Erases the line (a terminal) and stops showing progress: what follows starts a clean line.
  void stop();
  /// Redraws the line every 100 ms while shown, on a terminal; returns at once otherwise.
  boost::asio::awaitable<void> animate();

 private:
  /// Seconds since start(), as shown.
  std::string elapsed() const;
  enum class phase { idle, creating, waiting, reconciling };
  void draw();
  void say(const std::string& line);

  bool terminal_;
  phase phase_ = phase::idle;
  bool shown_ = false;
  clock::time_point start_{};
  clock::time_point next_poll_{};
  std::string run_id_;
  std::string status_;
  int frame_ = 0;
  boost::asio::steady_timer* timer_ = nullptr;
};

}  // namespace betterprompt_cli
