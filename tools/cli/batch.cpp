// SPDX-License-Identifier: BSL-1.0
// The batch runner.
#include "batch.hpp"

#include "progress.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <deque>
#include <fstream>
#include <iomanip>
#include <map>
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
  std::size_t line = 0;
  std::string id;
  bp::run_request request;
  std::string pending_run;  ///< A run created by an earlier pass: wait for it, create nothing.
};

struct batch_state {
  std::deque<item> queue;
  std::ofstream out;
  std::size_t total = 0, done = 0, failed = 0, skipped = 0, bad_lines = 0;
  clock::time_point start = clock::now();
  bool terminal = false;
  int workers_left = 0;

  void write(const std::string& id, json::object record) {
    record.emplace("id", id);
    // One line per record, flushed: an interrupted batch loses at most what was in flight.
    out << json::serialize(record) << '\n' << std::flush;
  }

  void report() {
    const double seconds = std::chrono::duration<double>(clock::now() - start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const std::size_t left = total - done;
    std::ostringstream line;
    line << done << "/" << total << " done, " << failed << " failed, " << std::fixed
         << std::setprecision(1) << rate << "/s";
    if (rate > 0 && left > 0) line << ", ETA " << static_cast<double>(left) / rate << " s";
    if (terminal) {
      const std::size_t width = 30;
      const std::size_t filled = total ? width * done / total : width;
      std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(width - filled, '.')
                << "] " << line.str() << std::flush;
    }
  }
};

/// The last record of each id in an earlier output: finished (skip) or a pending run id.
std::map<std::string, std::string> earlier_output(const std::string& path, std::size_t& finished) {
  std::map<std::string, std::string> pending;  // id → run id, or "" when finished
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    boost::system::error_code ec;
    const json::value record = json::parse(text, ec);
    if (ec || !record.is_object() || !record.as_object().contains("id")) continue;
    const auto* id = record.as_object().at("id").if_string();
    if (!id) continue;
    std::string run_id;
    if (const auto* run = record.as_object().if_contains("run")) {
      bp::run r = json::value_to<bp::run>(*run);
      if (!r.finished()) run_id = r.run_id;
    }
    pending[std::string(*id)] = run_id;
  }
  finished = 0;
  for (const auto& [id, run_id] : pending)
    if (run_id.empty()) ++finished;
  return pending;
}

bp::run_request request_from(const json::object& line) {
  json::object body{
      {"promptVersionId",
       line.contains("promptVersionId") ? line.at("promptVersionId") : json::value(nullptr)},
      {"inputs", json::object{}}};
  auto& inputs = body["inputs"].as_object();
  if (const auto* text = line.if_contains("textInputs")) inputs["textInputs"] = *text;
  if (const auto* images = line.if_contains("imageInputs")) inputs["imageInputs"] = *images;
  if (const auto* options = line.if_contains("runOptions")) body["runOptions"] = *options;
  if (const auto* model = line.if_contains("runModel")) body["runModel"] = *model;
  return json::value_to<bp::run_request>(json::value(std::move(body)));
}

json::object error_record(const bp::error_with_diagnostics& e) {
  const auto& diag = e.get_diagnostics();
  json::object error{{"code", e.code().message()}, {"message", diag.message}};
  if (!diag.request_id.empty()) error["requestId"] = diag.request_id;
  return {{"error", std::move(error)}};
}

asio::awaitable<void> worker(context& ctx, batch_state& state) {
  while (!state.queue.empty()) {
    item next = std::move(state.queue.front());
    state.queue.pop_front();
    bool failed = false;
    try {
      std::string run_id = next.pending_run;
      if (run_id.empty()) {
        bp::run created = co_await bp::create_run(ctx.client, std::move(next.request));
        if (created.finished()) {
          failed = created.failed();
          state.write(next.id, {{"run", json::value_from(created)}});
        } else {
          run_id = created.run_id;
          state.write(next.id, {{"run", json::value_from(created)}});  // resumable from here
        }
      }
      if (!run_id.empty()) {
        std::string id = run_id;
        bp::run done = co_await bp::wait_for_run(ctx.client, std::move(id), bp::wait_options{});
        failed = done.failed();
        state.write(next.id, {{"run", json::value_from(done)}});
      }
    } catch (const bp::error_with_diagnostics& e) {
      if (e.code() == asio::error::operation_aborted) throw;
      failed = true;
      state.write(next.id, error_record(e));
    }
    ++state.done;
    if (failed) ++state.failed;
    state.report();
  }
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
  std::ifstream in(in_path);
  if (!in) throw usage_error("cannot read " + in_path);
  batch_state state;
  state.terminal = on_terminal();
  std::size_t finished_before = 0;
  const auto earlier = earlier_output(out_path, finished_before);
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
      next.line = line_number;
      next.id = key;
      next.request = request_from(line.as_object());
      if (const auto it = earlier.find(key); it != earlier.end()) {
        if (it->second.empty()) {
          ++state.skipped;
          continue;
        }
        next.pending_run = it->second;
      }
      state.queue.push_back(std::move(next));
    } catch (const std::exception& e) {
      ++state.bad_lines;
      std::cerr << in_path << ":" << line_number << ": skipped: " << e.what() << "\n";
    }
  }
  state.total = state.queue.size();
  state.out.open(out_path, std::ios::app);
  if (!state.out) throw usage_error("cannot write " + out_path);
  const auto executor = co_await asio::this_coro::executor;
  const auto workers = std::min<std::size_t>(static_cast<std::size_t>(concurrency), state.total);
  // The workers share one queue on one thread: no locks. Each is its own coroutine; this one
  // waits for them through a channel.
  asio::experimental::channel<void(boost::system::error_code, std::exception_ptr)> finished(
      executor, workers);
  // Ctrl-C reaches this coroutine; each worker gets it through its own signal.
  std::vector<asio::cancellation_signal> cancel(workers);
  for (std::size_t i = 0; i < workers; ++i)
    asio::co_spawn(
        executor, worker(ctx, state),
        asio::bind_cancellation_slot(cancel[i].slot(), [&finished](std::exception_ptr failure) {
          finished.try_send(boost::system::error_code(), failure);
        }));
  std::exception_ptr first_failure;
  bool interrupted = false;
  for (std::size_t received = 0; received < workers;) {
    auto [ec, failure] = co_await finished.async_receive(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) {
      interrupted = true;
      for (auto& signal : cancel) signal.emit(asio::cancellation_type::terminal);
      co_await asio::this_coro::reset_cancellation_state();
      continue;
    }
    ++received;
    if (failure && !first_failure && !interrupted) first_failure = failure;
  }
  if (state.terminal) std::cerr << "\r\033[K";
  const double seconds = std::chrono::duration<double>(clock::now() - state.start).count();
  std::cerr << "batch: " << state.done << " run, " << state.failed << " failed, " << state.skipped
            << " already done, " << state.bad_lines << " bad line(s), in " << std::fixed
            << std::setprecision(1) << seconds << " s\n";
  if (interrupted)
    throw boost::system::system_error(asio::error::operation_aborted,
                                      "batch interrupted; rerun the same command to resume");
  if (first_failure) std::rethrow_exception(first_failure);
  co_return state.failed > 0 || state.bad_lines > 0 ? run_failed : success;
}

}  // namespace betterprompt_cli
