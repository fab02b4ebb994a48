// SPDX-License-Identifier: BSL-1.0
// reconcile_create against the emulator: an unknown create's run is found, a create that made no
// run is not found after its grace, two unknowns that cannot be told apart are ambiguous, a second
// client of the account shares what reconciliation knows, a server stamping on another clock is
// learned, another creator is never taken for ours, new creates wait while a reconciliation lists (and a held
// create ends not created at its deadline), and cancellation, close() and a broken listing end it.
#include "support/cancel.hpp"
#include "support/fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <algorithm>
#include <optional>

using namespace bp_test;
namespace demo = bp::testing::demo;
using bp::testing::fault_kind;
namespace routes = bp::testing::routes;

namespace {

/// Reconcile options for tests: a short grace, so that not_found comes quickly.
bp::reconcile_options quick_reconcile(std::chrono::milliseconds grace = 300ms) {
  bp::reconcile_options o;
  o.grace = grace;
  return o;
}

/// A create whose request reached the emulator as `kind` says; returns its record.
asio::awaitable<bp::create_record> unknown_create(bp::client& c, fault_kind kind,
                                                  std::string topic) {
  bp::diagnostics diag;
  auto [ec, r] = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, topic),
                                         diag, asio::as_tuple(asio::use_awaitable));
  REQUIRE(ec == bp::error::create_outcome_unknown);
  REQUIRE(diag.create);
  (void)kind;
  co_return *diag.create;
}

/// A client that does not retry; `seen`, when given, hears its events.
bp::client no_retry_client(fixture& f, const std::shared_ptr<client_events>& seen = nullptr) {
  auto opts = quick_options(f, 0);
  if (seen) opts.on_event = seen->hook();
  return f.make_client(opts);
}

/// What a callback-started operation completed with, once it has.
template <class T>
struct completion {
  explicit completion(fixture& f) : ended(f.ioc.get_executor()) {}
  std::optional<boost::system::error_code> ec;
  T value{};
  event ended;
  auto handler() {
    return [this](boost::system::error_code e, T v) {
      ec = e;
      value = std::move(v);
      ended.set();
    };
  }
};

/// Awaits the completion of `c` (a hang fails the test after 10 s).
template <class T>
asio::awaitable<void> until_done(completion<T>& c) {
  co_await c.ended.wait();
  REQUIRE(c.ec);
}

}  // namespace

TEST_CASE("reconcile_create finds the run of a create whose answer was lost", "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::create_record record = co_await unknown_create(c, fault_kind::reset_after_processing, "lost");
    REQUIRE(f.emu.run_count() == 1);
    const std::string made = f.emu.runs().front().run_id;

    const bp::reconcile_result r = co_await bp::reconcile_create(c, record, quick_reconcile());
    CHECK(r.status == bp::reconcile_status::found);
    REQUIRE(r.run);
    CHECK(r.run->run_id == made);
    CHECK(r.record.prompt_version_id == record.prompt_version_id);
    // Claimed: remembered, so that no later reconciliation can take it.
    const auto ids = c.remembered_runs();
    CHECK(std::find(ids.begin(), ids.end(), made) != ids.end());
    // A run the client created itself is never a candidate: its answer came back.
    const bp::run mine = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "ok"));
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::create_record none = co_await unknown_create(c, fault_kind::reset, "never");
    const bp::reconcile_result r2 = co_await bp::reconcile_create(c, none, quick_reconcile());
    CHECK(r2.status == bp::reconcile_status::not_found);
    CHECK_FALSE(r2.run);
    CHECK(f.emu.run_count() == 2);
    (void)mine;
  });
}

