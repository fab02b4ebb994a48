// SPDX-License-Identifier: BSL-1.0
// Retries, the rate limiter and injected faults: each ends in success after a retry or a typed
// error, promptly, without ever creating a run twice.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;
using bp::testing::fault;
using bp::testing::fault_kind;
namespace routes = bp::testing::routes;

namespace {
constexpr const char* missing_run = "00000000-0000-4000-8000-000000000000";
}  // namespace

TEST_CASE("a GET is retried through a burst of 5xx answers", "[resilience]") {
  fixture f;
  auto burst = make_fault(fault_kind::server_error, 2);
  burst.status = 503;
  f.emu.inject_fault(routes::get_prompt, burst);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f)};
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    CHECK(f.emu.request_count() == 3);
  });
}

TEST_CASE("retries stop at max_retries with the last error", "[resilience]") {
  fixture f;
  f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::server_error, -1));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 1)};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::server_error);
    CHECK(f.emu.request_count() == 2);
    bp::client no_retry{f.ioc, quick_options(f, 0)};
    auto once = co_await expect_error(bp::get_prompt(no_retry, demo::text_prompt_id));
    CHECK(once.code() == bp::error::server_error);
    CHECK(f.emu.request_count() == 3);
  });
}

TEST_CASE("a create is never resent after it reached the server, and says what it left",
          "[resilience]") {
  fixture f;
  f.emu.inject_fault(routes::create_run, make_fault(fault_kind::server_error));
  f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
  f.emu.inject_fault(routes::create_run, make_fault(fault_kind::close_after_bytes));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f)};
    auto failed =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "a")));
    CHECK(failed.code() == bp::error::create_outcome_unknown);
    CHECK(failed.get_diagnostics().create->cause == "server_error");
    CHECK(failed.get_diagnostics().http_status == 500);
    CHECK(std::string(failed.what()).find("the run may exist") != std::string::npos);
    auto reset =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "c")));
    CHECK(reset.code() == bp::error::create_outcome_unknown);
    CHECK(reset.get_diagnostics().create->cause == "connection_closed");
    CHECK(f.emu.request_count() == 2);  // one attempt each
    CHECK(f.emu.run_count() == 0);
    // Processed, then the answer was cut: the run exists once, and the client says it may.
    auto cut =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "d")));
    CHECK(cut.code() == bp::error::create_outcome_unknown);
    CHECK(f.emu.run_count() == 1);
    CHECK(f.emu.request_count() == 3);
  });
}

TEST_CASE("a GET survives a reset and a cut-off answer by retrying", "[resilience]") {
  fixture f;
  f.emu.inject_fault(routes::get_run, make_fault(fault_kind::reset));
  f.emu.inject_fault(routes::get_run, make_fault(fault_kind::close_after_bytes));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f)};
    bp::run created = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "x"));
    bp::run fetched = co_await bp::get_run(c, created.run_id);
    CHECK(fetched.status == bp::run_status::succeeded);
    CHECK(f.emu.run_count() == 1);
  });
}

TEST_CASE("Retry-After is honoured before retrying a 429", "[resilience]") {
  fixture f;
  auto limited = make_fault(fault_kind::rate_limited);
  limited.delay = 1s;
  f.emu.inject_fault(routes::get_run, limited);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f)};
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::get_run(c, missing_run));
    CHECK(e.code() == bp::error::not_found);  // the retry got through
    CHECK(elapsed_since(start) >= 900ms);
    CHECK(f.emu.request_count() == 2);
  });
}

TEST_CASE("malformed, oversized and non-JSON answers are typed errors", "[resilience]") {
  fixture f;
  f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::malformed_json));
  f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::wrong_content_type));
  auto big = make_fault(fault_kind::oversized_body);
  big.bytes = 64 * 1024;
  f.emu.inject_fault(routes::get_prompt, big);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = quick_options(f);
    opts.max_response_body = 16 * 1024;
    bp::client c{f.ioc, opts};
    auto malformed = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(malformed.code() == bp::error::bad_response);
    auto html = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(html.code() == bp::error::bad_response);
    auto oversized = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(oversized.code() == bp::error::response_too_large);
    bp::prompt fine = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(fine.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("a slowly dripped answer arrives, or times out under a short deadline", "[resilience]") {
  fixture f;
  auto drip = make_fault(fault_kind::drip, 2);
  drip.bytes = 64;
  drip.delay = 50ms;  // a body of several chunks takes well over the impatient 100 ms below
  f.emu.inject_fault(routes::get_prompt, drip);
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, quick_options(f, 0)};
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    auto opts = quick_options(f, 0);
    opts.timeouts.response_body = 100ms;
    bp::client impatient{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(impatient, demo::text_prompt_id));
    CHECK(e.code() == bp::error::timeout);
    CHECK(e.get_diagnostics().data.at("phase") == "response_body");
  });
}

