// SPDX-License-Identifier: BSL-1.0
// blocking_client: every operation as a plain call against an emulator served from another
// thread, and its error, timeout, cancellation and close paths.
#include "support/fixture.hpp"

#include <betterprompt/blocking_client.hpp>

#include <future>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace bp = betterprompt;
namespace emu_ids = bp::testing::demo;
using namespace std::chrono_literals;

/// An emulator whose io_context runs on its own thread, as a real server would: the facade
/// blocks the test's thread.
struct served_emulator {
  explicit served_emulator(bp::testing::emulator_options opts = {}) : emu(ioc, std::move(opts)) {
    thread = std::thread([this] { ioc.run(); });
  }
  ~served_emulator() {
    asio::post(ioc, [this] {
      emu.stop();
      ioc.stop();
    });
    thread.join();
  }
  asio::io_context ioc{1};
  bp::testing::emulator emu;
  std::thread thread;
};

/// Client options whose on_event hook fulfils `started` when the first get_credits call begins
/// (the delayed one): the moment another thread may cancel or close, with no sleep to guess it.
bp::client_options signalling_options(const served_emulator& s, std::promise<void>& started) {
  auto opts = s.emu.make_client_options();
  opts.on_event = [&started, fired = false](const bp::event& e) mutable {
    if (e.kind == bp::event_kind::call_started && e.operation == "get_credits" && !fired) {
      fired = true;
      started.set_value();
    }
  };
  return opts;
}

bp::run_inputs topic(std::string text) {
  bp::run_inputs inputs;
  inputs.text_inputs["topic"] = std::move(text);
  return inputs;
}

