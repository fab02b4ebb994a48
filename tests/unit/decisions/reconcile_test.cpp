// SPDX-License-Identifier: BSL-1.0
// Reconciliation's decisions with made-up times: the server's clock from Date headers, which run
// each unknown create made, and the memory of the client's own runs.
#include <betterprompt/detail/create_accounting.hpp>
#include <betterprompt/detail/decisions/clock_skew.hpp>
#include <betterprompt/detail/decisions/create_ledger.hpp>
#include <betterprompt/detail/decisions/reconcile.hpp>
#include <betterprompt/detail/run_memory.hpp>
#include <betterprompt/timestamps.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

namespace bp = betterprompt;
using bp::detail::reconcile_verdict;
using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

namespace {

time_point at(std::chrono::milliseconds ms) { return time_point{} + 1'000'000s + ms; }

// A window of [sent, failed] on our clock, server clock equal to ours.
bp::detail::unknown_create unknown(int sent_ms, int failed_ms, bool answered = false) {
  return {at(std::chrono::milliseconds(sent_ms)), at(std::chrono::milliseconds(failed_ms)),
          answered};
}

bp::detail::listed_run run_at(int ms) { return {at(std::chrono::milliseconds(ms))}; }

std::vector<bp::detail::reconcile_answer> decide(std::vector<bp::detail::unknown_create> group,
                                                 std::vector<bp::detail::listed_run> runs,
                                                 int now_ms = 100'000, bool complete = true,
                                                 std::chrono::milliseconds margin = 100ms) {
  bp::detail::reconcile_facts f;
  f.group = group;
  f.runs = runs;
  f.skew = {0ms, 0ms};
  f.margin = margin;
  f.grace = 10s;
  f.now = at(std::chrono::milliseconds(now_ms));
  f.memory_complete = complete;
  return bp::detail::decide_reconcile(f);
}

}  // namespace

TEST_CASE("the server's clock offset is an interval that each Date header narrows",
          "[unit][decisions][reconcile]") {
  bp::detail::clock_skew skew;
  CHECK_FALSE(skew.bounds());
  CHECK(skew.bounds_or_default().low == -60s);
  CHECK(skew.bounds_or_default().high == 60s);

  // The server runs 5.3 s ahead. Sent at 0, received at 200 ms: it dated the answer between, at
  // 5.3-5.5 s on its clock, so the header says 5 s.
  skew.observe(at(0ms), at(200ms), at(5000ms));
  REQUIRE(skew.bounds());
  CHECK(skew.bounds()->low == 4800ms);   // 5 s - 200 ms
  CHECK(skew.bounds()->high == 6000ms);  // 6 s - 0
  // Sent at 10.6 s, received 10.65 s: the server was at 15.9-15.95 s, the header says 15 s.
  skew.observe(at(10600ms), at(10650ms), at(15000ms));
  CHECK(skew.bounds()->low == 4800ms);   // 15 - 10.65 = 4.35 does not narrow it
  CHECK(skew.bounds()->high == 5400ms);  // 16 - 10.6
  // Sent at 20.75 s: the server was at 26.05 s, the header says 26 s.
  skew.observe(at(20750ms), at(20800ms), at(26000ms));
  CHECK(skew.bounds()->low == 5200ms);   // 26 - 20.8
  CHECK(skew.bounds()->high == 5400ms);
  CHECK(skew.bounds()->low <= 5300ms);
  CHECK(skew.bounds()->high >= 5300ms);

  // An exchange whose receipt is before its send (our clock stepped back) says nothing.
  skew.observe(at(30000ms), at(29000ms), at(0ms));
  CHECK(skew.bounds()->low == 5200ms);
  // A contradicting answer (the server's clock was stepped back 1 h) starts again from it.
  skew.observe(at(40000ms), at(40100ms), at(40000ms - 3600s + 5000ms));
  CHECK(skew.bounds()->low == -3600s + 4900ms);
  CHECK(skew.bounds()->high == -3600s + 6000ms);
}

TEST_CASE("a window covers the create's time on the server's clock, widened by the skew and margin",
          "[unit][decisions][reconcile]") {
  const auto w = bp::detail::window_of(unknown(1000, 3000), {-200ms, 500ms}, 100ms);
  CHECK(w.from == at(700ms));   // 1000 - 200 - 100
  CHECK(w.to == at(3600ms));    // 3000 + 500 + 100
  CHECK(w.contains(at(700ms)));
  CHECK(w.contains(at(3600ms)));
  CHECK_FALSE(w.contains(at(3601ms)));
  std::vector group{unknown(1000, 3000), unknown(400, 900)};
  // The earliest start, 400 - 200 - 100 = 100 ms past a whole second, cut to that second.
  CHECK(bp::detail::listing_since(group, {-200ms, 500ms}, 100ms) ==
        std::chrono::floor<std::chrono::seconds>(at(0ms)));
}

