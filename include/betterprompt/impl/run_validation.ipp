// SPDX-License-Identifier: BSL-1.0
// Bodies of validate_run_request and validate_run_options: a run request checked against its
// prompt or skill, and its run options against the resources (what run_prompt's steps check too).
#pragma once

#include <betterprompt/detail/operations/run_prompt_op.hpp>
#include <betterprompt/run_prompt.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace betterprompt {

namespace detail {
/// invalid_input, with `diag` saying why and naming the field.
inline boost::system::error_code invalid_input(diagnostics& diag, std::string message,
                                               std::string field) {
  diag.message = std::move(message);
  diag.data = {{"field", std::move(field)}};
  return make_error_code(error::invalid_input);
}

// "a, b, c": the names of `items` (inputs, select options), for a message; "none" when empty.
template <class Items, class Name>
std::string joined(const Items& items, Name name) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += name(item);
  }
  return out.empty() ? "none" : out;
}
template <class Items>
std::string names_of(const Items& items) {
  return joined(items, [](const auto& item) -> const std::string& { return item.name; });
}
}  // namespace detail

BETTERPROMPT_DECL boost::system::error_code detail::check_run_request(const prompt& p,
                                                                      const run_request& request,
                                                                      diagnostics& diag) {
  const auto& fields = p.inputs.text_inputs;
  // Unknown names first: a misspelt name is also a missing one, and the misspelling is the cause.
  for (const auto& input : request.text_inputs) {
    const std::string& name = input.first;  // named: clang 14 cannot capture a structured binding
    const bool known = std::any_of(fields.begin(), fields.end(),
                                   [&](const input_field& f) { return f.name == name; });
    if (!known)
      return detail::invalid_input(diag,
                                   "unknown text input '" + name + "' for prompt '" + p.title +
                                       "' (inputs: " + detail::names_of(fields) + ")",
                                   "inputs.textInputs." + name);
  }
  for (const auto& field : fields) {
    const auto it = request.text_inputs.find(field.name);
    if (field.required && (it == request.text_inputs.end() || it->second.empty()))
      return detail::invalid_input(
          diag, "missing required text input '" + field.name + "' of prompt '" + p.title + "'",
          "inputs.textInputs." + field.name);
  }
  const auto expected = static_cast<std::size_t>(std::max(p.inputs.image_count, 0));
  if (request.image_inputs.size() != expected)
    return detail::invalid_input(diag,
                                 "prompt '" + p.title + "' expects " + std::to_string(expected) +
                                     " image input(s), got " +
                                     std::to_string(request.image_inputs.size()),
                                 "inputs.imageInputs");
  return {};
}

namespace detail {
// "a, b" → {"a", "b"}: how the official client joins the values of a multiple select.
inline std::vector<std::string_view> split_selected(std::string_view joined) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto comma = joined.find(", ");
    parts.push_back(joined.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    joined.remove_prefix(comma + 2);
  }
}

inline boost::system::error_code check_select(const skill& s, const skill_variable& var,
                                              const std::string& value, diagnostics& diag) {
  const std::string field = "inputs.textInputs." + var.name;
  const auto parts = var.multiple ? split_selected(value) : std::vector<std::string_view>{value};
  for (std::string_view part : parts)
    if (!var.find_value(part))
      return invalid_input(
          diag,
          "'" + std::string(part) + "' is not an option of input '" + var.name + "' of skill '" +
              s.name + "' (options: " +
              joined(var.options, [](const auto& o) -> const std::string& { return o.value; }) +
              ")",
          field);
  const auto count = static_cast<std::int64_t>(parts.size());
  if (var.min_selected && count < *var.min_selected)
    return invalid_input(diag,
                         "input '" + var.name + "' of skill '" + s.name + "' needs at least " +
                             std::to_string(*var.min_selected) + " value(s)",
                         field);
  if (var.max_selected && count > *var.max_selected)
    return invalid_input(diag,
                         "input '" + var.name + "' of skill '" + s.name + "' takes at most " +
                             std::to_string(*var.max_selected) + " value(s)",
                         field);
  return {};
}

