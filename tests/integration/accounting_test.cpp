// SPDX-License-Identifier: BSL-1.0
// The fault proxy does what each kind says, from a seed; the emulator's Date header; and the
// accounting run: 300 create+wait through the proxy, each checked against the emulator's runs.
#include "support/accounting.hpp"
#include "support/fixture.hpp"

#include <betterprompt/testing/fault_proxy.hpp>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <cstdlib>
#include <ctime>

using namespace bp_test;
namespace demo = bp::testing::demo;
using bp::testing::proxy_fault;

namespace {

/// A proxy in front of `f`'s emulator that gives every request fault `kind`.
bp::testing::fault_proxy_options always(const fixture& f, proxy_fault kind) {
  bp::testing::fault_proxy_options options;
  options.upstream = f.emu.base_url();
  options.faults = {{kind, 1.0}};
  options.stall = 3s;
  return options;
}

struct kind_row {
  proxy_fault kind;
  boost::system::error_code create_error;
  bp::create_outcome outcome;
};

kind_row current;  // the captureless test body reads it

}  // namespace

TEST_CASE("each proxy fault breaks a create as it says, and is logged", "[proxy][faults]") {
  const kind_row rows[] = {
      {proxy_fault::reset_before_forwarding, bp::error::create_outcome_unknown,
       bp::create_outcome::unknown},
      {proxy_fault::reset_after_forwarding, bp::error::create_outcome_unknown,
       bp::create_outcome::unknown},
      {proxy_fault::stall_headers, bp::error::create_outcome_unknown, bp::create_outcome::unknown},
      {proxy_fault::stall_body, bp::error::created_answer_lost, bp::create_outcome::created},
      {proxy_fault::truncated_body, bp::error::created_answer_lost, bp::create_outcome::created},
      {proxy_fault::close_after_answer, {}, bp::create_outcome::created},
      {proxy_fault::gateway_error, bp::error::create_outcome_unknown, bp::create_outcome::unknown},
      {proxy_fault::too_many_requests, bp::error::rate_limited, bp::create_outcome::not_created},
  };
  for (const kind_row& row : rows) {
    INFO(bp::testing::to_string(row.kind));
    current = row;
    fixture f;
    f.run([](fixture& f) -> asio::awaitable<void> {
      bp::testing::fault_proxy proxy{f.ioc, always(f, current.kind)};
      auto opts = f.client_options();
      opts.base_url = proxy.base_url();
      opts.retry.max_retries = 0;
      opts.timeouts.response_headers = 300ms;
      opts.timeouts.response_body = 300ms;
      bp::client c{f.ioc, opts};
      auto request = topic_request(demo::text_prompt_version_id, "proxied");
      bp::diagnostics diag;
      auto [ec, r] =
          co_await bp::create_run(c, std::move(request), diag, asio::as_tuple(asio::use_awaitable));
      CHECK(ec == current.create_error);
      if (ec) {
        REQUIRE(diag.create);
        CHECK(diag.create->outcome == current.outcome);
      }
      CHECK(f.emu.run_count() == (bp::testing::is_relayed(current.kind) ? 1u : 0u));
      const auto log = proxy.faults();
      REQUIRE(log.size() == 1);
      CHECK(log[0].kind == current.kind);
      CHECK(log[0].request == 1);
      CHECK(log[0].method == "POST");
      CHECK(log[0].target == "/v1/runs");
      CHECK(log[0].body.find("proxied") != std::string::npos);
      CHECK(proxy.request_count() == 1);
      proxy.stop();
    });
  }
}

TEST_CASE("the same seed gives the same faults to the same requests", "[proxy]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    std::vector<std::vector<std::uint64_t>> faulted;
    for (int round = 0; round < 2; ++round) {
      bp::testing::fault_proxy_options options;
      options.upstream = f.emu.base_url();
      options.seed = 42;
      options.faults = {{proxy_fault::gateway_error, 0.3}};
      bp::testing::fault_proxy proxy{f.ioc, options};
      auto opts = f.client_options();
      opts.base_url = proxy.base_url();
      opts.retry.max_retries = 0;
      bp::client c{f.ioc, opts};
      for (int i = 0; i < 30; ++i) {
        auto got = co_await bp::as_result(bp::get_prompt(c, demo::text_prompt_id));
        (void)got;
      }
      std::vector<std::uint64_t> numbers;
      for (const auto& record : proxy.faults()) numbers.push_back(record.request);
      faulted.push_back(numbers);
      proxy.stop();
    }
    CHECK_FALSE(faulted[0].empty());
    CHECK(faulted[0].size() < 30);
    CHECK(faulted[0] == faulted[1]);
  });
}

