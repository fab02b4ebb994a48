// SPDX-License-Identifier: BSL-1.0
// Offline reconciliation of a batch's output file, and the unclaimed runs of its window.
#include "batch_reconcile.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;
namespace json = boost::json;
using time_point = std::chrono::system_clock::time_point;

namespace {

/// The margin of an offline reconciliation's windows, at least (the library's default is for a
/// create whose end the client saw).
constexpr std::chrono::milliseconds offline_margin{2000};

std::string string_of(const json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

/// What an output file says, for reconciling it.
struct file_facts {
  std::map<std::string, json::object> last;  ///< Each id's last record.
  std::map<std::string, std::pair<std::string, time_point>> sending;  ///< id → version, sentAt
  std::set<std::string> run_ids;  ///< Every run the file gives a row: the client's already.
  /// Runs listed as unclaimed by an earlier reconciliation: candidates still, never the client's.
  std::set<std::string> unclaimed_ids;
  std::set<std::string> versions;
  std::optional<time_point> earliest, latest;  ///< The times its records speak of.

  void saw(time_point t) {
    if (!earliest || t < *earliest) earliest = t;
    if (!latest || t > *latest) latest = t;
  }
};

file_facts read_facts(const std::string& path) {
  file_facts facts;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    boost::system::error_code ec;
    json::value line = json::parse(text, ec);
    auto* record = ec ? nullptr : line.if_object();
    if (!record) continue;
    if (const auto* unclaimed = record->if_contains("unclaimed"); unclaimed && unclaimed->is_object())
      facts.unclaimed_ids.insert(string_of(unclaimed->as_object(), "runId"));
    const auto* id = record->if_contains("id");
    if (!id || !id->is_string()) continue;
    const std::string key(id->get_string());
    if (const auto* s = record->if_contains("sending"); s && s->is_object()) {
      const std::string version = string_of(s->as_object(), "promptVersionId");
      if (const auto at = bp::from_iso8601(string_of(s->as_object(), "sentAt"))) {
        facts.sending[key] = {version, *at};
        facts.saw(*at);
      }
      if (!version.empty()) facts.versions.insert(version);
    }
    if (const auto* r = record->if_contains("run"); r && r->is_object()) {
      facts.run_ids.insert(string_of(r->as_object(), "runId"));
      if (const auto at = bp::from_iso8601(string_of(r->as_object(), "createdAt"))) facts.saw(*at);
    }
    if (const std::string run_id = string_of(*record, "runId"); !run_id.empty())
      facts.run_ids.insert(run_id);
    if (const auto* e = record->if_contains("error"); e && e->is_object())
      if (const auto* c = e->as_object().if_contains("create"); c && c->is_object())
        if (const auto at = bp::from_iso8601(string_of(c->as_object(), "failedAt"))) facts.saw(*at);
    facts.last[key] = std::move(*record);
  }
  facts.run_ids.erase("");
  return facts;
}

/// The create record of a row whose create may have made a run; none for any other row.
std::optional<bp::create_record> uncertain_create(const std::string& id, const json::object& last,
                                                  const file_facts& facts) {
  if (last.contains("sending")) {
    const auto it = facts.sending.find(id);
    if (it == facts.sending.end() || !facts.latest) return std::nullopt;
    bp::create_record r;
    r.outcome = bp::create_outcome::unknown;
    r.prompt_version_id = it->second.first;
    r.sent_at = it->second.second;
    r.failed_at = *facts.latest;  // it ended no earlier than the last thing the file saw
    r.cause = "no answer recorded";
    return r;
  }
  const auto* e = last.if_contains("error");
  if (!e || !e->is_object() || last.contains("runId")) return std::nullopt;
  const auto* c = e->as_object().if_contains("create");
  if (!c) return std::nullopt;
  try {
    auto r = json::value_to<bp::create_record>(*c);
    if (r.outcome == bp::create_outcome::not_created) return std::nullopt;
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// One row's reconciliation, recorded.
asio::awaitable<void> reconcile_row(context& ctx, output_file& out, std::string id,
                                    bp::create_record record, bp::reconcile_options options,
                                    offline_reconciliation& result) {
  bp::diagnostics diag;
  auto [ec, answer] = co_await bp::reconcile_create(ctx.client, record, options, diag,
                                                    asio::as_tuple(asio::use_awaitable));
  if (!ec && answer.status == bp::reconcile_status::found) {
    ++result.found;
    out.run(id, *answer.run, true);
    co_return;
  }
  json::array candidates;
  for (const auto& c : answer.candidates) candidates.emplace_back(c);
  json::object reconcile{
      {"status", ec ? std::string("failed") : std::string(bp::to_string(answer.status))},
      {"candidates", std::move(candidates)}};
  if (ec) reconcile["error"] = bp::error::code_name(ec);
  if (!answer.reason.empty()) reconcile["reason"] = answer.reason;
  if (ec)
    ++result.failed;
  else if (answer.status == bp::reconcile_status::ambiguous)
    ++result.ambiguous;
  else
    ++result.not_found;
  bp::diagnostics row;
  row.message = "reconciled after the batch: " +
                (ec ? "failed: " + diag.message : std::string(bp::to_string(answer.status)));
  row.create = record;
  const boost::system::error_code code = record.outcome == bp::create_outcome::created
                                             ? bp::error::created_answer_lost
                                             : bp::error::create_outcome_unknown;
  out.unreconciled(id, code, row, std::move(reconcile));
}

/// Lists the runs of the file's versions created in its window that no row claims (and records
/// those no earlier reconciliation recorded).
asio::awaitable<void> list_unclaimed(context& ctx, const file_facts& facts, output_file& out,
                                     const bp::reconcile_options& options,
                                     offline_reconciliation& result) {
  if (!facts.earliest || facts.versions.empty()) co_return;
  const auto skew = ctx.client.server_clock_offset().value_or(
      bp::clock_offset_bounds{-std::chrono::milliseconds(60000), std::chrono::milliseconds(60000)});
  const auto from = *facts.earliest + skew.low - options.margin;
  const auto to = *facts.latest + skew.high + options.margin;
  bp::list_runs_options query;
  query.limit = 50;
  query.since = std::chrono::floor<std::chrono::seconds>(from);
  bp::run_pager pager{ctx.client, query};
  std::set<std::string> claimed = facts.run_ids;
  for (auto& id : ctx.client.remembered_runs()) claimed.insert(std::move(id));
  for (;;) {
    const std::vector<bp::run> rows = co_await pager.next();
    if (rows.empty()) break;
    for (const auto& r : rows) {
      const auto at = bp::from_iso8601(r.created_at);
      if (!facts.versions.contains(r.prompt_version_id) || claimed.contains(r.run_id)) continue;
      if (!at || *at < from || *at > to) continue;
      result.unclaimed.push_back(r);
    }
  }
  for (const auto& r : result.unclaimed)
    if (!facts.unclaimed_ids.contains(r.run_id)) out.unclaimed(r);  // recorded once
}

}  // namespace

asio::awaitable<offline_reconciliation> reconcile_output(context& ctx, const std::string& out_path,
                                                         output_file& out,
                                                         bp::reconcile_options options) {
  // A row the file leaves at "sending" was cut off by the process's end, which is known only to
  // be after the file's last record: its request may have reached the server a little later.
  options.margin = std::max(options.margin, offline_margin);
  offline_reconciliation result;
  const file_facts facts = read_facts(out_path);
  ctx.client.remember_runs({facts.run_ids.begin(), facts.run_ids.end()});
  const auto executor = co_await asio::this_coro::executor;
  using launch = decltype(asio::co_spawn(
      executor, reconcile_row(ctx, out, {}, {}, options, result), asio::deferred));
  std::vector<launch> launches;
  for (const auto& [id, last] : facts.last)
    if (auto record = uncertain_create(id, last, facts)) {
      ++result.rows;
      launches.push_back(asio::co_spawn(
          executor, reconcile_row(ctx, out, id, std::move(*record), options, result),
          asio::deferred));
    }
  if (!launches.empty()) {
    auto group = asio::experimental::make_parallel_group(std::move(launches));
    auto [order, ended] =
        co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    for (const auto& failure : ended)
      if (failure) std::rethrow_exception(failure);  // a record that could not be written
    co_await list_unclaimed(ctx, read_facts(out_path), out, options, result);
  }
  co_return result;
}

asio::awaitable<std::vector<bp::run>> unclaimed_runs(context& ctx, const std::string& out_path,
                                                     output_file& out,
                                                     bp::reconcile_options options) {
  options.margin = std::max(options.margin, offline_margin);
  offline_reconciliation result;
  co_await list_unclaimed(ctx, read_facts(out_path), out, options, result);
  co_return std::move(result.unclaimed);
}

bp::reconcile_options reconcile_options_of(const arguments& args) {
  bp::reconcile_options options;
  if (auto text = args.option("--reconcile-grace-ms")) {
    long long grace = -1;
    try {
      grace = std::stoll(*text);
    } catch (const std::exception&) {
    }
    if (grace < 0 || grace > 60000) throw usage_error("--reconcile-grace-ms takes 0 to 60000");
    options.grace = std::chrono::milliseconds(grace);
  }
  return options;
}

void print_reconciliation(const offline_reconciliation& r) {
  std::cerr << "reconcile: " << r.rows << " row(s) whose create may have made a run: " << r.found
            << " found, " << r.not_found << " not found, " << r.ambiguous << " ambiguous, "
            << r.failed << " failed; " << r.unclaimed.size() << " unclaimed, billed run(s)\n";
  for (const auto& run : r.unclaimed)
    std::cerr << "reconcile: unclaimed, billed: " << run.run_id << " (prompt version "
              << run.prompt_version_id << ", created " << run.created_at
              << "): no row's, made in the batch's window\n";
}

asio::awaitable<int> run_reconcile(context& ctx) {
  const std::string out_path = ctx.args.need(0, "OUT.jsonl");
  const bp::reconcile_options options = reconcile_options_of(ctx.args);
  if (!std::ifstream(out_path)) throw usage_error("cannot read " + out_path);
  std::unique_ptr<output_file> out;
  try {
    out = std::make_unique<output_file>(out_path);
  } catch (const std::runtime_error& e) {
    throw usage_error(e.what());
  }
  const offline_reconciliation r = co_await reconcile_output(ctx, out_path, *out, options);
  print_reconciliation(r);
  if (r.ambiguous > 0) co_return ambiguous;
  if (r.not_found + r.failed > 0) co_return unresolved;
  co_return success;
}

}  // namespace betterprompt_cli