TEST_CASE("which run each unknown create made: a table", "[unit][decisions][reconcile]") {
  using v = reconcile_verdict;
  SECTION("one unknown, one run in its window: found") {
    const auto a = decide({unknown(1000, 2000)}, {run_at(1500)});
    CHECK(a[0].verdict == v::found);
    CHECK(a[0].runs == std::vector<std::size_t>{0});
  }
  SECTION("one unknown, no run, within its grace: wait until the grace ends") {
    const auto a = decide({unknown(1000, 2000)}, {}, 5000);
    CHECK(a[0].verdict == v::wait);
    CHECK(a[0].wait_until == at(12000ms));
  }
  SECTION("one unknown, no run, after its grace: not found") {
    CHECK(decide({unknown(1000, 2000)}, {}, 12000)[0].verdict == v::not_found);
  }
  SECTION("no run is final only from a listing begun after its window closed") {
    // Grace 10 s, but the window ends 2 s + 1.5 s after the failure on the server's earliest
    // clock: a listing begun at 12 s may miss a run made at 13 s inside the window.
    bp::detail::reconcile_facts f;
    const std::vector<bp::detail::unknown_create> group{unknown(1000, 10'000)};
    f.group = group;
    f.skew = {-500ms, 1000ms};
    f.margin = 2s;
    f.grace = 500ms;
    f.now = at(12'000ms);
    auto a = bp::detail::decide_reconcile(f);
    CHECK(a[0].verdict == v::wait);
    CHECK(a[0].wait_until == at(13'500ms));  // 10 s + 1 s + 2 s, less the -0.5 s
    f.now = at(13'500ms);
    CHECK(bp::detail::decide_reconcile(f)[0].verdict == v::not_found);
  }
  SECTION("two overlapping unknowns, one run both could have made: ambiguous for both") {
    const auto a = decide({unknown(1000, 3000), unknown(2000, 4000)}, {run_at(2500)});
    CHECK(a[0].verdict == v::ambiguous);
    CHECK(a[1].verdict == v::ambiguous);
    CHECK(a[0].runs == std::vector<std::size_t>{0});
    CHECK(a[1].runs == std::vector<std::size_t>{0});
  }
  SECTION("two overlapping unknowns, two runs both could have made: ambiguous, both named") {
    const auto a = decide({unknown(1000, 3000), unknown(2000, 4000)}, {run_at(2200), run_at(2800)});
    CHECK(a[0].verdict == v::ambiguous);
    CHECK(a[0].runs == std::vector<std::size_t>{0, 1});
    CHECK(a[1].runs == std::vector<std::size_t>{0, 1});
  }
  SECTION("creates that do not overlap in time are told apart") {
    const auto a = decide({unknown(1000, 2000), unknown(5000, 6000)}, {run_at(5500), run_at(1200)});
    CHECK(a[0].verdict == v::found);
    CHECK(a[0].runs == std::vector<std::size_t>{1});
    CHECK(a[1].verdict == v::found);
    CHECK(a[1].runs == std::vector<std::size_t>{0});
  }
  SECTION("elimination: a run only one unknown explains settles the other's") {
    // The run at 1500 can only be the first's; then the one at 2500 can only be the second's.
    const auto a = decide({unknown(1000, 3000), unknown(2000, 4000)}, {run_at(2500), run_at(1500)});
    CHECK(a[0].verdict == v::found);
    CHECK(a[0].runs == std::vector<std::size_t>{1});
    CHECK(a[1].verdict == v::found);
    CHECK(a[1].runs == std::vector<std::size_t>{0});
  }
  SECTION("a run outside every window proves another creator: nothing is found, all are named") {
    const auto a = decide({unknown(1000, 2000)}, {run_at(1500), run_at(8000)});
    CHECK(a[0].verdict == v::ambiguous);
    CHECK(a[0].another_creator);
    CHECK(a[0].runs == std::vector<std::size_t>{0, 1});
  }
  SECTION("two runs in the window of one unknown: one create makes one run, so another creator") {
    const auto a = decide({unknown(1000, 2000)}, {run_at(1200), run_at(1800)});
    CHECK(a[0].verdict == v::ambiguous);
    CHECK(a[0].another_creator);
    CHECK(a[0].runs.size() == 2);
  }
  SECTION("an unknown answered earlier can explain a run but gets no new answer") {
    // Both could have made the run at 2500: the earlier one (answered not_found) may have made it
    // late, so the new one cannot be sure it is its own.
    const auto a = decide({unknown(1000, 3000, true), unknown(2000, 4000)}, {run_at(2500)});
    CHECK(a[0].verdict == v::unchanged);
    CHECK(a[1].verdict == v::ambiguous);
    // A run only the answered one explains is its: the new one, with nothing, waits.
    const auto b = decide({unknown(1000, 1500, true), unknown(2000, 4000)}, {run_at(1200)}, 5000);
    CHECK(b[1].verdict == v::wait);
  }
  SECTION("a memory that dropped runs turns found into ambiguous, never not_found into found") {
    const auto a = decide({unknown(1000, 2000)}, {run_at(1500)}, 100'000, false);
    CHECK(a[0].verdict == v::ambiguous);
    CHECK(decide({unknown(1000, 2000)}, {}, 100'000, false)[0].verdict == v::not_found);
  }
  SECTION("a create whose run is known to exist is never not_found") {
    auto made = unknown(1000, 2000);
    made.made_run = true;
    const auto a = decide({made}, {}, 12000);
    CHECK(a[0].verdict == v::ambiguous);
    CHECK(a[0].runs.empty());
    CHECK(decide({made}, {run_at(1500)})[0].verdict == v::found);
  }
  SECTION("one found, the other with nothing after its grace: not found") {
    const auto a = decide({unknown(1000, 2000), unknown(5000, 6000)}, {run_at(1500)}, 17000);
    CHECK(a[0].verdict == v::found);
    CHECK(a[1].verdict == v::not_found);
  }
  SECTION("a createdAt cut to whole seconds counts a second on either side") {
    // Made at 2.6 s, stamped "…:02Z": 2000 is 500 ms before the window [2100, 3100] (margin 100),
    // yet the run may be inside: found. At millisecond precision the same stamp is outside.
    auto coarse = run_at(2000);
    coarse.precision = 1s;
    CHECK(decide({unknown(2200, 3000)}, {coarse})[0].verdict == v::found);
    const auto fine = decide({unknown(2200, 3000)}, {run_at(2000)});
    CHECK(fine[0].verdict == v::ambiguous);
    CHECK(fine[0].another_creator);
  }
  SECTION("two creates 300 ms apart: a 2 s margin cannot tell them apart, 100 ms can") {
    // The stall of the first (sent at 1000) made it fail 2 s later, after the second (sent at 1300,
    // failed at 1400 when its answer was cut) ended.
    const std::vector group{unknown(1000, 3000), unknown(1300, 1400)};
    const std::vector runs{run_at(1001), run_at(1301)};
    const auto narrow = decide(group, runs);
    CHECK(narrow[0].verdict == v::found);
    CHECK(narrow[0].runs == std::vector<std::size_t>{0});
    CHECK(narrow[1].verdict == v::found);
    CHECK(narrow[1].runs == std::vector<std::size_t>{1});
    const auto wide = decide(group, runs, 100'000, true, 2s);
    CHECK(wide[0].verdict == v::ambiguous);
    CHECK(wide[1].verdict == v::ambiguous);
  }
}

TEST_CASE("createdAt's clock: the Date headers' bounds, widened when answered creates disagree",
          "[unit][decisions][reconcile]") {
  // The least createdAt - sent and the greatest createdAt - received.
  bp::detail::stamp_span stamps;
  CHECK_FALSE(stamps.span());
  stamps.observe(at(1000ms), at(1500ms), at(1200ms));
  REQUIRE(stamps.span());
  CHECK(stamps.span()->low == 200ms);
  CHECK(stamps.span()->high == -300ms);
  stamps.observe(at(5000ms), at(5050ms), at(5040ms));
  CHECK(stamps.span()->low == 40ms);
  CHECK(stamps.span()->high == -10ms);
  stamps.observe(at(6000ms), at(5000ms), at(0ms));  // our clock stepped back: no fact
  CHECK(stamps.span()->low == 40ms);
  CHECK(bp::detail::hull({-10ms, 5ms}, {20ms, 40ms}).low == -10ms);
  CHECK(bp::detail::hull({-10ms, 5ms}, {20ms, 40ms}).high == 40ms);

  bp::detail::create_accounting accounting(20s);
  CHECK_FALSE(accounting.created_at_offset());  // no Date yet: the default bound
  CHECK(accounting.created_at_offset_or_default().high == 60s);
  accounting.observe_date(at(0ms), at(10ms), at(0ms));  // the Date clock: [-10 ms, 1 s]
  REQUIRE(accounting.created_at_offset());
  CHECK(accounting.created_at_offset()->low == -10ms);
  CHECK(accounting.created_at_offset()->high == 1000ms);
  // Stamps on the Date clock leave the bounds alone, a quick create as a slow one (stamped
  // early in a 3 s exchange).
  accounting.observe_created(at(1000ms), at(1100ms), at(1050ms));
  accounting.observe_created(at(2000ms), at(5000ms), at(2100ms));
  CHECK(accounting.created_at_offset()->low == -10ms);
  CHECK(accounting.created_at_offset()->high == 1000ms);
  // A server that stamps 2.5 s late (a database's clock): the windows reach its stamps.
  accounting.observe_created(at(6000ms), at(6100ms), at(8550ms));
  CHECK(accounting.created_at_offset()->low == -10ms);
  CHECK(accounting.created_at_offset()->high == 2450ms);  // 8550 - 6100
  CHECK(accounting.clock_offset()->high == 1000ms);      // the Date clock itself is unchanged
}

TEST_CASE("an ISO 8601 time's precision is what its fraction says",
          "[unit][decisions][reconcile]") {
  CHECK(bp::iso8601_precision("2026-12-05T12:00:00Z") == 1s);
  CHECK(bp::iso8601_precision("2026-12-05T12:00:00.1Z") == 100ms);
  CHECK(bp::iso8601_precision("2026-12-05T12:00:00.12Z") == 10ms);
  CHECK(bp::iso8601_precision("2026-12-05T12:00:00.123Z") == 1ms);
  CHECK(bp::iso8601_precision("2026-12-05T12:00:00.123456Z") == 1ms);
  CHECK(bp::iso8601_precision("2026-12-05T12:00:00.Z") == 1s);
}

TEST_CASE("the memory of the client's runs is bounded by time and count",
          "[unit][decisions][reconcile]") {
  bp::detail::run_memory memory(10s, 3);
  CHECK(memory.remember("run_a", at(0ms)));
  CHECK(memory.remember("run_b", at(1000ms)));
  CHECK_FALSE(memory.remember("run_a", at(1500ms)));  // already held: no second entry, no claim
  CHECK(memory.holds("run_a"));
  CHECK(memory.ids() == std::vector<std::string>{"run_a", "run_b"});
  CHECK(memory.complete_since(at(0ms)));
  memory.remember("run_c", at(2000ms));
  memory.remember("run_d", at(3000ms));  // over the cap: run_a goes
  CHECK_FALSE(memory.holds("run_a"));
  CHECK(memory.complete_since(at(1ms)));        // dropped run_a was remembered at 0
  CHECK_FALSE(memory.complete_since(at(0ms)));  // a listing from 0 may show it
  memory.remember("run_e", at(12500ms));        // 10 s past run_b and run_c: they expire
  CHECK(memory.ids() == std::vector<std::string>{"run_d", "run_e"});
  CHECK_FALSE(memory.holds("run_b"));
  CHECK(memory.complete_since(at(1ms)));  // expiry is not a loss: such runs are out of every window
}

TEST_CASE("the ledger holds a version's writes and names the creates a reconciliation waits for",
          "[unit][decisions][reconcile]") {
  bp::detail::create_ledger ledger;
  const auto a = ledger.begin("pv1");  // written before the hold: awaited
  const auto b = ledger.begin("pv1");  // queued (no write yet) when the hold comes: held
  const auto c = ledger.begin("pv2");  // another version: neither awaited nor held
  ledger.written(a);
  CHECK(ledger.may_write(c));
  ledger.written(c);

  const auto awaited = ledger.hold("pv1");
  CHECK(awaited == std::vector<bp::detail::create_ledger::ticket>{a});
  CHECK(ledger.held("pv1"));
  CHECK_FALSE(ledger.may_write(b));
  const auto d = ledger.begin("pv1");  // started during the hold: held too
  CHECK_FALSE(ledger.may_write(d));
  CHECK(ledger.may_write(ledger.begin("pv2")));

  CHECK_FALSE(ledger.settled(awaited));
  ledger.settle(a);
  CHECK(ledger.settled(awaited));

  // Holds nest: the writes go on when the last one ends, and only that version's.
  ledger.hold("pv1");
  CHECK(ledger.release("pv1").empty());
  CHECK(ledger.held("pv1"));
  ledger.settle(d);  // a held create that ended while waiting (cancelled): not woken
  const auto woken = ledger.release("pv1");
  CHECK(woken == std::vector<bp::detail::create_ledger::ticket>{b});
  CHECK_FALSE(ledger.held("pv1"));
  CHECK(ledger.may_write(b));
  CHECK(ledger.release("pv1").empty());  // one release too many changes nothing

  // A woken create has its pass: a hold begun before it got to write waits for it instead.
  const auto e = ledger.begin("pv1");
  ledger.hold("pv1");
  CHECK_FALSE(ledger.may_write(e));
  CHECK(ledger.release("pv1") == std::vector<bp::detail::create_ledger::ticket>{e});
  const auto again = ledger.hold("pv1");
  CHECK(std::find(again.begin(), again.end(), e) != again.end());
  CHECK(ledger.may_write(e));
  ledger.release("pv1");
}

TEST_CASE("the client's create gate: a hold stops writes, release wakes them, settles are awaited",
          "[unit][decisions][reconcile]") {
  bp::detail::create_accounting accounting(std::chrono::seconds(30));
  const auto written = accounting.begin_create("v1");
  CHECK(accounting.try_write(written, [] { FAIL("a create that wrote is never woken"); }));
  const auto other_version = accounting.begin_create("v2");
  const auto queued = accounting.begin_create("v1");  // waiting for a slot when the hold starts

  const auto awaited = accounting.hold("v1");
  CHECK(awaited == std::vector<bp::detail::create_ledger::ticket>{written});
  int woken = 0;
  CHECK_FALSE(accounting.try_write(queued, [&] { ++woken; }));
  CHECK(accounting.try_write(other_version, [] {}));  // another version is not held
  bool listed = false;
  accounting.when_settled(awaited, [&] { listed = true; });
  CHECK_FALSE(listed);
  accounting.end_create(other_version);
  CHECK_FALSE(listed);
  accounting.end_create(written);
  CHECK(listed);
  CHECK(woken == 0);
  accounting.release("v1");
  CHECK(woken == 1);
  accounting.release("v1");  // a second release of nothing wakes nobody twice
  CHECK(woken == 1);

  // A held create that ends (its deadline, a cancellation) is never woken afterwards.
  const auto gone = accounting.begin_create("v1");
  accounting.hold("v1");
  CHECK_FALSE(accounting.try_write(gone, [&] { ++woken; }));
  accounting.end_create(gone);
  accounting.release("v1");
  CHECK(woken == 1);
  // Settled already: the watcher runs at once.
  bool at_once = false;
  accounting.when_settled({gone}, [&] { at_once = true; });
  CHECK(at_once);
}

TEST_CASE("creates whose run may exist are noted per version, to explain listed runs",
          "[unit][decisions][reconcile]") {
  // A made-up wall clock: the record's times and the horizon's "now" are the test's.
  const std::chrono::system_clock::time_point now{std::chrono::hours(490'000)};
  bp::detail::create_accounting accounting(std::chrono::seconds(30));
  bp::create_record r;
  r.outcome = bp::create_outcome::unknown;
  r.prompt_version_id = "v1";
  r.sent_at = now - 2s;
  r.failed_at = now - 1s;
  accounting.note_unsettled_outcome(r, now);
  r.prompt_version_id = "v2";
  accounting.note_unsettled_outcome(r, now);
  CHECK(accounting.unsettled_outcomes("v1").size() == 1);
  CHECK(accounting.unsettled_outcomes("v3").empty());
  // Reconciled to its run, it explains no other.
  accounting.forget_unsettled_outcome(r);
  CHECK(accounting.unsettled_outcomes("v2").empty());
  CHECK(accounting.unsettled_outcomes("v1").size() == 1);
  // Two creates that look alike (one version, the same millisecond) are forgotten one at a time.
  bp::create_record twin = r;
  twin.prompt_version_id = "v4";
  accounting.note_unsettled_outcome(twin, now);
  twin.failed_at += std::chrono::microseconds(300);
  accounting.note_unsettled_outcome(twin, now);
  accounting.forget_unsettled_outcome(twin);
  const auto left = accounting.unsettled_outcomes("v4");
  REQUIRE(left.size() == 1);
  CHECK(left[0].failed_at == r.failed_at);  // the identical one went, not its look-alike
  // Past the memory's horizon, a note is forgotten.
  r.failed_at = now - 1h;
  r.prompt_version_id = "v1";
  bp::detail::create_accounting old(std::chrono::seconds(30));
  old.note_unsettled_outcome(r, now);
  old.note_unsettled_outcome(r, now);  // the next note drops what is older than the horizon
  CHECK(old.unsettled_outcomes("v1").size() == 1);
}
