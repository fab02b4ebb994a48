// SPDX-License-Identifier: BSL-1.0
// The commands of `betterprompt`, each a coroutine on the SDK's public API that prints its result
// (human-readable, or the API's data as JSON with --json) and returns the exit status.
#pragma once

#include "arguments.hpp"

#include <betterprompt/betterprompt.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <iostream>
#include <string>

namespace betterprompt_cli {

class progress_line;

/// The documented exit statuses.
enum exit_status : int {
  success = 0,
  api_or_network_error = 1,
  usage = 2,
  run_failed = 3,
  timed_out = 4,
  /// run: the create's run may exist and was not found; batch: rows whose create may have made
  /// a run (not created again)
  unresolved = 5,
  /// run: several runs may be the create's; batch: rows whose run is one of several candidates
  ambiguous = 6,
  interrupted = 130,
};

/// What every command shares.
struct context {
  betterprompt::client& client;
  const arguments& args;
  bool json = false;
  std::ostream& out = std::cout;
  /// The run being created or waited for, so that an interruption can say how to resume.
  std::string current_run{};
  /// Set by a command that handles interruptions itself (the batch): called with 1 for the first
  /// SIGINT or SIGTERM, 2 for the second, and so on. Unset, an interruption cancels the command.
  std::function<void(int)> on_interrupt{};
  /// What the command is about, for a one-line not-found error: `skill "nope"`, `run "…"`.
  std::string subject{};
  bool verbose = false;            ///< -v: errors with their full diagnostics.
  progress_line* progress = nullptr;  ///< The progress line of run and wait (stderr).
};

/// Runs `ctx.args.command`; throws usage_error for an unknown one, and the SDK's errors.
boost::asio::awaitable<int> run_command(context& ctx);

/// The exit status for an SDK error code.
int exit_status_of(const boost::system::error_code& ec);

/// Prints an SDK error on one line: what, which id (ctx.subject), the request id; with -v, the
/// full diagnostics too.
void report_error(const context& ctx, const boost::system::error_code& ec,
                  const betterprompt::diagnostics& diag);
/// report_error without a context (before the client exists).
void report_error(bool verbose, std::string_view subject, const boost::system::error_code& ec,
                  const betterprompt::diagnostics& diag);

/// A whole number from option `name`, in [min, max] (`fallback` when absent); a usage_error
/// otherwise.
long long number_option(const arguments& args, std::string_view name, long long min, long long max,
                        long long fallback);

/// A whole number of seconds from option `name` (0 to 7 days; `fallback` when absent).
std::chrono::seconds seconds_option(const arguments& args, std::string_view name, long fallback);

/// Prints a run (as JSON with --json).
void print_run(context& ctx, const betterprompt::run& r);

/// Prints a finished run and returns 0, or 3 when it failed.
int finish_with(context& ctx, const betterprompt::run& r);

/// Starts redrawing ctx.progress until it stops.
void co_spawn_progress(context& ctx);

/// A run_request from a JSON line or payload: textInputs, imageInputs (objects as the API takes
/// them, or plain URL strings), runOptions, runModel, promptVersionId.
betterprompt::run_request request_from_json(const boost::json::object& line);

/// `run` and `wait` (run.cpp).
boost::asio::awaitable<int> run_run(context& ctx);
boost::asio::awaitable<int> run_wait(context& ctx);
/// `find-run`: reconcile_create for a create another process left in doubt (run.cpp).
boost::asio::awaitable<int> run_find_run(context& ctx);
/// `doctor` (doctor.cpp).
boost::asio::awaitable<int> run_doctor(context& ctx);

}  // namespace betterprompt_cli
