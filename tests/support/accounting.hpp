// SPDX-License-Identifier: BSL-1.0
// The accounting run: N create (+ wait) operations through the fault proxy to an emulator, each
// checked against the emulator's own record of runs. With `reconcile`, each create whose outcome
// is unknown (or created, its answer lost) is reconciled, and the answer checked too: found must
// be its own run, not_found must have no run, ambiguous must name its run. Shared by the
// accounting test (N = 300) and benchmarks/bench_accounting (N = 10 000).
#pragma once

#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>
#include <betterprompt/testing/fault_proxy.hpp>

#include "support/timed_prompt.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bp_accounting {

namespace asio = boost::asio;
namespace bp = betterprompt;
using namespace std::chrono_literals;

/// What the run does.
struct config {
  std::size_t operations = 300;     ///< Create (+ wait) operations.
  std::size_t concurrency = 16;     ///< In flight at once, on one client.
  std::uint64_t seed = 1;           ///< The proxy's draws.
  double fault_probability = 0.02;  ///< Per kind of proxy fault (8 kinds).
  std::chrono::seconds limit{110};  ///< Past it, operations still running count as hung.
  std::size_t versions = 2;  ///< 1: every create of one (slow) prompt version; 2: alternating.
  bool reconcile = false;    ///< Reconcile every create whose run may exist.
  bool resend = false;       ///< After not_found, create again (at most twice): may bill twice.
  std::chrono::milliseconds grace{2000};  ///< Reconciliation's grace (the emulator does not lag).
  std::chrono::milliseconds margin = bp::reconcile_options{}.margin;  ///< Reconciliation's margin.
};

/// What a create's failure said about its run.
enum class stated { nothing, not_created, unknown, created };

inline const char* to_string(stated s) {
  switch (s) {
    case stated::nothing:
      return "nothing";
    case stated::not_created:
      return "not_created";
    case stated::unknown:
      return "unknown";
    case stated::created:
      return "created";
  }
  return "?";
}

/// What the failure of a create states about its run: its create record's outcome.
inline stated statement_of(const boost::system::error_code&, const bp::diagnostics& diag) {
  if (!diag.create) return stated::nothing;
  switch (diag.create->outcome) {
    case bp::create_outcome::not_created:
      return stated::not_created;
    case bp::create_outcome::created:
      return stated::created;
    case bp::create_outcome::unknown:
      return stated::unknown;
  }
  return stated::nothing;
}

/// One operation, as the client saw it.
struct operation {
  std::string topic;
  bool done = false;
  boost::system::error_code create_error;
  bp::diagnostics create_diag;
  std::string run_id;  ///< What the create answered, when it did.
  bool waited = false;
  boost::system::error_code wait_error;
  bp::diagnostics wait_diag;
  std::optional<bp::run> final_run;  ///< The finished run the operation ended with.
  std::vector<bp::reconcile_result> reconciled;  ///< Each reconciliation's answer, in order.
  boost::system::error_code reconcile_error;     ///< The last reconciliation's error, if any.
  bool found = false;        ///< Its run came from reconciliation, not from the create's answer.
  std::size_t resent = 0;    ///< Creates sent again after not_found.
};