inline boost::system::error_code check_option(const model_info& m, const std::string& key,
                                              const std::string& value, diagnostics& diag) {
  const run_option* option = m.find_option(key);
  if (!option)
    return invalid_input(diag, "model '" + m.model + "' has no run option '" + key + "'",
                         "runOptions." + key);
  if (!option->accepts(value))
    return invalid_input(
        diag,
        "run option '" + key + "' of model '" + m.model + "' does not accept '" + value +
            "' (accepts: " + joined(option->options, [](const std::string& v) { return v; }) + ")",
        "runOptions." + key);
  return {};
}
}  // namespace detail

BETTERPROMPT_DECL boost::system::error_code detail::check_run_request(const skill& s,
                                                                      const run_request& request,
                                                                      diagnostics& diag) {
  const auto& variables = s.input_metadata.variables;
  for (const auto& input : request.text_inputs) {
    const std::string& name = input.first;
    const bool known = std::any_of(variables.begin(), variables.end(),
                                   [&](const skill_variable& v) { return v.name == name; });
    if (!known)
      return detail::invalid_input(diag,
                                   "unknown text input '" + name + "' for skill '" + s.name +
                                       "' (inputs: " + detail::names_of(variables) + ")",
                                   "inputs.textInputs." + name);
  }
  for (const auto& var : variables) {
    const auto it = request.text_inputs.find(var.name);
    const bool missing = it == request.text_inputs.end() || it->second.empty();
    if (var.type == skill_variable_type::unknown) continue;
    if (missing) {
      if (var.type == skill_variable_type::text && var.allow_empty) continue;
      return detail::invalid_input(
          diag, "missing text input '" + var.name + "' of skill '" + s.name + "'",
          "inputs.textInputs." + var.name);
    }
    if (var.type == skill_variable_type::select)
      if (auto ec = detail::check_select(s, var, it->second, diag)) return ec;
  }
  const std::size_t expected = s.input_metadata.images.size();
  if (request.image_inputs.size() != expected)
    return detail::invalid_input(diag,
                                 "skill '" + s.name + "' expects " + std::to_string(expected) +
                                     " image input(s), got " +
                                     std::to_string(request.image_inputs.size()),
                                 "inputs.imageInputs");
  return {};
}

BETTERPROMPT_DECL boost::system::error_code detail::check_run_options(const resources& r,
                                                                      const run_request& request,
                                                                      diagnostics& diag) {
  if (!request.run_model.empty()) {
    const model_info* m = r.find_model(request.run_model);
    if (!m)
      return detail::invalid_input(diag, "unknown model '" + request.run_model + "'", "runModel");
    for (const auto& [key, value] : request.run_options)
      if (auto ec = detail::check_option(*m, key, value, diag)) return ec;
    return {};
  }
  for (const auto& [key, value] : request.run_options) {
    const model_info* offering = nullptr;
    bool accepted = false;
    for (const auto& m : r.models) {
      const run_option* option = m.find_option(key);
      if (!option) continue;
      offering = &m;
      if (option->accepts(value)) accepted = true;
    }
    if (!offering)
      return detail::invalid_input(diag, "no model has a run option '" + key + "'",
                                   "runOptions." + key);
    if (!accepted)
      if (auto ec = detail::check_option(*offering, key, value, diag)) return ec;
  }
  return {};
}

BETTERPROMPT_DECL void validate_run_request(const prompt& p, const run_request& request) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_run_request(p, request, diag), std::move(diag));
}

BETTERPROMPT_DECL void validate_run_request(const skill& s, const run_request& request) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_run_request(s, request, diag), std::move(diag));
}

BETTERPROMPT_DECL void validate_run_options(const resources& r, const run_request& request) {
  diagnostics diag;
  detail::throw_if_refused(detail::check_run_options(r, request, diag), std::move(diag));
}

}  // namespace betterprompt
