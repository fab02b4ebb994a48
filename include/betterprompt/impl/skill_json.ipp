// SPDX-License-Identifier: BSL-1.0
// JSON mapping of the skill model: the one place it is decoded and encoded.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/models/skill.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace betterprompt {

BETTERPROMPT_DECL const select_option* skill_variable::find_value(
    std::string_view value) const noexcept {
  for (const auto& option : options)
    if (option.value == value) return &option;
  return nullptr;
}

namespace detail {
inline boost::json::value nullable_json(const std::optional<std::string>& s) {
  if (s) return boost::json::value(*s);
  return nullptr;
}

// "multiple": true, or {"min": n, "max": m}.
inline void read_multiple(const boost::json::value& v, skill_variable& out, json_reader& in) {
  if (v.is_bool()) {
    out.multiple = v.get_bool();
    return;
  }
  if (v.is_null()) return;
  const auto& bounds = in.object(v, "multiple");
  out.multiple = true;
  if (bounds.contains("min")) out.min_selected = in.optional_int(bounds, "min", 0, 0);
  if (bounds.contains("max")) out.max_selected = in.optional_int(bounds, "max", 0, 0);
}

inline skill_variable skill_variable_from_json(std::string_view name, const boost::json::value& v,
                                               json_reader& in) {
  const auto& obj = in.object(v, "variable '" + std::string(name) + "'");
  skill_variable out;
  out.name = std::string(name);
  out.raw = obj;
  const std::int64_t type = in.optional_int(obj, "type", -1);
  out.type = type == 0   ? skill_variable_type::text
             : type == 1 ? skill_variable_type::select
                         : skill_variable_type::unknown;
  out.description = in.nullable_string(obj, "description");
  if (const auto* allow = obj.if_contains("allowEmpty"); allow && allow->is_bool())
    out.allow_empty = allow->get_bool();
  out.default_values = in.string_list(obj, "defaultValues");
  if (const auto* options = in.optional_object(obj, "options")) {
    for (const auto& [label, value] : *options) {
      if (!value.is_string()) {
        in.fail("option '" + std::string(label) + "' of variable '" + std::string(name) +
                "' is not a string");
        continue;
      }
      out.options.push_back({std::string(label), std::string(value.get_string())});
    }
  }
  if (const auto* multiple = obj.if_contains("multiple")) read_multiple(*multiple, out, in);
  return out;
}

inline boost::json::object skill_variable_to_json(const skill_variable& var) {
  boost::json::object obj = var.raw;
  if (var.type != skill_variable_type::unknown)
    obj["type"] = var.type == skill_variable_type::text ? 0 : 1;
  if (var.description) obj["description"] = *var.description;
  if (var.allow_empty) obj["allowEmpty"] = true;
  if (!var.default_values.empty())
    obj["defaultValues"] = boost::json::value_from(var.default_values);
  if (!var.options.empty()) {
    boost::json::object options;
    for (const auto& option : var.options) options[option.label] = option.value;
    obj["options"] = std::move(options);
  }
  if (var.min_selected || var.max_selected) {
    boost::json::object bounds;
    if (var.min_selected) bounds["min"] = *var.min_selected;
    if (var.max_selected) bounds["max"] = *var.max_selected;
    obj["multiple"] = std::move(bounds);
  } else if (var.multiple) {
    obj["multiple"] = true;
  }
  return obj;
}
}  // namespace detail

BETTERPROMPT_DECL skill_input_metadata tag_invoke(boost::json::value_to_tag<skill_input_metadata>,
                                                  const boost::json::value& v) {
  return detail::read_model_or_throw<skill_input_metadata>(v);
}

