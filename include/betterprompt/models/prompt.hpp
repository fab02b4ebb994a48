// SPDX-License-Identifier: BSL-1.0
// The prompt model: a published prompt version and the inputs it expects.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace betterprompt {

/// One text input a prompt expects.
struct input_field {
  std::string name;      ///< Key to use in run_request::text_inputs.
  bool required = true;  ///< Whether a run must supply it.
};

/// The inputs a prompt version expects, decoded from its `config`.
struct input_config {
  std::vector<input_field> text_inputs;  ///< Text fields, in the API's order.
  int image_count = 0;                   ///< Exact number of image inputs a run must send.
};

/// A published prompt version, as returned by get_prompt and get_prompt_version.
struct prompt {
  std::string prompt_id;          ///< UUID of the prompt.
  std::string prompt_version_id;  ///< UUID of this version: what create_run needs.
  std::string title;              ///< Display title.
  std::string published_at;       ///< ISO 8601 UTC publication time, as the API sent it.
  input_config inputs;            ///< Decoded input configuration.
  /// The raw configuration JSON as the API sent it: `config` (current API), or the JSON Type
  /// Definition `metadata.inputsJTD` (older API). Kept for fields this library does not model.
  boost::json::value config;

  // Set in search_prompts rows (the marketplace listing); absent elsewhere.
  std::optional<std::string> description{};         ///< Search rows: the prompt's description.
  std::optional<std::string> slug{};                ///< Search rows: the URL slug.
  std::optional<std::int64_t> model{};              ///< Search rows: the model's index.
  std::optional<std::int64_t> modality{};           ///< Search rows: 0 text, 1 image.
  std::optional<std::int64_t> estimated_credits{};  ///< Search rows: credits a run may cost.
  std::optional<std::int64_t> uses{};               ///< Search rows: how often it was run.
  std::optional<std::int64_t> up_votes{};           ///< Search rows: votes for it.
  boost::json::value samples{};  ///< Search rows: sample inputs and outputs, as sent (or null).
  boost::json::value configs{};  ///< Search rows: `configs` (plural), as sent (or null).
};

/// JSON mapping (Boost.JSON customization points). Decoding accepts both documented editions
/// and ignores unknown fields; encoding produces the current edition.
BETTERPROMPT_DECL prompt tag_invoke(boost::json::value_to_tag<prompt>, const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const prompt& p);
/// Decodes it from the API's JSON (Boost.JSON value_to); a decode_error names a bad field.
BETTERPROMPT_DECL input_config tag_invoke(boost::json::value_to_tag<input_config>,
                                          const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const input_config& c);

namespace detail {
class json_reader;
/// Reads a prompt from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL prompt read_model(const boost::json::value& v, json_reader& in,
                                    std::type_identity<prompt>);
/// Reads an input_config from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL input_config read_model(const boost::json::value& v, json_reader& in,
                                          std::type_identity<input_config>);
}  // namespace detail

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/prompt_json.ipp>
#endif
