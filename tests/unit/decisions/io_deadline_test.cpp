// SPDX-License-Identifier: BSL-1.0
// The I/O deadline on one timer: when a phase arms the timer, and what the end of a wait means,
// driven with made-up time points (no timer, no clock).
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/io_deadline.hpp>

using betterprompt::detail::io_deadline;
using verdict = io_deadline::verdict;
using std::chrono::milliseconds;

namespace {
const io_deadline::time_point t0{std::chrono::hours(1)};
}

TEST_CASE("a call over a kept-alive connection arms the timer once",
          "[unit][decisions][deadline]") {
  io_deadline d;
  // write (30 s), then the headers (150 s) and the body (60 s), each from a later moment.
  REQUIRE(d.set(t0 + milliseconds(30'000)));
  const auto id = d.arm();
  CHECK_FALSE(d.set(t0 + milliseconds(5) + milliseconds(150'000)));
  CHECK_FALSE(d.set(t0 + milliseconds(9) + milliseconds(60'000)));
  CHECK(d.deadline() == t0 + milliseconds(60'009));
  // The wait ends at the write's deadline: the body has time left, so it waits again.
  CHECK(d.wait_ended(id, t0 + milliseconds(30'000)) == verdict::wait_again);
  REQUIRE(d.set(d.deadline()));  // nothing pending now: arming is needed
  const auto again = d.arm();
  CHECK(d.wait_ended(again, t0 + milliseconds(60'009)) == verdict::expired);
}

TEST_CASE("an earlier deadline re-arms the timer, the replaced wait is ignored",
          "[unit][decisions][deadline]") {
  io_deadline d;
  REQUIRE(d.set(t0 + milliseconds(30'000)));
  const auto first = d.arm();
  REQUIRE(d.set(t0 + milliseconds(200)));  // a short headers budget
  const auto second = d.arm();
  CHECK(d.wait_ended(first, t0 + milliseconds(1)) == verdict::ignore);  // cancelled by re-arming
  CHECK(d.wait_ended(second, t0 + milliseconds(199)) == verdict::wait_again);  // early wake-up
  const auto third = d.arm();
  CHECK(d.wait_ended(third, t0 + milliseconds(200)) == verdict::expired);
}

TEST_CASE("a disarmed or unlimited deadline never expires", "[unit][decisions][deadline]") {
  io_deadline d;
  CHECK_FALSE(d.set(io_deadline::time_point::max()));  // no limit: no timer
  REQUIRE(d.set(t0 + milliseconds(10)));
  const auto id = d.arm();
  d.disarm();  // the attempt ended; the timer was cancelled
  CHECK(d.wait_ended(id, t0 + milliseconds(10)) == verdict::ignore);
  REQUIRE(d.set(t0 + milliseconds(20)));  // the next attempt arms again
  const auto next = d.arm();
  CHECK_FALSE(d.set(io_deadline::time_point::max()));  // a phase without a limit
  CHECK(d.wait_ended(next, t0 + milliseconds(20)) == verdict::ignore);
}
