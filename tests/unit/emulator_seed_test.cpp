// SPDX-License-Identifier: BSL-1.0
// The emulator's seed file: what it reads and how it names its errors.
#include "support/pch.hpp"

namespace bp = betterprompt;

TEST_CASE(
    "an emulator seed parses models, prompts, skills, runs, keys and credits, and names its "
    "errors",
    "[unit][emulator]") {
  auto seed = bp::testing::parse_emulator_seed(R"({
    "apiKeys": ["k1", "k2"], "credits": 42,
    "models": [{"model": "tiny", "modality": "text",
                "availableRunOptions": [{"key": "temperature", "options": ["0", "1"]}]}],
    "skills": [{"name": "answerer", "skillId": "5b0e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70",
                "promptId": "01234567-89ab-cdef-0123-456789abcdef", "author": null}],
    "prompts": [{"promptId": "01234567-89ab-cdef-0123-456789abcdef",
                 "promptVersionId": "a1b2c3d4-5678-90ab-cdef-1234567890ab", "title": "Seeded",
                 "config": {"textInputs": [{"name": "q", "required": true}], "imageCount": 0},
                 "outputTemplate": "Answer to {q}", "runDurationMs": 1500, "retired": false,
                 "model": "tiny", "creditEstimate": 3}],
    "runs": [{"promptVersionId": "a1b2c3d4-5678-90ab-cdef-1234567890ab",
              "inputs": {"textInputs": {"q": "life"}}}]})");
  CHECK(seed.api_keys == std::vector<std::string>{"k1", "k2"});
  CHECK(seed.credits == 42);
  REQUIRE(seed.prompts.size() == 1);
  CHECK(seed.prompts[0].version.inputs.text_inputs.at(0).name == "q");
  CHECK(seed.prompts[0].run_duration == std::chrono::milliseconds(1500));
  CHECK(seed.prompts[0].model == "tiny");
  REQUIRE(seed.models.size() == 1);
  CHECK(seed.models[0].available_run_options.at(0).key == "temperature");
  REQUIRE(seed.skills.size() == 1);
  CHECK(seed.skills[0].name == "answerer");
  CHECK_FALSE(seed.skills[0].author.has_value());
  CHECK(seed.prompts[0].credit_estimate == 3);
  REQUIRE(seed.runs.size() == 1);
  CHECK(seed.runs[0].text_inputs.at("q") == "life");
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed("{"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed(R"({"prompts": [{"title": "x"}]})"),
                    Catch::Contains("promptId"));
  CHECK_THROWS_WITH(bp::testing::parse_emulator_seed(R"({"prompts": [{"promptId": "p",
      "promptVersionId": "v", "runOptions": ["temperature"]}]})"),
                    Catch::Contains("catalogue 'model'"));
}
