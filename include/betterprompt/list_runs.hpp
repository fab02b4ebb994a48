// Listing past runs: one page at a time, or every page through run_pager.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt {

/// Filters and cursor of list_runs. Checked before any request is sent.
struct list_runs_options {
  /// Rows per page, 1 to 50. Default: 10.
  int limit = 10;
  /// Cursor: only runs older than this run id. Default: none. Never together with ending_before.
  std::string starting_after{};
  /// Cursor: only runs newer than this run id. Default: none.
  std::string ending_before{};
  /// Only runs in this status (not run_status::unknown). Default: any.
  std::optional<run_status> status{};
  /// Only runs created at or after this time (sent as Unix seconds). Default: no bound.
  std::optional<std::chrono::sys_seconds> since{};
  /// Only runs created before this time; must be later than `since`. Default: no bound.
  std::optional<std::chrono::sys_seconds> until{};
};

/// GET /v1/runs: one page of runs, newest first, with `has_more`.
/// Throws error_with_diagnostics: error::invalid_argument for options that break the rules above
/// (nothing is sent), error::validation, error::unauthorized, client errors. Any cancellation type
/// ends it.
BETTERPROMPT_DECL boost::asio::awaitable<page<run>> list_runs(client& c, list_runs_options options);

/// The first page with the default options (the 10 newest runs). Not a coroutine: GCC 12
/// mishandles defaulted non-trivial arguments of coroutines, so the default is made here.
inline boost::asio::awaitable<page<run>> list_runs(client& c) {
  return list_runs(c, list_runs_options());
}

namespace detail {
class client_impl;
}

/// Walks every page of a listing without handling cursors:
/// `for (run_pager p{c, opts};;) { auto rows = co_await p.next(); if (rows.empty()) break; … }`
/// Walks toward older runs; when `ending_before` is set, toward newer runs instead.
class run_pager {
 public:
  /// A pager over the runs `options` select. Checks the options like list_runs.
  BETTERPROMPT_DECL explicit run_pager(client& c, list_runs_options options = {});

  /// The next page's rows; empty once every page was read. Errors and cancellation as
  /// list_runs; after an error, calling next() again retries the same page.
  BETTERPROMPT_DECL boost::asio::awaitable<std::vector<run>> next();

  /// True once the last page was returned.
  bool done() const noexcept { return done_; }

 private:
  std::shared_ptr<detail::client_impl> impl_;
  list_runs_options options_;
  bool done_ = false;
};

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/list_runs.ipp>
#endif
