// SPDX-License-Identifier: BSL-1.0
// JSON mapping of the run models: the one place they are decoded and encoded.
#pragma once

#include <betterprompt/detail/base64.hpp>
#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/detail/output_type_codes.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/models/run.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <filesystem>
#include <fstream>

namespace betterprompt {

BETTERPROMPT_DECL std::string_view to_string(run_status s) noexcept {
  switch (s) {
    case run_status::queued:
      return "queued";
    case run_status::running:
      return "running";
    case run_status::succeeded:
      return "succeeded";
    case run_status::failed:
      return "failed";
    case run_status::unknown:
      break;
  }
  return "unknown";
}

BETTERPROMPT_DECL run_status run_status_from_string(std::string_view s) noexcept {
  if (s == "queued") return run_status::queued;
  if (s == "running") return run_status::running;
  if (s == "succeeded") return run_status::succeeded;
  if (s == "failed") return run_status::failed;
  return run_status::unknown;
}

BETTERPROMPT_DECL std::string run::text() const {
  std::string joined;
  for (const auto& out : outputs) {
    if (out.type != output_type::text) continue;
    if (!joined.empty()) joined += '\n';
    joined += out.data;
  }
  return joined;
}

BETTERPROMPT_DECL image_input image_input::from_file(const std::string& path,
                                                     std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    detail::throw_client_error(error::file_error,
                               "cannot read image file '" + path + "': " + ec.message());
  if (size > max_bytes)
    detail::throw_client_error(error::file_error, "image file '" + path + "' has " +
                                                      std::to_string(size) + " bytes, over the " +
                                                      std::to_string(max_bytes) + " byte limit");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    detail::throw_client_error(error::file_error, "cannot read image file '" + path + "'");
  return base64(detail::base64_encode(bytes));
}

BETTERPROMPT_DECL std::string_view to_string(output_type t) noexcept {
  switch (t) {
    case output_type::text:
      return "text";
    case output_type::image:
      return "image";
    case output_type::video:
      return "video";
    case output_type::error:
      return "error";
    case output_type::unknown:
      break;
  }
  return "unknown";
}

namespace detail {
inline boost::json::object string_map_to_json(const std::map<std::string, std::string>& m,
                                              boost::json::storage_ptr storage = {}) {
  boost::json::object obj(m.size(), std::move(storage));
  for (const auto& [key, value] : m) obj.emplace(key, value);
  return obj;
}

inline std::map<std::string, std::string> string_map_from_json(const boost::json::object* obj,
                                                               std::string_view what,
                                                               json_reader& in) {
  std::map<std::string, std::string> out;
  if (!obj) return out;
  for (const auto& [key, value] : *obj) {
    if (!value.is_string()) {
      in.fail(std::string(what) + "." + std::string(key) + " is not a string");
      return {};
    }
    out.emplace(std::string(key), std::string(value.get_string()));
  }
  return out;
}
}  // namespace detail

BETTERPROMPT_DECL output_item tag_invoke(boost::json::value_to_tag<output_item>,
                                         const boost::json::value& v) {
  return detail::read_model_or_throw<output_item>(v);
}

BETTERPROMPT_DECL output_item detail::read_model(const boost::json::value& v,
                                                 detail::json_reader& in,
                                                 std::type_identity<output_item>) {
  const auto& obj = in.object(v, "output item");
  output_item item;
  if (const auto* type = obj.if_contains("type")) {
    if (type->is_string()) {
      item.type_name = type->get_string();
      item.type = detail::output_type_from_string(item.type_name);
    } else if (const auto code = detail::exact_int64(*type)) {
      // The newer edition's numbers: not the order of the strings.
      item.type_code = *code;
      item.type_name = std::to_string(*code);
      item.type = detail::output_type_from_code(*code);
    } else {
      item.other.emplace("type", *type);  // neither: unknown, kept as sent
    }
  }
  if (const auto* data = obj.if_contains("data"); data && !data->is_null())
    item.data = data->is_string() ? std::string(data->get_string()) : boost::json::serialize(*data);
  item.thought_signature = in.nullable_string(obj, "thoughtSignature");
  for (const auto& [key, value] : obj)
    if (key != "type" && key != "data" && key != "thoughtSignature") item.other.emplace(key, value);
  return item;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const output_item& o) {
  std::string_view type = o.type == output_type::unknown && !o.type_name.empty()
                              ? std::string_view(o.type_name)
                              : to_string(o.type);
  boost::json::object obj = o.other;
  if (o.type_code)
    obj["type"] = *o.type_code;
  else if (!(o.type == output_type::unknown && o.type_name.empty() && obj.contains("type")))
    obj["type"] = type;
  obj["data"] = o.data;
  if (o.thought_signature) obj["thoughtSignature"] = *o.thought_signature;
  v = std::move(obj);
}

BETTERPROMPT_DECL run tag_invoke(boost::json::value_to_tag<run>, const boost::json::value& v) {
  return detail::read_model_or_throw<run>(v);
}

BETTERPROMPT_DECL run detail::read_model(const boost::json::value& v, detail::json_reader& in,
                                         std::type_identity<run>) {
  const auto& obj = in.object(v, "run");
  run r;
  r.run_id = in.required_string(obj, "runId");
  r.status = run_status_from_string(in.optional_string(obj, "runStatus"));
  if (const auto* outputs = in.optional_array(obj, "outputs")) {
    r.outputs.reserve(outputs->size());
    for (const auto& item : *outputs)
      r.outputs.push_back(detail::read_model_as<output_item>(item, in));
  }
  r.tokens = in.optional_int(obj, "tokens", 0);
  r.prompt_version_id = in.optional_string(obj, "promptVersionId");
  if (const auto* credits = obj.if_contains("credits"); credits && !credits->is_null())
    r.credits = in.optional_int(obj, "credits", 0);
  r.run_name = in.optional_string(obj, "runName");
  r.created_at = in.optional_string(obj, "createdAt");
  return r;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const run& r) {
  boost::json::object obj{{"runId", r.run_id},
                          {"outputs", boost::json::value_from(r.outputs)},
                          {"runStatus", to_string(r.status)},
                          {"tokens", r.tokens}};
  if (!r.prompt_version_id.empty()) obj["promptVersionId"] = r.prompt_version_id;
  if (r.credits) obj["credits"] = *r.credits;
  if (!r.run_name.empty()) obj["runName"] = r.run_name;
  if (!r.created_at.empty()) obj["createdAt"] = r.created_at;
  v = std::move(obj);
}

BETTERPROMPT_DECL run_request tag_invoke(boost::json::value_to_tag<run_request>,
                                         const boost::json::value& v) {
  return detail::read_model_or_throw<run_request>(v);
}

BETTERPROMPT_DECL run_request detail::read_model(const boost::json::value& v,
                                                 detail::json_reader& in,
                                                 std::type_identity<run_request>) {
  const auto& obj = in.object(v, "run request");
  run_request req;
  req.prompt_version_id = in.required_string(obj, "promptVersionId");
  const auto* inputs = in.optional_object(obj, "inputs");
  if (!inputs) {
    in.fail("field 'inputs' is missing");
    return req;
  }
  req.text_inputs =
      detail::string_map_from_json(in.optional_object(*inputs, "textInputs"), "textInputs", in);
  if (const auto* images = in.optional_array(*inputs, "imageInputs")) {
    for (const auto& image : *images) {
      const auto& img = in.object(image, "imageInputs entry");
      const std::string type = in.required_string(img, "type");
      if (type == "url")
        req.image_inputs.push_back(image_input::url(in.required_string(img, "url")));
      else if (type == "base64")
        req.image_inputs.push_back(image_input::base64(in.required_string(img, "base64")));
      else
        in.fail("imageInputs entry has unknown type '" + type + "'");
    }
  }
  req.run_options =
      detail::string_map_from_json(in.optional_object(obj, "runOptions"), "runOptions", in);
  req.run_model = in.optional_string(obj, "runModel");
  return req;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const run_request& r) {
  // Built in v's storage (an arena when serializing a request): parts made in the default
  // storage would be copied into it.
  const boost::json::storage_ptr& storage = v.storage();
  boost::json::object inputs(storage);
  inputs.emplace("textInputs", detail::string_map_to_json(r.text_inputs, storage));
  if (!r.image_inputs.empty()) {
    boost::json::array images(storage);
    for (const auto& image : r.image_inputs) {
      if (image.type == image_input::kind::url)
        images.push_back({{"type", "url"}, {"url", image.value}});
      else
        images.push_back({{"type", "base64"}, {"base64", image.value}});
    }
    inputs.emplace("imageInputs", std::move(images));
  }
  boost::json::object obj(storage);
  obj.emplace("promptVersionId", r.prompt_version_id);
  obj.emplace("inputs", std::move(inputs));
  if (!r.run_options.empty())
    obj.emplace("runOptions", detail::string_map_to_json(r.run_options, storage));
  if (!r.run_model.empty()) obj.emplace("runModel", r.run_model);
  v = std::move(obj);
}

}  // namespace betterprompt
