// SPDX-License-Identifier: BSL-1.0
// Listing past runs: one page at a time, or every page through run_pager.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/run.hpp>

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

class run_pager;

namespace detail {
/// GET /v1/runs with `options` (refused when they break the rules).
BETTERPROMPT_DECL endpoint_call<page<run>> list_runs_call(list_runs_options options);
struct next_page_initiation;
}  // namespace detail

/// GET /v1/runs: one page of runs, newest first, with `has_more`. Completion signature
/// void(error_code, page<run>). Errors: error::invalid_argument for options that break the rules
/// above (nothing is sent), error::validation, error::unauthorized, client errors. Any
/// cancellation type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto list_runs(client& c, list_runs_options options, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::list_runs_call(std::move(options)), nullptr,
                               std::forward<CompletionToken>(token));
}

/// The first page with the default options (the 10 newest runs). An overload rather than a
/// default argument: GCC 12 miscompiles a defaulted argument with a destructor (here, strings)
/// when the call is made from inside a coroutine.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, list_runs_options>
auto list_runs(client& c, CompletionToken&& token = {}) {
  return list_runs(c, list_runs_options{}, std::forward<CompletionToken>(token));
}

/// list_runs, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto list_runs(client& c, list_runs_options options, diagnostics& diag,
               CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::list_runs_call(std::move(options)), &diag,
                               std::forward<CompletionToken>(token));
}

/// Walks every page of a listing without handling cursors:
/// `for (run_pager p{c, opts};;) { auto rows = co_await p.next(); if (rows.empty()) break; … }`
/// Walks toward older runs; when `ending_before` is set, toward newer runs instead.
class run_pager {
 public:
  /// A pager over the runs `options` select. Checks the options like list_runs.
  BETTERPROMPT_DECL explicit run_pager(client& c, list_runs_options options = {});

  /// The next page's rows; empty once every page was read. Completion signature
  /// void(error_code, std::vector<run>). Errors and cancellation as list_runs; after an error,
  /// calling next() again retries the same page. The pager must outlive the operation, and one
  /// next() runs at a time.
  template <class CompletionToken = default_completion_token_t>
  requires detail::token_not<CompletionToken>
  auto next(CompletionToken&& token = {});

  /// next(), writing the page's diagnostics to `diag` before completing: on success its status,
  /// request id and attempts; on failure what happened.
  template <class CompletionToken = default_completion_token_t>
  auto next(diagnostics& diag, CompletionToken&& token = {});

  /// True once the last page was returned.
  bool done() const noexcept { return done_; }

 private:
  friend struct detail::next_page_initiation;

  /// The rows of `read`, the page that followed the cursor; moves the cursor past them.
  BETTERPROMPT_DECL std::vector<run> advance(page<run>&& read);

  std::shared_ptr<detail::client_handle> handle_;
  list_runs_options options_;
  bool done_ = false;
};

namespace detail {
/// run_pager::next for initiate_composed: no rows once done, else the next page.
struct next_page_initiation {
  run_pager* pager;

  static std::vector<run> advance(run_pager& pager, page<run>&& read) {
    return pager.advance(std::move(read));
  }

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<std::vector<run>, &next_page_initiation::start>(token, pager);
  }

  /// Completes `handler` with no rows once the pager is done (never inline), else reads the next
  /// page; compiled once, behind the compile wall.
  BETTERPROMPT_DECL static void start(run_pager* pager,
                                      operation_completion<std::vector<run>> handler);
};

}  // namespace detail

template <class CompletionToken>
requires detail::token_not<CompletionToken>
auto run_pager::next(CompletionToken&& token) {
  return detail::initiate_composed<std::vector<run>>(detail::next_page_initiation{this}, nullptr,
                                                     std::forward<CompletionToken>(token));
}

template <class CompletionToken>
auto run_pager::next(diagnostics& diag, CompletionToken&& token) {
  return detail::initiate_composed<std::vector<run>>(detail::next_page_initiation{this}, &diag,
                                                     std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/list_runs.ipp>
#endif
