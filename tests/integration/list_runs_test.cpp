// SPDX-License-Identifier: BSL-1.0
// GET /v1/runs: pages newest first, cursors, filters, client-side checks and run_pager.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
constexpr const char* slow_version = "88888888-9999-4aaa-bbbb-cccccccccccc";

/// Creates `n` quick runs (topics "0", "1", …), oldest first; returns their ids in that order.
asio::awaitable<std::vector<std::string>> create_runs(bp::client& c, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    bp::run r =
        co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, std::to_string(i)));
    ids.push_back(r.run_id);
  }
  co_return ids;
}

std::vector<std::string> ids_of(const std::vector<bp::run>& runs) {
  std::vector<std::string> ids;
  for (const auto& r : runs) ids.push_back(r.run_id);
  return ids;
}
}  // namespace

TEST_CASE("list_runs pages newest first with has_more, and cursors walk both ways", "[list]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    std::vector<std::string> ids = co_await create_runs(c, 5);  // ids[4] is the newest
    bp::list_runs_options first_options{.limit = 2};
    bp::page<bp::run> first = co_await bp::list_runs(c, first_options);
    CHECK(ids_of(first.rows) == std::vector<std::string>{ids[4], ids[3]});
    CHECK(first.has_more);
    CHECK(first.rows[0].run_name == "Haiku writer");
    CHECK(first.rows[0].prompt_version_id == demo::text_prompt_version_id);
    CHECK_FALSE(first.rows[0].created_at.empty());
    REQUIRE(first.rows[0].credits.has_value());

    bp::list_runs_options older_options{.limit = 2, .starting_after = ids[3]};
    bp::page<bp::run> older = co_await bp::list_runs(c, older_options);
    CHECK(ids_of(older.rows) == std::vector<std::string>{ids[2], ids[1]});
    CHECK(older.has_more);
    bp::list_runs_options last_options{.limit = 2, .starting_after = ids[1]};
    bp::page<bp::run> last = co_await bp::list_runs(c, last_options);
    CHECK(ids_of(last.rows) == std::vector<std::string>{ids[0]});
    CHECK_FALSE(last.has_more);

    bp::list_runs_options newer_options{.limit = 2, .ending_before = ids[0]};
    bp::page<bp::run> newer = co_await bp::list_runs(c, newer_options);
    CHECK(ids_of(newer.rows) == std::vector<std::string>{ids[2], ids[1]});
    CHECK(newer.has_more);
  });
}

TEST_CASE("list_runs filters by status and creation time", "[list]") {
  fixture f(short_sync_window(20ms));
  f.emu.add_prompt(timed_prompt(slow_version, 60s));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    std::vector<std::string> done = co_await create_runs(c, 2);
    bp::run pending = co_await bp::create_run(c, topic_request(slow_version, "slow"));
    bp::list_runs_options succeeded_options{.status = bp::run_status::succeeded};
    bp::page<bp::run> succeeded = co_await bp::list_runs(c, succeeded_options);
    CHECK(ids_of(succeeded.rows) == std::vector<std::string>{done[1], done[0]});
    bp::list_runs_options unfinished_options{.status = bp::run_status::queued};
    bp::page<bp::run> unfinished = co_await bp::list_runs(c, unfinished_options);
    REQUIRE(unfinished.rows.size() == 1);
    CHECK(unfinished.rows[0].run_id == pending.run_id);
    CHECK_FALSE(unfinished.rows[0].credits.has_value());  // null until it finishes

    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    bp::list_runs_options recent_options{.since = now - 60s, .until = now + 60s};
    bp::page<bp::run> recent = co_await bp::list_runs(c, recent_options);
    CHECK(recent.rows.size() == 3);
    bp::list_runs_options future_options{.since = now + 60s};
    bp::page<bp::run> future = co_await bp::list_runs(c, future_options);
    CHECK(future.rows.empty());
  });
}

TEST_CASE("list_runs rejects contradictory options before sending anything", "[list][errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<bp::list_runs_options> bad{
        {.limit = 0},
        {.limit = 51},
        {.starting_after = "a", .ending_before = "b"},
        {.status = bp::run_status::unknown},
        {.since = now, .until = now},
    };
    for (auto& options : bad) {
      auto e = co_await expect_error(bp::list_runs(c, options));
      CHECK(e.code() == bp::error::invalid_argument);
    }
    CHECK(f.emu.request_count() == 0);
    bp::list_runs_options unknown{.starting_after = "00000000-0000-4000-8000-000000000000"};
    auto unknown_cursor = co_await expect_error(bp::list_runs(c, unknown));
    CHECK(unknown_cursor.code() == bp::error::validation);
  });
}

TEST_CASE("run_pager walks every page without cursors, in either direction", "[list]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    std::vector<std::string> ids = co_await create_runs(c, 7);
    std::vector<std::string> seen;
    int pages = 0;
    bp::run_pager pager{c, {.limit = 3}};
    for (;;) {
      std::vector<bp::run> rows = co_await pager.next();
      if (rows.empty()) break;
      ++pages;
      for (const auto& r : rows) seen.push_back(r.run_id);
    }
    CHECK(pager.done());
    CHECK(pages == 3);
    CHECK(seen == std::vector<std::string>(ids.rbegin(), ids.rend()));

    std::vector<std::string> newer;
    bp::run_pager forward{c, {.limit = 2, .ending_before = ids[0]}};
    for (;;) {
      std::vector<bp::run> rows = co_await forward.next();
      if (rows.empty()) break;
      for (const auto& r : rows) newer.push_back(r.run_id);
    }
    CHECK(newer.size() == 6);  // every run newer than ids[0], each once
    std::sort(newer.begin(), newer.end());
    std::vector<std::string> expected(ids.begin() + 1, ids.end());
    std::sort(expected.begin(), expected.end());
    CHECK(newer == expected);
  });
}