namespace {

/// What every accounting run must show: each create told the truth, nothing billed twice, nothing
/// hung, no wait lost.
void check_truthful(const bp_accounting::report& r) {
  INFO(r.table());
  CHECK(r.faults > 0);
  CHECK(r.hangs == 0);
  CHECK(r.duplicates == 0);
  CHECK(r.wrong_answers == 0);
  CHECK(r.waits_lost == 0);
  CHECK(r.not_created_with_run == 0);
  CHECK(r.created_without_run == 0);
  CHECK(r.silent_with_run == 0);
  CHECK(r.silent_without_run == 0);
}

/// And with reconciliation: each reconciled create ended as its own run, as not_found with no
/// run, or as ambiguous naming its run.
void check_reconciled(const bp_accounting::report& r) {
  check_truthful(r);
  INFO(r.table());
  CHECK(r.wrong_attributions == 0);
  CHECK(r.absent_but_run == 0);
  CHECK(r.ambiguous_missing == 0);
  CHECK(r.unknowns > 0);
  CHECK(r.resolved_found + r.resolved_absent + r.unresolved_ambiguous + r.unresolved_failed ==
        r.unknowns);
}

}  // namespace

TEST_CASE("accounting: 300 create+wait through the fault proxy, every create tells the truth",
          "[proxy][accounting]") {
  bp_accounting::config cfg;
  cfg.operations = 300;
  cfg.seed = 7;
  const auto r = bp_accounting::run_accounting(cfg);
  check_truthful(r);
  INFO(r.table());
  // Every operation is accounted for, and some of each kind happened.
  CHECK(r.ok + r.clean_failures + r.unknown_with_run + r.unknown_without_run + r.created_with_run ==
        r.operations);
  CHECK(r.ok > 200);
  CHECK(r.unknown_with_run + r.created_with_run > 0);
  CHECK(r.waits > 0);
}

TEST_CASE("accounting, reconciled: 200 create+wait, every unknown create ends as its run, as not_found with no "
          "run, or as ambiguous naming its run",
          "[proxy][accounting][reconcile]") {
  bp_accounting::config cfg;
  cfg.operations = 200;
  cfg.seed = 7;
  cfg.reconcile = true;
  cfg.grace = 300ms;
  cfg.limit = 180s;  // a sanitizer build is slow, and each not_found waits out its window
  const auto r = bp_accounting::run_accounting(cfg);
  check_reconciled(r);
  CHECK(r.ok > 160);  // the runs found are waited for: most operations end with their run
}

TEST_CASE("accounting, reconciled at concurrency 1: every unknown create resolves",
          "[proxy][accounting][reconcile]") {
  bp_accounting::config cfg;
  cfg.operations = 40;
  cfg.concurrency = 1;
  cfg.versions = 1;
  cfg.seed = 11;
  cfg.fault_probability = 0.03;
  cfg.reconcile = true;
  cfg.grace = 300ms;
  cfg.limit = 180s;
  const auto r = bp_accounting::run_accounting(cfg);
  check_reconciled(r);
  // One create in flight at a time: no two windows share a run, so none is left ambiguous.
  CHECK(r.resolved_found > 0);
  CHECK(r.unresolved_ambiguous == 0);
  CHECK(r.unresolved_failed == 0);
}

TEST_CASE("the emulator sends a Date header, and the fault proxy relays it", "[emulator][proxy]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    namespace http = boost::beast::http;
    bp::testing::fault_proxy_options options;
    options.upstream = f.emu.base_url();
    bp::testing::fault_proxy proxy{f.ioc, options};
    const std::uint16_t ports[] = {f.emu.port(), proxy.port()};
    for (std::uint16_t port : ports) {
      INFO("port " << port);
      asio::ip::tcp::socket socket(f.ioc);
      const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
      co_await socket.async_connect(server, asio::use_awaitable);
      http::request<http::empty_body> request{http::verb::get, "/v1/health", 11};
      co_await http::async_write(socket, request, asio::use_awaitable);
      boost::beast::flat_buffer buffer;
      http::response<http::string_body> answer;
      co_await http::async_read(socket, buffer, answer, asio::use_awaitable);
      const std::string date(answer[http::field::date]);
      std::tm parsed{};
      const char* end = ::strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);
      REQUIRE(end);
      CHECK(*end == '\0');
      CHECK(std::abs(::timegm(&parsed) - std::time(nullptr)) < 60);
    }
    proxy.stop();
  });
}
