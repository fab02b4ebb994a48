// SPDX-License-Identifier: BSL-1.0
// Prompt listings, marketplace search, account and credits, retired versions.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
constexpr const char* v2 = "55555555-6666-4777-8888-999999999999";
constexpr const char* retired_version = "66666666-7777-4888-9999-aaaaaaaaaaaa";

bp::testing::emulated_prompt version_of_text_prompt(const char* version_id, const char* title,
                                                    bool retired) {
  auto p = timed_prompt(version_id, 0ms);
  p.version.prompt_id = demo::text_prompt_id;
  p.version.title = title;
  p.retired = retired;
  return p;
}
}  // namespace

TEST_CASE("list_prompt_versions returns published versions newest first, without retired ones",
          "[prompts]") {
  fixture f;
  f.emu.add_prompt(version_of_text_prompt(v2, "Haiku writer v2", false));
  f.emu.add_prompt(version_of_text_prompt(retired_version, "Haiku writer v3", true));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    std::vector<bp::prompt> versions = co_await bp::list_prompt_versions(c, demo::text_prompt_id);
    REQUIRE(versions.size() == 2);
    CHECK(versions[0].prompt_version_id == v2);
    CHECK(versions[1].prompt_version_id == demo::text_prompt_version_id);
    CHECK(versions[1].prompt_id == demo::text_prompt_id);
    // The latest published version skips the retired one.
    bp::prompt latest = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(latest.prompt_version_id == v2);
    auto unknown =
        co_await expect_error(bp::list_prompt_versions(c, "00000000-0000-4000-8000-000000000000"));
    CHECK(unknown.code() == bp::error::not_found);
  });
}

TEST_CASE("a retired version is error::gone when fetched or run", "[prompts][errors]") {
  fixture f;
  f.emu.add_prompt(version_of_text_prompt(retired_version, "Retired", true));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto fetched = co_await expect_error(bp::get_prompt_version(c, retired_version));
    CHECK(fetched.code() == bp::error::gone);
    CHECK(fetched.get_diagnostics().http_status == 410);
    auto pinned = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id, retired_version));
    CHECK(pinned.code() == bp::error::gone);
    auto ran = co_await expect_error(bp::create_run(c, topic_request(retired_version, "x")));
    CHECK(ran.code() == bp::error::gone);
    CHECK(f.emu.run_count() == 0);
  });
}

TEST_CASE("search_prompts matches titles in any case and returns typed rows", "[prompts]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::page<bp::prompt> found = co_await bp::search_prompts(c, "CAPTION");
    REQUIRE(found.rows.size() == 1);
    CHECK(found.rows[0].prompt_id == demo::image_prompt_id);
    CHECK(found.rows[0].inputs.image_count == 1);
    CHECK_FALSE(found.has_more);
    bp::page<bp::prompt> all = co_await bp::search_prompts(c, "");
    CHECK(all.rows.size() == 3);
    bp::page<bp::prompt> none = co_await bp::search_prompts(c, "no such & title?");
    CHECK(none.rows.empty());
  });
}

TEST_CASE("get_account returns who the key belongs to", "[account]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::account me = co_await bp::get_account(c);
    CHECK(me.username == "emulator");
    CHECK(me.display_name == "Emulator Account");
    CHECK(me.user_flags == 0);
  });
}

TEST_CASE("credits are reserved when a run starts and settled to its tokens when it finishes",
          "[account]") {
  bp::testing::emulator_options opts = short_sync_window(20ms);
  opts.credits = 1000;
  fixture f(opts);
  auto slow = timed_prompt("77777777-8888-4999-aaaa-bbbbbbbbbbbb", 400ms);
  slow.credit_estimate = 50;
  f.emu.add_prompt(slow);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::credit_balance start = co_await bp::get_credits(c);
    CHECK(start.credits == 1000);
    bp::run pending =
        co_await bp::create_run(c, topic_request("77777777-8888-4999-aaaa-bbbbbbbbbbbb", "t"));
    bp::credit_balance reserved = co_await bp::get_credits(c);
    CHECK(reserved.credits == 950);
    bp::run done = co_await bp::wait_for_run(c, pending.run_id, {.poll_interval = 50ms});
    REQUIRE(done.tokens > 0);
    bp::credit_balance settled = co_await bp::get_credits(c);
    CHECK(settled.credits == 1000 - done.tokens);
  });
}

TEST_CASE("a run beyond the remaining credits is error::payment_required and creates nothing",
          "[account][errors]") {
  bp::testing::emulator_options opts;
  opts.credits = 5;  // below the default estimate of 10
  fixture f(opts);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto e =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "x")));
    CHECK(e.code() == bp::error::payment_required);
    CHECK(e.get_diagnostics().http_status == 402);
    CHECK(f.emu.run_count() == 0);
  });
}
