// The emulator's HTTP semantics: auth, routing, validation and envelopes, per the API contract.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/testing/detail/emulator_store.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace betterprompt::testing::detail {

/// What the server writes for one request.
struct emulated_response {
  unsigned status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};  ///< Wait this long before writing.
};

/// Everything the server's sessions share.
struct emulator_state {
  explicit emulator_state(emulator_options opts)
      : options(std::move(opts)), store(options.demo_prompts) {}

  emulator_options options;
  emulator_store store;                                     // guarded by store.mutex
  std::map<std::string, std::chrono::milliseconds> delays;  // guarded by store.mutex
  std::atomic<std::size_t> requests{0};
  std::atomic<std::size_t> connections{0};
};

inline emulated_response envelope_success(boost::json::value data) {
  return {200, boost::json::serialize(boost::json::object{{"status", "SUCCESS"}, {"data", data}})};
}

inline emulated_response envelope_error(unsigned http_status, std::string_view code,
                                        std::string_view message,
                                        boost::json::value data = nullptr) {
  return {http_status, boost::json::serialize(boost::json::object{
                           {"status", code}, {"message", message}, {"data", data}})};
}

inline emulated_response validation_error(std::string message, std::string_view field) {
  return envelope_error(422, "VALIDATION_ERROR", message, {{"field", field}});
}

inline bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

inline std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

inline std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

inline bool is_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '/' || c == '=';
  });
}

/// Checks a create-run body against the prompt's input configuration; nullopt when valid.
inline std::optional<emulated_response> validate_run(const emulated_prompt& p,
                                                     const run_request& req) {
  for (const auto& field : p.version.inputs.text_inputs) {
    const auto it = req.text_inputs.find(field.name);
    if (field.required && (it == req.text_inputs.end() || it->second.empty()))
      return validation_error("missing required text input '" + field.name + "'",
                              "inputs.textInputs." + field.name);
  }
  const auto expected = static_cast<std::size_t>(p.version.inputs.image_count);
  if (req.image_inputs.size() != expected)
    return validation_error("expected " + std::to_string(expected) + " image input(s), got " +
                                std::to_string(req.image_inputs.size()),
                            "inputs.imageInputs");
  for (std::size_t i = 0; i < req.image_inputs.size(); ++i) {
    const auto& image = req.image_inputs[i];
    const std::string field = "inputs.imageInputs[" + std::to_string(i) + "]";
    if (image.type == image_input::kind::url && image.value.rfind("https://", 0) != 0)
      return validation_error(field + ".url must be a public https URL", field);
    if (image.type == image_input::kind::base64 && !is_base64(image.value))
      return validation_error(field + ".base64 must be raw base64 without a data: prefix", field);
  }
  for (const auto& [key, value] : req.run_options) {
    if (std::find(p.run_options.begin(), p.run_options.end(), key) == p.run_options.end())
      return validation_error("unknown runOptions key '" + key + "'", "runOptions." + key);
  }
  return std::nullopt;
}

inline emulated_response handle_create_run(emulator_state& state, std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  if (ec || !json.is_object())
    return envelope_error(400, "BAD_REQUEST_ERROR", "request body must be a JSON object");
  const auto* version_id = json.get_object().if_contains("promptVersionId");
  if (!version_id || !version_id->is_string() || !is_uuid(version_id->get_string()))
    return validation_error("promptVersionId must be a UUID", "promptVersionId");
  run_request req;
  try {
    req = boost::json::value_to<run_request>(json);
  } catch (const betterprompt::detail::decode_error& e) {
    return validation_error(e.what(), "inputs");
  }
  std::lock_guard lock(state.store.mutex);
  const emulated_prompt* p = state.store.find_version(req.prompt_version_id);
  if (!p) return envelope_error(404, "NOT_FOUND_ERROR", "Prompt version not found");
  if (auto invalid = validate_run(*p, req)) return std::move(*invalid);
  const run_record& record = state.store.create_run(*p, req);
  if (record.duration <= state.options.sync_window) {
    auto response = envelope_success(boost::json::value_from(record.final_state));
    response.delay = record.duration;
    return response;
  }
  auto response = envelope_error(504, "GATEWAY_TIMEOUT_ERROR",
                                 "The run did not finish in time; poll GET /v1/runs/{runId}",
                                 {{"runId", record.final_state.run_id}});
  response.delay = state.options.sync_window;
  return response;
}