/// The table, and the failures behind each line that must stay at zero.
struct report {
  std::size_t operations = 0, ok = 0;
  std::size_t clean_failures = 0;  ///< Failed, said "not created", and no run exists.
  std::size_t unknown_with_run = 0, unknown_without_run = 0;
  std::size_t created_with_run = 0, created_without_run = 0;
  std::size_t not_created_with_run = 0;   ///< Billed, but the caller was told it was not created.
  std::size_t silent_with_run = 0;        ///< Billed, and the error said nothing of the run.
  std::size_t silent_without_run = 0;     ///< No run, and the error did not say so.
  std::size_t duplicates = 0;             ///< Operations whose create made more than one run.
  std::size_t wrong_answers = 0;          ///< A run that is not the operation's own.
  std::size_t hangs = 0;                  ///< Operations unfinished at the limit.
  std::size_t waits = 0, waits_lost = 0;  ///< Waits, and waits that failed on an existing run.
  std::size_t creates_failed_unfaulted = 0;  ///< Creates that failed with no fault on them.
  // Reconciliation (zero without it).
  std::size_t unknowns = 0;           ///< Creates reconciled (outcome unknown or created).
  std::size_t resolved_found = 0;     ///< Found: its own run.
  std::size_t resolved_absent = 0;    ///< not_found, and no run exists.
  std::size_t unresolved_ambiguous = 0;  ///< Ambiguous, its run (if any) among the candidates.
  std::size_t unresolved_failed = 0;  ///< reconcile_failed or another error.
  std::size_t absent_but_run = 0;     ///< not_found, yet its run exists.
  std::size_t ambiguous_missing = 0;  ///< Ambiguous, and its run is not a candidate.
  std::size_t wrong_attributions = 0;  ///< Found another operation's run.
  std::size_t resends = 0;            ///< Creates sent again after not_found.
  std::size_t faults = 0;                    ///< Faults the proxy injected.
  double seconds = 0;
  std::map<std::string, std::size_t> create_errors;  ///< "code: stated" → count.
  std::map<std::string, std::size_t> wait_errors;    ///< Codes of lost waits.
  std::vector<std::string> problems;                 ///< One line per failed check (first 20).
  /// Per ambiguous answer, whose runs its candidates are and when they were made (first 200).
  std::vector<std::string> ambiguities;

  void problem(std::string line) {
    if (problems.size() < 20) problems.push_back(std::move(line));
  }

  /// The table, as RESULTS.md shows it.
  std::string table() const {
    std::string out;
    auto line = [&](const char* name, std::size_t n) {
      char text[160];
      std::snprintf(text, sizeof text, "| %-62s | %7zu |\n", name, n);
      out += text;
    };
    out += "| outcome | count |\n|---|---:|\n";
    line("operations", operations);
    line("ok (the run, finished)", ok);
    line("failed, said not created, no run (clean)", clean_failures);
    line("failed, said unknown: run exists", unknown_with_run);
    line("failed, said unknown: no run", unknown_without_run);
    line("failed, said created: run exists", created_with_run);
    line("failed, said created: no run (must be 0)", created_without_run);
    line("failed, said not created: run exists (must be 0)", not_created_with_run);
    line("failed, said nothing: run exists, a silent orphan (must be 0)", silent_with_run);
    line("failed, said nothing: no run", silent_without_run);
    line("runs created twice (must be 0)", duplicates);
    line("wrong answers (must be 0)", wrong_answers);
    line("hangs (must be 0)", hangs);
    line("waits", waits);
    line("waits lost before their deadline (must be 0)", waits_lost);
    line("creates failed with no fault injected on them", creates_failed_unfaulted);
    line("faults injected by the proxy", faults);
    if (unknowns > 0) {
      line("reconciled (the create's outcome unknown or created)", unknowns);
      line("  resolved: found, its own run", resolved_found);
      line("  resolved: not_found, no run exists", resolved_absent);
      line("  unresolved: ambiguous, its run (if any) a candidate", unresolved_ambiguous);
      line("  unresolved: reconcile_failed", unresolved_failed);
      line("  not_found, but its run exists (must be 0)", absent_but_run);
      line("  ambiguous without its run among the candidates (must be 0)", ambiguous_missing);
      line("  wrong attributions: found another's run (must be 0)", wrong_attributions);
      line("  creates sent again after not_found", resends);
    }
    char text[96];
    std::snprintf(text, sizeof text, "\n%.1f s\n", seconds);
    out += text;
    for (const auto& [what, n] : create_errors)
      out += "create error " + what + ": " + std::to_string(n) + "\n";
    for (const auto& [what, n] : wait_errors)
      out += "lost wait " + what + ": " + std::to_string(n) + "\n";
    for (const auto& p : problems) out += "problem: " + p + "\n";
    return out;
  }
};

