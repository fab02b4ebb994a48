// SPDX-License-Identifier: BSL-1.0
// A client's life: per-call overrides (with), extra headers, diagnostics on success, close()
// and destruction cancelling work, timeouts by phase.
#include "support/cancel.hpp"
#include "support/fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/string.hpp>

#include <memory>
#include <optional>
#include <vector>

using namespace bp_test;
namespace demo = bp::testing::demo;
namespace routes = bp::testing::routes;
using bp::testing::fault;
using bp::testing::fault_kind;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

constexpr const char* running_version = "66666666-7777-4888-8999-aaaaaaaaaaaa";

bp::client_options no_retries(const fixture& f) {
  auto opts = f.client_options();
  opts.retry.max_retries = 0;
  return opts;
}

/// Closes `c` once every event of `when` is set. Returns a value: Asio 1.81's
/// `tuple && awaitable<void>` does not compile.
asio::awaitable<bool> close_when(bp::client& c, std::vector<std::shared_ptr<event>> when) {
  for (const auto& e : when) co_await e->wait();
  c.close();
  co_return true;
}

/// Accepts the next connection on `silent` into `peers` and sets `hello` once the client's first
/// TLS bytes arrive, so that the client is in its handshake; `peers` keeps the connection open,
/// unanswered.
asio::awaitable<void> await_client_hello(asio::ip::tcp::acceptor& silent,
                                         std::vector<std::shared_ptr<asio::ip::tcp::socket>>& peers,
                                         std::shared_ptr<event> hello) {
  auto peer = std::make_shared<asio::ip::tcp::socket>(silent.get_executor());
  peers.push_back(peer);
  co_await silent.async_accept(*peer, asio::use_awaitable);
  char first = 0;
  co_await peer->async_read_some(asio::buffer(&first, 1), asio::use_awaitable);
  hello->set();
}

}  // namespace

TEST_CASE("with() overrides the retry policy and timeouts for the calls of one handle",
          "[lifecycle]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.retry.initial_backoff = 10ms;
    bp::client c{f.ioc, opts};
    bp::call_options once;
    once.retry = opts.retry;
    once.retry->max_retries = 0;
    bp::client impatient = c.with(once);
    CHECK(impatient.options().retry.max_retries == 0);
    CHECK(c.options().retry.max_retries == 2);

    auto burst = make_fault(fault_kind::server_error);
    burst.status = 503;
    f.emu.inject_fault(routes::get_prompt, burst);
    auto e = co_await expect_error(bp::get_prompt(impatient, demo::text_prompt_id));
    CHECK(e.code() == bp::error::server_error);
    f.emu.inject_fault(routes::get_prompt, burst);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);  // retried
    CHECK(p.prompt_id == demo::text_prompt_id);

    bp::call_options quick;
    quick.timeouts = opts.timeouts;
    quick.timeouts->response_headers = 100ms;
    bp::client hurried = impatient.with(quick);
    f.emu.set_response_delay(routes::get_prompt, 400ms);
    auto late = co_await expect_error(bp::get_prompt(hurried, demo::text_prompt_id));
    CHECK(late.code() == bp::error::timeout);
    CHECK(late.get_diagnostics().data.at("phase") == "response_headers");
    bp::prompt patient = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(patient.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("close() ends calls in flight, in backoff and between polls with client_closed",
          "[lifecycle][cancel]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 60s));
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto seen = std::make_shared<client_events>(f.ioc.get_executor());
    auto opts = f.client_options();
    opts.on_event = seen->hook();
    bp::client c{f.ioc, opts};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "long"));
    REQUIRE_FALSE(pending.finished());
    auto limited = make_fault(fault_kind::rate_limited);
    limited.delay = 30s;  // Retry-After: 30
    f.emu.inject_fault(routes::get_credits, limited);
    bp::wait_options slow_polls;
    slow_polls.poll_interval = 30s;

    // Closed once each call is where its name says: a request held by the emulator, a 429 being
    // waited out, a poll answered with the next one 30 s away.
    std::vector<std::shared_ptr<event>> under_way{
        request_arrives(f.emu, routes::get_prompt, f.ioc.get_executor()),
        seen->when(bp::event_kind::retry_scheduled, "get_credits"),
        seen->when(bp::event_kind::call_finished, "get_run")};
    const auto start = std::chrono::steady_clock::now();
    auto [in_flight, in_backoff, between_polls, closed] = co_await (
        expect_error(bp::get_prompt(c, demo::text_prompt_id)) && expect_error(bp::get_credits(c)) &&
        expect_error(bp::wait_for_run(c, pending.run_id, slow_polls)) && close_when(c, under_way));
    CHECK(elapsed_since(start) < 5s);
    CHECK(in_flight.code() == bp::error::client_closed);
    CHECK(in_backoff.code() == bp::error::client_closed);
    CHECK(between_polls.code() == bp::error::client_closed);
    auto later = co_await expect_error(bp::get_run(c, pending.run_id));
    CHECK(later.code() == bp::error::client_closed);
  });
}

