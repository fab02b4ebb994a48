// SPDX-License-Identifier: BSL-1.0
// The batch runner: workers in one parallel group (none outlives the state they share), a record
// flushed before every create, and a first interruption that lets the creates already sent end.
#include "batch.hpp"

#include "batch_reconcile.hpp"
#include "batch_records.hpp"
#include "progress.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <deque>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>
#include <vector>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;
namespace json = boost::json;
using clock = std::chrono::steady_clock;

namespace {

struct item {
  std::string id;
  bp::run_request request;
  std::string pending_run;  ///< A run created by an earlier pass: wait for it, create nothing.
};

/// What every worker shares; it outlives them all (they run in one parallel group it awaits).
struct batch_state {
  explicit batch_state(const std::string& out_path) : out(out_path) {}

  std::deque<item> queue;
  output_file out;
  std::size_t total = 0, done = 0, finished = 0, failed = 0, errors = 0, pending = 0, skipped = 0,
              bad_lines = 0;
  std::vector<std::pair<std::string, std::string>> unresolved;  ///< id, why
  /// Rows whose reconciliation named several candidate runs: id, why (the candidates).
  std::vector<std::pair<std::string, std::string>> ambiguous;
  std::size_t reconciled = 0;  ///< Rows whose create's run a reconciliation found.
  std::vector<std::string> unclaimed;  ///< Runs of the batch's window no row claims.
  bp::reconcile_options reconcile{};
  clock::time_point start = clock::now();
  bool terminal = false;
  /// The first interruption: no new creates, no new waits; what was sent ends on its own.
  bool draining = false;
  bool broken = false;             ///< The output could not be written: the workers stop.
  std::size_t skipped_failed = 0;  ///< Rows done in an earlier pass whose run failed.
  std::vector<asio::cancellation_signal> cancel;  ///< One per worker, bound to its operation.

  void interrupt(int count) {
    if (count == 1) {
      draining = true;
      if (terminal) std::cerr << "\r\033[K";
      std::cerr << "batch: stopping: no new creates; the ones already sent end and are recorded "
                   "(interrupt again to abort them)\n";
    } else if (count == 2) {
      if (terminal) std::cerr << "\r\033[K";
      std::cerr << "batch: aborting the creates in flight (their rows stay unresolved)\n";
    }
    // total: a create not yet sent ends (nothing was created), one sent is let finish, a wait
    // ends (its run is in the output). terminal: everything ends now.
    const auto type =
        count == 1 ? asio::cancellation_type::total : asio::cancellation_type::terminal;
    for (auto& signal : cancel) signal.emit(type);
  }

  std::size_t workers_running = 0;
  asio::steady_timer* bar_timer = nullptr;  ///< The bar's refresh; cancelled by the last worker.

  void report() {
    ++done;
    draw_bar();
  }

