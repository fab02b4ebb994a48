// SPDX-License-Identifier: BSL-1.0
// The resources model: the models a run may use, and the run options each accepts.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace betterprompt {

/// What a model produces.
enum class modality {
  text,     ///< Text.
  image,    ///< Images.
  video,    ///< Videos.
  unknown,  ///< A modality this library does not know; see model_info::modality_name.
};

/// The API's spelling of a modality ("text", "image", "video"); "unknown" for modality::unknown.
BETTERPROMPT_DECL std::string_view to_string(modality m) noexcept;
/// Parses the API's spelling; anything unrecognised → modality::unknown.
BETTERPROMPT_DECL modality modality_from_string(std::string_view s) noexcept;

/// One run option a model accepts: run_request::run_options[key] must be one of `options`.
struct run_option {
  std::string key{};                   ///< E.g. "reasoningEffort", "quality", "aspectRatio".
  std::vector<std::string> options{};  ///< Accepted values (always strings), e.g. "low", "high".

  /// True when `value` is one of the accepted values.
  BETTERPROMPT_DECL bool accepts(std::string_view value) const noexcept;
};

/// A model a run may use (run_request::run_model names it).
struct model_info {
  std::string model{};                                  ///< Its name, e.g. "o3", "gpt-image-1".
  betterprompt::modality modality = modality::unknown;  ///< What it produces.
  std::string modality_name{};                      ///< The modality as sent (kept when unknown).
  std::vector<run_option> available_run_options{};  ///< The authoritative runOptions list.

  /// The option with this key, or null.
  BETTERPROMPT_DECL const run_option* find_option(std::string_view key) const noexcept;
};

/// GET /v1/resources: the models and their run options, with the hash that identifies this
/// content (see resource_cache).
struct resources {
  std::string hash{};                ///< base64url content hash, for cache invalidation.
  std::vector<model_info> models{};  ///< In the API's order.
  /// Keys of `resources` other than "models", kept as sent (the API adds keys over time).
  boost::json::object other{};

  /// The model with this name, or null.
  BETTERPROMPT_DECL const model_info* find_model(std::string_view name) const noexcept;
};

/// JSON mapping of the resources data ({"hash", "resources": {"models": [...], ...}}).
BETTERPROMPT_DECL resources tag_invoke(boost::json::value_to_tag<resources>,
                                       const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const resources& r);
/// JSON mapping of one model ({"model", "modality", "availableRunOptions": [{"key", "options"}]}).
BETTERPROMPT_DECL model_info tag_invoke(boost::json::value_to_tag<model_info>,
                                        const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const model_info& m);

namespace detail {
class json_reader;
/// Reads a resources from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL resources read_model(const boost::json::value& v, json_reader& in,
                                       std::type_identity<resources>);
/// Reads a model_info from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL model_info read_model(const boost::json::value& v, json_reader& in,
                                        std::type_identity<model_info>);
}  // namespace detail

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/resources_json.ipp>
#endif