inline emulated_response handle_get_prompt(emulator_state& state, const std::string& prompt_id,
                                           std::optional<std::string> version_id) {
  if (!is_uuid(prompt_id)) return validation_error("promptId must be a UUID", "promptId");
  if (version_id && !is_uuid(*version_id))
    return validation_error("versionId must be a UUID", "versionId");
  std::lock_guard lock(state.store.mutex);
  const emulated_prompt* p =
      version_id ? state.store.find_version(*version_id) : state.store.latest_version(prompt_id);
  if (!p || p->version.prompt_id != prompt_id)
    return envelope_error(404, "NOT_FOUND_ERROR", "Prompt not found");
  return envelope_success(boost::json::value_from(p->version));
}

inline emulated_response handle_get_prompt_version(emulator_state& state,
                                                   const std::string& version_id) {
  if (!is_uuid(version_id))
    return validation_error("promptVersionId must be a UUID", "promptVersionId");
  std::lock_guard lock(state.store.mutex);
  const emulated_prompt* p = state.store.find_version(version_id);
  if (!p) return envelope_error(404, "NOT_FOUND_ERROR", "Prompt version not found");
  return envelope_success(boost::json::value_from(p->version));
}

inline emulated_response handle_get_run(emulator_state& state, const std::string& run_id) {
  if (!is_uuid(run_id)) return validation_error("runId must be a UUID", "runId");
  std::lock_guard lock(state.store.mutex);
  const run_record* record = state.store.find_run(run_id);
  if (!record) return envelope_error(404, "NOT_FOUND_ERROR", "Run not found");
  return envelope_success(boost::json::value_from(emulator_store::snapshot(*record, clock::now())));
}

/// Routes one request. `route` receives the contract's name of the matched route.
inline emulated_response route_request(emulator_state& state, boost::beast::http::verb method,
                                       std::string_view target, std::string_view body,
                                       std::string& route) {
  using boost::beast::http::verb;
  const auto qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query =
      qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  // "/v1/<collection>/<id>" with the id percent-decoded.
  auto id_under = [&](std::string_view prefix) -> std::optional<std::string> {
    if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
    const std::string_view rest = path.substr(prefix.size());
    if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
    return percent_decode(rest);
  };
  if (method == verb::post && path == "/v1/runs") {
    route = routes::create_run;
    return handle_create_run(state, body);
  }
  if (method == verb::get) {
    if (auto id = id_under("/v1/runs/")) {
      route = routes::get_run;
      return handle_get_run(state, *id);
    }
    if (auto id = id_under("/v1/prompts/")) {
      route = routes::get_prompt;
      return handle_get_prompt(state, *id, query_param(query, "versionId"));
    }
    if (auto id = id_under("/v1/prompt-versions/")) {
      route = routes::get_prompt_version;
      return handle_get_prompt_version(state, *id);
    }
  }
  route.clear();
  return envelope_error(404, "NOT_FOUND_ERROR", "No route for this method and path");
}

/// Handles one request: auth, routing and the injected delay of its route.
inline emulated_response handle_request(emulator_state& state, boost::beast::http::verb method,
                                        std::string_view target, std::string_view authorization,
                                        std::string_view body) {
  ++state.requests;
  constexpr std::string_view bearer = "Bearer ";
  const bool authorized =
      authorization.substr(0, bearer.size()) == bearer &&
      std::find(state.options.api_keys.begin(), state.options.api_keys.end(),
                authorization.substr(bearer.size())) != state.options.api_keys.end();
  if (!authorized) return envelope_error(401, "UNAUTHORIZED_ERROR", "Missing or invalid API key");
  std::string route;
  emulated_response response = route_request(state, method, target, body, route);
  std::lock_guard lock(state.store.mutex);
  if (const auto it = state.delays.find(route); it != state.delays.end())
    response.delay += it->second;
  return response;
}

}  // namespace betterprompt::testing::detail
