// SPDX-License-Identifier: BSL-1.0
// wait_for_run's decision after each poll, as a table. No sockets, no clock.
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/poll_plan.hpp>

#include <limits>

namespace bp = betterprompt;
using bp::detail::plan_poll;
using bp::detail::poll_action;
using bp::detail::poll_result;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
constexpr milliseconds no_deadline = milliseconds::max();
const bp::detail::poll_schedule schedule{seconds(1), 1.5, seconds(10)};
const bp::retry_policy policy;  // max_retry_after 60 s
}  // namespace

TEST_CASE("a finished run ends the wait, an error fails it, a pending run sleeps and grows",
          "[unit][decisions][poll]") {
  CHECK(plan_poll(schedule, policy, seconds(1), poll_result::finished, -1, no_deadline).action ==
        poll_action::done);
  CHECK(plan_poll(schedule, policy, seconds(1), poll_result::failed, -1, no_deadline).action ==
        poll_action::fail);
  auto step = plan_poll(schedule, policy, seconds(1), poll_result::pending, -1, no_deadline);
  CHECK(step.action == poll_action::sleep);
  CHECK(step.delay == seconds(1));
  CHECK(step.next_interval == milliseconds(1500));
  step = plan_poll(schedule, policy, seconds(8), poll_result::pending, -1, no_deadline);
  CHECK(step.delay == seconds(8));
  CHECK(step.next_interval == seconds(10));  // capped
}

TEST_CASE("the interval never overflows, whatever the multiplier", "[unit][decisions][poll]") {
  bp::detail::poll_schedule wild = schedule;
  wild.poll_multiplier = std::numeric_limits<double>::infinity();
  CHECK(bp::detail::next_poll_interval(wild, seconds(1)) == seconds(10));
  wild.poll_multiplier = std::numeric_limits<double>::quiet_NaN();  // taken as 1: constant
  CHECK(bp::detail::next_poll_interval(wild, seconds(1)) == seconds(1));
  wild.poll_multiplier = 0.5;  // below 1: constant
  CHECK(bp::detail::next_poll_interval(wild, seconds(2)) == seconds(2));
}

TEST_CASE("a 429 between polls: waited out when reasonable, else the wait fails at once",
          "[unit][decisions][poll]") {
  struct row {
    int retry_after;
    milliseconds time_left;
    poll_action action;
    milliseconds delay;
  };
  const row rows[] = {
      {-1, no_deadline, poll_action::sleep, seconds(2)},   // no hint: the interval
      {1, no_deadline, poll_action::sleep, seconds(2)},    // shorter than the interval
      {5, no_deadline, poll_action::sleep, seconds(5)},    // longer: the hint
      {60, no_deadline, poll_action::sleep, seconds(60)},  // at max_retry_after
      {61, no_deadline, poll_action::fail, seconds(0)},    // over max_retry_after
      {3600, no_deadline, poll_action::fail, seconds(0)},  // far over
      {30, seconds(2), poll_action::fail, seconds(0)},     // past the wait's deadline
      {2, seconds(3), poll_action::sleep, seconds(2)},     // within it
  };
  for (const row& r : rows) {
    INFO("Retry-After " << r.retry_after << ", time left " << r.time_left.count() << " ms");
    const auto step = plan_poll(schedule, policy, seconds(2), poll_result::rate_limited,
                                r.retry_after, r.time_left);
    CHECK(step.action == r.action);
    if (r.action == poll_action::sleep) CHECK(step.delay == r.delay);
  }
  bp::retry_policy ignoring = policy;
  ignoring.honor_retry_after = false;
  const auto step =
      plan_poll(schedule, ignoring, seconds(2), poll_result::rate_limited, 3600, no_deadline);
  CHECK(step.action == poll_action::sleep);
  CHECK(step.delay == seconds(2));
}

TEST_CASE("a transient failure is polled past, only the wait's deadline ends it",
          "[unit][decisions][poll]") {
  struct row {
    int retry_after;
    milliseconds time_left;
    milliseconds delay;
  };
  const row rows[] = {
      {-1, no_deadline, seconds(2)},  // the usual interval
      {-1, seconds(1), seconds(2)},   // even close to the deadline: the sleep stops there
      {5, no_deadline, seconds(5)},   // a 503's Retry-After the policy honours
      {61, no_deadline, seconds(2)},  // one it does not: the interval, never the end
      {30, seconds(2), seconds(2)},   // past the deadline: the interval
  };
  for (const row& r : rows) {
    INFO("Retry-After " << r.retry_after << ", time left " << r.time_left.count() << " ms");
    const auto step =
        plan_poll(schedule, policy, seconds(2), poll_result::transient, r.retry_after, r.time_left);
    CHECK(step.action == poll_action::sleep);
    CHECK(step.delay == r.delay);
    CHECK(step.next_interval == seconds(3));
  }
}

TEST_CASE("which failed polls are transient, rate limited or final", "[unit][decisions][poll]") {
  namespace error = bp::error;
  using bp::detail::poll_failure;
  struct row {
    boost::system::error_code ec;
    unsigned status;
    poll_result expected;
  };
  const row rows[] = {
      {error::timeout, 0, poll_result::transient},
      {error::timeout, 200, poll_result::transient},  // a body that stalled after its header
      {error::connection_closed, 0, poll_result::transient},
      {error::connection_failed, 0, poll_result::transient},
      {error::server_error, 500, poll_result::transient},
      {error::server_error, 502, poll_result::transient},
      {error::server_error, 503, poll_result::transient},
      {error::gateway_timeout, 504, poll_result::transient},
      {error::unknown_api_error, 408, poll_result::transient},
      {error::rate_limited, 429, poll_result::rate_limited},
      {error::tls_error, 0, poll_result::failed},
      {error::bad_response, 200, poll_result::failed},
      {error::response_too_large, 200, poll_result::failed},
      {error::not_found, 404, poll_result::failed},
      {error::validation, 422, poll_result::failed},
      {error::unauthorized, 401, poll_result::failed},
      {error::unknown_api_error, 418, poll_result::failed},
      {error::proxy_refused, 407, poll_result::failed},
      {error::invalid_argument, 0, poll_result::failed},
  };
  for (const row& r : rows) {
    INFO(r.ec.message() << ", HTTP " << r.status);
    CHECK(poll_failure(r.ec, r.status) == r.expected);
  }
}

TEST_CASE("time left until a deadline, or none", "[unit][decisions][poll]") {
  using clock = std::chrono::steady_clock;
  const clock::time_point now{std::chrono::hours(1)};
  CHECK(bp::detail::time_left_until(clock::time_point::max(), now) == milliseconds::max());
  CHECK(bp::detail::time_left_until(now + seconds(3), now) == seconds(3));
  CHECK(bp::detail::time_left_until(now - seconds(3), now) == milliseconds(0));
}
