// SPDX-License-Identifier: BSL-1.0
// `betterprompt batch IN.jsonl OUT.jsonl [--concurrency N]`: one run per input line, with bounded
// concurrency (and the client's rate limit), resumable from its own output.
#pragma once

#include "commands.hpp"

namespace betterprompt_cli {

/// The batch command. Each input line is {"id", "promptVersionId", "textInputs", "imageInputs",
/// "runOptions", "runModel"}; each output line {"id", "run"} or {"id", "error"}. A run that did
/// not finish at once gets a line when created and another when finished: on a rerun, an id whose
/// last line is finished (or an error) is skipped, and an unfinished one is waited for, never
/// created again. Bad input lines are reported with their number and do not stop the batch.
/// Exit status: 0 when every line succeeded, 3 when a run failed, 1 for other errors.
boost::asio::awaitable<int> run_batch(context& ctx);

}  // namespace betterprompt_cli
