// SPDX-License-Identifier: BSL-1.0
// What a failed create tells its caller: the outcome (not created, created, unknown) from facts,
// the record reconciliation takes, what the answer already told; and that creates stay off idle
// connections of a host that closes them silently.
#include "support/cancel.hpp"
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;
using bp::testing::fault_kind;
namespace routes = bp::testing::routes;

namespace {

/// Runs a create of `topic`, expecting a failure; returns it.
asio::awaitable<bp::error_with_diagnostics> failed_create(bp::client& c, const char* topic) {
  auto request = topic_request(demo::text_prompt_version_id, topic);
  auto e = co_await expect_error(bp::create_run(c, std::move(request)));
  co_return e;
}

}  // namespace

TEST_CASE(
    "a create cut after its 200 header: the run exists, and the error keeps status and "
    "request id",
    "[create][faults]") {
  fixture f;
  auto cut = make_fault(fault_kind::close_after_bytes);
  cut.bytes = 200;
  f.emu.inject_fault(routes::create_run, cut);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 2, 500ms)};
    const auto before = std::chrono::system_clock::now();
    auto e = co_await failed_create(c, "cut");
    const auto after = std::chrono::system_clock::now();
    const auto& diag = e.get_diagnostics();
    CHECK(e.code() == bp::error::created_answer_lost);
    CHECK(diag.http_status == 200);
    CHECK(diag.request_id.rfind("req_", 0) == 0);
    CHECK(std::string(e.what()).find("the run exists and is billed") != std::string::npos);
    REQUIRE(diag.create);
    const bp::create_record& record = *diag.create;
    CHECK(record.outcome == bp::create_outcome::created);
    CHECK(record.prompt_version_id == demo::text_prompt_version_id);
    REQUIRE(record.sent_at);
    CHECK(*record.sent_at >= before);
    CHECK(*record.sent_at <= record.failed_at);
    CHECK(record.failed_at <= after);
    CHECK(record.http_status == 200);
    CHECK(record.request_id == diag.request_id);
    CHECK(record.cause == "connection_closed");
    CHECK(f.emu.run_count() == 1);
  });
}

TEST_CASE("a create stalled after its 200 header times out as created, naming the phase",
          "[create][faults][timeout]") {
  fixture f;
  auto stall = make_fault(fault_kind::stall);
  stall.bytes = 10;
  stall.delay = 3s;
  f.emu.inject_fault(routes::create_run, stall);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 2, 500ms)};
    auto e = co_await failed_create(c, "stalled");
    CHECK(e.code() == bp::error::created_answer_lost);
    CHECK(e.get_diagnostics().http_status == 200);
    CHECK_FALSE(e.get_diagnostics().request_id.empty());
    CHECK(e.get_diagnostics().data.at("phase") == "response_body");
    CHECK(e.get_diagnostics().create->cause == "timeout");
    CHECK(f.emu.run_count() == 1);
  });
}

TEST_CASE("a create that never reached the server is provably not created", "[create][errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = quick_options(f, 2, 500ms);
    const refused_address nobody(f.ioc);
    opts.base_url = nobody.base_url();
    opts.retry.max_retries = 0;
    bp::client c{f.ioc, opts};
    auto e = co_await failed_create(c, "nowhere");
    CHECK(e.code() == bp::error::connection_failed);
    REQUIRE(e.get_diagnostics().create);
    CHECK(e.get_diagnostics().create->outcome == bp::create_outcome::not_created);
    CHECK_FALSE(e.get_diagnostics().create->sent_at);
    CHECK(e.get_diagnostics().create->cause == "connection_failed");
    CHECK(std::string(e.what()).find("no run was created") != std::string::npos);
  });
}

TEST_CASE("the API's refusals say not created, an empty version id is refused before sending",
          "[create][errors]") {
  fixture f;
  f.emu.set_credits(0);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 2, 500ms)};
    auto broke = co_await failed_create(c, "costly");
    CHECK(broke.code() == bp::error::payment_required);
    CHECK(broke.get_diagnostics().create->outcome == bp::create_outcome::not_created);
    CHECK(broke.get_diagnostics().create->http_status == 402);
    CHECK(broke.get_diagnostics().create->cause == "payment_required");
    bp::run_request unnamed;
    auto empty = co_await expect_error(bp::create_run(c, std::move(unnamed)));
    CHECK(empty.code() == bp::error::invalid_argument);
    REQUIRE(empty.get_diagnostics().create);
    CHECK(empty.get_diagnostics().create->outcome == bp::create_outcome::not_created);
    CHECK(f.emu.run_count() == 0);
  });
}

TEST_CASE("a 429, retried, then a timeout: the error keeps the 429's status and Retry-After",
          "[create][errors]") {
  fixture f;
  auto limited = make_fault(fault_kind::rate_limited);
  limited.delay = 1s;
  f.emu.inject_fault(routes::get_prompt, limited);
  auto slow = make_fault(fault_kind::delay);
  slow.delay = 2s;
  f.emu.inject_fault(routes::get_prompt, slow);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 2, 500ms)};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::timeout);
    CHECK(e.get_diagnostics().data.at("phase") == "response_headers");
    CHECK(e.get_diagnostics().http_status == 429);
    CHECK(e.get_diagnostics().retry_after_seconds == 1);
    CHECK(e.get_diagnostics().request_id.rfind("req_", 0) == 0);
  });
}

