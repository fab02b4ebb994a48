// SPDX-License-Identifier: BSL-1.0
// A real emulator on loopback and the code to run one coroutine test body against it.
#pragma once

#include "support/pch.hpp"
#include "support/timed_prompt.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <exception>
#include <functional>

namespace bp_test {

namespace asio = boost::asio;
namespace bp = betterprompt;
using namespace std::chrono_literals;
using bp::testing::emulator_options;

/// io_context + emulator (plain or TLS) + a client factory; run() drives one test body.
class fixture {
 public:
  explicit fixture(emulator_options opts = {}) : emu(ioc, std::move(opts)) {}

  /// Client options reaching the emulator, not thread-safe (one thread runs ioc); tweak and pass
  /// to make_client.
  bp::client_options client_options() const {
    auto opts = emu.make_client_options();
    opts.thread_safe = false;
    return opts;
  }
  bp::client make_client() const { return bp::client{ioc.get_executor(), client_options()}; }
  bp::client make_client(const bp::client_options& opts) const {
    return bp::client{ioc.get_executor(), opts};
  }

  /// Runs `body(*this)` to completion (or fails after `limit`), then stops the emulator. `body`
  /// is any callable returning asio::awaitable<void>; it may capture: it lives here, in run()'s
  /// frame, until the coroutine it made has ended.
  template <class Body>
    requires std::is_invocable_r_v<asio::awaitable<void>, Body&, fixture&>
  void run(Body body, std::chrono::seconds limit = 60s) {
    bool done = false;
    std::exception_ptr error;
    asio::co_spawn(ioc, body(*this), [&](std::exception_ptr e) {
      done = true;
      error = e;
      emu.stop();
    });
    ioc.run_for(limit);
    if (!done) FAIL("test body did not finish within " << limit.count() << " s");
    if (error) std::rethrow_exception(error);
  }

  /// Concurrency hint 1, as one thread runs it: clients run without strands here, as on users'
  /// one-thread io_contexts; concurrency_test.cpp covers the strands on 4 threads.
  mutable asio::io_context ioc{1};
  bp::testing::emulator emu;
};

/// Client options for a test that meets faults: `retries` retries after a short backoff (10 ms,
/// at most 50 ms) and, when `phase_limit` is set, that limit on waiting for the headers and for
/// the body, so that a stalled answer fails quickly.
inline bp::client_options quick_options(const fixture& f, int retries = 2,
                                        std::chrono::milliseconds phase_limit = {}) {
  auto opts = f.client_options();
  opts.retry.max_retries = retries;
  opts.retry.initial_backoff = 10ms;
  opts.retry.max_backoff = 50ms;
  if (phase_limit.count() > 0)
    opts.timeouts.response_headers = opts.timeouts.response_body = phase_limit;
  return opts;
}

/// Emulator options with a short synchronous window, so that slow runs take the 504 path.
inline emulator_options short_sync_window(std::chrono::milliseconds window = 50ms) {
  emulator_options opts;
  opts.sync_window = window;
  return opts;
}

/// A run request for a prompt with one "topic" input (empty topic: no input at all).
/// Built outside the co_await expression: GCC 12 miscompiles initializer lists inside one.
inline bp::run_request topic_request(std::string version_id, std::string topic) {
  bp::run_request req;
  req.prompt_version_id = std::move(version_id);
  if (!topic.empty()) req.text_inputs["topic"] = std::move(topic);
  return req;
}

/// A fault of `kind` for the next `count` matching requests (-1: every one).
inline bp::testing::fault make_fault(bp::testing::fault_kind kind, int count = 1) {
  bp::testing::fault f;
  f.kind = kind;
  f.count = count;
  return f;
}

/// Awaits `op` expecting it to throw error_with_diagnostics; returns the exception.
template <class T>
asio::awaitable<bp::error_with_diagnostics> expect_error(asio::awaitable<T> op) {
  auto outcome = co_await bp::as_result(std::move(op));
  REQUIRE_FALSE(outcome.has_value());
  co_return bp::error_with_diagnostics(outcome.error(), outcome.get_diagnostics());
}

/// A loopback port that was free a moment ago: bound, then released.
inline unsigned short released_loopback_port(asio::io_context& ioc) {
  asio::ip::tcp::acceptor probe(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

/// The base URL of an API served on loopback `port`.
inline std::string loopback_base_url(unsigned short port, const std::string& scheme = "http") {
  return scheme + "://127.0.0.1:" + std::to_string(port) + "/v1";
}

/// A loopback address that refuses connections for as long as this lives: a socket bound to it
/// that does not listen. Bound without SO_REUSEADDR, it keeps every other socket off the port; a
/// port merely released could be taken meanwhile by another test's server, which would then answer
/// (seen once in CI: a "refused" get_prompt succeeded).
class refused_address {
 public:
  explicit refused_address(asio::io_context& ioc) : holder_(ioc) {
    holder_.open(asio::ip::tcp::v4());
    holder_.bind({asio::ip::make_address("127.0.0.1"), 0});
  }
  /// The base URL of an API "served" there.
  std::string base_url() const { return loopback_base_url(holder_.local_endpoint().port()); }

 private:
  asio::ip::tcp::socket holder_;
};

/// Waits on a timer (for races against an operation, never as synchronisation).
inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

inline auto elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::steady_clock::now() - start;
}

}  // namespace bp_test