TEST_CASE("creates tell a server's journal when they were sent and how they settled, and the "
          "client counts unknown creates and reconciliation's answers",
          "[reconcile][events]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    struct seen {
      bp::event_kind kind;
      std::string version, outcome, run_id;
      bool has_sent_at;
    };
    auto events = std::make_shared<std::vector<seen>>();
    auto opts = quick_options(f, 0);
    opts.on_event = [events](const bp::event& e) {
      if (e.kind == bp::event_kind::create_sent || e.kind == bp::event_kind::create_settled)
        events->push_back({e.kind, std::string(e.prompt_version_id), std::string(e.outcome),
                           std::string(e.run_id), e.sent_at.has_value()});
    };
    auto c = f.make_client(opts);
    const bp::run ok = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "ok"));
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::create_record lost =
        co_await unknown_create(c, fault_kind::reset_after_processing, "lost");
    CHECK(c.create_counters().unknown == 1);
    // Reconciled before the next create: two unknowns close in time would share their windows,
    // and rightly be ambiguous.
    const bp::reconcile_result found = co_await bp::reconcile_create(c, lost, quick_reconcile());
    CHECK(found.status == bp::reconcile_status::found);
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::create_record never = co_await unknown_create(c, fault_kind::reset, "never");
    const bp::reconcile_result absent = co_await bp::reconcile_create(c, never, quick_reconcile());
    CHECK(absent.status == bp::reconcile_status::not_found);

    REQUIRE(events->size() == 6);  // sent, settled for each of the three
    for (std::size_t i = 0; i < 6; ++i) {
      const seen& e = (*events)[i];
      CHECK(e.kind == (i % 2 ? bp::event_kind::create_settled : bp::event_kind::create_sent));
      CHECK(e.version == demo::text_prompt_version_id);
      CHECK(e.has_sent_at);
    }
    CHECK((*events)[1].outcome == "answered");
    CHECK((*events)[1].run_id == ok.run_id);
    CHECK((*events)[3].outcome == "unknown");
    CHECK((*events)[3].run_id.empty());
    CHECK((*events)[5].outcome == "unknown");

    const bp::create_counters n = c.create_counters();
    CHECK(n.unknown == 2);
    CHECK(n.found == 1);
    CHECK(n.not_found == 1);
    CHECK(n.ambiguous == 0);
    CHECK(n.reconcile_failed == 0);
  });
}

TEST_CASE("a create that made no run is not_found only after its grace period",
          "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::create_record record = co_await unknown_create(c, fault_kind::reset, "lost");
    CHECK(f.emu.run_count() == 0);
    const bp::reconcile_result r = co_await bp::reconcile_create(c, record, quick_reconcile(700ms));
    CHECK(r.status == bp::reconcile_status::not_found);
    CHECK(std::chrono::system_clock::now() >= record.failed_at + 700ms);
    CHECK_FALSE(r.reason.empty());

    // A record that proves nothing was made is answered at once; a broken one is refused.
    bp::create_record proven = record;
    proven.outcome = bp::create_outcome::not_created;
    const auto start = std::chrono::steady_clock::now();
    const bp::reconcile_result at_once = co_await bp::reconcile_create(c, proven);
    CHECK(at_once.status == bp::reconcile_status::not_found);
    CHECK(elapsed_since(start) < 500ms);
    bp::create_record broken = record;
    broken.sent_at.reset();
    const auto e = co_await expect_error(bp::reconcile_create(c, broken));
    CHECK(e.code() == bp::error::invalid_argument);
    bp::reconcile_options wrong;
    wrong.grace = 61s;
    const auto e2 = co_await expect_error(bp::reconcile_create(c, record, wrong));
    CHECK(e2.code() == bp::error::invalid_argument);
  });
}

TEST_CASE("two unknowns in flight together with one run between them are both ambiguous",
          "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    // The first create's request is processed and its answer lost; the second never processed.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    using namespace asio::experimental::awaitable_operators;
    auto [a, b] = co_await (unknown_create(c, fault_kind::reset_after_processing, "a") &&
                            unknown_create(c, fault_kind::reset, "b"));
    REQUIRE(f.emu.run_count() == 1);
    const std::string made = f.emu.runs().front().run_id;
    auto [ra, rb] = co_await (bp::reconcile_create(c, a, quick_reconcile(), asio::use_awaitable) &&
                              bp::reconcile_create(c, b, quick_reconcile(), asio::use_awaitable));
    // Their windows overlap: the run is either's. Neither may claim it.
    for (const bp::reconcile_result* r : {&ra, &rb}) {
      CHECK(r->status == bp::reconcile_status::ambiguous);
      CHECK(r->candidates == std::vector<std::string>{made});
    }
  });
}