TEST_CASE("a call's total timeout and a cancellation keep what the answer already told",
          "[errors][timeout]") {
  fixture f;
  auto stall = make_fault(fault_kind::stall, 2);
  stall.bytes = 10;
  stall.delay = 3s;
  f.emu.inject_fault(routes::get_run, stall);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "told"));
    auto opts = f.client_options();
    opts.timeouts.total = 400ms;
    bp::client impatient{f.ioc, opts};
    auto timed_out = co_await expect_error(bp::get_run(impatient, r.run_id));
    CHECK(timed_out.code() == bp::error::timeout);
    CHECK(timed_out.get_diagnostics().data.at("phase") == "total");
    CHECK(timed_out.get_diagnostics().http_status == 200);
    CHECK(timed_out.get_diagnostics().request_id.rfind("req_", 0) == 0);

    // Cancelled mid-body (once the header was read): operation_aborted, with what it said.
    auto seen = std::make_shared<client_events>(f.ioc.get_executor());
    auto headed = seen->when(bp::event_kind::response_headers, "get_run");
    auto watched_options = f.client_options();
    watched_options.on_event = seen->hook();
    bp::client watched{f.ioc, watched_options};
    bp::diagnostics diag;
    asio::cancellation_signal signal;
    event done(f.ioc.get_executor());
    boost::system::error_code ended;
    bp::get_run(
        watched, r.run_id, diag,
        asio::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec, bp::run) {
          ended = ec;
          done.set();
        }));
    co_await headed->wait();  // the stall holds the rest of the body back for seconds
    signal.emit(asio::cancellation_type::terminal);
    co_await done.wait();
    REQUIRE(done.is_set());
    CHECK(ended == asio::error::operation_aborted);
    CHECK(diag.http_status == 200);
    CHECK(diag.request_id.rfind("req_", 0) == 0);
  });
}

TEST_CASE("create records round-trip through JSON", "[create]") {
  bp::create_record record;
  record.outcome = bp::create_outcome::unknown;
  record.prompt_version_id = demo::text_prompt_version_id;
  record.sent_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764936000123));
  record.failed_at = *record.sent_at + 2s;
  record.http_status = 503;
  record.request_id = "req_9";
  record.cause = "server_error";
  const boost::json::value json = boost::json::value_from(record);
  CHECK(json.at("outcome") == "unknown");
  CHECK(json.at("sentAt") == "2025-12-05T12:00:00.123Z");
  CHECK(json.at("failedAt") == "2025-12-05T12:00:02.123Z");
  const auto back = boost::json::value_to<bp::create_record>(json);
  CHECK(back.outcome == record.outcome);
  CHECK(back.prompt_version_id == record.prompt_version_id);
  CHECK(back.sent_at == record.sent_at);
  CHECK(back.failed_at == record.failed_at);
  CHECK(back.http_status == 503);
  CHECK(back.request_id == "req_9");
  CHECK(back.cause == "server_error");
  bp::create_record unsent;
  unsent.outcome = bp::create_outcome::not_created;
  const auto unsent_json = boost::json::value_from(unsent);
  CHECK(unsent_json.at("sentAt").is_null());
  CHECK_FALSE(boost::json::value_to<bp::create_record>(unsent_json).sent_at);
  CHECK_THROWS_WITH(
      boost::json::value_to<bp::create_record>(boost::json::parse(R"({"outcome":"maybe"})")),
      Catch::Contains("outcome"));
  CHECK_THROWS_WITH(boost::json::value_to<bp::create_record>(
                        boost::json::parse(R"({"outcome":"unknown","sentAt":"yesterday"})")),
                    Catch::Contains("sentAt"));
}

TEST_CASE("error codes have stable names", "[errors]") {
  CHECK(bp::error::code_name({}) == "");
  CHECK(bp::error::code_name(bp::error::connection_failed) == "connection_failed");
  CHECK(bp::error::code_name(bp::error::validation) == "validation");
  CHECK(bp::error::code_name(bp::error::create_outcome_unknown) == "create_outcome_unknown");
  CHECK(bp::error::code_name(bp::error::created_answer_lost) == "created_answer_lost");
  CHECK(bp::error::code_name(asio::error::operation_aborted) == "operation_aborted");
  CHECK(bp::error::code_name(asio::error::connection_reset).find(':') != std::string::npos);
}

TEST_CASE("after a silent close, creates open new connections, reads keep reusing",
          "[create][transport]") {
  fixture f;
  f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::silent_close));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    // A well-behaved host: a create reuses the read's connection.
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);  // this answer was followed by a silent close
    // This read meets the closed connection (found by the probe, or by its stale resend) and
    // ends well on a new one; the client learns that the host closes connections silently.
    p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    const auto connections = f.emu.connection_count();
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "fresh"));
    CHECK(r.finished());
    CHECK(f.emu.connection_count() == connections + 1);    // not the idle one
    p = co_await bp::get_prompt(c, demo::text_prompt_id);  // reads still reuse
    CHECK(f.emu.connection_count() == connections + 1);
  });
}

TEST_CASE("a host that never closes silently keeps creates on its kept-alive connection",
          "[create][transport]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    bp::run r = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "reused"));
    CHECK(r.finished());
    CHECK(f.emu.connection_count() == 1);
  });
}

TEST_CASE("run_prompt's create step says what it left behind", "[create][run_prompt]") {
  fixture f;
  f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset_after_processing));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 2, 500ms)};
    bp::run_inputs inputs;
    inputs.text_inputs["topic"] = "prompted";
    bp::run_prompt_options options;
    options.reconcile = false;  // what the create step reports; reconcile_create_test reconciles
    auto e = co_await expect_error(bp::run_prompt(
        c, bp::prompt_ref::latest(demo::text_prompt_id), std::move(inputs), options));
    CHECK(e.code() == bp::error::create_outcome_unknown);
    REQUIRE(e.get_diagnostics().create);
    CHECK(e.get_diagnostics().create->outcome == bp::create_outcome::unknown);
    CHECK(e.get_diagnostics().create->prompt_version_id == demo::text_prompt_version_id);
    CHECK(f.emu.run_count() == 1);
  });
}
