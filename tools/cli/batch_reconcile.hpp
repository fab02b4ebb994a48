// SPDX-License-Identifier: BSL-1.0
// Reconciling a batch's output file after the fact: the rows whose create may have made a run
// (their last record is "sending", or an error of outcome unknown or created) get their run, or an
// answer that says why not; and the runs made in the batch's window that no row claims are listed
// as "unclaimed, billed". Used by a rerun of the batch and by `betterprompt reconcile OUT.jsonl`.
#pragma once

#include "batch_records.hpp"
#include "commands.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace betterprompt_cli {

/// What an offline reconciliation did.
struct offline_reconciliation {
  std::size_t rows = 0;       ///< Rows it reconciled.
  std::size_t found = 0;      ///< Rows whose run it found (a "run" record, "reconciled": true).
  std::size_t not_found = 0;  ///< Rows with no run in their window (left unresolved).
  std::size_t ambiguous = 0;  ///< Rows whose run is one of several candidates.
  std::size_t failed = 0;     ///< Rows it could not reconcile (the listing failed).
  /// Runs of the batch's prompt versions created in its window that no row claims: billed, and
  /// no row's. Each is also written as {"unclaimed": <run>}.
  std::vector<betterprompt::run> unclaimed;
};

/// Reconciles the rows of `out_path` that may have made a run, appending its answers to `out`:
/// per prompt version the window is [earliest send - margin, latest record time + margin], with
/// a margin of at least 2 s (a killed process's last request may arrive after its last record),
/// and every run id the file names is the client's already. Then lists the unclaimed runs.
boost::asio::awaitable<offline_reconciliation> reconcile_output(
    context& ctx, const std::string& out_path, output_file& out,
    betterprompt::reconcile_options options);

/// The runs of the file's prompt versions created in its window that no record names (nor the
/// client holds), each also written as {"unclaimed": <run>}: billed, and no row's. The window's
/// margin is at least 2 s, as reconcile_output's.
boost::asio::awaitable<std::vector<betterprompt::run>> unclaimed_runs(
    context& ctx, const std::string& out_path, output_file& out,
    betterprompt::reconcile_options options);

/// The reconciliation options of the command line: --reconcile-grace-ms N (0 to 60 000).
betterprompt::reconcile_options reconcile_options_of(const arguments& args);

/// `betterprompt reconcile OUT.jsonl [--reconcile-grace-ms N]`: reconcile_output on demand.
/// Exit status: 0 nothing left unresolved, 5 rows unresolved, 6 rows ambiguous.
boost::asio::awaitable<int> run_reconcile(context& ctx);

/// Prints what reconcile_output did, and the unclaimed runs.
void print_reconciliation(const offline_reconciliation& r);

}  // namespace betterprompt_cli
