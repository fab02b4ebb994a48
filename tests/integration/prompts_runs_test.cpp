// SPDX-License-Identifier: BSL-1.0
// Happy paths of the core awaitables against a real emulator over plain HTTP.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;
using namespace boost::asio::experimental::awaitable_operators;

namespace {
constexpr const char* timed_version = "33333333-4444-4555-8666-777777777777";
constexpr const char* newer_version = "22222222-3333-4444-8555-666666666666";
}  // namespace

TEST_CASE("get_prompt returns the latest version with its input config", "[prompts]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    CHECK(p.prompt_version_id == demo::text_prompt_version_id);
    CHECK(p.title == "Haiku writer");
    CHECK(p.published_at == "2025-08-27T12:34:56.789Z");
    REQUIRE(p.inputs.text_inputs.size() == 1);
    CHECK(p.inputs.text_inputs[0].name == "topic");
    CHECK(p.inputs.text_inputs[0].required);
    CHECK(p.inputs.image_count == 0);
    CHECK(p.config.at("textInputs").as_array().size() == 1);  // raw config kept
  });
}

TEST_CASE("get_prompt with a version id returns that version, without it the newest", "[prompts]") {
  fixture f;
  auto newer = timed_prompt(newer_version, 0ms);
  newer.version.prompt_id = demo::text_prompt_id;
  newer.version.title = "Haiku writer v2";
  f.emu.add_prompt(newer);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::prompt latest = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(latest.title == "Haiku writer v2");
    bp::prompt pinned =
        co_await bp::get_prompt(c, demo::text_prompt_id, demo::text_prompt_version_id);
    CHECK(pinned.title == "Haiku writer");
    CHECK(pinned.prompt_version_id == demo::text_prompt_version_id);
  });
}

TEST_CASE("get_prompt_version returns one version, image prompts report their image count",
          "[prompts]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::prompt p = co_await bp::get_prompt_version(c, demo::image_prompt_version_id);
    CHECK(p.prompt_id == demo::image_prompt_id);
    CHECK(p.inputs.image_count == 1);
    REQUIRE(p.inputs.text_inputs.size() == 1);
    CHECK_FALSE(p.inputs.text_inputs[0].required);
  });
}

TEST_CASE("create_run answers synchronously with the finished run, and get_run returns it",
          "[runs]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run created =
        co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "coroutines"));
    CHECK(created.status == bp::run_status::succeeded);
    CHECK(created.text() == "A haiku about coroutines: quiet coroutines waits, then answers.");
    CHECK(created.tokens > 0);
    CHECK(created.run_id.size() == 36);

    bp::run fetched = co_await bp::get_run(c, created.run_id);
    CHECK(fetched.run_id == created.run_id);
    CHECK(fetched.status == bp::run_status::succeeded);
    CHECK(fetched.text() == created.text());
    CHECK(fetched.tokens == created.tokens);
    CHECK(f.emu.run_count() == 1);
  });
}

TEST_CASE("create_run sends image inputs and run options", "[runs]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run_request req{demo::image_prompt_version_id, {{"style", "witty"}}};
    req.image_inputs.push_back(bp::image_input::url("https://example.com/cat.png"));
    req.run_options["quality"] = "high";
    bp::run r = co_await bp::create_run(c, std::move(req));
    CHECK(r.status == bp::run_status::succeeded);
    CHECK(r.text() == "A witty caption for 1 image(s).");
  });
}

TEST_CASE("a 504 from create_run is a pending run that wait_for_run completes", "[runs][wait]") {
  fixture f(short_sync_window(50ms));
  f.emu.add_prompt(timed_prompt(timed_version, 400ms));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run pending = co_await bp::create_run(c, topic_request(timed_version, "patience"));
    CHECK(pending.status == bp::run_status::running);
    CHECK(pending.outputs.empty());
    REQUIRE(pending.run_id.size() == 36);

    bp::run in_progress = co_await bp::get_run(c, pending.run_id);
    CHECK_FALSE(in_progress.finished());

    bp::run done =
        co_await bp::wait_for_run(c, pending.run_id, {.poll_interval = 50ms, .timeout = 20s});
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(done.text() == "Timed output about patience");
    CHECK(f.emu.run_count() == 1);  // the 504 did not create a second run
  });
}

TEST_CASE("wait_for_run returns a failed run with its error output instead of throwing",
          "[runs][wait]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run created =
        co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "[fail]"));
    bp::run done = co_await bp::wait_for_run(c, created.run_id, {.poll_interval = 10ms});
    CHECK(done.failed());
    REQUIRE(done.outputs.size() == 1);
    CHECK(done.outputs[0].type == bp::output_type::error);
    CHECK(done.outputs[0].data.find("topic") != std::string::npos);
  });
}

TEST_CASE("sequential requests reuse one keep-alive connection", "[transport]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    for (int i = 0; i < 5; ++i) {
      bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
      CHECK(p.prompt_id == demo::text_prompt_id);
    }
    CHECK(f.emu.connection_count() == 1);
    CHECK(f.emu.request_count() == 5);
  });
}

TEST_CASE("concurrent operations share one client", "[transport]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto [a, b, r] =
        co_await (bp::get_prompt(c, demo::text_prompt_id) &&
                  bp::get_prompt_version(c, demo::image_prompt_version_id) &&
                  bp::create_run(c, topic_request(demo::text_prompt_version_id, "sharing")));
    CHECK(a.prompt_id == demo::text_prompt_id);
    CHECK(b.prompt_id == demo::image_prompt_id);
    CHECK(r.status == bp::run_status::succeeded);
    bp::prompt again =
        co_await bp::get_prompt(c, demo::text_prompt_id);  // connections went back idle
    CHECK(again.title == "Haiku writer");
    CHECK(f.emu.connection_count() <= 3);
  });
}

TEST_CASE("as_result reports success without throwing", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto outcome = co_await bp::as_result(bp::get_prompt(c, demo::text_prompt_id));
    REQUIRE(outcome.has_value());
    CHECK_FALSE(outcome.error());
    CHECK(outcome->title == "Haiku writer");
  });
}
