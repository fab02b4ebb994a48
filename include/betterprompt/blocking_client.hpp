// SPDX-License-Identifier: BSL-1.0
// betterprompt::blocking_client: the API as plain calls, for scripts and small tools.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/client_options.hpp>
#include <betterprompt/close_gracefully.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/create_outcome.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/list_runs.hpp>
#include <betterprompt/models/account.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/models/skill.hpp>
#include <betterprompt/reconcile_options.hpp>
#include <betterprompt/reconcile_result.hpp>
#include <betterprompt/resources.hpp>
#include <betterprompt/run_prompt_options.hpp>
#include <betterprompt/wait_options.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt {

/// The API as plain calls: each member runs the operation of the same name (get_run, run_prompt,
/// reconcile_create, …) to its end and returns its value, or throws error_with_diagnostics with
/// the error code and everything known (the same codes and diagnostics as the asynchronous
/// operation). For scripts, small tools and tests that have no event loop of their own:
///
///     betterprompt::blocking_client bp;   // BETTERPROMPT_API_KEY and _BASE_URL
///     betterprompt::run r = bp.run_prompt(betterprompt::prompt_ref::latest(id), inputs);
///
/// It owns an io_context and a client on it, and runs that io_context on the calling thread
/// during each call, so nothing runs between calls and the library still starts no thread. It is
/// built on the same operations and the same transport as the asynchronous API; keep-alive
/// connections are reused from one call to the next.
///
/// Time limits are options, as for the asynchronous operations: client_options::timeouts bounds
/// every call (set_call_options() replaces them for the calls that follow), wait_options::timeout
/// a wait, reconcile_options a reconciliation, skillmd_options a SKILL.md fetch.
///
/// Threads: one facade per thread. Its calls run one at a time, on the thread that makes them (a
/// second call while one runs, from another thread or from an event hook, throws
/// error::invalid_argument). cancel() and close() are safe from any thread, e.g. a signal-handling
/// thread. Constructing and destroying it are not thread-safe.
class blocking_client {
 public:
  /// Creates the facade and its client. Throws as client's constructor does.
  BETTERPROMPT_DECL explicit blocking_client(client_options opts = {});

  /// Closes the client (calls fail with error::client_closed from then on) and lets its
  /// connections close.
  BETTERPROMPT_DECL ~blocking_client();

  blocking_client(const blocking_client&) = delete;
  blocking_client& operator=(const blocking_client&) = delete;

  /// get_account: who the key belongs to.
  BETTERPROMPT_DECL betterprompt::account get_account();
  /// get_credits: the credit balance.
  BETTERPROMPT_DECL credit_balance get_credits();

  /// get_prompt: a prompt at its latest version.
  BETTERPROMPT_DECL prompt get_prompt(std::string prompt_id);
  /// get_prompt: a prompt at `version_id`.
  BETTERPROMPT_DECL prompt get_prompt(std::string prompt_id, std::string version_id);
  /// get_prompt_version: the prompt version `prompt_version_id`.
  BETTERPROMPT_DECL prompt get_prompt_version(std::string prompt_version_id);
  /// list_prompt_versions: every version of a prompt.
  BETTERPROMPT_DECL std::vector<prompt> list_prompt_versions(std::string prompt_id);
  /// search_prompts: published prompts matching `query` (one page).
  BETTERPROMPT_DECL page<prompt> search_prompts(std::string query);

  /// create_run: creates a run and returns it as the create answered (usually queued). A create
  /// whose outcome is unknown throws with diagnostics::create set: see reconcile_create().
  BETTERPROMPT_DECL run create_run(run_request request);
  /// get_run: the run as it is now.
  BETTERPROMPT_DECL run get_run(std::string run_id);
  /// wait_for_run: polls until the run succeeded or failed (for at most options.timeout).
  BETTERPROMPT_DECL run wait_for_run(std::string run_id, wait_options options = {});
  /// run_prompt: resolves, checks, creates and waits (reconciling a create in doubt).
  BETTERPROMPT_DECL run run_prompt(prompt_ref which, run_inputs inputs,
                                   run_prompt_options options = {});
  /// reconcile_create: what became of a create whose outcome is unknown.
  BETTERPROMPT_DECL reconcile_result reconcile_create(create_record record,
                                                      reconcile_options options = {});

