// SPDX-License-Identifier: BSL-1.0
// emulator::async_wait_request: what tests await instead of sleeping until a call is under way.
#include "support/cancel.hpp"
#include "support/fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <future>

using namespace bp_test;
using namespace asio::experimental::awaitable_operators;
namespace routes = bp::testing::routes;
namespace demo = bp::testing::demo;

namespace {
/// Lets every handler already posted to this executor run first.
asio::awaitable<void> yield_once() {
  auto ex = co_await asio::this_coro::executor;
  co_await asio::post(ex, asio::use_awaitable);
}
}  // namespace

TEST_CASE("async_wait_request completes when a request on its route arrives, before the answer",
          "[emulator][wait]") {
  fixture f;
  f.emu.set_response_delay(routes::get_prompt, 30s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    // A callback, armed first: a request on another route does not complete it.
    std::optional<boost::system::error_code> heard;
    f.emu.async_wait_request(routes::get_prompt,
                             [&heard](boost::system::error_code ec) { heard = ec; });
    co_await bp::get_credits(c);
    CHECK_FALSE(heard);
    // The awaited request arrives while its answer is still held back for 30 s.
    auto signal = std::make_shared<asio::cancellation_signal>();
    auto arrived = request_arrives(f.emu, routes::get_prompt, f.ioc.get_executor());
    auto read = launch(f.ioc.get_executor(), bp::get_prompt(c, demo::text_prompt_id), signal);
    co_await arrived->wait();
    REQUIRE(heard);
    CHECK_FALSE(*heard);
    CHECK_FALSE(read->done);
    signal->emit(asio::cancellation_type::terminal);
    co_await until_done(*read);
    CHECK(aborted(*read));
    // "*" hears any route, as a deferred operation awaited directly.
    auto any_wait = f.emu.async_wait_request("*", asio::as_tuple(asio::use_awaitable));
    auto [any, credits] = co_await (std::move(any_wait) && bp::get_credits(c));
    CHECK_FALSE(any);  // the wait's error_code
    CHECK(credits.credits > 0);
  });
}

TEST_CASE("async_wait_request ends with operation_aborted when cancelled or when the emulator "
          "stops",
          "[emulator][wait]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    // Every cancellation type ends it (here the || operator's, when a call on another route
    // finishes first).
    auto c = f.make_client();
    auto pending = f.emu.async_wait_request(routes::create_run, asio::use_awaitable);
    auto winner = co_await (std::move(pending) || bp::get_credits(c));
    CHECK(winner.index() == 1);
    asio::cancellation_signal partial;
    std::optional<boost::system::error_code> ended;
    f.emu.async_wait_request(routes::create_run,
                             asio::bind_cancellation_slot(partial.slot(),
                                                          [&ended](boost::system::error_code ec) {
                                                            ended = ec;
                                                          }));
    partial.emit(asio::cancellation_type::partial);
    co_await yield_once();  // the completion was posted: it has run after this
    REQUIRE(ended);
    CHECK(*ended == asio::error::operation_aborted);
    // A create afterwards completes nothing twice and nothing late.
    co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "after"));
    CHECK(*ended == asio::error::operation_aborted);
    // stop() ends the waits in progress and any later one.
    std::optional<boost::system::error_code> at_stop, after_stop;
    f.emu.async_wait_request("*", [&at_stop](boost::system::error_code ec) { at_stop = ec; });
    f.emu.stop();
    f.emu.async_wait_request("*", [&after_stop](boost::system::error_code ec) { after_stop = ec; });
    co_await yield_once();
    REQUIRE(at_stop);
    CHECK(*at_stop == asio::error::operation_aborted);
    REQUIRE(after_stop);
    CHECK(*after_stop == asio::error::operation_aborted);
  });
}

TEST_CASE("async_wait_request takes a future", "[emulator][wait]") {
  fixture f;
  std::future<void> arrived = f.emu.async_wait_request(routes::get_credits, asio::use_future);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    co_await bp::get_credits(c);
  });
  // use_future's handler runs on the system executor, not on ioc: the request surely arrived (the
  // call was answered), but the promise may be set a moment after ioc.run_for() returned.
  REQUIRE(arrived.wait_for(10s) == std::future_status::ready);
  CHECK_NOTHROW(arrived.get());
}
