// SPDX-License-Identifier: BSL-1.0
// JSON mapping of the prompt models: the one place they are decoded and encoded.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/models/prompt.hpp>

#include <boost/json/value_from.hpp>

#include <climits>

namespace betterprompt {
namespace detail {

// JSON Type Definition (older API edition): {"properties": {"textInputs": {"properties": {...},
// "optionalProperties": {...}}, "imageInputs": {"metadata": {"imageCount": n}}}}.
inline void read_jtd_text_fields(const boost::json::object& text_inputs, std::string_view key,
                                 bool required, input_config& out) {
  if (const auto* fields = text_inputs.if_contains(key); fields && fields->is_object()) {
    for (const auto& field : fields->get_object())
      out.text_inputs.push_back({std::string(field.key()), required});
  }
}

inline const boost::json::object* jtd_member(const boost::json::object& schema,
                                             std::string_view name) {
  for (std::string_view group : {"properties", "optionalProperties"}) {
    const auto* members = schema.if_contains(group);
    if (!members || !members->is_object()) continue;
    if (const auto* m = members->get_object().if_contains(name); m && m->is_object())
      return &m->get_object();
  }
  return nullptr;
}

inline input_config input_config_from_jtd(const boost::json::object& schema, json_reader& in) {
  input_config out;
  if (const auto* text = jtd_member(schema, "textInputs")) {
    read_jtd_text_fields(*text, "properties", true, out);
    read_jtd_text_fields(*text, "optionalProperties", false, out);
  }
  if (const auto* images = jtd_member(schema, "imageInputs")) {
    if (const auto* meta = in.optional_object(*images, "metadata"))
      out.image_count = static_cast<int>(in.optional_int(*meta, "imageCount", 0, 0, INT_MAX));
  }
  return out;
}

// Current edition: {"textInputs": [{"name": "topic", "required": true}], "imageCount": 0}.
// Entries that are plain strings are taken as required field names.
inline input_config input_config_from_list(const boost::json::object& config, json_reader& in) {
  input_config out;
  if (const auto* list = in.optional_array(config, "textInputs")) {
    for (const auto& entry : *list) {
      if (entry.is_string()) {
        out.text_inputs.push_back({std::string(entry.get_string()), true});
        continue;
      }
      const auto& field = in.object(entry, "textInputs entry");
      bool required = true;
      if (const auto* r = field.if_contains("required"); r && r->is_bool())
        required = r->get_bool();
      out.text_inputs.push_back({in.required_string(field, "name"), required});
    }
  }
  out.image_count = static_cast<int>(in.optional_int(config, "imageCount", 0, 0, INT_MAX));
  return out;
}

// The documented search row's fields (GET /v1/prompts/publish).
inline void read_listing_fields(const boost::json::object& obj, prompt& p, json_reader& in) {
  p.description = in.nullable_string(obj, "description");
  p.slug = in.nullable_string(obj, "slug");
  auto number = [&](std::string_view key) -> std::optional<std::int64_t> {
    const auto* v = obj.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    return in.optional_int(obj, key, 0);
  };
  // A number in search rows (the model's index); other shapes (e.g. an emulator seed's model
  // name) are not this field.
  if (const auto* model = obj.if_contains("model"); model && model->is_number())
    p.model = number("model");
  p.modality = number("modality");
  p.estimated_credits = number("estimatedCredits");
  p.uses = number("uses");
  p.up_votes = number("upVotes");
  if (const auto* samples = obj.if_contains("samples")) p.samples = *samples;
  if (const auto* configs = obj.if_contains("configs")) p.configs = *configs;
}

inline void write_listing_fields(const prompt& p, boost::json::object& obj) {
  if (p.description) obj["description"] = *p.description;
  if (p.slug) obj["slug"] = *p.slug;
  for (auto [key, value] : {std::pair{"model", &p.model}, std::pair{"modality", &p.modality},
                            std::pair{"estimatedCredits", &p.estimated_credits},
                            std::pair{"uses", &p.uses}, std::pair{"upVotes", &p.up_votes}})
    if (*value) obj[key] = **value;
  if (!p.samples.is_null()) obj["samples"] = p.samples;
  if (!p.configs.is_null()) obj["configs"] = p.configs;
}

}  // namespace detail

BETTERPROMPT_DECL input_config tag_invoke(boost::json::value_to_tag<input_config>,
                                          const boost::json::value& v) {
  return detail::read_model_or_throw<input_config>(v);
}

BETTERPROMPT_DECL input_config detail::read_model(const boost::json::value& v,
                                                  detail::json_reader& in,
                                                  std::type_identity<input_config>) {
  if (v.is_null()) return {};
  const auto& config = in.object(v, "config");
  const auto* text = config.if_contains("textInputs");
  if (!text && (config.contains("properties") || config.contains("optionalProperties")))
    return detail::input_config_from_jtd(config, in);
  return detail::input_config_from_list(config, in);
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const input_config& c) {
  boost::json::array fields;
  for (const auto& f : c.text_inputs)
    fields.push_back({{"name", f.name}, {"required", f.required}});
  v = {{"textInputs", std::move(fields)}, {"imageCount", c.image_count}};
}

BETTERPROMPT_DECL prompt tag_invoke(boost::json::value_to_tag<prompt>,
                                    const boost::json::value& v) {
  return detail::read_model_or_throw<prompt>(v);
}

BETTERPROMPT_DECL prompt detail::read_model(const boost::json::value& v, detail::json_reader& in,
                                            std::type_identity<prompt>) {
  const auto& obj = in.object(v, "prompt");
  prompt p;
  p.prompt_id = in.required_string(obj, "promptId");
  p.title = in.optional_string(obj, "title");
  if (const auto* version = in.optional_object(obj, "version")) {
    // Older edition: version details nested, inputs described by a JSON Type Definition.
    p.prompt_version_id = in.required_string(*version, "promptVersionId");
    p.published_at = in.optional_string(*version, "publishedAt");
    if (const auto* meta = in.optional_object(obj, "metadata")) {
      if (const auto* jtd = in.optional_object(*meta, "inputsJTD")) {
        p.config = *jtd;
        p.inputs = detail::input_config_from_jtd(*jtd, in);
      }
    }
    return p;
  }
  p.prompt_version_id = in.required_string(obj, "promptVersionId");
  p.published_at = in.optional_string(obj, "publishedAt");
  if (const auto* config = obj.if_contains("config")) {
    p.config = *config;
    p.inputs = detail::read_model_as<input_config>(*config, in);
  }
  detail::read_listing_fields(obj, p, in);
  return p;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const prompt& p) {
  boost::json::value config = p.config.is_null() ? boost::json::value_from(p.inputs) : p.config;
  boost::json::object obj{{"promptVersionId", p.prompt_version_id},
                          {"promptId", p.prompt_id},
                          {"title", p.title},
                          {"publishedAt", p.published_at},
                          {"config", std::move(config)}};
  detail::write_listing_fields(p, obj);
  v = std::move(obj);
}

}  // namespace betterprompt