TEST_CASE("a second client of the same account is not another creator", "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    auto other = f.make_client();  // same base URL and key: it shares what reconciliation knows
    // Ours made a run, and theirs lies in the window too: ours is found, theirs never given.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::create_record record =
        co_await unknown_create(c, fault_kind::reset_after_processing, "mine");
    const std::string ours = f.emu.runs().back().run_id;
    const bp::run theirs =
        co_await bp::create_run(other, topic_request(demo::text_prompt_version_id, "theirs"));
    CHECK(c.remembered_runs() == std::vector<std::string>{theirs.run_id});
    const bp::reconcile_result r = co_await bp::reconcile_create(c, record, quick_reconcile());
    CHECK(r.status == bp::reconcile_status::found);
    REQUIRE(r.run);
    CHECK(r.run->run_id == ours);
    CHECK(other.remembered_runs().back() == ours);  // claimed for every client of the account

    // Ours made no run this time; theirs lies in its window, and is known to be theirs.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::create_record second = co_await unknown_create(c, fault_kind::reset, "mine-2");
    co_await bp::create_run(other, topic_request(demo::text_prompt_version_id, "theirs-2"));
    const bp::reconcile_result r2 = co_await bp::reconcile_create(c, second, quick_reconcile());
    CHECK(r2.status == bp::reconcile_status::not_found);
    CHECK(r2.candidates.empty());
  });
}

TEST_CASE("a server that stamps runs on another clock is learned from answered creates",
          "[reconcile]") {
  // createdAt 2.5 s past what the Date headers say: without learning it, our run would lie
  // past our window's end and look like another creator's.
  bp::testing::emulator_options late;
  late.stamp_offset = 2500ms;
  fixture f{late};
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "answered"));
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::create_record record =
        co_await unknown_create(c, fault_kind::reset_after_processing, "lost");
    const std::string made = f.emu.runs().back().run_id;
    const bp::reconcile_result r = co_await bp::reconcile_create(c, record, quick_reconcile());
    CHECK(r.status == bp::reconcile_status::found);
    REQUIRE(r.run);
    CHECK(r.run->run_id == made);
  });
}

TEST_CASE("another creator's run is never taken for ours", "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    bp::reconcile_options options = quick_reconcile();
    options.margin = 0ms;
    // Another process's create, as the emulator's seed makes it: nothing of ours knows it.
    const auto another_creator = [&f](std::string topic) {
      bp::testing::emulator_seed seed;
      seed.runs.push_back(topic_request(demo::text_prompt_version_id, std::move(topic)));
      f.emu.apply_seed(seed);
      return f.emu.runs().back().run_id;
    };
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::create_record record = co_await unknown_create(c, fault_kind::reset, "mine");
    // Past our window (its end widened by the Date headers' whole seconds): a run no create of
    // ours can have made shows that another creator exists.
    co_await sleep_for(2500ms);  // time passing on both clocks, not synchronisation
    const std::string theirs = another_creator("theirs");
    const bp::reconcile_result r = co_await bp::reconcile_create(c, record, options);
    CHECK(r.status == bp::reconcile_status::ambiguous);
    CHECK(r.candidates == std::vector<std::string>{theirs});
    CHECK(r.reason.find("another creator") != std::string::npos);

    // Ours made a run this time: with another creator about, it is named, never claimed.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::create_record second =
        co_await unknown_create(c, fault_kind::reset_after_processing, "mine-2");
    const std::string ours = f.emu.runs().back().run_id;
    co_await sleep_for(2500ms);
    another_creator("theirs-2");
    const bp::reconcile_result r2 = co_await bp::reconcile_create(c, second, options);
    CHECK(r2.status == bp::reconcile_status::ambiguous);
    CHECK(std::find(r2.candidates.begin(), r2.candidates.end(), ours) != r2.candidates.end());
    CHECK(c.remembered_runs().empty());  // nothing claimed
  });
}