/// What odd operations run: a prompt whose runs (300 ms) outlast the emulator's synchronous window
/// (100 ms), so that the create answers 504 with a runId and a wait follows. Even operations run
/// the instant demo prompt (200 with the finished run).
constexpr const char* slow_version = "acc0acc0-0000-4000-8000-000000000001";

inline std::string topic_of(std::size_t i) { return "acct-" + std::to_string(i) + "-end"; }

/// Whether a create's failure leaves a run that may exist: what reconciliation is for.
inline bool may_have_run(const boost::system::error_code& ec, const bp::diagnostics& diag) {
  return ec && diag.create && diag.create->outcome != bp::create_outcome::not_created;
}

/// The create of `op` (reconciled and sent again as `cfg` says): its run, or its failure.
inline asio::awaitable<std::optional<bp::run>> create_step(bp::client& c, const config& cfg,
                                                           operation& op, std::string version) {
  for (;;) {
    bp::run_request request;
    request.prompt_version_id = version;
    request.text_inputs["topic"] = op.topic;
    op.create_diag = {};
    auto [ec, created] = co_await bp::create_run(c, std::move(request), op.create_diag,
                                                 asio::as_tuple(asio::use_awaitable));
    op.create_error = ec;
    if (!ec) co_return std::move(created);
    if (!cfg.reconcile || !may_have_run(ec, op.create_diag)) co_return std::nullopt;
    bp::reconcile_options options;
    options.grace = cfg.grace;
    options.margin = cfg.margin;
    bp::diagnostics diag;
    auto [rec, answer] = co_await bp::reconcile_create(c, *op.create_diag.create, options, diag,
                                                       asio::as_tuple(asio::use_awaitable));
    op.reconcile_error = rec;
    if (rec) co_return std::nullopt;
    op.reconciled.push_back(answer);
    if (answer.status == bp::reconcile_status::found) {
      op.found = true;
      op.create_error = {};
      co_return std::move(*answer.run);
    }
    if (answer.status != bp::reconcile_status::not_found || !cfg.resend || op.resent == 2)
      co_return std::nullopt;
    ++op.resent;
  }
}

/// Runs operations from a shared counter until none is left.
inline asio::awaitable<void> worker(bp::client& c, const config& cfg, std::vector<operation>& ops,
                                    std::size_t& next) {
  while (next < ops.size()) {
    operation& op = ops[next];
    const std::size_t i = next++;
    const std::string version =
        cfg.versions == 1 || i % 2 ? slow_version : bp::testing::demo::text_prompt_version_id;
    std::optional<bp::run> made = co_await create_step(c, cfg, op, version);
    if (made) {
      bp::run created = std::move(*made);
      op.run_id = created.run_id;
      if (created.finished()) {
        op.final_run = std::move(created);
      } else {
        op.waited = true;
        bp::wait_options wait;
        wait.poll_interval = 200ms;
        wait.timeout = 60s;
        auto [wait_ec, finished] = co_await bp::wait_for_run(c, op.run_id, wait, op.wait_diag,
                                                             asio::as_tuple(asio::use_awaitable));
        op.wait_error = wait_ec;
        if (!wait_ec) op.final_run = std::move(finished);
      }
    }
    op.done = true;
  }
}

