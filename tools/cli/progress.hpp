// SPDX-License-Identifier: BSL-1.0
// Waiting for a run with progress: on a terminal, a spinner with the elapsed time, the status and
// the next poll; otherwise one plain line per status change (no control characters at all).
#pragma once

#include "commands.hpp"

namespace betterprompt_cli {

/// True when both stdout and stderr are terminals (progress may redraw a line).
bool on_terminal();

/// Polls `run_id` until it finishes (get_run, every 1 s growing ×1.5 to 10 s), showing progress
/// on stderr; error::wait_timeout past `timeout` (zero: none), with the run id in its data.
boost::asio::awaitable<betterprompt::run> wait_with_progress(context& ctx, std::string run_id,
                                                             std::chrono::seconds timeout);

}  // namespace betterprompt_cli
