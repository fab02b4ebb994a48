// SPDX-License-Identifier: BSL-1.0
// Every emulator fault × {get_prompt, create_run, get_run, wait_for_run}: each ends in its
// documented result (success after a retry, or a typed error) well within its deadline, and no
// run is ever created twice.
#include "support/fixture.hpp"

#include <array>

using namespace bp_test;
namespace demo = bp::testing::demo;
using bp::testing::fault;
using bp::testing::fault_kind;
namespace routes = bp::testing::routes;

namespace {

constexpr const char* running_version = "55555555-6666-4777-8888-999999999999";

enum class operation { get_prompt, create_run, get_run, wait_for_run };

const char* name_of(operation op) {
  switch (op) {
    case operation::get_prompt:
      return "get_prompt";
    case operation::create_run:
      return "create_run";
    case operation::get_run:
      return "get_run";
    case operation::wait_for_run:
      return "wait_for_run";
  }
  return "?";
}

/// What a create must end with under a row's fault.
struct create_expectation {
  boost::system::error_code code;                            ///< {} = success.
  bp::create_outcome outcome = bp::create_outcome::unknown;  ///< With a failure.
  const char* cause = "";  ///< With a failure: diagnostics.create->cause.
  bool processed = false;  ///< The fault lets the emulator create the run.
};

/// One row of the matrix: a fault, and what each kind of operation must end with.
struct matrix_row {
  fault injected;
  boost::system::error_code on_read;  ///< get_prompt and get_run; {} = success.
  boost::system::error_code on_wait;  ///< wait_for_run (polls past transient failures).
  create_expectation on_create;
  const char* timeout_phase = "";  ///< For timeouts: diagnostics.data["phase"].
};

/// Retries quickly, small body limit, short phase limits: every row ends within a few seconds.
bp::client_options matrix_options(const fixture& f) {
  auto opts = f.client_options();
  opts.retry.initial_backoff = 10ms;
  opts.retry.max_backoff = 50ms;
  opts.max_response_body = 64 * 1024;
  opts.timeouts.response_headers = 500ms;
  opts.timeouts.response_body = 500ms;
  opts.timeouts.total = 8s;
  return opts;
}

const char* route_of(operation op) {
  switch (op) {
    case operation::get_prompt:
      return routes::get_prompt;
    case operation::create_run:
      return routes::create_run;
    default:
      return routes::get_run;
  }
}

/// Runs `op` once with `row`'s fault injected; returns its error (none on success).
asio::awaitable<bp::result<bp::run>> run_operation(fixture& f, const matrix_row& row,
                                                   bp::client& c, operation op,
                                                   const std::string& run_id) {
  f.emu.inject_fault(route_of(op), row.injected);
  if (op == operation::get_prompt) {
    auto outcome = co_await bp::as_result(bp::get_prompt(c, demo::text_prompt_id));
    if (!outcome) co_return bp::result<bp::run>(outcome.error(), outcome.get_diagnostics());
    bp::run nothing;
    co_return nothing;
  }
  if (op == operation::create_run) {
    auto request = topic_request(demo::text_prompt_version_id, "matrix");
    auto outcome = co_await bp::as_result(bp::create_run(c, std::move(request)));
    co_return outcome;
  }
  if (op == operation::get_run) {
    auto outcome = co_await bp::as_result(bp::get_run(c, run_id));
    co_return outcome;
  }
  bp::wait_options wait;
  wait.poll_interval = 50ms;
  wait.timeout = 8s;
  auto outcome = co_await bp::as_result(bp::wait_for_run(c, run_id, wait));
  co_return outcome;
}

asio::awaitable<void> check_row(fixture& f, const matrix_row& row) {
  bp::client c{f.ioc, matrix_options(f)};
  // A named array: GCC 12 mishandles initializer lists in coroutines.
  static constexpr std::array<operation, 4> operations{operation::get_prompt, operation::create_run,
                                                       operation::get_run, operation::wait_for_run};
  for (operation op : operations) {
    INFO("operation " << name_of(op));
    f.emu.clear_faults();
    // wait_for_run polls a run that is still running when the fault hits.
    std::string run_id;
    if (op == operation::get_run || op == operation::wait_for_run) {
      auto request = topic_request(
          op == operation::get_run ? demo::text_prompt_version_id : running_version, "target");
      bp::run target = co_await bp::create_run(c, std::move(request));
      run_id = target.run_id;
    }
    const auto runs_before = f.emu.run_count();
    const auto start = std::chrono::steady_clock::now();
    auto outcome = co_await run_operation(f, row, c, op, run_id);
    CHECK(elapsed_since(start) < 10s);

    const bool is_create = op == operation::create_run;
    const auto expected = is_create                       ? row.on_create.code
                          : op == operation::wait_for_run ? row.on_wait
                                                          : row.on_read;
    if (expected) {
      REQUIRE_FALSE(outcome.has_value());
      CHECK(outcome.error() == expected);
      const auto& diag = outcome.get_diagnostics();
      const bool timed_out = is_create ? std::string_view(row.on_create.cause) == "timeout"
                                       : expected == bp::error::timeout;
      if (timed_out) {
        CHECK(diag.data.at("phase") == row.timeout_phase);
        if (!run_id.empty()) CHECK(diag.data.at("runId") == run_id.c_str());
      }
      if (is_create) {
        REQUIRE(diag.create);
        CHECK(diag.create->outcome == row.on_create.outcome);
        CHECK(diag.create->cause == row.on_create.cause);
        CHECK(diag.create->prompt_version_id == demo::text_prompt_version_id);
        CHECK(diag.create->sent_at.has_value());
      }
    } else {
      REQUIRE(outcome.has_value());
      if (op == operation::wait_for_run) CHECK(outcome->status == bp::run_status::succeeded);
      if (op != operation::get_prompt) CHECK_FALSE(outcome->run_id.empty());
    }
    // Never a second run: a create is processed at most once, reads create nothing; and a create
    // said not created made none.
    const std::size_t created = is_create && (row.on_create.processed || !expected) ? 1 : 0;
    CHECK(f.emu.run_count() == runs_before + created);
  }
}

void run_matrix_row(const matrix_row& row) {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 300ms));
  // Not a coroutine itself: it returns check_row's, which holds `row` by reference while this
  // function waits for it.
  f.run([&row](fixture& f) { return check_row(f, row); });
}