  /// The bar, on a terminal: from the start (0/N), after each row, and every second.
  void draw_bar() {
    if (!terminal || draining) return;
    const double seconds = std::chrono::duration<double>(clock::now() - start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const std::size_t left = total - done;
    std::ostringstream line;
    line << done << "/" << total << " done, " << failed + errors + unresolved.size() << " failed, "
         << std::fixed << std::setprecision(1) << rate << "/s";
    if (rate > 0 && left > 0) line << ", ETA " << static_cast<double>(left) / rate << " s";
    line << ", " << static_cast<long>(seconds) << " s elapsed";
    const std::size_t width = 30;
    const std::size_t filled = total ? width * done / total : width;
    std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(width - filled, '.') << "] "
              << line.str() << std::flush;
  }

  void finished_run(const bp::run& r) {
    ++finished;
    if (r.failed()) ++failed;
  }
};

/// One row: its create (recorded before it goes out), then the wait for its run.
asio::awaitable<void> run_row(context& ctx, batch_state& state, item next,
                              asio::cancellation_signal& cancel) {
  std::string run_id = next.pending_run;
  if (run_id.empty()) {
    state.out.sending(next.id, next.request.prompt_version_id);
    bp::diagnostics diag;
    auto token = asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable));
    auto [ec, created] = co_await bp::create_run(ctx.client, std::move(next.request), diag, token);
    const bool proven = diag.create && diag.create->outcome == bp::create_outcome::not_created;
    const bool by_us = ec == asio::error::operation_aborted || ec == bp::error::client_closed;
    if (ec && !proven && !by_us && diag.create && !state.draining) {
      // Its run may exist: find it now, while this client still knows what else it had in
      // flight. The run found is the row's; otherwise the row stays unresolved, with the answer.
      bp::diagnostics reconcile_diag;
      auto [rec, found] = co_await bp::reconcile_create(ctx.client, *diag.create, state.reconcile,
                                                        reconcile_diag, token);
      if (!rec && found.status == bp::reconcile_status::found) {
        ++state.reconciled;
        created = std::move(*found.run);
        ec = {};
      } else {
        json::array candidates;
        for (const auto& c : found.candidates) candidates.emplace_back(c);
        json::object reconcile{{"status", rec ? std::string("failed")
                                              : std::string(bp::to_string(found.status))}};
        if (rec) reconcile["error"] = bp::error::code_name(rec);
        if (!found.reason.empty()) reconcile["reason"] = found.reason;
        reconcile["candidates"] = std::move(candidates);
        state.out.unreconciled(next.id, ec, diag, reconcile);
        std::string why = bp::error::code_name(ec) + ", reconciled: " +
                          json::value_to<std::string>(reconcile["status"]);
        for (const auto& c : found.candidates) why += " " + c;
        if (!rec && found.status == bp::reconcile_status::ambiguous)
          state.ambiguous.emplace_back(next.id, why);
        else
          state.unresolved.emplace_back(next.id, why);
        co_return;
      }
      state.out.run(next.id, created, true);
    } else if (ec) {
      state.out.error(next.id, ec, diag);
      if (proven)
        ++state.errors;
      else
        state.unresolved.emplace_back(
            next.id,
            bp::error::code_name(ec) + ", outcome " +
                std::string(diag.create ? bp::to_string(diag.create->outcome) : "unknown"));
      co_return;
    } else {
      state.out.run(next.id, created);
    }
    if (created.finished()) {
      state.finished_run(created);
      co_return;
    }
    run_id = created.run_id;
  }
  if (state.draining) {
    ++state.pending;  // its record names the run: a rerun waits for it
    co_return;
  }
  bp::diagnostics diag;
  auto token = asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable));
  auto [ec, done] = co_await bp::wait_for_run(ctx.client, run_id, bp::wait_options{}, diag, token);
  if (ec == asio::error::operation_aborted) {
    ++state.pending;
    co_return;
  }
  if (ec) {
    state.out.error(next.id, ec, diag, run_id);
    ++state.errors;
    co_return;
  }
  state.out.run(next.id, done);
  state.finished_run(done);
}

asio::awaitable<void> worker(context& ctx, batch_state& state, asio::cancellation_signal& cancel) {
  struct leaving {  // the last worker out stops the bar, whatever ends it
    batch_state& state;
    ~leaving() {
      if (--state.workers_running == 0 && state.bar_timer) state.bar_timer->cancel();
    }
  } last_out{state};
  while (!state.queue.empty() && !state.draining && !state.broken) {
    item next = std::move(state.queue.front());
    state.queue.pop_front();
    try {
      co_await run_row(ctx, state, std::move(next), cancel);
    } catch (...) {
      state.broken = true;  // a record could not be written: no create may go out unrecorded
      throw;
    }
    state.report();
  }
}

/// Redraws the bar every second until the last worker ends (the rate and ETA move between rows).
asio::awaitable<void> refresh_bar(batch_state& state) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  state.bar_timer = &timer;
  while (state.workers_running > 0) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
    state.draw_bar();
  }
  state.bar_timer = nullptr;
}

