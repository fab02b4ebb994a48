// SPDX-License-Identifier: BSL-1.0
// What a client keeps for reconciling its creates: the runs they returned, shared by every handle,
// and the server's clock from its Date headers; and the emulator's options that test both (a
// clock that is off, a listing that lags).
#include "support/fixture.hpp"

#include <boost/asio/as_tuple.hpp>

#include <algorithm>

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
bool holds(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}
}  // namespace

TEST_CASE("a client remembers the runs its creates returned, on every handle", "[accounting]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    CHECK(c.remembered_runs().empty());
    const bp::run first = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "a"));
    bp::call_options no_retries;
    no_retries.retry = bp::retry_policy{.max_retries = 0};
    auto other = c.with(no_retries);
    const bp::run second =
        co_await bp::create_run(other, topic_request(demo::text_prompt_version_id, "b"));
    CHECK(c.remembered_runs() == std::vector<std::string>{first.run_id, second.run_id});
    CHECK(other.remembered_runs() == c.remembered_runs());

    // A refused create and a read remember nothing.
    auto [ec, refused] = co_await bp::create_run(
        c, topic_request("00000000-0000-4000-8000-000000000000", "c"), asio::as_tuple(asio::use_awaitable));
    CHECK(ec == bp::error::not_found);
    const bp::run fetched = co_await bp::get_run(c, first.run_id);
    CHECK(fetched.run_id == first.run_id);
    CHECK(c.remembered_runs().size() == 2);

    // Runs known elsewhere (a batch's output file) are seeded; again, once each.
    other.remember_runs({"run-from-a-file", first.run_id});
    const auto ids = c.remembered_runs();
    CHECK(ids.size() == 3);
    CHECK(holds(ids, "run-from-a-file"));
  });
}

TEST_CASE("the server's clock offset is bounded by its Date headers", "[accounting]") {
  emulator_options opts;
  opts.clock_offset = 90s;  // the server runs a minute and a half ahead
  fixture f(opts);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    CHECK_FALSE(c.server_clock_offset());
    const bp::run created =
        co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "a"));
    for (int i = 0; i < 3; ++i) co_await bp::get_run(c, created.run_id);
    const auto offset = c.server_clock_offset();
    REQUIRE(offset);
    CHECK(offset->low <= 90s);
    CHECK(offset->high >= 90s);
    CHECK(offset->high - offset->low <= 1500ms);  // Date's second plus loopback round trips
    CHECK(c.with({}).server_clock_offset()->low == offset->low);  // shared by handles

    // The run's createdAt is on the server's clock.
    const bp::run polled = co_await bp::get_run(c, created.run_id);
    const auto created_at = bp::from_iso8601(polled.created_at);
    REQUIRE(created_at);
    const auto ahead = *created_at - std::chrono::system_clock::now();
    CHECK(ahead > 85s);
    CHECK(ahead < 95s);
  });
}

TEST_CASE("the emulator's listing can lag behind its creates", "[accounting][list]") {
  emulator_options opts;
  opts.listing_lag = 400ms;
  fixture f(opts);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    const bp::run created =
        co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "a"));
    const bp::run fetched = co_await bp::get_run(c, created.run_id);  // seen at once by id
    CHECK(fetched.run_id == created.run_id);
    bp::page<bp::run> early = co_await bp::list_runs(c);
    CHECK(early.rows.empty());
    co_await sleep_for(600ms);  // the lag under test passing, not synchronisation
    bp::page<bp::run> later = co_await bp::list_runs(c);
    REQUIRE(later.rows.size() == 1);
    CHECK(later.rows[0].run_id == created.run_id);
  });
}