const boost::system::error_code success{};

const boost::system::error_code unknown = bp::error::create_outcome_unknown;
const boost::system::error_code answer_lost = bp::error::created_answer_lost;
constexpr auto created = bp::create_outcome::created;
constexpr auto outcome_unknown = bp::create_outcome::unknown;
const create_expectation create_succeeds{{}, outcome_unknown, "", true};

}  // namespace

TEST_CASE("fault matrix: a reset is retried for reads, a create reports an unknown outcome",
          "[faults]") {
  run_matrix_row({make_fault(fault_kind::reset),
                  success,
                  success,
                  {unknown, outcome_unknown, "connection_closed", false}});
}

TEST_CASE("fault matrix: a reset after processing: the create's run exists, its outcome unknown",
          "[faults]") {
  run_matrix_row({make_fault(fault_kind::reset_after_processing),
                  success,
                  success,
                  {unknown, outcome_unknown, "connection_closed", true}});
}

TEST_CASE("fault matrix: a burst of 503s is retried for reads, a create reports it", "[faults]") {
  auto burst = make_fault(fault_kind::server_error, 2);
  burst.status = 503;
  run_matrix_row({burst, success, success, {unknown, outcome_unknown, "server_error", false}});
}

TEST_CASE("fault matrix: a load balancer's 502, 503 or 504 after processing: the run may exist",
          "[faults]") {
  for (unsigned status : {502u, 503u, 504u}) {
    INFO("status " << status);
    auto failed = make_fault(fault_kind::error_after_processing);
    failed.status = status;
    run_matrix_row(
        {failed,
         success,
         success,
         {unknown, outcome_unknown, status == 504 ? "gateway_timeout" : "server_error", true}});
  }
}

TEST_CASE("fault matrix: 429 with Retry-After is waited out, for creates too", "[faults]") {
  auto limited = make_fault(fault_kind::rate_limited);
  limited.delay = 1s;
  run_matrix_row({limited, success, success, create_succeeds});
}

TEST_CASE("fault matrix: a second response after the answer is never taken for an answer",
          "[faults][desync]") {
  run_matrix_row(
      {make_fault(fault_kind::trailing_response, -1), success, success, create_succeeds});
}

TEST_CASE("fault matrix: junk past Content-Length costs the connection, not the call",
          "[faults][desync]") {
  run_matrix_row({make_fault(fault_kind::trailing_junk, -1), success, success, create_succeeds});
}

TEST_CASE("fault matrix: interim 1xx answers are skipped", "[faults]") {
  auto early_hints = make_fault(fault_kind::interim_response, -1);
  early_hints.status = 103;
  run_matrix_row({early_hints, success, success, create_succeeds});
}

