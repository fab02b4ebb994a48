// SPDX-License-Identifier: BSL-1.0
// The commands of `betterprompt`, each a coroutine on the SDK's public API that prints its result
// (human-readable, or the API's data as JSON with --json) and returns the exit status.
#pragma once

#include "arguments.hpp"

#include <betterprompt/betterprompt.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <iostream>
#include <string>

namespace betterprompt_cli {

/// The documented exit statuses.
enum exit_status : int {
  success = 0,
  api_or_network_error = 1,
  usage = 2,
  run_failed = 3,
  timed_out = 4,
  unresolved_rows = 5,  ///< batch: rows whose create may have made a run (not created again)
  ambiguous_rows = 6,   ///< batch: rows whose run is one of several candidates (reconciled)
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
};

/// Runs `ctx.args.command`; throws usage_error for an unknown one, and the SDK's errors.
boost::asio::awaitable<int> run_command(context& ctx);

/// The exit status for an SDK error code.
int exit_status_of(const boost::system::error_code& ec);

}  // namespace betterprompt_cli
