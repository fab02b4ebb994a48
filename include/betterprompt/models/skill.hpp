// SPDX-License-Identifier: BSL-1.0
// The skill model: a published prompt packaged with its input schema and a SKILL.md text, as the
// official command-line client searches and installs them.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace betterprompt {

/// Kind of a skill's text input.
enum class skill_variable_type {
  text,     ///< Free text (`type` 0).
  select,   ///< One or several values from skill_variable::options (`type` 1).
  unknown,  ///< A kind this library does not know; see skill_variable::raw.
};

/// One choice of a select input: what a person sees, and what the run receives.
struct select_option {
  std::string label{};  ///< Shown to people.
  std::string value{};  ///< What run_request::text_inputs carries.
};

/// One text input of a skill (an entry of inputMetadata.variables).
struct skill_variable {
  std::string name{};                                       ///< Key in run_request::text_inputs.
  skill_variable_type type = skill_variable_type::unknown;  ///< Free text or select.
  std::optional<std::string> description{};                 ///< What to write, when the skill says.
  bool allow_empty = false;                                 ///< Text: an empty value is accepted.
  std::vector<std::string> default_values{};                ///< Text: suggested values.
  std::vector<select_option> options{};  ///< Select: the choices, in the API's order.
  bool multiple = false;  ///< Select: several values, joined with ", ", may be given.
  std::optional<std::int64_t> min_selected{};  ///< Select with multiple: fewest values allowed.
  std::optional<std::int64_t> max_selected{};  ///< Select with multiple: most values allowed.
  boost::json::object raw{};                   ///< The entry as sent, unknown keys included.

  /// The option whose value is `value`, or null.
  BETTERPROMPT_DECL const select_option* find_value(std::string_view value) const noexcept;
};

/// One image input of a skill (an entry of inputMetadata.images).
struct skill_image {
  std::optional<std::string> description{};  ///< What the image should show, when the skill says.
  boost::json::object raw{};                 ///< The entry as sent, unknown keys included.
};

/// The inputs a skill expects.
struct skill_input_metadata {
  std::vector<skill_variable> variables{};  ///< Text inputs, in the API's order.
  std::vector<skill_image> images{};        ///< One per image input (their count is exact).
};

/// A skill, as search_skills lists it and get_skill returns it.
struct skill {
  std::string skill_id{};  ///< UUID of the skill.
  /// A prompt version id: what create_run takes. From `skillVersionId`, or in the newer
  /// edition `latestPromptVersionId`; when both are sent, `skillVersionId` (the other stays in
  /// raw).
  std::string skill_version_id{};
  std::string name{};                        ///< The handle get_skill takes, e.g. "react-hooks".
  std::string title{};                       ///< Display title.
  std::optional<std::string> author{};       ///< The author's username; the API may send null.
  std::optional<std::string> description{};  ///< The API may send null.
  boost::json::value sample{};               ///< Sample inputs and outputs, as sent.
  skill_input_metadata input_metadata{};     ///< Decoded inputMetadata.
  /// The SKILL.md text, when the API sends it inline (get_skill, current edition only).
  std::optional<std::string> skillmd{};
  /// Where the SKILL.md text lies (`metadata.skillmdUrl`, newer edition): a commit-pinned URL on
  /// another host, fetched without the API key.
  std::optional<std::string> skillmd_url{};
  boost::json::object raw{};  ///< The row as sent, unknown keys included.
};

/// Filters of search_skills; empty members do not filter.
struct skill_filters {
  std::string type{};    ///< "text", "image" or "video" (any other value is refused).
  std::string author{};  ///< The author's username.
};

/// What get_skill asks for besides the skill itself.
struct skill_options {
  std::string version{};  ///< Pin a skillVersionId (empty: the latest).
  bool examples = false;  ///< Ask for examples (`examples=true`).
  bool schema = false;    ///< Ask for the input schema (`schema=true`).
  bool pricing = false;   ///< Ask for pricing (`pricing=true`).
};

/// JSON mapping of a skill row (and of the detail route's row plus `skillmd`), in either edition
/// (see skill::skill_version_id and skill::skillmd_url). Decoding keeps unknown keys in `raw`;
/// encoding starts from `raw` and writes the typed members over it, under the names it came with.
BETTERPROMPT_DECL skill tag_invoke(boost::json::value_to_tag<skill>, const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const skill& s);
/// JSON mapping of inputMetadata ({"variables": {name: {...}}, "images": [{...}]}).
BETTERPROMPT_DECL skill_input_metadata tag_invoke(boost::json::value_to_tag<skill_input_metadata>,
                                                  const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const skill_input_metadata& m);

namespace detail {
class json_reader;
/// Reads a skill from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL skill read_model(const boost::json::value& v, json_reader& in,
                                   std::type_identity<skill>);
/// Reads a skill_input_metadata from JSON (its one mapping: value_to and the operations both use
/// it).
BETTERPROMPT_DECL skill_input_metadata read_model(const boost::json::value& v, json_reader& in,
                                                  std::type_identity<skill_input_metadata>);
}  // namespace detail

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/skill_json.ipp>
#endif
