// SPDX-License-Identifier: BSL-1.0
// Bodies of blocking_client and blocking_run_pager: each call starts the asynchronous operation
// with a callback and runs the facade's io_context on the calling thread until it completed.
#pragma once

#include <betterprompt/account.hpp>
#include <betterprompt/blocking_client.hpp>
#include <betterprompt/prompts.hpp>
#include <betterprompt/reconcile.hpp>
#include <betterprompt/run_prompt.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/skills.hpp>
#include <betterprompt/wait.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <utility>

namespace betterprompt {

namespace detail {
/// The facade's client options: its io_context runs on one thread at a time (the calling one,
/// during a call), so its operations need no strands.
inline client_options on_one_thread(client_options opts) {
  opts.thread_safe = false;
  return opts;
}
}  // namespace detail

BETTERPROMPT_DECL blocking_client::blocking_client(client_options opts)
    : client_(ioc_, detail::on_one_thread(std::move(opts))), cache_(client_) {}

BETTERPROMPT_DECL blocking_client::~blocking_client() {
  client_.close();
  // The close's own handlers (connections shutting down, timers cancelled) run now, while the
  // io_context and the client's state still exist; none of them can throw.
  ioc_.restart();
  ioc_.poll();
}

template <class T, class Start>
T blocking_client::complete(Start start) {
  if (busy_.exchange(true))
    detail::throw_client_error(error::invalid_argument,
                               "blocking_client: a call is already running on this facade (one "
                               "facade per thread; calls run one at a time)");
  struct release_busy {
    std::atomic<bool>& busy;
    ~release_busy() { busy = false; }
  } releaser{busy_};
  call_number_.fetch_add(1);

  // The callback's state lives on the heap: should a hook (on_event, on_poll) throw out of
  // run_one(), the operation still pending writes into it, not into a dead stack frame.
  struct outcome_state {
    bool done = false;
    boost::system::error_code ec;
    std::optional<T> value;
    diagnostics diag;
  };
  auto state = std::make_shared<outcome_state>();
  ioc_.restart();
  start(handle(), state->diag,
        boost::asio::bind_cancellation_slot(cancel_signal_.slot(),
                                            [state](boost::system::error_code ec, T value) {
                                              state->ec = ec;
                                              state->value.emplace(std::move(value));
                                              state->done = true;
                                            }));
  while (!state->done) {
    // Every operation completes (its time limits bound it), so the context cannot run dry first.
    if (ioc_.run_one() == 0 && !state->done)
      detail::throw_client_error(error::client_closed,
                                 "blocking_client: the operation ended without completing");
  }
  cancel_signal_.slot().clear();
  ioc_.poll();  // what the completion left ready, e.g. a connection going back to the pool
  last_ = state->diag;
  if (state->ec) throw error_with_diagnostics(state->ec, std::move(state->diag));
  return std::move(*state->value);
}

BETTERPROMPT_DECL void blocking_client::cancel() {
  // Runs on the calling thread of the facade, inside the call it saw (or in none: a no-op).
  const std::uint64_t seen = call_number_.load();
  boost::asio::post(ioc_, [this, seen] {
    if (busy_ && call_number_.load() == seen)
      cancel_signal_.emit(boost::asio::cancellation_type::terminal);
  });
}

BETTERPROMPT_DECL void blocking_client::close() { client_.close(); }

BETTERPROMPT_DECL void blocking_client::set_call_options(const call_options& overrides) {
  overridden_.emplace(client_.with(overrides));
}

BETTERPROMPT_DECL account blocking_client::get_account() {
  return complete<account>(
      [](client& c, diagnostics& d, auto h) { betterprompt::get_account(c, d, std::move(h)); });
}

BETTERPROMPT_DECL credit_balance blocking_client::get_credits() {
  return complete<credit_balance>(
      [](client& c, diagnostics& d, auto h) { betterprompt::get_credits(c, d, std::move(h)); });
}

BETTERPROMPT_DECL prompt blocking_client::get_prompt(std::string prompt_id) {
  return get_prompt(std::move(prompt_id), std::string());
}

BETTERPROMPT_DECL prompt blocking_client::get_prompt(std::string prompt_id,
                                                     std::string version_id) {
  return complete<prompt>([&](client& c, diagnostics& d, auto h) {
    betterprompt::get_prompt(c, std::move(prompt_id), std::move(version_id), d, std::move(h));
  });
}

BETTERPROMPT_DECL prompt blocking_client::get_prompt_version(std::string prompt_version_id) {
  return complete<prompt>([&](client& c, diagnostics& d, auto h) {
    betterprompt::get_prompt_version(c, std::move(prompt_version_id), d, std::move(h));
  });
}

BETTERPROMPT_DECL std::vector<prompt> blocking_client::list_prompt_versions(std::string prompt_id) {
  return complete<std::vector<prompt>>([&](client& c, diagnostics& d, auto h) {
    betterprompt::list_prompt_versions(c, std::move(prompt_id), d, std::move(h));
  });
}

BETTERPROMPT_DECL page<prompt> blocking_client::search_prompts(std::string query) {
  return complete<page<prompt>>([&](client& c, diagnostics& d, auto h) {
    betterprompt::search_prompts(c, std::move(query), d, std::move(h));
  });
}

BETTERPROMPT_DECL run blocking_client::create_run(run_request request) {
  return complete<run>([&](client& c, diagnostics& d, auto h) {
    betterprompt::create_run(c, std::move(request), d, std::move(h));
  });
}

BETTERPROMPT_DECL run blocking_client::get_run(std::string run_id) {
  return complete<run>([&](client& c, diagnostics& d, auto h) {
    betterprompt::get_run(c, std::move(run_id), d, std::move(h));
  });
}

BETTERPROMPT_DECL run blocking_client::wait_for_run(std::string run_id, wait_options options) {
  return complete<run>([&](client& c, diagnostics& d, auto h) {
    betterprompt::wait_for_run(c, std::move(run_id), std::move(options), d, std::move(h));
  });
}

BETTERPROMPT_DECL run blocking_client::run_prompt(prompt_ref which, run_inputs inputs,
                                                  run_prompt_options options) {
  return complete<run>([&](client& c, diagnostics& d, auto h) {
    betterprompt::run_prompt(c, std::move(which), std::move(inputs), std::move(options), d,
                             std::move(h));
  });
}

BETTERPROMPT_DECL reconcile_result blocking_client::reconcile_create(create_record record,
                                                                     reconcile_options options) {
  return complete<reconcile_result>([&](client& c, diagnostics& d, auto h) {
    betterprompt::reconcile_create(c, std::move(record), options, d, std::move(h));
  });
}

BETTERPROMPT_DECL page<run> blocking_client::list_runs(list_runs_options options) {
  return complete<page<run>>([&](client& c, diagnostics& d, auto h) {
    betterprompt::list_runs(c, std::move(options), d, std::move(h));
  });
}

BETTERPROMPT_DECL page<skill> blocking_client::search_skills(std::string query,
                                                             skill_filters filters) {
  return complete<page<skill>>([&](client& c, diagnostics& d, auto h) {
    betterprompt::search_skills(c, std::move(query), std::move(filters), d, std::move(h));
  });
}

BETTERPROMPT_DECL skill blocking_client::get_skill(std::string name, skill_options options) {
  return complete<skill>([&](client& c, diagnostics& d, auto h) {
    betterprompt::get_skill(c, std::move(name), std::move(options), d, std::move(h));
  });
}

BETTERPROMPT_DECL std::string blocking_client::fetch_skillmd(std::string url) {
  return complete<std::string>([&](client& c, diagnostics& d, auto h) {
    betterprompt::fetch_skillmd(c, std::move(url), d, std::move(h));
  });
}

BETTERPROMPT_DECL std::string blocking_client::fetch_skillmd(const skill& s) {
  return complete<std::string>([&](client& c, diagnostics& d, auto h) {
    detail::initiate_call(c, detail::fetch_skillmd_call(c, s), &d, std::move(h));
  });
}

BETTERPROMPT_DECL resources blocking_client::get_resources() {
  return complete<resources>(
      [](client& c, diagnostics& d, auto h) { betterprompt::get_resources(c, d, std::move(h)); });
}

BETTERPROMPT_DECL resources blocking_client::cached_resources() {
  return complete<resources>(
      [this](client&, diagnostics& d, auto h) { cache_.get(d, std::move(h)); });
}

BETTERPROMPT_DECL drain_result blocking_client::close_gracefully(std::chrono::milliseconds grace) {
  return complete<drain_result>([grace](client& c, diagnostics&, auto h) {
    betterprompt::close_gracefully(c, grace, std::move(h));
  });
}

BETTERPROMPT_DECL blocking_run_pager::blocking_run_pager(blocking_client& bp,
                                                         list_runs_options options)
    : bp_(&bp), pager_(bp.handle(), std::move(options)) {}

BETTERPROMPT_DECL std::vector<run> blocking_run_pager::next() {
  return bp_->complete<std::vector<run>>(
      [this](client&, diagnostics& d, auto h) { pager_.next(d, std::move(h)); });
}

}  // namespace betterprompt
