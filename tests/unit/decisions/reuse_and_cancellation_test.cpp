// SPDX-License-Identifier: BSL-1.0
// Two small decisions as tables: whether a connection may carry another request, and which
// cancellations a call honours.
#include <catch2/catch.hpp>

#include <betterprompt/detail/decisions/cancellation.hpp>
#include <betterprompt/detail/decisions/reuse.hpp>

#include <atomic>
#include <memory>

namespace bp = betterprompt;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("a connection is reused only when open, kept alive, in step and fresh",
          "[unit][decisions][reuse]") {
  struct row {
    bool open, keep_alive, unread, peer_closed;
    milliseconds idle_for;
    bool reused;
  };
  const row rows[] = {
      {true, true, false, false, milliseconds(0), true},
      {true, true, false, false, seconds(30), true},        // at the idle timeout
      {true, true, false, false, seconds(31), false},       // past it
      {true, false, false, false, milliseconds(0), false},  // Connection: close
      {true, true, true, false, milliseconds(0), false},    // bytes past the answer
      {true, true, false, true, milliseconds(0), false},    // closed by the server
      {false, true, false, false, milliseconds(0), false},  // socket closed
  };
  for (const row& r : rows) {
    bp::detail::connection_facts f;
    f.open = r.open;
    f.keep_alive = r.keep_alive;
    f.unread_bytes = r.unread;
    f.peer_closed = r.peer_closed;
    f.idle_for = r.idle_for;
    INFO("open " << r.open << " keep-alive " << r.keep_alive << " unread " << r.unread
                 << " peer closed " << r.peer_closed << " idle " << r.idle_for.count() << " ms");
    CHECK(bp::detail::may_reuse(f, seconds(30)) == r.reused);
  }
}

TEST_CASE("a host that closes connections right after answers keeps creates off idle ones",
          "[unit][decisions][reuse]") {
  using bp::detail::create_may_reuse;
  using bp::detail::is_silent_close;
  using clock = std::chrono::steady_clock;
  // Found closed soon after its answer: a silent close; long after: the server's idle timeout.
  CHECK(is_silent_close(milliseconds(0)));
  CHECK(is_silent_close(milliseconds(999)));
  CHECK_FALSE(is_silent_close(milliseconds(1000)));
  CHECK_FALSE(is_silent_close(seconds(30)));
  const clock::time_point never{};
  const clock::time_point now{std::chrono::hours(2)};
  CHECK(create_may_reuse(now, never));                                // no sign yet: full reuse
  CHECK_FALSE(create_may_reuse(now, now));                            // just seen
  CHECK_FALSE(create_may_reuse(now, now - std::chrono::minutes(5)));  // at the memory's edge
  CHECK(create_may_reuse(now, now - std::chrono::minutes(5) - milliseconds(1)));  // forgotten
}

TEST_CASE("reads end on any cancellation, a create ignores partial and total once sent",
          "[unit][decisions][cancellation]") {
  using type = boost::asio::cancellation_type;
  struct row {
    type requested;
    bool is_create, sent;
    type honoured;
  };
  const row rows[] = {
      {type::none, false, false, type::none},
      {type::terminal, false, false, type::terminal},
      {type::partial, false, false, type::terminal},
      {type::total, false, false, type::terminal},
      {type::terminal, true, false, type::terminal},
      {type::partial, true, false, type::terminal},
      {type::total, true, false, type::terminal},
      {type::terminal, true, true, type::terminal},
      {type::partial, true, true, type::none},
      {type::total, true, true, type::none},
      {type::partial | type::terminal, true, true, type::terminal},
  };
  for (const row& r : rows) {
    INFO("requested " << static_cast<int>(r.requested) << (r.is_create ? " create" : " read")
                      << (r.sent ? " sent" : " not sent"));
    const auto honoured = bp::detail::honoured_cancellation(r.requested, r.is_create, r.sent);
    CHECK(honoured == r.honoured);
  }
}