/// Checks every operation against the emulator's runs and the proxy's log.
inline report check(const std::vector<operation>& ops,
                    const std::vector<bp::testing::emulated_run>& runs,
                    const std::vector<bp::testing::proxy_fault_record>& faults) {
  report r;
  r.operations = ops.size();
  r.faults = faults.size();
  std::map<std::string, std::vector<std::string>> runs_of;  // topic → run ids
  std::map<std::string, std::chrono::system_clock::time_point> created_at;  // run id → when
  for (const auto& run : runs) created_at[run.run_id] = run.created_at;
  // Where a run and a create's record lie in time, for a problem line.
  const auto timeline = [&](const operation& op, const std::string& run_id) {
    std::string out;
    if (!op.create_diag.create) return out;
    const auto& rec = *op.create_diag.create;
    const auto ms = [](auto d) {
      return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
    };
    const auto run_at = created_at[run_id];
    out += " (run created " + (rec.sent_at ? ms(run_at - *rec.sent_at) + " ms after sent, " : "") +
           ms(run_at - rec.failed_at) + " ms after failed";
    if (!op.reconciled.empty())
      out += "; answer: " + op.reconciled.back().reason + ", " +
             std::to_string(op.reconciled.back().candidates.size()) + " candidates";
    return out + ")";
  };
  std::map<std::string, std::string> maker;  // run id → the topic of the create that made it
  for (const auto& run : runs) {
    const auto it = run.text_inputs.find("topic");
    if (it == run.text_inputs.end()) continue;
    runs_of[it->second].push_back(run.run_id);
    maker[run.run_id] = it->second;
  }
  std::map<std::string, const operation*> by_topic;
  for (const auto& op : ops) by_topic[op.topic] = &op;
  // An ambiguous answer: each candidate's run, made when against this failure, by whom, and
  // what that create told its caller.
  const auto explain = [&](const operation& op, const bp::reconcile_result& answer) {
    const auto ms = [](auto d) {
      return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
    };
    const auto failed = op.create_diag.create ? op.create_diag.create->failed_at
                                              : std::chrono::system_clock::time_point{};
    std::string out = op.topic + " (" + answer.reason + "):";
    for (const auto& id : answer.candidates) {
      const auto* other = by_topic.count(maker[id]) ? by_topic[maker[id]] : nullptr;
      out += " [" + (other == &op ? std::string("own") : maker[id]) + " made " +
             ms(created_at[id] - failed) + " ms after failure; ";
      if (!other) {
        out += "no operation]";
        continue;
      }
      if (other->create_error)
        out += std::string("its create failed (") + to_string(statement_of(other->create_error,
                                                             other->create_diag)) +
               "), " + std::to_string(other->reconciled.size()) + " reconciliations";
      else
        out += other->found ? "found by reconciliation" : "answered";
      out += "]";
    }
    return out;
  };
  std::map<std::string, std::size_t> faults_on;  // topic → faults on its create
  for (const auto& f : faults) {
    if (f.method != "POST") continue;
    const auto at = f.body.find("\"acct-");
    if (at == std::string::npos) continue;
    const auto end = f.body.find("-end\"", at);
    if (end != std::string::npos) ++faults_on[f.body.substr(at + 1, end + 3 - at)];
  }
  for (const auto& op : ops) {
    const auto& made = runs_of[op.topic];
    if (made.size() > 1) {
      ++r.duplicates;
      r.problem(op.topic + ": " + std::to_string(made.size()) + " runs");
    }
    if (!op.done) {
      ++r.hangs;
      r.problem(op.topic + ": unfinished");
      continue;
    }
    const bool exists = !made.empty();
    r.resends += op.resent;
    for (const auto& answer : op.reconciled) {
      ++r.unknowns;
      if (answer.status == bp::reconcile_status::found) {
        if (exists && answer.run && answer.run->run_id == made[0]) {
          ++r.resolved_found;
        } else {
          ++r.wrong_attributions;
          r.problem(op.topic + ": reconciled to a run not its own" +
                    (exists ? timeline(op, made[0]) : std::string()));
        }
      } else if (answer.status == bp::reconcile_status::not_found) {
        // A later resend may have made the run since: only the last answer is checked for it.
        if (&answer != &op.reconciled.back() || !exists || op.resent > 0) {
          ++r.resolved_absent;
        } else {
          ++r.absent_but_run;
          r.problem(op.topic + ": reconciled not_found, but run " + made[0] + " exists");
        }
      } else {
        const auto& c = answer.candidates;
        if (!exists || std::find(c.begin(), c.end(), made[0]) != c.end()) {
          ++r.unresolved_ambiguous;
          if (r.ambiguities.size() < 200) r.ambiguities.push_back(explain(op, answer));
        } else {
          ++r.ambiguous_missing;
          r.problem(op.topic + ": ambiguous, and its run " + made[0] + " is not a candidate" +
                    timeline(op, made[0]));
        }
      }
    }
    if (op.reconcile_error) {
      ++r.unknowns;
      ++r.unresolved_failed;
    }
    if (op.create_error) {
      const stated said = statement_of(op.create_error, op.create_diag);
      ++r.create_errors[op.create_error.message() + " (" + to_string(said) + ", " +
                        (exists ? "run" : "no run") + ")"];
      if (faults_on[op.topic] == 0) ++r.creates_failed_unfaulted;
      switch (said) {
        case stated::nothing:
          ++(exists ? r.silent_with_run : r.silent_without_run);
          break;
        case stated::not_created:
          if (exists) {
            ++r.not_created_with_run;
            r.problem(op.topic + ": told not created, but run " + made[0] + " exists");
          } else {
            ++r.clean_failures;
          }
          break;
        case stated::unknown:
          ++(exists ? r.unknown_with_run : r.unknown_without_run);
          break;
        case stated::created:
          if (exists) {
            ++r.created_with_run;
          } else {
            ++r.created_without_run;
            r.problem(op.topic + ": told created, but no run exists");
          }
          break;
      }
      continue;
    }
    if (!exists || made[0] != op.run_id) {
      ++r.wrong_answers;
      r.problem(op.topic + ": answered run " + op.run_id + ", which is not its own");
      continue;
    }
    if (op.waited) ++r.waits;
    if (op.wait_error) {
      ++r.waits_lost;
      ++r.wait_errors[op.wait_error.message()];
      r.problem(op.topic + ": wait failed: " + op.wait_diag.message);
      continue;
    }
    if (!op.final_run || op.final_run->run_id != op.run_id ||
        op.final_run->text().find(op.topic) == std::string::npos) {
      ++r.wrong_answers;
      r.problem(op.topic + ": the finished run is not its own");
      continue;
    }
    ++r.ok;
  }
  return r;
}