TEST_CASE("close() ends calls queued for a connection, and so does destroying the client",
          "[lifecycle][cancel]") {
  fixture f;
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.max_connections = 1;
    bp::client c{f.ioc, opts};
    const auto start = std::chrono::steady_clock::now();
    // Closed once the holder's request arrived: the second call is queued for the connection.
    auto holder_sent = request_arrives(f.emu, routes::get_prompt, f.ioc.get_executor());
    std::vector<std::shared_ptr<event>> holding{holder_sent};
    auto [holder, queued, closed] =
        co_await (expect_error(bp::get_prompt(c, demo::text_prompt_id)) &&
                  expect_error(bp::get_prompt(c, demo::text_prompt_id)) &&
                  close_when(c, holding));
    CHECK(elapsed_since(start) < 5s);
    CHECK(holder.code() == bp::error::client_closed);
    CHECK(queued.code() == bp::error::client_closed);
    CHECK(f.emu.request_count() == 1);  // the queued call never reached the server

    // The last handle going away closes the client; a with() handle keeps it open.
    std::optional<bp::client> original;
    original.emplace(f.ioc, f.client_options());
    bp::client derived = original->with(bp::call_options{});
    original.reset();
    f.emu.set_response_delay(routes::get_prompt, 0ms);
    bp::prompt p = co_await bp::get_prompt(derived, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    f.emu.set_response_delay(routes::get_prompt, 30s);
    auto signal = std::make_shared<asio::cancellation_signal>();
    auto arrived = request_arrives(f.emu, routes::get_prompt, f.ioc.get_executor());
    auto outcome =
        launch(f.ioc.get_executor(), bp::get_prompt(derived, demo::text_prompt_id), signal);
    co_await arrived->wait();  // in flight: its answer is held back for 30 s
    CHECK_FALSE(outcome->done);
    { bp::client gone = std::move(derived); }
    co_await until_done(*outcome);
    REQUIRE(outcome->done);
    REQUIRE(outcome->error);
    CHECK_THROWS_MATCHES(std::rethrow_exception(outcome->error), bp::error_with_diagnostics,
                         Catch::Predicate<bp::error_with_diagnostics>(
                             [](const auto& e) { return e.code() == bp::error::client_closed; }));
  });
}

TEST_CASE("timeouts.total bounds the whole call and names the phase it interrupted",
          "[lifecycle][timeout]") {
  fixture f;
  f.emu.set_response_delay(routes::get_run, 10s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.timeouts.total = 300ms;
    bp::client c{f.ioc, opts};
    bp::run created = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "t"));
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::get_run(c, created.run_id));
    CHECK(elapsed_since(start) < 5s);
    CHECK(e.code() == bp::error::timeout);
    const auto& data = e.get_diagnostics().data;
    CHECK(data.at("phase") == "total");
    CHECK(data.at("during") == "response_headers");
    CHECK(data.at("runId") == created.run_id.c_str());
  });
}

TEST_CASE("a stalled TLS handshake times out in phase tls_handshake, or ends when cancelled",
          "[lifecycle][timeout][cancel]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    // Accepts TCP connections (the kernel completes them) but never speaks TLS.
    asio::ip::tcp::acceptor silent(f.ioc, {asio::ip::make_address("127.0.0.1"), 0});
    auto opts = no_retries(f);
    opts.base_url = loopback_base_url(silent.local_endpoint().port(), "https");
    opts.max_connections = 1;
    opts.timeouts.tls_handshake = 200ms;
    bp::client c{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::timeout);
    CHECK(e.get_diagnostics().data.at("phase") == "tls_handshake");

    // A listener of its own: the first one's backlog still holds the timed-out connection.
    asio::ip::tcp::acceptor stalling(f.ioc, {asio::ip::make_address("127.0.0.1"), 0});
    opts.base_url = loopback_base_url(stalling.local_endpoint().port(), "https");
    opts.timeouts.tls_handshake = 30s;
    bp::client slow{f.ioc, opts};
    const auto start = std::chrono::steady_clock::now();
    // Cancelled once its ClientHello arrived; the slot is released, so the next call connects
    // again (and is cancelled the same way).
    std::vector<std::shared_ptr<asio::ip::tcp::socket>> peers;
    for (int call = 0; call < 2; ++call) {
      auto hello = std::make_shared<event>(f.ioc.get_executor());
      asio::co_spawn(f.ioc, await_client_hello(stalling, peers, hello), asio::detached);
      auto handshake = co_await cancel_when(bp::get_prompt(slow, demo::text_prompt_id),
                                            asio::cancellation_type::terminal, hello);
      CHECK(aborted(*handshake));
    }
    CHECK(elapsed_since(start) < 5s);
  });
}

