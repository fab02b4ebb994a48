// SPDX-License-Identifier: BSL-1.0
// A prompt whose runs take a given time: what tests and the accounting benchmark add to an
// emulator to reach the 504 path and waits.
#pragma once

#include <betterprompt/testing/emulator.hpp>

#include <chrono>

namespace bp_test {

/// A text prompt ("topic") whose runs take `duration`; their text names the topic.
inline betterprompt::testing::emulated_prompt timed_prompt(
    const char* version_id, std::chrono::milliseconds duration,
    const char* prompt_id = "11111111-2222-4333-8444-555555555555") {
  betterprompt::testing::emulated_prompt p;
  p.version.prompt_id = prompt_id;
  p.version.prompt_version_id = version_id;
  p.version.title = "Timed prompt";
  p.version.inputs.text_inputs = {{"topic", true}};
  p.output_template = "Timed output about {topic}";
  p.run_duration = duration;
  return p;
}

}  // namespace bp_test