/// Reads the input: the rows to run, given what an earlier pass recorded.
void read_input(const std::string& in_path, const std::string& out_path, batch_state& state) {
  std::ifstream in(in_path);
  if (!in) throw usage_error("cannot read " + in_path);
  const auto earlier = read_output(out_path);
  std::set<std::string> seen;
  std::string text;
  for (std::size_t line_number = 1; std::getline(in, text); ++line_number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      boost::system::error_code ec;
      const json::value line = json::parse(text, ec);
      if (ec) throw std::runtime_error("not JSON: " + ec.message());
      if (!line.is_object()) throw std::runtime_error("not a JSON object");
      const auto* id = line.as_object().if_contains("id");
      if (!id || !id->is_string() || id->get_string().empty())
        throw std::runtime_error("\"id\" must be a non-empty string");
      const std::string key(id->get_string());
      if (!seen.insert(key).second) throw std::runtime_error("id '" + key + "' repeats");
      item next;
      next.id = key;
      next.request = request_from_json(line.as_object());
      if (const auto it = earlier.find(key); it != earlier.end()) {
        const row_status& row = it->second;
        if (row.state == row_state::done) {
          ++state.skipped;
          if (row.failed) ++state.skipped_failed;
          continue;
        }
        if (row.state == row_state::unresolved) {
          (row.ambiguous ? state.ambiguous : state.unresolved).emplace_back(key, row.why);
          continue;
        }
        if (row.state == row_state::pending) next.pending_run = row.run_id;
      }
      state.queue.push_back(std::move(next));
    } catch (const std::exception& e) {
      ++state.bad_lines;
      std::cerr << in_path << ":" << line_number << ": skipped: " << e.what() << "\n";
    }
  }
  state.total = state.queue.size();
}

/// After an offline reconciliation: the rows it found a run for are waited for (or done), the
/// others stay unresolved or ambiguous, with what their new record says.
void reclassify(batch_state& state, const std::string& out_path) {
  const auto rows = read_output(out_path);
  auto uncertain = std::move(state.unresolved);
  for (auto& entry : state.ambiguous) uncertain.push_back(std::move(entry));
  state.unresolved.clear();
  state.ambiguous.clear();
  for (auto& [id, why] : uncertain) {
    const auto it = rows.find(id);
    if (it == rows.end() || it->second.state == row_state::unresolved) {
      const bool ambiguous = it != rows.end() && it->second.ambiguous;
      (ambiguous ? state.ambiguous : state.unresolved)
          .emplace_back(id, it == rows.end() ? why : it->second.why);
    } else if (it->second.state == row_state::done) {
      ++state.skipped;
      if (it->second.failed) ++state.skipped_failed;
    } else if (it->second.state == row_state::pending) {
      item next;
      next.id = id;
      next.pending_run = it->second.run_id;
      state.queue.push_back(std::move(next));
    }
  }
  state.total = state.queue.size();
}

void print_summary(const batch_state& state) {
  if (state.terminal) std::cerr << "\r\033[K";
  const double seconds = std::chrono::duration<double>(clock::now() - state.start).count();
  std::cerr << "batch: " << state.finished << " run, " << state.failed << " failed, "
            << state.errors << " error(s), " << state.unresolved.size() << " unresolved, "
            << state.pending << " pending, " << state.skipped << " already done ("
            << state.skipped_failed << " failed), " << state.bad_lines << " bad line(s), "
            << state.reconciled << " reconciled, " << state.ambiguous.size() << " ambiguous, in "
            << std::fixed << std::setprecision(1) << seconds << " s\n";
  for (const auto& [id, why] : state.unresolved)
    std::cerr << "batch: unresolved " << id << ": its create may have made a run, so it is not "
              << "created again (" << why << ")\n";
  for (const auto& run : state.unclaimed)
    std::cerr << "batch: unclaimed, billed: " << run
              << ": made in the batch's window for its prompt version, no row's\n";
  for (const auto& [id, why] : state.ambiguous)
    std::cerr << "batch: ambiguous " << id << ": its run, if any, is one of several (" << why
              << ")\n";
}

}  // namespace

