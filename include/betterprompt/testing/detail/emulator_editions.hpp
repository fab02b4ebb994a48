// SPDX-License-Identifier: BSL-1.0
// How the emulator renders a model in the edition its options name (the contract's "Newer
// editions"): one place, so that every route answers in the same edition.
#pragma once

#include <betterprompt/detail/output_type_codes.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/testing/detail/emulator_catalogue.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/json/value_from.hpp>


namespace betterprompt::testing::detail {

/// A skill's JSON in the emulator's edition: the current one as skill_row makes it; the newer one
/// with `latestPromptVersionId` and `metadata.skillmdUrl` instead of `skillVersionId` and the
/// inline `skillmd`, and `inputMetadata` on the detail only.
inline boost::json::value skill_json(const emulator_options& options, const emulated_skill& s,
                                     const prompt& version, bool detail) {
  if (options.edition == api_edition::current)
    return boost::json::value_from(skill_row(s, version, detail));
  boost::json::value v = boost::json::value_from(skill_row(s, version, false));
  auto& obj = v.as_object();
  obj["latestPromptVersionId"] = version.prompt_version_id;
  obj.erase("skillVersionId");
  obj.erase("skillmd");
  if (!detail) obj.erase("inputMetadata");
  obj["metadata"] = {{"skillmdUrl", options.skillmd_base_url + "/skills/" + s.name + "/SKILL.md"}};
  return v;
}

/// Rewrites a run's JSON for numeric_output_types: each output's `type` as the newer
/// specification's number (0 text, 1 image, 2 error, 3 video: not the order of output_type).
inline void render_output_types(const emulator_options& options, boost::json::value& run) {
  if (!options.numeric_output_types || !run.is_object()) return;
  auto* outputs = run.get_object().if_contains("outputs");
  if (!outputs || !outputs->is_array()) return;
  for (auto& item : outputs->get_array()) {
    auto* type = item.is_object() ? item.get_object().if_contains("type") : nullptr;
    if (!type || !type->is_string()) continue;
    const int code = betterprompt::detail::output_type_code(
        betterprompt::detail::output_type_from_string(type->get_string()));
    if (code >= 0) *type = code;
  }
}

/// A run's JSON in the emulator's edition.
inline boost::json::value run_json(const emulator_options& options, const run& r) {
  boost::json::value v = boost::json::value_from(r);
  render_output_types(options, v);
  return v;
}

}  // namespace betterprompt::testing::detail
