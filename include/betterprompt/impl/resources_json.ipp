// SPDX-License-Identifier: BSL-1.0
// JSON mapping of the resources model: the one place it is decoded and encoded.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/models/resources.hpp>

#include <boost/json/value_from.hpp>

#include <algorithm>

namespace betterprompt {

BETTERPROMPT_DECL std::string_view to_string(modality m) noexcept {
  switch (m) {
    case modality::text:
      return "text";
    case modality::image:
      return "image";
    case modality::video:
      return "video";
    case modality::unknown:
      break;
  }
  return "unknown";
}

BETTERPROMPT_DECL modality modality_from_string(std::string_view s) noexcept {
  if (s == "text") return modality::text;
  if (s == "image") return modality::image;
  if (s == "video") return modality::video;
  return modality::unknown;
}

BETTERPROMPT_DECL bool run_option::accepts(std::string_view value) const noexcept {
  return std::find(options.begin(), options.end(), value) != options.end();
}

BETTERPROMPT_DECL const run_option* model_info::find_option(std::string_view key) const noexcept {
  for (const auto& option : available_run_options)
    if (option.key == key) return &option;
  return nullptr;
}

BETTERPROMPT_DECL const model_info* resources::find_model(std::string_view name) const noexcept {
  for (const auto& m : models)
    if (m.model == name) return &m;
  return nullptr;
}

BETTERPROMPT_DECL model_info tag_invoke(boost::json::value_to_tag<model_info>,
                                        const boost::json::value& v) {
  return detail::read_model_or_throw<model_info>(v);
}

BETTERPROMPT_DECL model_info detail::read_model(const boost::json::value& v,
                                                detail::json_reader& in,
                                                std::type_identity<model_info>) {
  const auto& obj = in.object(v, "model");
  model_info m;
  m.model = in.required_string(obj, "model");
  m.modality_name = in.optional_string(obj, "modality");
  m.modality = modality_from_string(m.modality_name);
  if (const auto* options = in.optional_array(obj, "availableRunOptions")) {
    for (const auto& entry : *options) {
      const auto& option = in.object(entry, "availableRunOptions entry");
      run_option o;
      o.key = in.required_string(option, "key");
      o.options = in.string_list(option, "options");
      m.available_run_options.push_back(std::move(o));
    }
  }
  return m;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const model_info& m) {
  boost::json::array options;
  for (const auto& o : m.available_run_options) {
    boost::json::array values;
    for (const auto& value : o.options) values.emplace_back(value);
    options.push_back({{"key", o.key}, {"options", std::move(values)}});
  }
  const std::string_view name =
      m.modality == modality::unknown ? std::string_view(m.modality_name) : to_string(m.modality);
  v = {{"model", m.model}, {"modality", name}, {"availableRunOptions", std::move(options)}};
}

BETTERPROMPT_DECL resources tag_invoke(boost::json::value_to_tag<resources>,
                                       const boost::json::value& v) {
  return detail::read_model_or_throw<resources>(v);
}

BETTERPROMPT_DECL resources detail::read_model(const boost::json::value& v, detail::json_reader& in,
                                               std::type_identity<resources>) {
  const auto& obj = in.object(v, "resources data");
  resources r;
  r.hash = in.optional_string(obj, "hash");
  const auto* body = in.optional_object(obj, "resources");
  if (!body) {
    in.fail("field 'resources' is missing");
    return r;
  }
  for (const auto& [key, value] : *body) {
    if (key != "models") r.other.emplace(key, value);
  }
  if (const auto* models = in.optional_array(*body, "models")) {
    r.models.reserve(models->size());
    for (const auto& m : *models) r.models.push_back(detail::read_model_as<model_info>(m, in));
  }
  return r;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const resources& r) {
  boost::json::object body = r.other;
  body["models"] = boost::json::value_from(r.models);
  v = {{"hash", r.hash}, {"resources", std::move(body)}};
}

}  // namespace betterprompt