asio::awaitable<int> run_batch(context& ctx) {
  const std::string in_path = ctx.args.need(0, "IN.jsonl");
  const std::string out_path = ctx.args.need(1, "OUT.jsonl");
  long long concurrency = 4;
  if (auto text = ctx.args.option("--concurrency")) {
    try {
      concurrency = std::stoll(*text);
    } catch (const std::exception&) {
      concurrency = 0;
    }
    if (concurrency < 1 || concurrency > 64) throw usage_error("--concurrency takes 1 to 64");
  }
  const bp::reconcile_options reconcile = reconcile_options_of(ctx.args);
  std::unique_ptr<batch_state> owned;
  try {
    owned = std::make_unique<batch_state>(out_path);
  } catch (const std::runtime_error& e) {
    throw usage_error(e.what());
  }
  batch_state& state = *owned;
  state.reconcile = reconcile;
  state.terminal = on_terminal();
  read_input(in_path, out_path, state);
  if (!state.unresolved.empty() || !state.ambiguous.empty()) {
    // An earlier pass left rows whose create may have made a run: reconcile them first, offline.
    const offline_reconciliation offline =
        co_await reconcile_output(ctx, out_path, state.out, reconcile);
    print_reconciliation(offline);
    state.reconciled += offline.found;
    reclassify(state, out_path);
  }
  const auto workers = std::min<std::size_t>(static_cast<std::size_t>(concurrency), state.total);
  state.cancel = std::vector<asio::cancellation_signal>(workers);
  // Every worker runs in one parallel group this coroutine awaits: none outlives `state`,
  // whatever ends the batch. Interruptions reach the workers' operations through their signals.
  ctx.on_interrupt = [&state](int count) { state.interrupt(count); };
  const auto executor = co_await asio::this_coro::executor;
  using launch =
      decltype(asio::co_spawn(executor, worker(ctx, state, state.cancel[0]), asio::deferred));
  std::vector<launch> launches;
  state.workers_running = workers;
  for (std::size_t i = 0; i < workers; ++i)
    launches.push_back(
        asio::co_spawn(executor, worker(ctx, state, state.cancel[i]), asio::deferred));
  if (state.terminal && workers > 0) {
    state.draw_bar();  // 0/N at once
    launches.push_back(asio::co_spawn(executor, refresh_bar(state), asio::deferred));
  }
  std::vector<std::exception_ptr> failures;
  if (!launches.empty()) {  // an empty group never completes
    auto group = asio::experimental::make_parallel_group(std::move(launches));
    auto [order, ended] =
        co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    failures = std::move(ended);
  }
  ctx.on_interrupt = nullptr;
  if (!state.draining && state.reconciled + state.unresolved.size() + state.ambiguous.size() > 0) {
    // Creates whose answers were lost: a run billed in the batch's window that no row claims is
    // said, never silently left behind.
    try {
      const auto runs = co_await unclaimed_runs(ctx, out_path, state.out, reconcile);
      for (const auto& r : runs) state.unclaimed.push_back(r.run_id + " (created " + r.created_at + ")");
    } catch (const bp::error_with_diagnostics& e) {
      std::cerr << "batch: could not list the runs of the batch's window: " << e.what() << "\n";
    }
  }
  print_summary(state);
  for (const auto& failure : failures)
    if (failure) std::rethrow_exception(failure);  // a record that could not be written
  if (state.draining) {
    std::cerr << "batch: interrupted; rerun the same command to resume\n";
    co_return interrupted;
  }
  if (!state.ambiguous.empty()) co_return ambiguous;
  if (!state.unresolved.empty()) co_return unresolved;
  const bool clean =
      state.failed == 0 && state.skipped_failed == 0 && state.errors == 0 && state.bad_lines == 0;
  co_return clean ? success : run_failed;
}

}  // namespace betterprompt_cli