/// Runs `call`, expecting error_with_diagnostics; returns it.
template <class Call>
bp::error_with_diagnostics expect_throw(Call call) {
  try {
    call();
  } catch (const bp::error_with_diagnostics& e) {
    return e;
  }
  FAIL("the call did not throw error_with_diagnostics");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("blocking_client: every operation is a plain call returning its value") {
  served_emulator s;
  bp::blocking_client c(s.emu.make_client_options());

  CHECK(c.get_account().username.has_value());
  CHECK(c.get_credits().credits > 0);
  CHECK(c.last_diagnostics().http_status == 200);  // success metadata, as the async overloads
  CHECK_FALSE(c.last_diagnostics().request_id.empty());

  const bp::prompt latest = c.get_prompt(emu_ids::text_prompt_id);
  CHECK(latest.prompt_version_id == emu_ids::text_prompt_version_id);
  CHECK(c.get_prompt(emu_ids::text_prompt_id, emu_ids::text_prompt_version_id).prompt_id ==
        emu_ids::text_prompt_id);
  CHECK(c.get_prompt_version(emu_ids::text_prompt_version_id).prompt_id == emu_ids::text_prompt_id);
  CHECK_FALSE(c.list_prompt_versions(emu_ids::text_prompt_id).empty());
  CHECK_FALSE(c.search_prompts("haiku").rows.empty());

  CHECK_FALSE(c.search_skills("haiku").rows.empty());
  const bp::skill sk = c.get_skill(emu_ids::text_skill);
  CHECK(sk.name == emu_ids::text_skill);
  CHECK_FALSE(c.fetch_skillmd(sk).empty());

  CHECK_FALSE(c.get_resources().models.empty());
  const std::size_t before_cache = s.emu.request_count();
  CHECK_FALSE(c.cached_resources().models.empty());  // fetched
  CHECK_FALSE(c.cached_resources().models.empty());  // from the cache: no request
  CHECK(s.emu.request_count() == before_cache + 1);
  CHECK(c.cache().current() != nullptr);

  const bp::run done = c.run_prompt(bp::prompt_ref::latest(emu_ids::text_prompt_id), topic("tides"));
  CHECK(done.status == bp::run_status::succeeded);
  CHECK(done.text().find("tides") != std::string::npos);

  bp::run_request request;
  request.prompt_version_id = emu_ids::text_prompt_version_id;
  request.text_inputs["topic"] = "rivers";
  const bp::run created = c.create_run(request);
  CHECK(c.get_run(created.run_id).run_id == created.run_id);
  CHECK(c.wait_for_run(created.run_id).status == bp::run_status::succeeded);
  CHECK(s.emu.run_count() == 2);

  // Every page, two rows at a time.
  bp::list_runs_options by_two;
  by_two.limit = 2;
  CHECK(c.list_runs(by_two).rows.size() == 2);
  c.create_run(request);
  std::size_t rows = 0;
  for (bp::blocking_run_pager pager(c, by_two);;) {
    const auto page = pager.next();
    if (page.empty()) break;
    rows += page.size();
  }
  CHECK(rows == 3);

  bp::create_record never_sent;
  never_sent.prompt_version_id = emu_ids::text_prompt_version_id;
  never_sent.sent_at = std::chrono::system_clock::now();
  never_sent.outcome = bp::create_outcome::not_created;
  CHECK(c.reconcile_create(never_sent).status == bp::reconcile_status::not_found);

  const bp::drain_result drained = c.close_gracefully(100ms);
  CHECK(drained.waited_for == 0);
  const auto closed = expect_throw([&] { c.get_credits(); });
  CHECK(closed.code() == bp::error::client_closed);
}

TEST_CASE("blocking_client: a failure throws error_with_diagnostics with what the answer told") {
  served_emulator s;
  bp::blocking_client c(s.emu.make_client_options());

  const auto missing = expect_throw([&] { c.get_run("00000000-0000-4000-8000-000000000000"); });
  CHECK(missing.code() == bp::error::not_found);
  CHECK(missing.get_diagnostics().http_status == 404);
  CHECK_FALSE(missing.get_diagnostics().request_id.empty());
  CHECK(c.last_diagnostics().request_id == missing.get_diagnostics().request_id);

  // Checked before anything is sent.
  const auto invalid = expect_throw([&] {
    c.run_prompt(bp::prompt_ref::latest(emu_ids::text_prompt_id), bp::run_inputs{});
  });
  CHECK(invalid.code() == bp::error::invalid_input);
  CHECK(s.emu.run_count() == 0);

  // The facade stays usable.
  CHECK(c.get_credits().credits > 0);
}

TEST_CASE("blocking_client: time limits are options, per client and per call") {
  served_emulator s(bp_test::short_sync_window());  // a slow run's create answers at once
  s.emu.set_response_delay(bp::testing::routes::get_credits, 300ms);
  auto opts = s.emu.make_client_options();
  opts.timeouts.total = 100ms;
  bp::blocking_client c(opts);

  const auto timed_out = expect_throw([&] { c.get_credits(); });
  CHECK(timed_out.code() == bp::error::timeout);

  bp::timeout_options patient = opts.timeouts;
  patient.total = 10s;
  bp::call_options overrides;
  overrides.timeouts = patient;
  c.set_call_options(overrides);
  CHECK(c.get_credits().credits > 0);

  // A wait's own limit: the run keeps going, and the error names it.
  s.emu.add_prompt(bp_test::timed_prompt("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", 30s));
  bp::run_request slow;
  slow.prompt_version_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  slow.text_inputs["topic"] = "patience";
  const bp::run queued = c.create_run(slow);
  bp::wait_options brief;
  brief.timeout = 200ms;
  const auto wait_timeout = expect_throw([&] { c.wait_for_run(queued.run_id, brief); });
  CHECK(wait_timeout.code() == bp::error::wait_timeout);
  CHECK(wait_timeout.get_diagnostics().data.at("runId").as_string() == queued.run_id);
}

TEST_CASE("blocking_client: cancel() from another thread ends the call in progress only") {
  served_emulator s;
  s.emu.set_response_delay(bp::testing::routes::get_credits, 30s);
  std::promise<void> started;
  bp::blocking_client c(signalling_options(s, started));

  c.cancel();  // no call runs: a no-op, the next call is not cancelled
  CHECK(c.get_account().username.has_value());

  std::thread canceller([&] {
    started.get_future().wait();
    c.cancel();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const auto cancelled = expect_throw([&] { c.get_credits(); });
  canceller.join();
  CHECK(cancelled.code() == asio::error::operation_aborted);
  CHECK(std::chrono::steady_clock::now() - t0 < 20s);
  CHECK(c.get_account().username.has_value());  // still usable
}

TEST_CASE("blocking_client: close() from another thread ends the call and every later one") {
  served_emulator s;
  s.emu.set_response_delay(bp::testing::routes::get_credits, 30s);
  std::promise<void> started;
  bp::blocking_client c(signalling_options(s, started));

  std::thread closer([&] {
    started.get_future().wait();
    c.close();
  });
  const auto closed = expect_throw([&] { c.get_credits(); });
  closer.join();
  CHECK(closed.code() == bp::error::client_closed);
  CHECK(expect_throw([&] { c.get_account(); }).code() == bp::error::client_closed);
}

TEST_CASE("blocking_client: a second call while one runs is refused, not interleaved") {
  served_emulator s;
  s.emu.set_response_delay(bp::testing::routes::get_credits, 30s);
  std::promise<void> started;
  bp::blocking_client c(signalling_options(s, started));

  boost::system::error_code refused;  // checked on this thread: Catch2's macros are not thread-safe
  std::thread intruder([&] {
    started.get_future().wait();
    try {
      c.get_account();
    } catch (const bp::error_with_diagnostics& e) {
      refused = e.code();
    }
    c.cancel();
  });
  const auto cancelled = expect_throw([&] { c.get_credits(); });
  intruder.join();
  CHECK(refused == bp::error::invalid_argument);
  CHECK(cancelled.code() == asio::error::operation_aborted);
}
