// Reading an emulator seed (the executable's --seed FILE) from JSON.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>

namespace betterprompt::testing {

namespace detail {
inline emulated_prompt emulated_prompt_from_json(const boost::json::value& v) {
  namespace jr = betterprompt::detail;
  const auto& obj = jr::as_object(v, "prompt");
  emulated_prompt p;
  p.version = boost::json::value_to<prompt>(v);
  if (p.version.config.is_null()) p.version.config = boost::json::value_from(p.version.inputs);
  if (obj.contains("outputTemplate"))
    p.output_template = jr::optional_string(obj, "outputTemplate");
  p.run_duration = std::chrono::milliseconds(jr::optional_int(obj, "runDurationMs", 0));
  if (const auto* options = jr::optional_array(obj, "runOptions")) {
    p.run_options.clear();
    for (const auto& option : *options) {
      if (!option.is_string()) throw jr::decode_error("runOptions entries must be strings");
      p.run_options.emplace_back(option.get_string());
    }
  }
  if (const auto* retired = obj.if_contains("retired"); retired && retired->is_bool())
    p.retired = retired->get_bool();
  p.credit_estimate = jr::optional_int(obj, "creditEstimate", p.credit_estimate);
  return p;
}
}  // namespace detail

BETTERPROMPT_DECL emulator_seed parse_emulator_seed(std::string_view json_text) {
  namespace jr = betterprompt::detail;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) throw std::runtime_error("seed is not valid JSON: " + ec.message());
  emulator_seed seed;
  try {
    const auto& obj = jr::as_object(root, "seed");
    if (const auto* keys = jr::optional_array(obj, "apiKeys")) {
      for (const auto& key : *keys) {
        if (!key.is_string()) throw jr::decode_error("apiKeys entries must be strings");
        seed.api_keys.emplace_back(key.get_string());
      }
    }
    if (obj.contains("credits")) seed.credits = jr::optional_int(obj, "credits", 0);
    if (const auto* prompts = jr::optional_array(obj, "prompts"))
      for (const auto& p : *prompts) seed.prompts.push_back(detail::emulated_prompt_from_json(p));
    if (const auto* runs = jr::optional_array(obj, "runs"))
      for (const auto& r : *runs) seed.runs.push_back(boost::json::value_to<run_request>(r));
  } catch (const jr::decode_error& e) {
    throw std::runtime_error(std::string("invalid seed: ") + e.what());
  }
  return seed;
}

}  // namespace betterprompt::testing