TEST_CASE("cancelled mid-response, a call ends promptly and the next call succeeds",
          "[lifecycle][cancel]") {
  fixture f;
  auto stall = make_fault(fault_kind::stall);
  stall.bytes = 10;
  stall.delay = 30s;
  f.emu.inject_fault(routes::get_prompt, stall);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto seen = std::make_shared<client_events>(f.ioc.get_executor());
    auto opts = f.client_options();
    opts.on_event = seen->hook();
    bp::client c{f.ioc, opts};
    auto headed = seen->when(bp::event_kind::response_headers, "get_prompt");
    const auto start = std::chrono::steady_clock::now();
    auto read = co_await cancel_when(bp::get_prompt(c, demo::text_prompt_id),
                                     asio::cancellation_type::terminal, headed);
    CHECK(aborted(*read));
    CHECK(elapsed_since(start) < 5s);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("wait_for_run backs off between polls and waits out 429s", "[lifecycle][wait]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(running_version, 1200ms));
  f.run([](fixture& f) -> asio::awaitable<void> {
    bp::client c{f.ioc, no_retries(f)};
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "backoff"));
    const auto before = f.emu.request_count();
    bp::wait_options growing;
    growing.poll_interval = 50ms;
    growing.poll_multiplier = 2;
    growing.max_poll_interval = 200ms;
    bp::run done = co_await bp::wait_for_run(c, pending.run_id, growing);
    CHECK(done.status == bp::run_status::succeeded);
    // Constant 50 ms polling would take ~24 polls; 50, 100, 200, 200, … takes about 8.
    const auto polls = f.emu.request_count() - before;
    CHECK(polls >= 4);
    CHECK(polls <= 12);

    bp::run second = co_await bp::create_run(c, topic_request(running_version, "limited"));
    auto limited = make_fault(fault_kind::rate_limited, 2);
    limited.delay = 1s;
    f.emu.inject_fault(routes::get_run, limited);
    const auto start = std::chrono::steady_clock::now();
    bp::run finished = co_await bp::wait_for_run(c, second.run_id, growing);
    CHECK(finished.status == bp::run_status::succeeded);
    CHECK(elapsed_since(start) >= 1900ms);  // two Retry-After: 1 honoured
  });
}

TEST_CASE("extra headers of a client and of a with() handle reach the API on the wire",
          "[lifecycle][headers]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.extra_headers.push_back({"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"});
    opts.extra_headers.push_back({"X-Gateway-Tenant", "blue"});
    bp::client c{f.ioc, opts};
    bp::call_options tenant;
    tenant.extra_headers.push_back({"x-gateway-tenant", "green"});  // replaces, any case
    tenant.extra_headers.push_back({"X-Call", "7"});
    bp::client handle = c.with(tenant);

    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    bp::run r = co_await bp::create_run(handle, topic_request(demo::text_prompt_version_id, "t"));
    bp::run polled = co_await bp::wait_for_run(handle, r.run_id);
    CHECK(polled.status == bp::run_status::succeeded);

    const auto seen = f.emu.received_requests();
    REQUIRE(seen.size() >= 3);
    const auto& plain = seen[seen.size() - 3];
    CHECK(plain.method == "GET");
    CHECK(plain.field("traceparent") == opts.extra_headers[0].value);
    CHECK(plain.field("x-gateway-tenant") == std::optional<std::string>("blue"));
    CHECK_FALSE(plain.field("x-call"));
    for (std::size_t i = seen.size() - 2; i < seen.size(); ++i) {  // the create and the poll
      CHECK(seen[i].field("traceparent") == opts.extra_headers[0].value);
      CHECK(seen[i].field("X-Gateway-Tenant") == std::optional<std::string>("green"));
      CHECK(seen[i].field("x-call") == std::optional<std::string>("7"));
      std::size_t tenants = 0;
      for (const auto& field : seen[i].fields)
        tenants += boost::beast::iequals(field.name, "x-gateway-tenant") ? 1 : 0;
      CHECK(tenants == 1);
      // The SDK's own fields stay its own.
      CHECK(seen[i].field("Authorization") == "Bearer " + std::string(bp::testing::demo::api_key));
      CHECK(seen[i].field("user-agent") == c.options().user_agent);
    }
  });
}

