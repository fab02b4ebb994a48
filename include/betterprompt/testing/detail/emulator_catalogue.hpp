// SPDX-License-Identifier: BSL-1.0
// The emulator's model catalogue (GET /v1/resources) and how a skill row is made from a prompt.
#pragma once

#include <betterprompt/detail/base64.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/models/skill.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace betterprompt::testing::detail {

inline model_info catalogue_model(const char* name, modality kind,
                                  std::vector<run_option> options) {
  model_info m;
  m.model = name;
  m.modality = kind;
  m.modality_name = std::string(to_string(kind));
  m.available_run_options = std::move(options);
  return m;
}

/// The models of GET /v1/resources, and the content hash that changes with them.
class model_catalogue {
 public:
  model_catalogue() {
    const std::vector<std::string> effort{"low", "medium", "high"};
    add(catalogue_model(demo::reasoning_model, modality::text, {{"reasoningEffort", effort}}));
    add(catalogue_model(demo::text_model, modality::text, {}));
    add(catalogue_model(demo::image_model, modality::image,
                        {{"quality", effort},
                         {"size", {"1024x1024", "1536x1024", "1024x1536"}},
                         {"aspectRatio", {"1:1", "3:2", "2:3"}}}));
    add(catalogue_model(demo::video_model, modality::video,
                        {{"seconds", {"4", "8", "12"}}, {"aspectRatio", {"16:9", "9:16"}}}));
  }

  /// Adds or replaces (by name) a model; the hash follows.
  void add(model_info m) {
    for (auto& existing : data_.models) {
      if (existing.model == m.model) {
        existing = std::move(m);
        rehash();
        return;
      }
    }
    data_.models.push_back(std::move(m));
    rehash();
  }

  const resources& data() const noexcept { return data_; }
  const std::string& hash() const noexcept { return data_.hash; }
  const model_info* find(std::string_view name) const noexcept { return data_.find_model(name); }

  /// The model's position in the catalogue (search rows' `model`), or -1.
  std::int64_t index_of(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < data_.models.size(); ++i)
      if (data_.models[i].model == name) return static_cast<std::int64_t>(i);
    return -1;
  }

 private:
  // base64url (no padding) of a 64-bit FNV-1a of the serialized models: any change to a model,
  // option or value changes it.
  void rehash() {
    const std::string text = boost::json::serialize(boost::json::value_from(data_.models));
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
      h ^= c;
      h *= 1099511628211ull;
    }
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(h >> (56 - 8 * i));
    std::string encoded = betterprompt::detail::base64_encode(bytes);
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    for (char& c : encoded) c = c == '+' ? '-' : c == '/' ? '_' : c;
    data_.hash = std::move(encoded);
  }

  resources data_;
};

/// The inputs of a skill whose metadata was left empty: one free-text variable per text input
/// (empty allowed when optional), one image entry per image.
inline skill_input_metadata derived_metadata(const prompt& version) {
  skill_input_metadata out;
  for (const auto& field : version.inputs.text_inputs) {
    skill_variable var;
    var.name = field.name;
    var.type = skill_variable_type::text;
    var.description = "The " + field.name;
    var.allow_empty = !field.required;
    out.variables.push_back(std::move(var));
  }
  for (int i = 0; i < version.inputs.image_count; ++i)
    out.images.push_back({"Image " + std::to_string(i + 1), {}});
  return out;
}

inline std::string generated_skillmd(const skill& row) {
  std::string md = "# " + row.title + "\n\n";
  if (row.description) md += *row.description + "\n\n";
  md += "## Inputs\n\n";
  for (const auto& var : row.input_metadata.variables) {
    md += "- `" + var.name + "`";
    if (var.description) md += ": " + *var.description;
    md += "\n";
  }
  for (std::size_t i = 0; i < row.input_metadata.images.size(); ++i)
    md += "- image " + std::to_string(i + 1) + "\n";
  md += "\nRun it with promptVersionId `" + row.skill_version_id + "`.\n";
  return md;
}

/// The row GET /v1/skills lists for `s` at `version` (with `skillmd` for the detail route).
inline skill skill_row(const emulated_skill& s, const prompt& version, bool with_skillmd) {
  skill row;
  row.skill_id = s.skill_id;
  row.skill_version_id = version.prompt_version_id;
  row.name = s.name;
  row.title = version.title;
  row.author = s.author;
  row.description = s.description;
  row.sample = {{"inputs", boost::json::object()}, {"outputs", boost::json::object()}};
  const bool derived = s.input_metadata.variables.empty() && s.input_metadata.images.empty();
  row.input_metadata = derived ? derived_metadata(version) : s.input_metadata;
  if (with_skillmd) row.skillmd = s.skillmd.empty() ? generated_skillmd(row) : s.skillmd;
  return row;
}

/// The demo prompts' skills.
inline std::vector<emulated_skill> demo_skills() {
  std::vector<emulated_skill> out(3);
  out[0].name = demo::text_skill;
  out[0].skill_id = "3c9e1f72-5a84-4d16-b0e3-8f2a6d4c7b15";
  out[0].prompt_id = demo::text_prompt_id;
  out[0].description = "A haiku about any topic";
  out[1].name = demo::image_skill;
  out[1].skill_id = "9a4d2e6b-1f73-4c58-a9e0-3b7c5d1f8e26";
  out[1].prompt_id = demo::image_prompt_id;
  out[1].description = "Captions a photo in the style you pick";
  skill_variable style;
  style.name = "style";
  style.type = skill_variable_type::select;
  style.description = "How the caption sounds";
  style.options = {{"Witty", "witty"}, {"Dry", "dry"}, {"Poetic", "poetic"}};
  out[1].input_metadata.variables.push_back(std::move(style));
  out[1].input_metadata.images.push_back({"The photo to caption", {}});
  out[2].name = demo::slow_skill;
  out[2].skill_id = "b7f3a1c9-2d58-4e06-9c41-6e8d0a3f5b72";
  out[2].prompt_id = demo::slow_prompt_id;
  out[2].author = std::nullopt;
  return out;
}

}  // namespace betterprompt::testing::detail
