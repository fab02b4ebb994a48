// SPDX-License-Identifier: BSL-1.0
// The retry decision as a table: attempt outcomes in, verdict and delay out. No sockets, no clock.
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/retry.hpp>

#include <climits>
#include <ctime>

namespace bp = betterprompt;
using boost::beast::http::verb;
using bp::detail::attempt_outcome;
using bp::detail::plan_retry;
using bp::detail::retry_verdict;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
constexpr milliseconds no_deadline = milliseconds::max();

attempt_outcome answered(verb method, unsigned status, int retry_after = -1) {
  attempt_outcome o;
  o.method = method;
  o.http_status = status;
  o.retry_after_seconds = retry_after;
  return o;
}
}  // namespace

TEST_CASE("Retry-After parses delta-seconds and HTTP dates, bad values are ignored",
          "[unit][decisions][retry]") {
  using bp::detail::parse_retry_after;
  CHECK(parse_retry_after("7") == 7);
  CHECK(parse_retry_after("999999") == 999999);
  CHECK(parse_retry_after("") == -1);
  CHECK(parse_retry_after("-3") == -1);
  CHECK(parse_retry_after("soon") == -1);
  CHECK(parse_retry_after("1.5") == -1);
  CHECK(parse_retry_after("99999999999999999999") == -1);  // overflows an int
  CHECK(parse_retry_after(std::to_string(static_cast<long long>(INT_MAX) + 1)) == -1);
  const std::time_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == 0);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now) == 60);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:48:37 GMT", now) == 0);          // past: no wait
  CHECK(parse_retry_after("Fri, 06 Nov 2099 08:49:37 GMT", now) == 24 * 3600);  // capped
}

TEST_CASE("which answers are retried, by method", "[unit][decisions][retry]") {
  const bp::retry_policy policy;
  struct row {
    verb method;
    unsigned status;
    bool retried;
  };
  const row rows[] = {
      {verb::get, 408, true},   {verb::get, 429, true},   {verb::get, 500, true},
      {verb::get, 502, true},   {verb::get, 503, true},   {verb::get, 504, true},
      {verb::get, 200, false},  {verb::get, 400, false},  {verb::get, 404, false},
      {verb::get, 422, false},  {verb::post, 429, true},  {verb::post, 500, false},
      {verb::post, 502, false}, {verb::post, 503, false}, {verb::post, 504, false},
      {verb::post, 408, false}, {verb::post, 201, false},
  };
  for (const row& r : rows) {
    INFO(boost::beast::http::to_string(r.method) << " " << r.status);
    const auto step = plan_retry(policy, 0, answered(r.method, r.status), no_deadline, 0.5);
    CHECK((step.verdict == retry_verdict::retry) == r.retried);
  }
}

TEST_CASE("failures without an answer: before sending any method, a broken GET only",
          "[unit][decisions][retry]") {
  const bp::retry_policy policy;
  for (verb method : {verb::get, verb::post}) {
    attempt_outcome before;
    before.method = method;
    before.failed_before_sending = true;
    CHECK(plan_retry(policy, 0, before, no_deadline, 0).verdict == retry_verdict::retry);
    attempt_outcome broke;
    broke.method = method;
    broke.connection_broke = true;
    CHECK((plan_retry(policy, 0, broke, no_deadline, 0).verdict == retry_verdict::retry) ==
          (method == verb::get));
    attempt_outcome other;  // e.g. a certificate rejected, a timeout
    other.method = method;
    CHECK(plan_retry(policy, 0, other, no_deadline, 0).verdict == retry_verdict::final_answer);
  }
}

TEST_CASE("a stale idle connection: a GET is resent at once, once per call, outside max_retries",
          "[unit][decisions][retry]") {
  bp::retry_policy policy;
  policy.max_retries = 0;
  struct row {
    verb method;
    int stale_resends;
    retry_verdict verdict;
  };
  const row rows[] = {
      {verb::get, 0, retry_verdict::retry},
      {verb::get, 1, retry_verdict::final_answer},   // the second stale connection is a failure
      {verb::post, 0, retry_verdict::final_answer},  // a create may have been read: never resent
  };
  for (const row& r : rows) {
    INFO(boost::beast::http::to_string(r.method) << " after " << r.stale_resends << " resends");
    attempt_outcome stale;
    stale.method = r.method;
    stale.connection_broke = true;
    stale.stale_connection = true;
    stale.stale_resends = r.stale_resends;
    const auto step = plan_retry(policy, 0, stale, no_deadline, 0.5);
    CHECK(step.verdict == r.verdict);
    if (step.verdict == retry_verdict::retry) {
      CHECK(step.kind == bp::detail::retry_kind::stale_resend);
      CHECK(step.delay == std::chrono::milliseconds(0));
    }
  }
  // With retries left, a second stale connection is an ordinary broken GET: a counted retry.
  policy.max_retries = 2;
  attempt_outcome again;
  again.method = verb::get;
  again.connection_broke = true;
  again.stale_connection = true;
  again.stale_resends = 1;
  const auto step = plan_retry(policy, 0, again, no_deadline, 0.5);
  CHECK(step.verdict == retry_verdict::retry);
  CHECK(step.kind == bp::detail::retry_kind::retry);
}