TEST_CASE("fault matrix: malformed JSON is bad_response, a create's run may exist", "[faults]") {
  run_matrix_row({make_fault(fault_kind::malformed_json),
                  bp::error::bad_response,
                  bp::error::bad_response,
                  {unknown, outcome_unknown, "bad_response", true}});
}

TEST_CASE("fault matrix: an oversized body is response_too_large, a create's run exists",
          "[faults]") {
  auto big = make_fault(fault_kind::oversized_body);
  big.bytes = 256 * 1024;
  run_matrix_row({big,
                  bp::error::response_too_large,
                  bp::error::response_too_large,
                  {answer_lost, created, "response_too_large", true}});
}

TEST_CASE("fault matrix: a wrong Content-Type is bad_response, a create's run may exist",
          "[faults]") {
  run_matrix_row({make_fault(fault_kind::wrong_content_type),
                  bp::error::bad_response,
                  bp::error::bad_response,
                  {unknown, outcome_unknown, "bad_response", true}});
}

TEST_CASE(
    "fault matrix: a delay before the headers times out in phase response_headers, a wait "
    "polls again",
    "[faults][timeout]") {
  auto slow = make_fault(fault_kind::delay);
  slow.delay = 3s;
  run_matrix_row({slow,
                  bp::error::timeout,
                  success,
                  {unknown, outcome_unknown, "timeout", true},
                  "response_headers"});
}

TEST_CASE("fault matrix: a stall mid-body times out in phase response_body, a create's run exists",
          "[faults][timeout]") {
  auto stall = make_fault(fault_kind::stall);
  stall.bytes = 5;
  stall.delay = 3s;
  run_matrix_row({stall,
                  bp::error::timeout,
                  success,
                  {answer_lost, created, "timeout", true},
                  "response_body"});
}

TEST_CASE("fault matrix: a connection closed after N bytes is retried for reads only", "[faults]") {
  auto cut = make_fault(fault_kind::close_after_bytes);
  cut.bytes = 20;  // inside the status line's header block: no status was read
  run_matrix_row({cut, success, success, {unknown, outcome_unknown, "connection_closed", true}});
}

TEST_CASE("fault matrix: a body cut after its 200 header: a create's run exists", "[faults]") {
  auto cut = make_fault(fault_kind::close_after_bytes);
  cut.bytes = 200;  // the header and part of the body
  run_matrix_row({cut, success, success, {answer_lost, created, "connection_closed", true}});
}

TEST_CASE("fault matrix: a slowly dripped body arrives", "[faults]") {
  auto drip = make_fault(fault_kind::drip);
  drip.bytes = 64;
  drip.delay = 5ms;
  run_matrix_row({drip, success, success, create_succeeds});
}

TEST_CASE("fault matrix: a close after each answer, unannounced, costs the connection only",
          "[faults]") {
  run_matrix_row({make_fault(fault_kind::silent_close, -1), success, success, create_succeeds});
}

TEST_CASE("fault matrix: Connection: close after each answer is honoured", "[faults]") {
  run_matrix_row({make_fault(fault_kind::close_connection, -1), success, success, create_succeeds});
}

TEST_CASE("emulator fault specs parse as the executable's --fault flag takes them", "[faults]") {
  auto spec =
      bp::testing::parse_fault_spec("kind=stall,route=get_run,count=3,delay-ms=250,bytes=7");
  CHECK(spec.route == routes::get_run);
  CHECK(spec.what.kind == fault_kind::stall);
  CHECK(spec.what.count == 3);
  CHECK(spec.what.delay == 250ms);
  CHECK(spec.what.bytes == 7);
  auto every = bp::testing::parse_fault_spec("kind=server_error,status=503,count=-1");
  CHECK(every.route == "*");
  CHECK(every.what.status == 503);
  CHECK(every.what.count == -1);
  CHECK_THROWS_WITH(bp::testing::parse_fault_spec("kind=explode"),
                    Catch::Contains("unknown fault kind"));
  CHECK_THROWS_WITH(bp::testing::parse_fault_spec("route=get_run"), Catch::Contains("kind="));
  CHECK_THROWS_WITH(bp::testing::parse_fault_spec("kind=delay,delay-ms=-5"),
                    Catch::Contains("delay-ms"));
  CHECK_THROWS_WITH(bp::testing::parse_fault_spec("kind=delay,route=nowhere"),
                    Catch::Contains("unknown route"));
}
