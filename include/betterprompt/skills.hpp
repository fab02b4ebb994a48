// SPDX-License-Identifier: BSL-1.0
// Skills: the catalogue the official command-line client searches (GET /v1/skills) and installs
// (GET /v1/skills/{name}).
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/skill.hpp>

#include <string>

namespace betterprompt {

namespace detail {
/// GET /v1/skills?q=…[&type=…][&author=…]; refused for a query outside 3–200 characters after
/// trimming, or an unknown type.
BETTERPROMPT_DECL endpoint_call<page<skill>> search_skills_call(std::string query,
                                                                skill_filters filters);
/// GET /v1/skills/{name}[?version=…][&examples=true][&schema=true][&pricing=true]; refused for
/// an empty name.
BETTERPROMPT_DECL endpoint_call<skill> get_skill_call(std::string name, skill_options options);
/// GET `url` on its own host (client_options::skillmd), or the cached text; refused for a URL
/// that breaks the rules of fetch_skillmd.
BETTERPROMPT_DECL endpoint_call<std::string> fetch_skillmd_call(const client& c, std::string url);
/// `s.skillmd` when the skill carries it, else fetch_skillmd_call of `s.skillmd_url`.
BETTERPROMPT_DECL endpoint_call<std::string> fetch_skillmd_call(const client& c, const skill& s);
}  // namespace detail

/// GET /v1/skills?q=…: skills matching `query`, best first, narrowed by `filters`. Completion
/// signature void(error_code, page<skill>) (the API sends no hasMore: has_more stays false).
///
/// Errors: error::invalid_argument, with nothing sent, for a query shorter than 3 characters
/// after trimming or longer than 200, or a filters.type other than text, image or video;
/// error::validation, error::unauthorized, client errors. Any cancellation type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, skill_filters>
auto search_skills(client& c, std::string query, skill_filters filters,
                   CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::search_skills_call(std::move(query), std::move(filters)),
                               nullptr, std::forward<CompletionToken>(token));
}

/// search_skills with no filters. (An overload, not a defaulted argument: GCC 12 mishandles a
/// defaulted class-type argument materialized inside the caller's `co_await` expression.)
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, skill_filters>
auto search_skills(client& c, std::string query, CompletionToken&& token = {}) {
  return search_skills(c, std::move(query), skill_filters{}, std::forward<CompletionToken>(token));
}

/// search_skills, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto search_skills(client& c, std::string query, skill_filters filters, diagnostics& diag,
                   CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::search_skills_call(std::move(query), std::move(filters)),
                               &diag, std::forward<CompletionToken>(token));
}

/// GET /v1/skills/{name}: one skill with its SKILL.md text (skill::skillmd), the latest version
/// or the one `options.version` pins. Completion signature void(error_code, skill).
///
/// Errors: error::not_found (no such skill or version), error::invalid_argument for an empty
/// name (nothing sent), error::validation, error::unauthorized, client errors. Any cancellation
/// type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, skill_options>
auto get_skill(client& c, std::string name, skill_options options, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_skill_call(std::move(name), std::move(options)),
                               nullptr, std::forward<CompletionToken>(token));
}

/// get_skill with the default options (an overload, for the reason search_skills gives).
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, skill_options>
auto get_skill(client& c, std::string name, CompletionToken&& token = {}) {
  return get_skill(c, std::move(name), skill_options{}, std::forward<CompletionToken>(token));
}

/// get_skill, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto get_skill(client& c, std::string name, skill_options options, diagnostics& diag,
               CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_skill_call(std::move(name), std::move(options)),
                               &diag, std::forward<CompletionToken>(token));
}

/// The SKILL.md text at `url` (skill::skillmd_url, the newer edition's commit-pinned URL on
/// another host). Completion signature void(error_code, std::string).
///
/// Its own operation rather than part of get_skill: it goes to another host, which must never
/// see the API's key, and costs a request that a caller after a skill's version or inputs does
/// not need. The request uses the client's transport (its TLS trust anchors, proxy settings with
/// NO_PROXY, connection bound, timeouts by phase) with its own idle connections per host, and
/// carries no Authorization, no `cli-agent` and no extra header. Rules, with error::
/// invalid_argument and nothing sent when one is broken: https only (TLS verified), a host on
/// client_options::skillmd::allowed_hosts, no user information, query or fragment. Redirects are
/// not followed (a 3xx is error::bad_response). The text is at most skillmd.max_bytes
/// (error::response_too_large) and the fetch at most skillmd.timeout (error::timeout). A
/// fetched text is kept by URL (skillmd.cache_entries): the next fetch of that URL sends
/// nothing. Errors: error::not_found (404, 410), error::server_error (5xx, after the client's
/// retries), error::bad_response (another status), client errors. Any cancellation type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto fetch_skillmd(client& c, std::string url, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::fetch_skillmd_call(c, std::move(url)), nullptr,
                               std::forward<CompletionToken>(token));
}

/// A skill's SKILL.md text: `s.skillmd` at once when the API sent it inline (current edition),
/// else fetch_skillmd of `s.skillmd_url` (newer edition); error::not_found, nothing sent, when the
/// skill has neither.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto fetch_skillmd(client& c, const skill& s, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::fetch_skillmd_call(c, s), nullptr,
                               std::forward<CompletionToken>(token));
}

/// fetch_skillmd of `url`, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto fetch_skillmd(client& c, std::string url, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::fetch_skillmd_call(c, std::move(url)), &diag,
                               std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/skills.ipp>
#endif
