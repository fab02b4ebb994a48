// SPDX-License-Identifier: BSL-1.0
// What a failed create left behind, as a table of facts: whole request written, the status line
// read, what the body turned out to be. No sockets.
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/create_outcome.hpp>

namespace bp = betterprompt;
using bp::create_outcome;
using bp::detail::answer_body;
using bp::detail::classify_create;
using bp::detail::create_facts;

namespace {
constexpr auto incomplete = answer_body::incomplete;
constexpr auto not_envelope = answer_body::not_envelope;
constexpr auto error_envelope = answer_body::error_envelope;
constexpr auto success_envelope = answer_body::success_envelope;
}  // namespace

TEST_CASE("a create's outcome is decided from facts, never guessed", "[unit][decisions][create]") {
  struct row {
    const char* what;
    bool written;
    unsigned status;
    answer_body body;
    bool names_run;
    create_outcome expected;
  };
  const row rows[] = {
      // Nothing whole reached the API: resolve, connect, TLS, a tunnel, a slot or rate-limiter
      // wait, a timeout or cancellation there, a write cut short.
      {"nothing written", false, 0, incomplete, false, create_outcome::not_created},
      {"write cut short, even if a status was read", false, 500, incomplete, false,
       create_outcome::not_created},
      // The API refuses before it creates.
      {"400", true, 400, error_envelope, false, create_outcome::not_created},
      {"401", true, 401, error_envelope, false, create_outcome::not_created},
      {"402: credits are reserved only at creation", true, 402, error_envelope, false,
       create_outcome::not_created},
      {"404", true, 404, error_envelope, false, create_outcome::not_created},
      {"410: a retired version", true, 410, error_envelope, false, create_outcome::not_created},
      {"422", true, 422, error_envelope, false, create_outcome::not_created},
      {"429", true, 429, error_envelope, false, create_outcome::not_created},
      {"429 whose body was cut", true, 429, incomplete, false, create_outcome::not_created},
      {"429 from a middlebox (not an envelope)", true, 429, not_envelope, false,
       create_outcome::not_created},
      // A 2xx status line: the run exists.
      {"200, body cut", true, 200, incomplete, false, create_outcome::created},
      {"201, body stalled", true, 201, incomplete, false, create_outcome::created},
      {"200 SUCCESS without the run's fields", true, 200, success_envelope, false,
       create_outcome::created},
      // ... unless the whole body says otherwise.
      {"200 that is not an envelope (a proxy's page)", true, 200, not_envelope, false,
       create_outcome::unknown},
      {"200 with an error envelope", true, 200, error_envelope, false, create_outcome::unknown},
      // Everything else after a write.
      {"reset, EOF or timeout after the write", true, 0, incomplete, false,
       create_outcome::unknown},
      {"500", true, 500, error_envelope, false, create_outcome::unknown},
      {"502 page", true, 502, not_envelope, false, create_outcome::unknown},
      {"503", true, 503, error_envelope, false, create_outcome::unknown},
      {"504 without a runId", true, 504, error_envelope, false, create_outcome::unknown},
      {"504 page from a load balancer", true, 504, not_envelope, false, create_outcome::unknown},
      {"504 cut before its runId", true, 504, incomplete, false, create_outcome::unknown},
      {"504 naming the run", true, 504, error_envelope, true, create_outcome::created},
      {"301", true, 301, not_envelope, false, create_outcome::unknown},
      {"408", true, 408, error_envelope, false, create_outcome::unknown},
      {"409", true, 409, error_envelope, false, create_outcome::unknown},
      {"413", true, 413, not_envelope, false, create_outcome::unknown},
      {"418, any other 4xx", true, 418, error_envelope, false, create_outcome::unknown},
  };
  for (const row& r : rows) {
    INFO(r.what);
    create_facts facts;
    facts.request_written = r.written;
    facts.status = r.status;
    facts.body = r.body;
    facts.names_run = r.names_run;
    CHECK(classify_create(facts) == r.expected);
  }
}

TEST_CASE("outcomes have stable names", "[unit][decisions][create]") {
  CHECK(bp::to_string(create_outcome::not_created) == "not_created");
  CHECK(bp::to_string(create_outcome::created) == "created");
  CHECK(bp::to_string(create_outcome::unknown) == "unknown");
}