TEST_CASE("new creates of the version wait while a reconciliation lists, and time out held",
          "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto seen = std::make_shared<client_events>(f.ioc.get_executor());
    auto c = no_retry_client(f, seen);
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::create_record record = co_await unknown_create(c, fault_kind::reset_after_processing, "lost");
    // A create in flight for 800 ms: the reconciliation waits for it before listing.
    bp::testing::fault slow = make_fault(fault_kind::delay);
    slow.delay = 800ms;
    f.emu.inject_fault(routes::create_run, slow);
    completion<bp::run> in_flight(f);
    auto written = request_arrives(f.emu, routes::create_run, f.ioc.get_executor());
    bp::create_run(c, topic_request(demo::text_prompt_version_id, "slow"), in_flight.handler());
    co_await written->wait();
    completion<bp::reconcile_result> reconciling(f);
    auto holding = seen->when(bp::event_kind::creates_held, "reconcile_create");
    auto released = seen->when(bp::event_kind::creates_released, "reconcile_create");
    bp::reconcile_create(c, record, quick_reconcile(), reconciling.handler());
    co_await holding->wait();
    // A create that may wait 300 ms in all is held past its deadline: never sent.
    auto short_opts = quick_options(f, 0);
    short_opts.timeouts.total = 300ms;
    bp::call_options overrides;
    overrides.timeouts = short_opts.timeouts;
    auto impatient = c.with(overrides);
    bp::diagnostics diag;
    const auto held_start = std::chrono::steady_clock::now();
    auto [ec, none] = co_await bp::create_run(impatient, topic_request(demo::text_prompt_version_id, "held"),
                                              diag, asio::as_tuple(asio::use_awaitable));
    CHECK(ec == bp::error::create_held);
    REQUIRE(diag.create);
    CHECK(diag.create->outcome == bp::create_outcome::not_created);
    CHECK(elapsed_since(held_start) < 700ms);
    // One that can wait goes out once the listing is done, after the slow one settled.
    const bp::run later = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "later"));
    co_await until_done(in_flight);
    CHECK_FALSE(*in_flight.ec);
    const bp::run& slow_run = in_flight.value;
    co_await until_done(reconciling);
    REQUIRE_FALSE(*reconciling.ec);
    CHECK(released->is_set());  // the listing ended before its answer
    const bp::reconcile_result& r = reconciling.value;
    CHECK(r.status == bp::reconcile_status::found);
    REQUIRE(r.run);
    CHECK(r.run->run_id != slow_run.run_id);
    CHECK(r.run->run_id != later.run_id);
    CHECK(f.emu.run_count() == 3);  // lost, slow, later: the held one never reached the server
  });
}

TEST_CASE("cancelling or closing ends a reconciliation and lets creates go", "[reconcile]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto seen = std::make_shared<client_events>(f.ioc.get_executor());
    auto c = no_retry_client(f, seen);
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::create_record record = co_await unknown_create(c, fault_kind::reset, "never");
    for (auto type : {asio::cancellation_type::terminal, asio::cancellation_type::partial,
                      asio::cancellation_type::total}) {
      asio::cancellation_signal cancel;
      completion<bp::reconcile_result> pending(f);
      auto under_way = seen->when(bp::event_kind::creates_held, "reconcile_create");
      bp::reconcile_create(c, record, quick_reconcile(30s),
                           asio::bind_cancellation_slot(cancel.slot(), pending.handler()));
      co_await under_way->wait();
      const auto start = std::chrono::steady_clock::now();
      cancel.emit(type);
      co_await until_done(pending);
      CHECK(*pending.ec == asio::error::operation_aborted);
      CHECK(elapsed_since(start) < 1s);
    }
    // The hold is gone: a create goes out at once.
    co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "free"));

    // A broken listing: reconcile_failed, the record kept; the next try decides.
    f.emu.inject_fault(routes::list_runs, make_fault(fault_kind::server_error, -1));
    bp::diagnostics diag;
    auto [failed_ec, failed] = co_await bp::reconcile_create(c, record, quick_reconcile(), diag,
                                                             asio::as_tuple(asio::use_awaitable));
    CHECK(failed_ec == bp::error::reconcile_failed);
    REQUIRE(diag.create);
    CHECK(diag.create->sent_at == record.sent_at);
    f.emu.clear_faults();

    completion<bp::reconcile_result> pending(f);
    auto under_way = seen->when(bp::event_kind::creates_held, "reconcile_create");
    bp::reconcile_create(c, record, quick_reconcile(30s), pending.handler());
    co_await under_way->wait();
    c.close();
    co_await until_done(pending);
    CHECK(*pending.ec == bp::error::client_closed);
  });
}

