// SPDX-License-Identifier: BSL-1.0
// API and client errors: codes, diagnostics, and that the API key never leaks into them.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;

TEST_CASE("a wrong API key is error::unauthorized with diagnostics, and the key stays secret",
          "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.api_key = "sk-super-secret-value";
    bp::client c{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::unauthorized);
    const auto& d = e.get_diagnostics();
    CHECK(d.http_status == 401);
    CHECK(d.api_status == "UNAUTHORIZED_ERROR");
    CHECK(d.message == "Missing or invalid API key");
    CHECK(d.request_id.rfind("req_", 0) == 0);
    CHECK(std::string(e.what()).find("sk-super-secret-value") == std::string::npos);
    CHECK(std::string(e.what()).find("401") != std::string::npos);
  });
}

TEST_CASE("an unknown run is error::not_found with the API's message", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto e = co_await expect_error(bp::get_run(c, "00000000-0000-4000-8000-000000000000"));
    CHECK(e.code() == bp::error::not_found);
    CHECK(e.get_diagnostics().http_status == 404);
    CHECK(e.get_diagnostics().message == "Run not found");
  });
}

TEST_CASE("a malformed id is error::validation, ids are percent-encoded, never path syntax",
          "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto e = co_await expect_error(bp::get_run(c, "not-a-uuid"));
    CHECK(e.code() == bp::error::validation);
    CHECK(e.get_diagnostics().data.at("field") == "runId");
    // Unencoded, this would reach GET /v1/prompts/{id}; encoded it stays one (invalid) run id.
    auto traversal =
        co_await expect_error(bp::get_run(c, std::string("../prompts/") + demo::text_prompt_id));
    CHECK(traversal.code() == bp::error::validation);
    CHECK(traversal.get_diagnostics().data.at("field") == "runId");
  });
}

TEST_CASE("a run missing a required input is error::validation naming the field", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto e =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "")));
    CHECK(e.code() == bp::error::validation);
    CHECK(e.get_diagnostics().message.find("'topic'") != std::string::npos);
    CHECK(f.emu.run_count() == 0);
  });
}

TEST_CASE("an empty id is rejected before any request is sent", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    auto e = co_await expect_error(bp::get_run(c, ""));
    CHECK(e.code() == bp::error::invalid_argument);
    auto e2 = co_await expect_error(bp::create_run(c, bp::run_request()));
    CHECK(e2.code() == bp::error::invalid_argument);
    CHECK(f.emu.request_count() == 0);
  });
}

TEST_CASE("a malformed base_url is rejected by the client constructor", "[errors]") {
  asio::io_context ioc;
  for (const char* url : {"ftp://example.com", "https://", "http://host:99999", "https://u@host"}) {
    bp::client_options opts;
    opts.base_url = url;
    try {
      bp::client c{ioc, opts};
      FAIL("accepted " << url);
    } catch (const bp::error_with_diagnostics& e) {
      CHECK(e.code() == bp::error::invalid_argument);
    }
  }
}

TEST_CASE("a refused connection is error::connection_failed", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    const refused_address nobody(f.ioc);
    opts.base_url = nobody.base_url();
    bp::client c{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::connection_failed);
    CHECK(e.get_diagnostics().message.find("127.0.0.1") != std::string::npos);
  });
}

TEST_CASE("a response larger than max_response_body is error::response_too_large", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.max_response_body = 120;  // the prompt (~300 bytes) exceeds it, a 404 (~70) does not
    bp::client c{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(e.code() == bp::error::response_too_large);
    // The client stays usable for smaller answers.
    auto small = co_await expect_error(bp::get_run(c, "00000000-0000-4000-8000-000000000000"));
    CHECK(small.code() == bp::error::not_found);
  });
}

TEST_CASE("a response slower than timeouts.response_headers is error::timeout naming the phase",
          "[errors][timeout]") {
  fixture f;
  f.emu.set_response_delay(bp::testing::routes::get_prompt, 10s);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.timeouts.response_headers = 200ms;
    opts.retry.max_retries = 0;
    bp::client c{f.ioc, opts};
    const auto start = std::chrono::steady_clock::now();
    auto e = co_await expect_error(bp::get_prompt(c, demo::text_prompt_id));
    CHECK(elapsed_since(start) < 5s);
    CHECK(e.code() == bp::error::timeout);
    CHECK(e.get_diagnostics().data.at("phase") == "response_headers");
    CHECK(e.get_diagnostics().message.find("/v1/prompts/") != std::string::npos);
    f.emu.set_response_delay(bp::testing::routes::get_prompt, 0ms);
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
  });
}

