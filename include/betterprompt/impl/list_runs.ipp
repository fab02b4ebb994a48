// SPDX-License-Identifier: BSL-1.0
// Bodies of list_runs and run_pager.
#pragma once

#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/list_runs.hpp>

namespace betterprompt {
namespace detail {

/// Refuses options the API would refuse (or misread): invalid_argument saying which, or success.
inline boost::system::error_code check_list_runs_options(const list_runs_options& o,
                                                         diagnostics& diag) {
  if (o.limit < 1 || o.limit > 50)
    return client_refusal(
        error::invalid_argument,
        "list_runs_options::limit must be 1 to 50, not " + std::to_string(o.limit), diag);
  if (!o.starting_after.empty() && !o.ending_before.empty())
    return client_refusal(error::invalid_argument,
                          "list_runs_options: starting_after and ending_before are exclusive",
                          diag);
  if (o.status == run_status::unknown)
    return client_refusal(error::invalid_argument, "list_runs_options::status cannot be unknown",
                          diag);
  if (o.since && o.until && *o.since >= *o.until)
    return client_refusal(error::invalid_argument,
                          "list_runs_options: since must be earlier than until", diag);
  return {};
}

inline std::string list_runs_target(const list_runs_options& o) {
  std::string target = routes::list_runs.target() + "?limit=" + std::to_string(o.limit);
  if (!o.starting_after.empty()) target += "&startingAfter=" + percent_encode(o.starting_after);
  if (!o.ending_before.empty()) target += "&endingBefore=" + percent_encode(o.ending_before);
  if (o.status) target += "&status=" + std::string(to_string(*o.status));
  if (o.since) target += "&since=" + std::to_string(o.since->time_since_epoch().count());
  if (o.until) target += "&until=" + std::to_string(o.until->time_since_epoch().count());
  return target;
}

BETTERPROMPT_DECL endpoint_call<page<run>> list_runs_call(list_runs_options options) {
  diagnostics diag;
  if (auto ec = check_list_runs_options(options, diag))
    return refused_call<page<run>>(ec, std::move(diag));
  endpoint_call<page<run>> call;
  call.request = api_request::get(routes::list_runs, list_runs_target(options));
  call.decode = &decode_answer<page<run>>;
  return call;
}

/// A page's completion, operation_signature<page<run>>, as the pager's next():
/// operation_signature<std::vector<run>>, the cursor moved past the rows on success.
template <class Handler>
struct pager_handler {
  Handler handler;
  run_pager* pager;

  void operator()(boost::system::error_code ec, page<run> read, diagnostics diag) {
    std::vector<run> rows;
    if (!ec) rows = next_page_initiation::advance(*pager, std::move(read));
    std::move(handler)(ec, std::move(rows), std::move(diag));  // on success too: what answered
  }
};

template <class Handler>
inline constexpr bool is_handler_adapter<pager_handler<Handler>> = true;

BETTERPROMPT_DECL void next_page_initiation::start(run_pager* pager,
                                                   operation_completion<std::vector<run>> handler) {
  if (pager->done_)
    return complete_later(std::move(handler), pager->handle_->executor(),
                          boost::system::error_code(), std::vector<run>(), diagnostics());
  endpoint_initiation<page<run>>{
      pager->handle_, std::make_unique<endpoint_call<page<run>>>(list_runs_call(pager->options_))}(
      pager_handler<operation_completion<std::vector<run>>>{std::move(handler), pager});
}

}  // namespace detail

BETTERPROMPT_DECL run_pager::run_pager(client& c, list_runs_options options)
    : handle_(detail::handle_of(c)), options_(std::move(options)) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_list_runs_options(options_, diag), std::move(diag));
}

BETTERPROMPT_DECL std::vector<run> run_pager::advance(page<run>&& read) {
  const bool toward_newer = !options_.ending_before.empty();
  if (!read.has_more || read.rows.empty())
    done_ = true;
  else if (toward_newer)
    options_.ending_before = read.rows.front().run_id;
  else
    options_.starting_after = read.rows.back().run_id;
  return std::move(read.rows);
}

}  // namespace betterprompt