TEST_CASE("run_prompt reconciles an unknown create by itself, and resends only when asked",
          "[reconcile][run_prompt]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    bp::run_inputs inputs;
    inputs.text_inputs["topic"] = "lost";
    bp::run_prompt_options options;
    options.validate = false;
    options.reconciliation = quick_reconcile();
    const auto version = bp::prompt_ref::version(demo::text_prompt_version_id);

    // Its answer lost, the run is found and returned, finished.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const bp::run found = co_await bp::run_prompt(c, version, inputs, options);
    REQUIRE(f.emu.run_count() == 1);
    CHECK(found.run_id == f.emu.runs().front().run_id);
    CHECK(found.finished());

    // Never processed: not_found, the create's error, and what the reconciliation said.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    bp::diagnostics diag;
    auto [ec, none] = co_await bp::run_prompt(c, version, inputs, options,
                                              asio::as_tuple(asio::use_awaitable));
    CHECK(ec == bp::error::create_outcome_unknown);
    (void)diag;
    CHECK(f.emu.run_count() == 1);

    // Asked to resend after not_found: one run, once.
    options.resend_if_not_created = true;
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const bp::run resent = co_await bp::run_prompt(c, version, inputs, options);
    CHECK(resent.finished());
    CHECK(f.emu.run_count() == 2);

    // Off: the create's error at once.
    options.reconcile = false;
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
    const auto e = co_await expect_error(bp::run_prompt(c, version, inputs, options));
    CHECK(e.code() == bp::error::create_outcome_unknown);
    const auto& data = e.get_diagnostics().data;
    CHECK((data.is_null() || !data.as_object().contains("reconcile")));
    CHECK(f.emu.run_count() == 3);
  });
}

TEST_CASE("run_prompt's failure after reconciling says what it answered", "[reconcile][run_prompt]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = no_retry_client(f);
    bp::run_inputs inputs;
    inputs.text_inputs["topic"] = "never";
    bp::run_prompt_options options;
    options.validate = false;
    options.reconciliation = quick_reconcile();
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    const auto e = co_await expect_error(bp::run_prompt(
        c, bp::prompt_ref::version(demo::text_prompt_version_id), inputs, options));
    CHECK(e.code() == bp::error::create_outcome_unknown);
    const auto& diag = e.get_diagnostics();
    REQUIRE(diag.create);
    const auto& reconcile = diag.data.at("reconcile").as_object();
    CHECK(reconcile.at("status").as_string() == "not_found");
    CHECK(reconcile.at("candidates").as_array().empty());
    CHECK(diag.message.find("reconciled: not_found") != std::string::npos);
  });
}

TEST_CASE("close_gracefully lets the written creates finish, sends no new one, then closes",
          "[drain]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = quick_options(f, 0);
    opts.max_connections = 1;  // the second create waits for the first one's connection
    auto c = f.make_client(opts);
    f.emu.set_response_delay(routes::create_run, 400ms);
    completion<bp::run> written(f), queued(f);
    auto first_arrived = request_arrives(f.emu, routes::create_run, f.ioc.get_executor());
    bp::create_run(c, topic_request(demo::text_prompt_version_id, "written"), written.handler());
    bp::create_run(c, topic_request(demo::text_prompt_version_id, "queued"), queued.handler());
    co_await first_arrived->wait();
    REQUIRE(f.emu.run_count() == 1);  // the first is written and being answered

    const bp::drain_result drained = co_await bp::close_gracefully(c, 5s);
    CHECK(drained.waited_for == 1);
    CHECK(drained.cut_off == 0);
    co_await until_done(written);
    co_await until_done(queued);
    CHECK_FALSE(*written.ec);  // it finished, with its run
    CHECK(written.value.run_id == f.emu.runs().front().run_id);
    CHECK(*queued.ec == bp::error::client_closed);  // never sent
    CHECK(f.emu.run_count() == 1);
    const auto e = co_await expect_error(bp::get_run(c, written.value.run_id));
    CHECK(e.code() == bp::error::client_closed);  // closed
  });
}

TEST_CASE("close_gracefully cuts off the creates still running when its grace ends", "[drain]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client(quick_options(f, 0));
    f.emu.set_response_delay(routes::create_run, 3s);
    completion<bp::run> slow(f);
    bp::diagnostics diag;
    auto arrived = request_arrives(f.emu, routes::create_run, f.ioc.get_executor());
    bp::create_run(c, topic_request(demo::text_prompt_version_id, "slow"), diag, slow.handler());
    co_await arrived->wait();
    REQUIRE(f.emu.run_count() == 1);
    const auto start = std::chrono::steady_clock::now();
    const bp::drain_result drained = co_await bp::close_gracefully(c, 100ms);
    CHECK(elapsed_since(start) < 2s);
    CHECK(drained.waited_for == 1);
    CHECK(drained.cut_off == 1);
    co_await until_done(slow);
    CHECK(*slow.ec == bp::error::client_closed);
    REQUIRE(diag.create);
    CHECK(diag.create->outcome == bp::create_outcome::unknown);  // its run exists, unclaimed
    const auto e = co_await expect_error(bp::close_gracefully(c, -1ms));
    CHECK(e.code() == bp::error::invalid_argument);
  });
}