/// The whole run: an emulator, the fault proxy in front of it, one client through the proxy.
inline report run_accounting(const config& cfg) {
  asio::io_context ioc{1};
  bp::testing::emulator_options emulator_options;
  emulator_options.sync_window = 100ms;
  bp::testing::emulator emu{ioc, emulator_options};
  emu.add_prompt(
      bp_test::timed_prompt(slow_version, 300ms, "acc0acc0-0000-4000-8000-000000000000"));
  bp::testing::fault_proxy_options proxy_options;
  proxy_options.upstream = emu.base_url();
  proxy_options.seed = cfg.seed;
  proxy_options.faults = bp::testing::every_proxy_fault(cfg.fault_probability);
  proxy_options.stall = 5s;
  bp::testing::fault_proxy proxy{ioc, proxy_options};

  bp::client_options options = emu.make_client_options();
  options.thread_safe = false;  // one thread runs ioc
  options.base_url = proxy.base_url();
  options.timeouts.response_headers = 2s;
  options.timeouts.response_body = 2s;
  options.timeouts.total = 20s;
  options.retry.initial_backoff = 50ms;
  options.retry.max_backoff = 200ms;
  auto c = std::make_unique<bp::client>(ioc, options);

  std::vector<operation> ops(cfg.operations);
  for (std::size_t i = 0; i < ops.size(); ++i) ops[i].topic = topic_of(i);
  std::size_t next = 0;
  std::size_t running = std::min(cfg.concurrency, ops.size());
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t w = 0; w < cfg.concurrency; ++w)
    asio::co_spawn(ioc, worker(*c, cfg, ops, next), [&](std::exception_ptr) {
      if (--running == 0) {
        proxy.stop();
        emu.stop();
      }
    });
  ioc.run_for(cfg.limit);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report r = check(ops, emu.runs(), proxy.faults());
  r.seconds = seconds;
  // Whatever hung must end before `ops` goes: close the client, stop both servers, drain.
  c->close();
  proxy.stop();
  emu.stop();
  ioc.restart();
  ioc.run_for(10s);
  return r;
}

}  // namespace bp_accounting
