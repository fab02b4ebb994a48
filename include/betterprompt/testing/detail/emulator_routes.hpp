// SPDX-License-Identifier: BSL-1.0
// The emulator's HTTP semantics: auth, routing, validation and envelopes, per the API contract.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/testing/detail/emulator_catalogue_routes.hpp>
#include <betterprompt/testing/detail/emulator_faults.hpp>
#include <betterprompt/testing/detail/emulator_http.hpp>
#include <betterprompt/testing/detail/emulator_listing_routes.hpp>
#include <betterprompt/testing/detail/emulator_state.hpp>
#include <betterprompt/testing/detail/emulator_store.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace betterprompt::testing::detail {

/// Checks runModel and runOptions against the model that will run: the runModel override when
/// given, else the prompt's own.
inline std::optional<emulated_response> validate_run_options(const emulator_store& store,
                                                             const emulated_prompt& p,
                                                             const run_request& req) {
  const std::string& name = req.run_model.empty() ? p.model : req.run_model;
  const model_info* m = store.models.find(name);
  if (!m && !req.run_model.empty())
    return validation_error("unknown runModel '" + req.run_model + "'", "runModel");
  for (const auto& [key, value] : req.run_options) {
    const run_option* option = m ? m->find_option(key) : nullptr;
    if (!option)
      return validation_error("unknown runOptions key '" + key + "' for model '" + name + "'",
                              "runOptions." + key);
    if (!option->accepts(value))
      return validation_error(
          "runOptions." + key + " of model '" + name + "' does not accept '" + value + "'",
          "runOptions." + key);
  }
  return std::nullopt;
}

/// Checks a create-run body against the prompt's input configuration and its model; nullopt
/// when valid.
inline std::optional<emulated_response> validate_run(const emulator_store& store,
                                                     const emulated_prompt& p,
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
  return validate_run_options(store, p, req);
}

