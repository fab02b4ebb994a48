// SPDX-License-Identifier: BSL-1.0
// Reading the emulator's configuration: a seed (the executable's --seed FILE) from JSON, and
// fault specs (--fault).
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <array>
#include <stdexcept>
#include <utility>

namespace betterprompt::testing {

namespace detail {
using betterprompt::detail::json_reader;
using betterprompt::detail::read_model_as;

inline emulated_prompt emulated_prompt_from_json(const boost::json::value& v, json_reader& in) {
  const auto& obj = in.object(v, "prompt");
  emulated_prompt p;
  p.version = read_model_as<prompt>(v, in);
  if (p.version.config.is_null()) p.version.config = boost::json::value_from(p.version.inputs);
  if (obj.contains("outputTemplate")) p.output_template = in.optional_string(obj, "outputTemplate");
  p.run_duration = std::chrono::milliseconds(in.optional_int(obj, "runDurationMs", 0));
  if (obj.contains("runOptions"))
    in.fail(
        "a prompt's 'runOptions' list is gone: give it a catalogue 'model' (add one under "
        "'models' for options of your own)");
  if (obj.contains("model")) p.model = in.required_string(obj, "model");
  if (const auto* retired = obj.if_contains("retired"); retired && retired->is_bool())
    p.retired = retired->get_bool();
  p.credit_estimate = in.optional_int(obj, "creditEstimate", p.credit_estimate);
  return p;
}

inline emulated_skill emulated_skill_from_json(const boost::json::value& v, json_reader& in) {
  const auto& obj = in.object(v, "skill");
  emulated_skill s;
  s.name = in.required_string(obj, "name");
  s.skill_id = in.required_string(obj, "skillId");
  s.prompt_id = in.required_string(obj, "promptId");
  if (obj.contains("author")) s.author = in.nullable_string(obj, "author");
  s.description = in.nullable_string(obj, "description");
  if (const auto* metadata = obj.if_contains("inputMetadata"))
    s.input_metadata = read_model_as<skill_input_metadata>(*metadata, in);
  s.skillmd = in.optional_string(obj, "skillmd");
  return s;
}
}  // namespace detail

BETTERPROMPT_DECL emulator_seed parse_emulator_seed(std::string_view json_text) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) throw std::runtime_error("seed is not valid JSON: " + ec.message());
  emulator_seed seed;
  detail::json_reader in;
  const auto& obj = in.object(root, "seed");
  if (const auto* keys = in.optional_array(obj, "apiKeys")) {
    for (const auto& key : *keys) {
      if (!key.is_string()) {
        in.fail("apiKeys entries must be strings");
        continue;
      }
      seed.api_keys.emplace_back(key.get_string());
    }
  }
  if (obj.contains("credits")) seed.credits = in.optional_int(obj, "credits", 0);
  if (const auto* models = in.optional_array(obj, "models"))
    for (const auto& m : *models) seed.models.push_back(detail::read_model_as<model_info>(m, in));
  if (const auto* prompts = in.optional_array(obj, "prompts"))
    for (const auto& p : *prompts) seed.prompts.push_back(detail::emulated_prompt_from_json(p, in));
  if (const auto* skills = in.optional_array(obj, "skills"))
    for (const auto& sk : *skills) seed.skills.push_back(detail::emulated_skill_from_json(sk, in));
  if (const auto* runs = in.optional_array(obj, "runs"))
    for (const auto& r : *runs) seed.runs.push_back(detail::read_model_as<run_request>(r, in));
  if (in.failed()) throw std::runtime_error("invalid seed: " + in.failure());
  return seed;
}

namespace detail {
inline fault_kind fault_kind_from_name(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, fault_kind>, 18> kinds{{
      {"reset", fault_kind::reset},
      {"server_error", fault_kind::server_error},
      {"rate_limited", fault_kind::rate_limited},
      {"malformed_json", fault_kind::malformed_json},
      {"oversized_body", fault_kind::oversized_body},
      {"wrong_content_type", fault_kind::wrong_content_type},
      {"delay", fault_kind::delay},
      {"close_after_bytes", fault_kind::close_after_bytes},
      {"drip", fault_kind::drip},
      {"close_connection", fault_kind::close_connection},
      {"stall", fault_kind::stall},
      {"trailing_response", fault_kind::trailing_response},
      {"trailing_junk", fault_kind::trailing_junk},
      {"foreign_run", fault_kind::foreign_run},
      {"interim_response", fault_kind::interim_response},
      {"error_after_processing", fault_kind::error_after_processing},
      {"reset_after_processing", fault_kind::reset_after_processing},
      {"silent_close", fault_kind::silent_close},
  }};
  for (const auto& [known, kind] : kinds)
    if (known == name) return kind;
  throw std::runtime_error("unknown fault kind '" + std::string(name) + "'");
}

inline std::string route_from_name(std::string_view name) {
  if (name == "*") return "*";
  for (const auto& route : betterprompt::detail::api_routes)
    if (route.operation == name) return route.name;
  throw std::runtime_error("unknown route '" + std::string(name) + "'");
}

inline long long fault_number(std::string_view key, std::string_view text, long long min) {
  long long value = 0;
  std::size_t used = 0;
  try {
    value = std::stoll(std::string(text), &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < min)
    throw std::runtime_error(std::string(key) + " needs a number of at least " +
                             std::to_string(min) + ", not '" + std::string(text) + "'");
  return value;
}
}  // namespace detail

BETTERPROMPT_DECL fault_spec parse_fault_spec(std::string_view text) {
  fault_spec spec;
  bool has_kind = false;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto equals = item.find('=');
    if (equals == std::string_view::npos)
      throw std::runtime_error("fault spec item '" + std::string(item) + "' is not key=value");
    const auto key = item.substr(0, equals);
    const auto value = item.substr(equals + 1);
    if (key == "kind") {
      spec.what.kind = detail::fault_kind_from_name(value);
      has_kind = true;
    } else if (key == "route") {
      spec.route = detail::route_from_name(value);
    } else if (key == "count") {
      spec.what.count = static_cast<int>(detail::fault_number(key, value, -1));
    } else if (key == "delay-ms") {
      spec.what.delay = std::chrono::milliseconds(detail::fault_number(key, value, 0));
    } else if (key == "bytes") {
      spec.what.bytes = static_cast<std::size_t>(detail::fault_number(key, value, 0));
    } else if (key == "status") {
      spec.what.status = static_cast<unsigned>(detail::fault_number(key, value, 100));
    } else {
      throw std::runtime_error("unknown fault spec key '" + std::string(key) + "'");
    }
  }
  if (!has_kind) throw std::runtime_error("fault spec needs kind=NAME");
  if (spec.what.count == 0) throw std::runtime_error("count must be -1 or positive");
  return spec;
}

}  // namespace betterprompt::testing
