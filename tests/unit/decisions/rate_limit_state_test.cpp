// SPDX-License-Identifier: BSL-1.0
// The client's rate limit as a state machine, driven with made-up times.
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/rate_limit_state.hpp>

namespace bp = betterprompt;
using state = bp::detail::rate_limit_state;
using namespace std::chrono_literals;

namespace {
const state::time_point t0{std::chrono::hours(1)};

state make(double rate, double burst) { return state(bp::rate_limit_options{rate, burst}, t0); }

std::chrono::milliseconds ms(state::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}
}  // namespace

TEST_CASE("a burst goes at once, then one request per 1/rate, first come first served",
          "[unit][decisions][rate]") {
  auto s = make(5, 2);
  CHECK(s.reserve(t0).wait == 0ms);
  CHECK(s.reserve(t0).wait == 0ms);
  CHECK(ms(s.reserve(t0).wait) == 200ms);
  CHECK(ms(s.reserve(t0).wait) == 400ms);
  // One second later the debt is paid and one token has accrued.
  CHECK(ms(s.reserve(t0 + 1s).wait) == 0ms);
}

TEST_CASE("a cancelled waiter gives its token back", "[unit][decisions][rate]") {
  auto s = make(5, 1);
  CHECK(s.reserve(t0).wait == 0ms);
  const auto waiting = s.reserve(t0);
  CHECK(ms(waiting.wait) == 200ms);
  s.give_back(waiting);
  CHECK(ms(s.reserve(t0).wait) == 200ms);
}

TEST_CASE("a 429 pauses everything for its Retry-After, then resumes slower with burst 1",
          "[unit][decisions][rate]") {
  auto s = make(8, 8);
  const auto before = s.reserve(t0);
  CHECK(before.wait == 0ms);
  s.on_rate_limited(t0, 2s);
  CHECK_FALSE(s.still_valid(before));  // reserved before the pause: must reserve again
  CHECK(s.rate() == 6.0);
  CHECK(s.burst() == 1.0);
  // Nothing leaves before the pause ends; after it, requests are spaced at the lower rate.
  const auto first = s.reserve(t0 + 500ms);
  CHECK(ms(first.wait) == 1500ms + 166ms);
  CHECK(s.still_valid(first));
  CHECK(ms(s.reserve(t0 + 500ms).wait) == 1500ms + 333ms);
}

TEST_CASE("429s during one pause lower the rate once, each later pause a step more, to a floor",
          "[unit][decisions][rate]") {
  auto s = make(8, 8);
  s.on_rate_limited(t0, 1s);
  s.on_rate_limited(t0 + 100ms, 1s);  // queued requests collecting their 429s
  CHECK(s.rate() == 6.0);
  s.on_rate_limited(t0 + 2s, 1s);
  CHECK(s.rate() == 4.5);
  for (int i = 0; i < 20; ++i) s.on_rate_limited(t0 + std::chrono::seconds(3 + 2 * i), 1s);
  CHECK(s.rate() == Approx(0.8));  // a tenth of the configured rate
}

TEST_CASE("30 s without a 429 restores the configured rate and burst", "[unit][decisions][rate]") {
  auto s = make(8, 8);
  s.on_rate_limited(t0, 1s);
  CHECK(s.reserve(t0 + 20s).wait == 0ms);
  CHECK(s.rate() == 6.0);
  CHECK(s.reserve(t0 + 31s).wait == 0ms);
  CHECK(s.rate() == 8.0);
  CHECK(s.burst() == 8.0);
}

TEST_CASE("with the limit off, a 429 still pauses the client", "[unit][decisions][rate]") {
  auto s = make(0, 5);
  CHECK_FALSE(s.active());
  CHECK(s.reserve(t0).wait == 0ms);
  s.on_rate_limited(t0, 1s);
  CHECK(s.active());
  CHECK(s.rate() == 0.0);
  CHECK(ms(s.reserve(t0 + 250ms).wait) == 750ms);
  CHECK(s.reserve(t0 + 1s).wait == 0ms);
  CHECK(s.reserve(t0 + 1s).wait == 0ms);  // no rate: no spacing
}
