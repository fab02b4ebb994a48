// SPDX-License-Identifier: BSL-1.0
// The run model: a request to run a prompt, and the run it creates.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace betterprompt {

/// Lifecycle of a run: queued → running → succeeded | failed.
enum class run_status {
  queued,     ///< Accepted, not started.
  running,    ///< In progress.
  succeeded,  ///< Finished; outputs are final.
  failed,     ///< Finished with an error; see the `error` outputs.
  unknown,    ///< A status this library does not know (newer API); treat as in progress.
};

/// The API's spelling of a status ("queued", …); "unknown" for run_status::unknown.
BETTERPROMPT_DECL std::string_view to_string(run_status s) noexcept;
/// Parses the API's spelling; anything unrecognised → run_status::unknown.
BETTERPROMPT_DECL run_status run_status_from_string(std::string_view s) noexcept;

/// Kind of an output item.
enum class output_type {
  text,     ///< Generated text.
  image,    ///< Public image URL (expires after 24 h).
  video,    ///< Public video URL (expires after 24 h).
  error,    ///< Message of a failed step.
  unknown,  ///< A type this library does not know; see output_item::type_name.
};

/// The API's string spelling of an output type ("text", "image", "error", "video"); "unknown"
/// for output_type::unknown.
BETTERPROMPT_DECL std::string_view to_string(output_type t) noexcept;

/// One output of a run.
struct output_item {
  output_type type = output_type::unknown;  ///< Decoded type.
  /// The type string as sent (kept for unknown types); for a numeric type, its decimal text.
  std::string type_name{};
  std::string data{};  ///< Text, URL or error message (non-string JSON is kept serialized).
  /// Text items: the model's thought signature, when the API sends one.
  std::optional<std::string> thought_signature{};
  /// Keys other than type, data and thoughtSignature, kept as sent (encoded back unchanged).
  boost::json::object other{};
  /// Set when the API sent `type` as a number (the newer edition: 0 text, 1 image, 2 error,
  /// 3 video, an order unlike the strings'); any other number decodes as unknown and is kept
  /// here. Encoded back as that number. (Last, so that aggregate initialisation keeps its order.)
  std::optional<std::int64_t> type_code{};
};

/// One image input of a run: a public HTTPS URL or raw base64 (no `data:` prefix).
struct image_input {
  /// The two forms an image input takes.
  enum class kind {
    url,     ///< A public HTTPS URL the API fetches.
    base64,  ///< Raw base64, sent inline.
  };
  kind type = kind::url;  ///< Which of the two forms.
  std::string value;      ///< The URL or the base64 text.

  /// An image the API fetches from a public HTTPS URL.
  static image_input url(std::string url) { return {kind::url, std::move(url)}; }
  /// An image sent inline as base64 (no `data:` prefix).
  static image_input base64(std::string data) { return {kind::base64, std::move(data)}; }
  /// Reads a local image and sends it as base64. Throws error_with_diagnostics with
  /// error::file_error when the file cannot be read or is larger than `max_bytes`
  /// (default 20 MiB). Reads synchronously: call it before, not inside, latency-critical code.
  BETTERPROMPT_DECL static image_input from_file(const std::string& path,
                                                 std::size_t max_bytes = 20 * 1024 * 1024);
};

/// What create_run sends: `create_run(c, {version_id, {{"topic", "coroutines"}}})`.
struct run_request {
  std::string prompt_version_id{};                   ///< Required: the version to run.
  std::map<std::string, std::string> text_inputs{};  ///< The prompt's text fields, by name.
  std::vector<image_input> image_inputs{};           ///< Must match the prompt's image count.
  std::map<std::string, std::string> run_options{};  ///< Optional model options.
  /// Run on this model instead of the prompt's own (sent as `runModel`; empty: the prompt's).
  /// run_options are then checked against this model's options.
  std::string run_model{};
};

/// A run, as returned by create_run, get_run and wait_for_run.
struct run {
  std::string run_id;                       ///< UUID of the run.
  run_status status = run_status::unknown;  ///< Where the run is in its lifecycle.
  std::vector<output_item> outputs;         ///< Empty until the run finishes.
  std::int64_t tokens = 0;                  ///< Tokens (credits) consumed; 0 while in progress.
  std::string prompt_version_id;            ///< Set when the API sends it (e.g. in listings).
  std::optional<std::int64_t> credits;      ///< Credits charged, when the API sends them.
  std::string run_name;                     ///< Display name, when the API sends one.
  std::string created_at;                   ///< ISO 8601 creation time, when the API sends one.

  /// True once the run succeeded or failed.
  bool finished() const noexcept {
    return status == run_status::succeeded || status == run_status::failed;
  }
  /// True when the run failed (its `error` outputs say why).
  bool failed() const noexcept { return status == run_status::failed; }
  /// All text outputs, concatenated in order (separated by a newline).
  BETTERPROMPT_DECL std::string text() const;
};

/// JSON mapping (Boost.JSON customization points); unknown fields are ignored.
BETTERPROMPT_DECL run tag_invoke(boost::json::value_to_tag<run>, const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const run& r);
/// Decodes it from the API's JSON (Boost.JSON value_to); a decode_error names a bad field.
BETTERPROMPT_DECL output_item tag_invoke(boost::json::value_to_tag<output_item>,
                                         const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const output_item& o);
/// Decodes it from the API's JSON (Boost.JSON value_to); a decode_error names a bad field.
BETTERPROMPT_DECL run_request tag_invoke(boost::json::value_to_tag<run_request>,
                                         const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const run_request& r);

namespace detail {
class json_reader;
/// Reads a run from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL run read_model(const boost::json::value& v, json_reader& in,
                                 std::type_identity<run>);
/// Reads an output_item from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL output_item read_model(const boost::json::value& v, json_reader& in,
                                         std::type_identity<output_item>);
/// Reads a run_request from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL run_request read_model(const boost::json::value& v, json_reader& in,
                                         std::type_identity<run_request>);
}  // namespace detail

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/run_json.ipp>
#endif
