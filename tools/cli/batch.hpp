// SPDX-License-Identifier: BSL-1.0
// `betterprompt batch IN.jsonl OUT.jsonl [--concurrency N]`: one run per input line, with bounded
// concurrency (and the client's rate limit), resumable from its own output.
#pragma once

#include "commands.hpp"

namespace betterprompt_cli {

/// The batch command. Each input line is {"id", "promptVersionId", "textInputs", "imageInputs",
/// "runOptions", "runModel"}; each output record (batch_records.hpp) one flushed line: "sending"
/// before a create goes out, "run" when it answered and when the run finished, "error" with a
/// stable code and, for a create, its outcome. A rerun resumes from the last record of each id:
/// creates what has none or provably made nothing, waits for unfinished runs, skips finished
/// ones, and never creates again a row whose create may have made a run (listed as unresolved).
/// The first interruption starts no new create or wait and lets the sent creates end (exit 130);
/// the second aborts them. A create that failed with its run possibly made is reconciled at once
/// (reconcile_create, grace --reconcile-grace-ms, default 10 s): a run found is the row's (its
/// record says "reconciled"), else the row's error record carries the answer and the row stays
/// unresolved (not_found, failed) or ambiguous. Exit status: 0 every row succeeded, 3 a run
/// failed, a row failed or a line was bad, 5 rows are unresolved, 6 rows are ambiguous, 130
/// interrupted.
boost::asio::awaitable<int> run_batch(context& ctx);

}  // namespace betterprompt_cli