  /// list_runs: one page of runs (see blocking_run_pager for every page).
  BETTERPROMPT_DECL page<run> list_runs(list_runs_options options = {});

  /// search_skills: skills matching `query` (one page).
  BETTERPROMPT_DECL page<skill> search_skills(std::string query, skill_filters filters = {});
  /// get_skill: a skill by name.
  BETTERPROMPT_DECL skill get_skill(std::string name, skill_options options = {});
  /// fetch_skillmd: the SKILL.md text at `url` (allow-listed hosts only; cached by URL).
  BETTERPROMPT_DECL std::string fetch_skillmd(std::string url);
  /// fetch_skillmd: a skill's SKILL.md text (inline, or fetched from skill::skillmd_url).
  BETTERPROMPT_DECL std::string fetch_skillmd(const skill& s);

  /// get_resources: the models and their run options, fetched now.
  BETTERPROMPT_DECL resources get_resources();
  /// The resources through this facade's resource_cache (see cache()): the cached copy while
  /// current, else fetched.
  BETTERPROMPT_DECL resources cached_resources();
  /// The facade's resource cache, e.g. for run_prompt_options::resources.
  betterprompt::resource_cache& cache() noexcept { return cache_; }

  /// close_gracefully: no new create; the creates already written finish (for at most
  /// `grace`); then the client closes.
  BETTERPROMPT_DECL drain_result close_gracefully(std::chrono::milliseconds grace);

  /// From any thread: the call in progress, if any, ends with operation_aborted (a terminal
  /// cancellation, with the operation's own rules: a create already written reports a run that
  /// may exist). A no-op when no call runs; the facade stays usable.
  BETTERPROMPT_DECL void cancel();

  /// From any thread: closes the client. The call in progress, and every later call, fail with
  /// error::client_closed. Idempotent.
  BETTERPROMPT_DECL void close();

  /// Replaces the retry policy and timeouts of the calls that follow (client::with()).
  BETTERPROMPT_DECL void set_call_options(const call_options& overrides);

  /// What the last call's answer told, on success too (HTTP status, request id, attempts) —
  /// the same diagnostics an error carries.
  const diagnostics& last_diagnostics() const noexcept { return last_; }

  /// The client the calls run on, for its accessors (remembered_runs(), create_counters(), …).
  /// Start no asynchronous operation on it: nothing runs its io_context between calls.
  client& async_client() noexcept { return handle(); }

 private:
  friend class blocking_run_pager;

  client& handle() noexcept { return overridden_ ? *overridden_ : client_; }

  /// Runs `start(client&, diagnostics&, handler)` on the calling thread until its handler ran.
  template <class T, class Start>
  T complete(Start start);

  boost::asio::io_context ioc_{1};
  client client_;
  std::optional<client> overridden_;
  betterprompt::resource_cache cache_;
  boost::asio::cancellation_signal cancel_signal_;
  std::atomic<bool> busy_{false};
  std::atomic<std::uint64_t> call_number_{0};  // cancel() ends only the call it saw running
  diagnostics last_;
};

/// Every page of a listing as plain calls, on a blocking_client:
/// `for (blocking_run_pager p{bp, opts};;) { auto rows = p.next(); if (rows.empty()) break; … }`
/// The facade must outlive the pager.
class blocking_run_pager {
 public:
  /// A pager over the runs `options` select (checked as list_runs checks them).
  BETTERPROMPT_DECL explicit blocking_run_pager(blocking_client& bp, list_runs_options options = {});

  /// The next page's rows; empty once every page was read. Throws as list_runs; after an error,
  /// next() retries the same page.
  BETTERPROMPT_DECL std::vector<run> next();

  /// True once the last page was returned.
  bool done() const noexcept { return pager_.done(); }

 private:
  blocking_client* bp_;
  run_pager pager_;
};

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/blocking_client.ipp>
#endif