TEST_CASE("each phase's budget starts with the phase: a slow answer outlives a short write budget",
          "[errors][timeout]") {
  fixture f;
  f.emu.set_response_delay(bp::testing::routes::get_prompt, 700ms);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.timeouts.write = 200ms;  // over long before the answer comes
    opts.timeouts.response_headers = 5s;
    opts.retry.max_retries = 0;
    bp::client c{f.ioc, opts};
    bp::prompt p = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK(p.prompt_id == demo::text_prompt_id);
    // And the other way round: a short headers budget after a long write budget still ends the
    // call before the answer comes.
    opts.timeouts.write = 30s;
    opts.timeouts.response_headers = 300ms;
    bp::client impatient{f.ioc, opts};
    auto e = co_await expect_error(bp::get_prompt(impatient, demo::text_prompt_id));
    CHECK(e.code() == bp::error::timeout);
    CHECK(e.get_diagnostics().data.at("phase") == "response_headers");
  });
}

TEST_CASE("the API's own input validation answers 422 naming the field", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run_request no_image{demo::image_prompt_version_id};
    auto count = co_await expect_error(bp::create_run(c, std::move(no_image)));
    CHECK(count.code() == bp::error::validation);
    CHECK(count.get_diagnostics().data.at("field") == "inputs.imageInputs");

    bp::run_request http_image{demo::image_prompt_version_id};
    http_image.image_inputs.push_back(bp::image_input::url("http://insecure.example/cat.png"));
    auto form = co_await expect_error(bp::create_run(c, std::move(http_image)));
    CHECK(form.code() == bp::error::validation);
    CHECK(form.get_diagnostics().data.at("field") == "inputs.imageInputs[0]");

    bp::run_request data_uri{demo::image_prompt_version_id};
    data_uri.image_inputs.push_back(bp::image_input::base64("data:image/png;base64,iVBOR"));
    auto prefix = co_await expect_error(bp::create_run(c, std::move(data_uri)));
    CHECK(prefix.code() == bp::error::validation);

    bp::run_request options = topic_request(demo::text_prompt_version_id, "x");
    options.run_options["notAnOption"] = "1";
    auto unknown = co_await expect_error(bp::create_run(c, std::move(options)));
    CHECK(unknown.code() == bp::error::validation);
    CHECK(unknown.get_diagnostics().message.find("notAnOption") != std::string::npos);

    auto bad_version = co_await expect_error(bp::create_run(c, topic_request("nope", "x")));
    CHECK(bad_version.code() == bp::error::validation);
    auto unknown_version = co_await expect_error(
        bp::create_run(c, topic_request("00000000-0000-4000-8000-000000000000", "x")));
    CHECK(unknown_version.code() == bp::error::not_found);
    CHECK(f.emu.run_count() == 0);
  });
}

TEST_CASE("every endpoint answers error::unauthorized to a wrong key", "[errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    opts.api_key = "wrong";
    bp::client c{f.ioc, opts};
    auto e0 = co_await expect_error(bp::get_account(c));
    CHECK(e0.code() == bp::error::unauthorized);
    auto e1 = co_await expect_error(bp::get_credits(c));
    CHECK(e1.code() == bp::error::unauthorized);
    auto e2 = co_await expect_error(bp::list_runs(c));
    CHECK(e2.code() == bp::error::unauthorized);
    auto e3 = co_await expect_error(bp::search_prompts(c, "x"));
    CHECK(e3.code() == bp::error::unauthorized);
    auto e4 = co_await expect_error(bp::list_prompt_versions(c, demo::text_prompt_id));
    CHECK(e4.code() == bp::error::unauthorized);
    auto e5 = co_await expect_error(bp::get_prompt_version(c, demo::text_prompt_version_id));
    CHECK(e5.code() == bp::error::unauthorized);
    auto e6 =
        co_await expect_error(bp::create_run(c, topic_request(demo::text_prompt_version_id, "x")));
    CHECK(e6.code() == bp::error::unauthorized);
    CHECK(f.emu.run_count() == 0);
  });
}

TEST_CASE("a seed applied from code sets keys, credits, prompts and runs", "[emulator]") {
  fixture f;
  auto seed = bp::testing::parse_emulator_seed(R"({
    "apiKeys": ["seeded-key"], "credits": 100,
    "prompts": [{"promptId": "01234567-89ab-4def-8123-456789abcdef",
                 "promptVersionId": "a1b2c3d4-5678-40ab-8def-1234567890ab", "title": "Seeded",
                 "config": {"textInputs": [{"name": "q", "required": true}], "imageCount": 0},
                 "outputTemplate": "Answer to {q}"}],
    "runs": [{"promptVersionId": "a1b2c3d4-5678-40ab-8def-1234567890ab",
              "inputs": {"textInputs": {"q": "life"}}}]})");
  f.emu.apply_seed(seed);
  CHECK(f.emu.run_count() == 1);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto opts = f.client_options();
    CHECK(opts.api_key == "seeded-key");
    bp::client c{f.ioc, opts};
    bp::page<bp::run> runs = co_await bp::list_runs(c);
    REQUIRE(runs.rows.size() == 1);
    CHECK(runs.rows[0].text() == "Answer to life");
    bp::credit_balance left = co_await bp::get_credits(c);
    CHECK(left.credits == 100 - runs.rows[0].tokens);
  });
}