TEST_CASE("Connection: close answers are honoured, the next request opens a new connection",
          "[resilience]") {
  fixture f;
  f.emu.inject_fault("*", make_fault(fault_kind::close_connection, -1));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    for (int i = 0; i < 3; ++i) {
      bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
      CHECK(p.prompt_id == demo::text_prompt_id);
    }
    CHECK(f.emu.connection_count() == 3);
  });
}

TEST_CASE("a refused connection is retried, then reported as connection_failed", "[resilience]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = quick_options(f);
    const refused_address nobody(f.ioc);
    opts.base_url = nobody.base_url();
    bp::client c{f.ioc, opts};
    // A create may be retried here: it provably never reached a server.
    auto e =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "x")));
    CHECK(e.code() == bp::error::connection_failed);
  });
}

TEST_CASE("a batch of 200 runs under the emulator's rate limit gets no 429", "[resilience][rate]") {
  bp::testing::emulator_options opts;
  opts.rate_limit_per_second = 5;  // the API's documented limit: the batch takes ~40 s
  fixture f(opts);
  f.run(
      [](fixture& f) -> asio::awaitable<void> {
        auto c = f.make_client();  // paced just under the emulator's limit
        auto worker = [](bp::client& c, int n) -> asio::awaitable<void> {
          for (int i = 0; i < n; ++i) {
            bp::run r =
                co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "b"));
            CHECK(r.status == bp::run_status::succeeded);
          }
        };
        using namespace boost::asio::experimental::awaitable_operators;
        co_await (worker(c, 50) && worker(c, 50) && worker(c, 50) && worker(c, 50));
        CHECK(f.emu.run_count() == 200);
        CHECK(f.emu.rate_limited_count() == 0);
      },
      120s);
}

TEST_CASE("without the client limiter, a 429 pauses the client instead of collecting more",
          "[resilience][rate]") {
  bp::testing::emulator_options opts;
  opts.rate_limit_per_second = 2;
  fixture f(opts);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto client_opts = quick_options(f, 0);
    client_opts.rate_limit.requests_per_second = 0;
    bp::client c{f.ioc, client_opts};
    int limited = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) {
      auto outcome = co_await bp::as_result(bp::get_run(c, missing_run));
      if (outcome.error() == bp::error::rate_limited) {
        ++limited;
        CHECK(outcome.get_diagnostics().retry_after_seconds == 1);
      }
    }
    // The burst of 2 goes, the third gets the 429 (no retries here); the next requests wait out
    // its Retry-After of 1 s and go through.
    CHECK(limited == 1);
    CHECK(f.emu.rate_limited_count() == 1);
    CHECK(elapsed_since(start) >= 900ms);
  });
}

TEST_CASE(
    "a GET whose reused connection was dropped is resent once on a new one, outside "
    "max_retries, a create never is",
    "[resilience][reuse]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.retry.max_retries = 0;  // what succeeds here does so by the stale-connection resend
    opts.max_connections = 1;
    bp::client c{f.ioc, opts};
    bp::prompt warm = co_await bp::get_prompt(c, demo::text_prompt_id);  // a connection to reuse
    CHECK(f.emu.connection_count() == 1);

    // The kept-alive connection is cut before any answer byte: resent at once, on a new one.
    f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::reset));
    bp::prompt again = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(again.prompt_id == warm.prompt_id);
    CHECK(f.emu.connection_count() == 2);

    // Once per call: a new connection cut as well is a failure (no retries left).
    f.emu.inject_fault(routes::get_prompt, make_fault(fault_kind::reset, 2));
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::connection_closed);

    // A create on a reused connection that is cut is reported, not resent: it may have been read.
    // (A client of its own: the resets above taught `c` to keep creates off idle connections.)
    bp::client fresh{f.ioc, opts};
    bp::run first =
        co_await bp::create_run(fresh, topic_request(demo::text_prompt_version_id, "a"));
    const auto runs = f.emu.run_count();
    const auto connections = f.emu.connection_count();
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    auto refused = co_await expect_error(
        bp::create_run(fresh, topic_request(demo::text_prompt_version_id, "b")));
    CHECK(refused.code() == bp::error::create_outcome_unknown);
    CHECK(refused.get_diagnostics().create->cause == "connection_closed");
    CHECK(f.emu.run_count() == runs);
    CHECK(f.emu.connection_count() == connections);  // no new connection: nothing was resent
    CHECK_FALSE(first.run_id.empty());

    // `c` learned: its create goes on a new connection, is cut as well, and is not resent.
    f.emu.inject_fault(routes::create_run, make_fault(fault_kind::reset));
    auto learned =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "c")));
    CHECK(learned.code() == bp::error::create_outcome_unknown);
    CHECK(f.emu.connection_count() == connections + 1);
    CHECK(f.emu.run_count() == runs);
  });
}