BETTERPROMPT_DECL skill_input_metadata
detail::read_model(const boost::json::value& v, detail::json_reader& in,
                   std::type_identity<skill_input_metadata>) {
  skill_input_metadata out;
  if (v.is_null()) return out;
  const auto& obj = in.object(v, "inputMetadata");
  if (const auto* variables = in.optional_object(obj, "variables")) {
    out.variables.reserve(variables->size());
    for (const auto& [name, variable] : *variables)
      out.variables.push_back(detail::skill_variable_from_json(name, variable, in));
  }
  if (const auto* images = in.optional_array(obj, "images")) {
    for (const auto& entry : *images) {
      const auto& image = in.object(entry, "images entry");
      out.images.push_back({in.nullable_string(image, "description"), image});
    }
  }
  return out;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const skill_input_metadata& m) {
  boost::json::object variables;
  for (const auto& var : m.variables) variables[var.name] = detail::skill_variable_to_json(var);
  boost::json::array images;
  for (const auto& image : m.images) {
    boost::json::object obj = image.raw;
    if (image.description) obj["description"] = *image.description;
    images.push_back(std::move(obj));
  }
  v = {{"variables", std::move(variables)}, {"images", std::move(images)}};
}

BETTERPROMPT_DECL skill tag_invoke(boost::json::value_to_tag<skill>, const boost::json::value& v) {
  return detail::read_model_or_throw<skill>(v);
}

BETTERPROMPT_DECL skill detail::read_model(const boost::json::value& v, detail::json_reader& in,
                                           std::type_identity<skill>) {
  const auto& obj = in.object(v, "skill");
  skill s;
  s.raw = obj;
  s.skill_id = in.optional_string(obj, "skillId");
  // The current edition names the version skillVersionId, the newer latestPromptVersionId.
  const auto* current = obj.if_contains("skillVersionId");
  const auto* newer = obj.if_contains("latestPromptVersionId");
  if (current && current->is_string())
    s.skill_version_id = current->get_string();
  else if (newer && newer->is_string())
    s.skill_version_id = newer->get_string();
  else
    in.fail(
        "field 'skillVersionId' (or, newer edition, 'latestPromptVersionId') is missing or not a "
        "string");
  s.name = in.required_string(obj, "name");
  s.title = in.optional_string(obj, "title");
  s.author = in.nullable_string(obj, "author");
  s.description = in.nullable_string(obj, "description");
  if (const auto* sample = obj.if_contains("sample")) s.sample = *sample;
  if (const auto* metadata = obj.if_contains("inputMetadata"))
    s.input_metadata = detail::read_model_as<skill_input_metadata>(*metadata, in);
  s.skillmd = in.nullable_string(obj, "skillmd");
  if (const auto* metadata = obj.if_contains("metadata"); metadata && metadata->is_object())
    if (const auto* url = metadata->get_object().if_contains("skillmdUrl"); url && url->is_string())
      s.skillmd_url = std::string(url->get_string());
  return s;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const skill& s) {
  boost::json::object obj = s.raw;
  obj["skillId"] = s.skill_id;
  if (obj.contains("skillVersionId") || !obj.contains("latestPromptVersionId"))
    obj["skillVersionId"] = s.skill_version_id;
  else
    obj["latestPromptVersionId"] = s.skill_version_id;
  obj["name"] = s.name;
  obj["title"] = s.title;
  obj["author"] = detail::nullable_json(s.author);
  obj["description"] = detail::nullable_json(s.description);
  obj["sample"] = s.sample.is_null() ? boost::json::value(boost::json::object()) : s.sample;
  // The newer edition's rows carry no inputMetadata: none is made up for them.
  const bool newer_row = obj.contains("latestPromptVersionId") && !obj.contains("inputMetadata");
  if (!newer_row || !s.input_metadata.variables.empty() || !s.input_metadata.images.empty())
    obj["inputMetadata"] = boost::json::value_from(s.input_metadata);
  if (s.skillmd) obj["skillmd"] = *s.skillmd;
  if (s.skillmd_url) {
    boost::json::value& metadata = obj["metadata"];
    if (!metadata.is_object()) metadata = boost::json::object();
    metadata.get_object()["skillmdUrl"] = *s.skillmd_url;
  }
  v = std::move(obj);
}

}  // namespace betterprompt
