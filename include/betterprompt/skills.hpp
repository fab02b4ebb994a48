// SPDX-License-Identifier: BSL-1.0
// Skills: the catalogue the official command-line client searches (GET /v1/skills) and installs
// (GET /v1/skills/{name}).
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/endpoint_call.hpp>
#include <betterprompt/detail/initiate.hpp>
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

/// search_skills, writing the failure's diagnostics to `diag` before completing.
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

/// get_skill, writing the failure's diagnostics to `diag` before completing.
template <class CompletionToken = default_completion_token_t>
auto get_skill(client& c, std::string name, skill_options options, diagnostics& diag,
               CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_skill_call(std::move(name), std::move(options)),
                               &diag, std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/skills.ipp>
#endif
