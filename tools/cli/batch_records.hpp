// SPDX-License-Identifier: BSL-1.0
// The batch's output file: the records it appends, one flushed line each, and where each row stands
// from its last record. What a rerun may do with a row is decided here: create it, wait for its
// run, skip it, or leave it alone because its create may have made a run.
#pragma once

#include <betterprompt/betterprompt.hpp>

#include <boost/json/object.hpp>

#include <fstream>
#include <map>
#include <string>

namespace betterprompt_cli {

/// Where a row stands after its last record.
enum class row_state {
  fresh,       ///< No record: create its run.
  retry,       ///< An error that proves nothing was created (a connect failure, a 429, a refusal
               ///< before sending, an interruption before the request went out): create it again.
  pending,     ///< A run exists and had not finished: wait for it, create nothing.
  done,        ///< Its run finished (succeeded, or failed: see row_status::failed).
  unresolved,  ///< Its create may have made a run: the record is "sending" (the batch stopped
               ///< before the create answered), or an error whose outcome is unknown or created.
               ///< Never created again; reconciling it finds its run.
};

/// A row's state with what the state needs.
struct row_status {
  row_state state = row_state::fresh;
  std::string run_id;   ///< pending, done: the run.
  bool failed = false;  ///< done: the run failed.
  std::string why;      ///< unresolved, retry: what the last record says, for the summary.
  /// unresolved: a reconciliation found several runs that may be its (why names them).
  bool ambiguous = false;
};

/// The state a record leaves its row in.
row_status status_of(const boost::json::object& record);

/// The state of every row an output file has records for (the last record of each id wins);
/// lines that are not records (a line cut by a crash) are skipped.
std::map<std::string, row_status> read_output(const std::string& path);

/// The output file, appended to: each record one line, flushed before the call returns, so that
/// a crash or a kill loses none that was written. A record that cannot be written throws
/// std::runtime_error: a create must not go out unrecorded.
class output_file {
 public:
  explicit output_file(const std::string& path);

  /// {"id", "sending": {"promptVersionId", "sentAt"}}: written before the create goes out.
  void sending(const std::string& id, const std::string& prompt_version_id);
  /// {"id", "run": <run>}: the create's answer, or the finished run; with "reconciled": true
  /// when a reconciliation found it (the create's own answer was lost).
  void run(const std::string& id, const betterprompt::run& r, bool reconciled = false);
  /// {"id", "error": {"code", "message", "requestId", "httpStatus", "outcome", "create"},
  /// "runId"}: a create's failure (with its outcome and create record), or a wait's (`run_id`:
  /// its run, which exists).
  void error(const std::string& id, const boost::system::error_code& ec,
             const betterprompt::diagnostics& diag, const std::string& run_id = {});
  /// {"unclaimed": <run>}: a run of the batch's window that no row claims (no id: no row's).
  void unclaimed(const betterprompt::run& r);
  /// The error record of a create whose reconciliation did not find its run: the create's
  /// failure, plus "reconcile": {"status" ("not_found", "ambiguous" or "failed"), "reason",
  /// "candidates"}.
  void unreconciled(const std::string& id, const boost::system::error_code& ec,
                    const betterprompt::diagnostics& diag, boost::json::object reconcile);

 private:
  static boost::json::object error_record(const boost::system::error_code& ec,
                                          const betterprompt::diagnostics& diag);
  void write(const std::string& id, boost::json::object record);
  void append(const boost::json::object& record);

  std::string path_;
  std::ofstream out_;
};

}  // namespace betterprompt_cli