inline emulated_response handle_create_run(emulator_state& state, std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  if (ec || !json.is_object())
    return envelope_error(betterprompt::error::bad_request, "request body must be a JSON object");
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
  if (!p) return envelope_error(betterprompt::error::not_found, "Prompt version not found");
  if (p->retired) return envelope_error(betterprompt::error::gone, "Prompt version is retired");
  if (auto invalid = validate_run(state.store, *p, req)) return std::move(*invalid);
  if (state.store.credits_left(clock::now()) < p->credit_estimate)
    return envelope_error(betterprompt::error::payment_required, "Not enough credits for this run");
  const model_info* model =
      state.store.models.find(req.run_model.empty() ? p->model : req.run_model);
  const bool reasoning = model && model->find_option("reasoningEffort");
  const run_record& record = state.store.create_run(*p, req, reasoning);
  if (record.duration <= state.options.sync_window) {
    auto response = envelope_success(run_json(state.options, record.final_state));
    response.delay = record.duration;
    return response;
  }
  auto response = envelope_error(betterprompt::error::gateway_timeout,
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
  const emulated_prompt* p = nullptr;
  if (version_id) {
    p = state.store.find_version(*version_id);
  } else if (const auto published = state.store.published_versions(prompt_id, 1);
             !published.empty()) {
    p = published.front();  // the latest version that is not retired
  }
  if (!p || p->version.prompt_id != prompt_id)
    return envelope_error(betterprompt::error::not_found, "Prompt not found");
  if (p->retired) return envelope_error(betterprompt::error::gone, "Prompt version is retired");
  return envelope_success(boost::json::value_from(p->version));
}

inline emulated_response handle_get_prompt_version(emulator_state& state,
                                                   const std::string& version_id) {
  if (!is_uuid(version_id))
    return validation_error("promptVersionId must be a UUID", "promptVersionId");
  std::lock_guard lock(state.store.mutex);
  const emulated_prompt* p = state.store.find_version(version_id);
  if (!p) return envelope_error(betterprompt::error::not_found, "Prompt version not found");
  if (p->retired) return envelope_error(betterprompt::error::gone, "Prompt version is retired");
  return envelope_success(boost::json::value_from(p->version));
}

inline emulated_response handle_get_run(emulator_state& state, const std::string& run_id) {
  if (!is_uuid(run_id)) return validation_error("runId must be a UUID", "runId");
  std::lock_guard lock(state.store.mutex);
  const run_record* record = state.store.find_run(run_id);
  if (!record) return envelope_error(betterprompt::error::not_found, "Run not found");
  return envelope_success(run_json(state.options, emulator_store::snapshot(*record, clock::now())));
}

/// A request's route: the contract's name (one of routes::), its path id and its query.
struct matched_route {
  std::string_view name;  ///< Empty when no route matches.
  std::optional<std::string> id;
  std::string_view query;
};

inline matched_route match_route(boost::beast::http::verb method, std::string_view target) {
  using boost::beast::http::verb;
  const auto qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  matched_route m;
  m.query = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  if (method != verb::get && method != verb::post) return m;
  if (method == verb::get) {
    if (path == "/v1/health") {
      m.name = routes::health;
      return m;
    }
    if (path == "/" || path == "/v1" || path == "/v1/") {
      m.name = routes::api_root;
      return m;
    }
    if (!path.starts_with("/v1/") && path.ends_with("/SKILL.md")) {
      // <anything>/skills/<name>/SKILL.md
      const std::string_view rest =
          path.substr(0, path.size() - std::string_view("/SKILL.md").size());
      const auto slash = rest.rfind('/');
      if (slash != std::string_view::npos && rest.substr(0, slash).ends_with("/skills")) {
        m.id = percent_decode(rest.substr(slash + 1));
        if (m.id) m.name = routes::skillmd;
      }
      return m;
    }
  }
  // The API's own routes, from the table the SDK builds its requests with.
  for (const auto& route : betterprompt::detail::api_routes) {
    std::string_view param;
    if (route.method() != boost::beast::http::to_string(method) || !route.matches(path, param))
      continue;
    if (!param.empty()) {
      m.id = percent_decode(param);
      if (!m.id) continue;  // not a valid percent-encoding: no route
    }
    m.name = route.name;
    return m;
  }
  return m;
}

/// Processes a matched request.
inline emulated_response dispatch(emulator_state& state, const matched_route& m,
                                  std::string_view body) {
  const std::string_view r = m.name;
  if (r == routes::create_run) return handle_create_run(state, body);
  if (r == routes::list_runs) return handle_list_runs(state, m.query);
  if (r == routes::search_prompts)
    return handle_search_prompts(state, query_param(m.query, "q").value_or(""));
  if (r == routes::get_account) return handle_get_account(state);
  if (r == routes::get_credits) return handle_get_credits(state);
  if (r == routes::list_prompt_versions) return handle_list_prompt_versions(state, *m.id);
  if (r == routes::get_run) return handle_get_run(state, *m.id);
  if (r == routes::get_prompt)
    return handle_get_prompt(state, *m.id, query_param(m.query, "versionId"));
  if (r == routes::get_prompt_version) return handle_get_prompt_version(state, *m.id);
  if (r == routes::get_resources) return handle_get_resources(state);
  if (r == routes::search_skills) return handle_search_skills(state, m.query);
  if (r == routes::get_skill) return handle_get_skill(state, *m.id, m.query);
  if (r == routes::skillmd) return handle_skillmd(state, *m.id);
  return envelope_error(betterprompt::error::not_found, "No route for this method and path");
}

/// The request header fields the emulator reads.
struct request_fields {
  std::string_view authorization;  ///< Authorization.
  std::string_view cli_agent;      ///< cli-agent (the resources cache protocol).
};

/// True when `cli_agent` announces a resources hash other than the catalogue's.
inline bool stale_resources_hash(std::string_view cli_agent, const std::string& current) {
  constexpr std::string_view key = "resources_hash=";
  const auto at = cli_agent.find(key);
  if (at == std::string_view::npos) return false;
  std::string_view announced = cli_agent.substr(at + key.size());
  announced = announced.substr(0, announced.find_first_of(";, "));
  return announced != current;
}

/// The 401 of a missing or wrong key, or the 429 of the rate limit; nullopt to go on.
inline std::optional<emulated_response> check_key_and_rate(emulator_state& state,
                                                           std::string_view authorization) {
  constexpr std::string_view bearer = "Bearer ";
  bool authorized = false;
  if (authorization.substr(0, bearer.size()) == bearer) {
    std::lock_guard lock(state.store.mutex);
    const auto& keys = state.options.api_keys;
    authorized =
        std::find(keys.begin(), keys.end(), authorization.substr(bearer.size())) != keys.end();
  }
  if (!authorized) return envelope_error(betterprompt::error::unauthorized, "Missing or invalid API key");
  return take_rate_limit(state);
}

/// Handles one request: auth, rate limit, injected faults, routing, the resources cache
/// protocol, and its route's delay.
inline emulated_response handle_request(emulator_state& state, boost::beast::http::verb method,
                                        std::string_view target, const request_fields& fields,
                                        std::string_view body) {
  ++state.requests;
  const matched_route route = match_route(method, target);
  state.waiters->arrived(route.name.empty() ? std::string_view("?") : route.name);
  if (route.name == routes::health) return handle_health();
  if (route.name == routes::api_root) return handle_api_root();
  // SKILL.md lies on its own host, which takes no key and has no API rate limit.
  if (route.name != routes::skillmd) {
    if (auto refused = check_key_and_rate(state, fields.authorization)) return std::move(*refused);
  }
  const std::optional<fault> injected = take_fault(state, route.name);
  if (injected) {
    if (auto replaced = fault_response(*injected)) return std::move(*replaced);
  }
  emulated_response response = dispatch(state, route, body);
  if (injected) apply_fault(*injected, response);
  std::lock_guard lock(state.store.mutex);
  response.update_resources = stale_resources_hash(fields.cli_agent, state.store.models.hash());
  if (const auto it = state.delays.find(std::string(route.name)); it != state.delays.end())
    response.delay += it->second;
  return response;
}

}  // namespace betterprompt::testing::detail
