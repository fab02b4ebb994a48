// SPDX-License-Identifier: BSL-1.0
// The emulator's catalogue routes: resources, skills, and its own health check.
#pragma once

#include <betterprompt/models/page.hpp>
#include <betterprompt/testing/detail/emulator_catalogue.hpp>
#include <betterprompt/testing/detail/emulator_editions.hpp>
#include <betterprompt/testing/detail/emulator_http.hpp>
#include <betterprompt/testing/detail/emulator_state.hpp>
#include <betterprompt/version.hpp>

#include <boost/json/value_from.hpp>

#include <mutex>
#include <string>

namespace betterprompt::testing::detail {

/// GET /v1/health (emulator only): no key needed, never rate limited.
inline emulated_response handle_health() {
  return envelope_success({{"status", "ok"},
                           {"service", "betterprompt-emulator"},
                           {"version", BETTERPROMPT_VERSION_STRING}});
}

inline emulated_response handle_get_resources(emulator_state& state) {
  std::lock_guard lock(state.store.mutex);
  return envelope_success(boost::json::value_from(state.store.models.data()));
}

/// GET {base}/ without a key: the official client's `doctor` counts any answer below 500 as a
/// reachable API.
inline emulated_response handle_api_root() {
  return envelope_success({{"service", "betterprompt-emulator"}, {"api", "v1"}});
}

/// The latest published version of a skill's prompt, or null (then the skill is not listed).
inline const emulated_prompt* latest_of_skill(const emulator_store& store,
                                              const emulated_skill& s) {
  const auto published = store.published_versions(s.prompt_id, 1);
  return published.empty() ? nullptr : published.front();
}

inline emulated_response handle_search_skills(emulator_state& state, std::string_view query) {
  const auto q = query_param(query, "q");
  if (!q) return validation_error("q is required", "q");
  const std::string_view text = betterprompt::detail::trimmed(*q);
  if (text.empty() || text.size() > 200)
    return validation_error("q must have 1 to 200 characters", "q");
  const auto type = query_param(query, "type");
  if (type && *type != "text" && *type != "image" && *type != "video")
    return validation_error("type must be text, image or video", "type");
  const auto author = query_param(query, "author");
  std::lock_guard lock(state.store.mutex);
  boost::json::array rows;
  for (const auto& [name, s] : state.store.skills()) {
    const emulated_prompt* latest = latest_of_skill(state.store, s);
    if (!latest) continue;
    const bool matches = emulator_store::contains_folded(s.name, text) ||
                         emulator_store::contains_folded(latest->version.title, text) ||
                         (s.description && emulator_store::contains_folded(*s.description, text));
    if (!matches) continue;
    if (type && to_string(state.store.modality_of(*latest)) != *type) continue;
    if (author && s.author != *author) continue;
    rows.push_back(skill_json(state.options, s, latest->version, false));
  }
  return envelope_success({{"rows", std::move(rows)}});
}

inline emulated_response handle_get_skill(emulator_state& state, const std::string& name,
                                          std::string_view query) {
  const auto version = query_param(query, "version");
  if (version && !is_uuid(*version)) return validation_error("version must be a UUID", "version");
  std::lock_guard lock(state.store.mutex);
  const emulated_skill* s = state.store.find_skill(name);
  const emulated_prompt* p = s ? latest_of_skill(state.store, *s) : nullptr;
  if (!p) return envelope_error(betterprompt::error::not_found, "Skill not found");
  if (version) {
    p = state.store.find_version(*version);
    if (!p || p->version.prompt_id != s->prompt_id || p->retired)
      return envelope_error(betterprompt::error::not_found, "Skill version not found");
  }
  return envelope_success(skill_json(state.options, *s, p->version, true));
}

/// A skill's SKILL.md text at its latest version, as its own host serves it (no envelope).
inline emulated_response handle_skillmd(emulator_state& state, const std::string& name) {
  std::lock_guard lock(state.store.mutex);
  const emulated_skill* s = state.store.find_skill(name);
  const emulated_prompt* p = s ? latest_of_skill(state.store, *s) : nullptr;
  if (!p) return {404, "404: Not Found", {}, "text/plain; charset=utf-8"};
  emulated_response r;
  r.body = *skill_row(*s, p->version, true).skillmd;
  r.content_type = "text/markdown; charset=utf-8";
  return r;
}

}  // namespace betterprompt::testing::detail