TEST_CASE("retries stop at max_retries", "[unit][decisions][retry]") {
  bp::retry_policy policy;
  policy.max_retries = 2;
  const auto busy = answered(verb::get, 503);
  CHECK(plan_retry(policy, 0, busy, no_deadline, 0).verdict == retry_verdict::retry);
  CHECK(plan_retry(policy, 1, busy, no_deadline, 0).verdict == retry_verdict::retry);
  CHECK(plan_retry(policy, 2, busy, no_deadline, 0).verdict == retry_verdict::final_answer);
  policy.max_retries = 0;
  CHECK(plan_retry(policy, 0, busy, no_deadline, 0).verdict == retry_verdict::final_answer);
}

TEST_CASE("backoff is full jitter under an exponential, capped bound", "[unit][decisions][retry]") {
  const bp::retry_policy policy;  // 500 ms, x2, 8 s
  const auto busy = answered(verb::get, 503);
  CHECK(plan_retry(policy, 0, busy, no_deadline, 0.0).delay == milliseconds(0));
  CHECK(plan_retry(policy, 0, busy, no_deadline, 1.0).delay == milliseconds(500));
  CHECK(plan_retry(policy, 1, busy, no_deadline, 0.5).delay == milliseconds(500));
  CHECK(plan_retry(policy, 1, busy, no_deadline, 1.0).delay == milliseconds(1000));
  bp::retry_policy many = policy;
  many.max_retries = 100;
  CHECK(plan_retry(many, 60, busy, no_deadline, 1.0).delay == milliseconds(8000));  // capped
  CHECK(plan_retry(many, 99, busy, no_deadline, 1.0).delay == milliseconds(8000));  // no inf/UB
  bp::retry_policy odd = policy;
  odd.multiplier = std::numeric_limits<double>::quiet_NaN();
  CHECK(plan_retry(odd, 1, busy, no_deadline, 1.0).delay == milliseconds(0));
}

TEST_CASE("Retry-After: waited out when reasonable, else the answer is final at once",
          "[unit][decisions][retry]") {
  bp::retry_policy policy;  // max_retry_after 60 s
  SECTION("at least the server's delay") {
    const auto step = plan_retry(policy, 0, answered(verb::get, 429, 3), no_deadline, 0.1);
    CHECK(step.verdict == retry_verdict::retry);
    CHECK(step.delay == seconds(3));
    const auto post = plan_retry(policy, 0, answered(verb::post, 429, 2), no_deadline, 0.1);
    CHECK(post.verdict == retry_verdict::retry);
    CHECK(post.delay == seconds(2));
  }
  SECTION("longer than max_retry_after") {
    CHECK(plan_retry(policy, 0, answered(verb::get, 429, 999999), no_deadline, 0).verdict ==
          retry_verdict::retry_after_too_long);
    CHECK(plan_retry(policy, 0, answered(verb::get, 429, 61), no_deadline, 0).verdict ==
          retry_verdict::retry_after_too_long);
    CHECK(plan_retry(policy, 0, answered(verb::get, 503, 600), no_deadline, 0).verdict ==
          retry_verdict::retry_after_too_long);
    CHECK(plan_retry(policy, 0, answered(verb::get, 429, 60), no_deadline, 0).verdict ==
          retry_verdict::retry);
  }
  SECTION("longer than the call has left") {
    CHECK(plan_retry(policy, 0, answered(verb::get, 429, 30), seconds(3), 0).verdict ==
          retry_verdict::retry_after_past_deadline);
    CHECK(plan_retry(policy, 0, answered(verb::get, 429, 2), seconds(3), 0).verdict ==
          retry_verdict::retry);
  }
  SECTION("ignored when the policy says so, or absent") {
    policy.honor_retry_after = false;
    const auto step = plan_retry(policy, 0, answered(verb::get, 429, 999999), no_deadline, 1.0);
    CHECK(step.verdict == retry_verdict::retry);
    CHECK(step.delay == milliseconds(500));
  }
  SECTION("not retryable at all: no verdict about Retry-After") {
    CHECK(plan_retry(policy, 0, answered(verb::post, 503, 999999), no_deadline, 0).verdict ==
          retry_verdict::final_answer);
  }
}
