// SPDX-License-Identifier: BSL-1.0
// The API's endpoints, once: the SDK builds its request targets from this table, events name the
// endpoint by it, and the emulator matches requests against it, so the two cannot drift apart.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace betterprompt::detail {

/// One endpoint: the operation's name and "METHOD /v1/path/{param}" (at most one parameter, a
/// whole path segment; ids never appear in it).
struct route {
  const char* operation = "call";  ///< E.g. "get_run".
  const char* name = "GET ";       ///< E.g. "GET /v1/runs/{runId}": the emulator's route name.

  /// "GET" or "POST".
  constexpr std::string_view method() const noexcept {
    const std::string_view n = name;
    return n.substr(0, n.find(' '));
  }
  /// "/v1/runs/{runId}", for events (a suffix of name(), so NUL-terminated).
  constexpr const char* path_template() const noexcept { return name + method().size() + 1; }

  /// The request target below the base URL's prefix ("/runs/<id>"): the template without its
  /// "/v1", with `encoded_param` (already percent-encoded) in place of its parameter.
  std::string target(std::string_view encoded_param = {}) const {
    std::string_view path = path_template();
    if (path.starts_with(version_prefix)) path.remove_prefix(version_prefix.size());
    const auto open = path.find('{');
    if (open == std::string_view::npos) return std::string(path);
    const auto close = path.find('}', open);
    std::string out;
    out.reserve(path.size() + encoded_param.size());
    out.append(path.substr(0, open)).append(encoded_param).append(path.substr(close + 1));
    return out;
  }

  /// Whether `path` (a request's path, still percent-encoded, without its query) is this
  /// endpoint's; `param` then holds the parameter's segment as sent (non-empty).
  constexpr bool matches(std::string_view path, std::string_view& param) const noexcept {
    const std::string_view tpl = path_template();
    const auto open = tpl.find('{');
    if (open == std::string_view::npos) return path == tpl;
    const std::string_view before = tpl.substr(0, open);
    const std::string_view after = tpl.substr(tpl.find('}', open) + 1);
    if (path.size() <= before.size() + after.size() || !path.starts_with(before) ||
        !path.ends_with(after))
      return false;
    const std::string_view segment =
        path.substr(before.size(), path.size() - before.size() - after.size());
    if (segment.find('/') != std::string_view::npos) return false;
    param = segment;
    return true;
  }

  /// The API's version prefix, which a base URL's path carries (https://…/v1).
  static constexpr std::string_view version_prefix = "/v1";
};

/// The API's endpoints (and the SKILL.md fetch, which is not the API's).
namespace routes {
inline constexpr route get_prompt{"get_prompt", "GET /v1/prompts/{promptId}"};
inline constexpr route get_prompt_version{"get_prompt_version",
                                          "GET /v1/prompt-versions/{promptVersionId}"};
inline constexpr route list_prompt_versions{"list_prompt_versions",
                                            "GET /v1/prompts/{promptId}/versions"};
inline constexpr route search_prompts{"search_prompts", "GET /v1/prompts/publish"};
inline constexpr route create_run{"create_run", "POST /v1/runs"};
inline constexpr route get_run{"get_run", "GET /v1/runs/{runId}"};
inline constexpr route list_runs{"list_runs", "GET /v1/runs"};
inline constexpr route get_account{"get_account", "GET /v1/me"};
inline constexpr route get_credits{"get_credits", "GET /v1/me/credits"};
inline constexpr route get_resources{"get_resources", "GET /v1/resources"};
inline constexpr route search_skills{"search_skills", "GET /v1/skills"};
inline constexpr route get_skill{"get_skill", "GET /v1/skills/{name}"};
/// Not the API's: a SKILL.md text on its own host (skill::skillmd_url).
inline constexpr route fetch_skillmd{"fetch_skillmd", "GET {skillmdUrl}"};
}  // namespace routes

/// The API's endpoints in matching order: a literal path before a parameter that could take its
/// place (/v1/prompts/publish before /v1/prompts/{promptId}).
inline constexpr route api_routes[] = {
    routes::search_prompts, routes::get_prompt,     routes::get_prompt_version,
    routes::list_prompt_versions, routes::create_run, routes::list_runs,
    routes::get_run,        routes::get_account,    routes::get_credits,
    routes::get_resources,  routes::search_skills,  routes::get_skill,
};

}  // namespace betterprompt::detail
