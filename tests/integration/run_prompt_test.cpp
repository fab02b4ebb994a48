// SPDX-License-Identifier: BSL-1.0
// run_prompt (resolve, validate, create, wait) and image inputs from files.
#include "support/fixture.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
constexpr const char* slow_version = "99999999-aaaa-4bbb-8ccc-dddddddddddd";

bp::run_inputs topic_inputs(std::string topic) {
  bp::run_inputs inputs;
  inputs.text_inputs["topic"] = std::move(topic);
  return inputs;
}

/// A file in the temporary directory, removed at scope exit.
struct temp_file {
  explicit temp_file(const std::string& bytes)
      : path((std::filesystem::temp_directory_path() /
              ("bp-test-" + std::to_string(std::rand()) + ".png"))
                 .string()) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  ~temp_file() { std::filesystem::remove(path); }
  std::string path;
};
}  // namespace

TEST_CASE("run_prompt resolves the latest version and returns the finished run", "[run_prompt]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run done = co_await bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id),
                                           topic_inputs("asio"));
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(done.text() == "A haiku about asio: quiet asio waits, then answers.");
    CHECK(done.prompt_version_id == demo::text_prompt_version_id);
  });
}

TEST_CASE("run_prompt keeps polling after a 504 until the run finishes", "[run_prompt]") {
  fixture f(short_sync_window(30ms));
  f.emu.add_prompt(timed_prompt(slow_version, 300ms));
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run_prompt_options options;
    options.wait.poll_interval = 50ms;
    bp::run done = co_await bp::run_prompt(c, bp::prompt_ref::version(slow_version),
                                           topic_inputs("latency"), options);
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(done.text() == "Timed output about latency");
    CHECK(f.emu.run_count() == 1);
  });
}

TEST_CASE("run_prompt returns a failed run with its error outputs", "[run_prompt]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run done = co_await bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id),
                                           topic_inputs("[fail]"));
    CHECK(done.failed());
    REQUIRE_FALSE(done.outputs.empty());
    CHECK(done.outputs[0].type == bp::output_type::error);
  });
}

TEST_CASE("run_prompt validates inputs before creating anything, naming the field",
          "[run_prompt][errors]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    const bp::run_inputs none;  // not a braced temporary inside co_await: GCC 12 miscompiles it
    auto missing = co_await expect_error(
        bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), none));
    CHECK(missing.code() == bp::error::invalid_input);
    CHECK(missing.get_diagnostics().data.at("field") == "inputs.textInputs.topic");

    bp::run_inputs extra = topic_inputs("x");
    extra.text_inputs["colour"] = "blue";
    auto unknown = co_await expect_error(
        bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), extra));
    CHECK(unknown.code() == bp::error::invalid_input);
    CHECK(unknown.get_diagnostics().message.find("'colour'") != std::string::npos);

    auto images = co_await expect_error(
        bp::run_prompt(c, bp::prompt_ref::version(demo::image_prompt_version_id), none));
    CHECK(images.code() == bp::error::invalid_input);
    CHECK(images.get_diagnostics().data.at("field") == "inputs.imageInputs");
    CHECK(f.emu.run_count() == 0);
    CHECK(f.emu.request_count() == 3);  // only the three prompt fetches

    // Opting out sends the request as is: the API's own validation answers.
    bp::run_prompt_options unchecked;
    unchecked.validate = false;
    auto server_side = co_await expect_error(
        bp::run_prompt(c, bp::prompt_ref::version(demo::text_prompt_version_id), none, unchecked));
    CHECK(server_side.code() == bp::error::validation);
    CHECK(f.emu.request_count() == 4);  // pinned and unchecked: no prompt fetch
  });
}

TEST_CASE("image_input::from_file sends a local image as base64", "[run_prompt][images]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    temp_file image(std::string("\x89PNG\r\n\x1a\n\0\0", 10));
    bp::run_inputs inputs;
    inputs.image_inputs.push_back(bp::image_input::from_file(image.path));
    CHECK(inputs.image_inputs[0].type == bp::image_input::kind::base64);
    CHECK(inputs.image_inputs[0].value == "iVBORw0KGgoAAA==");
    auto c = f.make_client();
    bp::run done = co_await bp::run_prompt(
        c, bp::prompt_ref::version(demo::image_prompt_version_id), std::move(inputs));
    CHECK(done.text() == "A  caption for 1 image(s).");
  });
}

TEST_CASE("image_input::from_file names a missing or oversized file", "[images][errors]") {
  try {
    bp::image_input::from_file("/nonexistent/cat.png");
    FAIL("no exception");
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == bp::error::file_error);
    CHECK(e.get_diagnostics().message.find("/nonexistent/cat.png") != std::string::npos);
  }
  temp_file big(std::string(2048, 'x'));
  try {
    bp::image_input::from_file(big.path, 1024);
    FAIL("no exception");
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == bp::error::file_error);
    CHECK(e.get_diagnostics().message.find("1024") != std::string::npos);
  }
}
