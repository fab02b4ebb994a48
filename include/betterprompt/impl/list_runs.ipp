// SPDX-License-Identifier: BSL-1.0
// Bodies of list_runs and run_pager.
#pragma once

#include <betterprompt/detail/call.hpp>
#include <betterprompt/detail/url.hpp>
#include <betterprompt/list_runs.hpp>

namespace betterprompt {
namespace detail {

inline void check_list_runs_options(const list_runs_options& o) {
  if (o.limit < 1 || o.limit > 50)
    throw_client_error(error::invalid_argument,
                       "list_runs_options::limit must be 1 to 50, not " + std::to_string(o.limit));
  if (!o.starting_after.empty() && !o.ending_before.empty())
    throw_client_error(error::invalid_argument,
                       "list_runs_options: starting_after and ending_before are exclusive");
  if (o.status == run_status::unknown)
    throw_client_error(error::invalid_argument, "list_runs_options::status cannot be unknown");
  if (o.since && o.until && *o.since >= *o.until)
    throw_client_error(error::invalid_argument,
                       "list_runs_options: since must be earlier than until");
}

inline std::string list_runs_target(const list_runs_options& o) {
  std::string target = "/runs?limit=" + std::to_string(o.limit);
  if (!o.starting_after.empty()) target += "&startingAfter=" + percent_encode(o.starting_after);
  if (!o.ending_before.empty()) target += "&endingBefore=" + percent_encode(o.ending_before);
  if (o.status) target += "&status=" + std::string(to_string(*o.status));
  if (o.since) target += "&since=" + std::to_string(o.since->time_since_epoch().count());
  if (o.until) target += "&until=" + std::to_string(o.until->time_since_epoch().count());
  return target;
}

inline boost::asio::awaitable<page<run>> fetch_runs_page(std::shared_ptr<client_impl> impl,
                                                         list_runs_options options) {
  check_list_runs_options(options);
  auto env = co_await call(std::move(impl),
                           api_request::get(routes::list_runs, list_runs_target(options)));
  co_return decode_data<page<run>>(std::move(env));
}

BETTERPROMPT_DECL boost::asio::awaitable<page<run>> list_runs_op(std::shared_ptr<client_impl> state,
                                                                 list_runs_options options) {
  auto runs = co_await fetch_runs_page(std::move(state), std::move(options));
  co_return runs;
}

BETTERPROMPT_DECL boost::asio::awaitable<std::vector<run>> next_page_op(run_pager& pager) {
  if (pager.done_) co_return std::vector<run>{};
  page<run> current = co_await fetch_runs_page(pager.impl_, pager.options_);
  const bool toward_newer = !pager.options_.ending_before.empty();
  if (!current.has_more || current.rows.empty()) {
    pager.done_ = true;
  } else if (toward_newer) {
    pager.options_.ending_before = current.rows.front().run_id;
  } else {
    pager.options_.starting_after = current.rows.back().run_id;
  }
  co_return std::move(current.rows);
}

}  // namespace detail

BETTERPROMPT_DECL run_pager::run_pager(client& c, list_runs_options options)
    : impl_(detail::impl_of(c)), executor_(c.get_executor()), options_(std::move(options)) {
  detail::check_list_runs_options(options_);
}

}  // namespace betterprompt