TEST_CASE("extra headers that break the rules are refused, naming the field and never its value",
          "[lifecycle][headers]") {
  fixture f;
  const std::string secret = "s3cr3t-value";
  auto refused = [&](bp::header_field field, const std::string& says) {
    auto opts = f.client_options();
    opts.extra_headers.push_back(field);
    try {
      bp::client c{f.ioc, opts};
      FAIL("accepted " << field.name);
    } catch (const bp::error_with_diagnostics& e) {
      CHECK(e.code() == bp::error::invalid_argument);
      const std::string what = e.what();
      CHECK(what.find(says) != std::string::npos);
      CHECK(what.find(secret) == std::string::npos);
    }
    // The same through with().
    bp::client c = f.make_client();
    bp::call_options call;
    call.extra_headers.push_back(field);
    CHECK_THROWS_AS(c.with(call), bp::error_with_diagnostics);
  };
  for (const char* owned : {"Host", "authorization", "Proxy-Authorization", "Content-Length",
                            "Transfer-Encoding", "Connection", "Keep-Alive", "TE", "Trailer",
                            "Upgrade", "Expect", "cli-agent", "User-Agent", "Accept",
                            "content-type"})
    refused({owned, secret}, "is the SDK's own");
  refused({"bad name", secret}, "a name is a token");
  refused({"x-a:b", secret}, "a name is a token");
  refused({"", secret}, "the name is empty");
  refused({"x-trace", secret + "\r\nX-Injected: 1"}, "contains CR, LF or NUL");
  refused({"x-trace", std::string("a\0b", 3)}, "contains CR, LF or NUL");
  refused({"x-trace", secret + "\n"}, "contains CR, LF or NUL");

  auto opts = f.client_options();
  opts.extra_headers = {{"x-trace", "1"}, {"X-Trace", secret}};
  CHECK_THROWS_WITH(bp::client(f.ioc, opts), Catch::Contains("given twice"));
  opts.extra_headers = {{"x-ok", "tab\tand spaces are fine"}};
  CHECK_NOTHROW(bp::client(f.ioc, opts));
}

TEST_CASE("diagnostics tell what answered a call that succeeded: status, request id, attempts",
          "[lifecycle][diagnostics]") {
  fixture f(short_sync_window(50ms));
  f.emu.add_prompt(timed_prompt(running_version, 300ms));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.retry.initial_backoff = 10ms;
    bp::client c{f.ioc, opts};

    bp::diagnostics got;
    bp::prompt p = co_await bp::get_prompt_version(c, demo::text_prompt_version_id, got);
    CHECK(p.prompt_id == demo::text_prompt_id);
    CHECK(got.http_status == 200);
    CHECK(got.request_id.rfind("req_", 0) == 0);
    CHECK(got.attempts == 1);
    CHECK(got.message.empty());

    // A retried call counts its attempts; its request id is the answer's.
    auto burst = make_fault(fault_kind::server_error);
    burst.status = 503;
    f.emu.inject_fault(routes::get_prompt_version, burst);
    bp::diagnostics retried;
    co_await bp::get_prompt_version(c, demo::text_prompt_version_id, retried);
    CHECK(retried.attempts == 2);
    CHECK(retried.request_id != got.request_id);

    // Any token: as_tuple with a callback-style completion fills it too.
    bp::diagnostics tupled;
    auto [ec, r] = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "t"),
                                           tupled, asio::as_tuple(asio::use_awaitable));
    CHECK_FALSE(ec);
    CHECK(tupled.http_status == 200);
    CHECK_FALSE(tupled.request_id.empty());

    // A wait: the last poll's request id, and every poll counted.
    bp::run pending = co_await bp::create_run(c, topic_request(running_version, "w"));
    CHECK(pending.status != bp::run_status::succeeded);
    bp::diagnostics waited;
    bp::wait_options quick;
    quick.poll_interval = 50ms;
    bp::run done = co_await bp::wait_for_run(c, pending.run_id, quick, waited);
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(waited.http_status == 200);
    CHECK(waited.attempts >= 2);
    CHECK_FALSE(waited.request_id.empty());

    // run_prompt: the create's request id and the last poll's, and every request counted.
    bp::run_inputs inputs;
    inputs.text_inputs["topic"] = "rp";
    bp::run_prompt_options rp;
    rp.wait = quick;
    bp::diagnostics whole;
    bp::run finished = co_await bp::run_prompt(c, bp::prompt_ref::version(running_version),
                                               std::move(inputs), rp, whole);
    CHECK(finished.status == bp::run_status::succeeded);
    CHECK_FALSE(whole.create_request_id.empty());
    CHECK_FALSE(whole.request_id.empty());
    CHECK(whole.create_request_id != whole.request_id);
    CHECK(whole.attempts >= 3);  // the version, the create, at least one poll

    // The pager: the last page's.
    bp::run_pager pager{c};
    bp::diagnostics paged;
    std::vector<bp::run> rows = co_await pager.next(paged);
    CHECK_FALSE(rows.empty());
    CHECK(paged.http_status == 200);
    CHECK_FALSE(paged.request_id.empty());
  });
}
