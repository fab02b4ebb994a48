// SPDX-License-Identifier: BSL-1.0
// Prompt endpoints: fetch versions of a prompt, list them, search the marketplace.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/prompt.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

namespace betterprompt {

namespace detail {
/// GET /v1/prompts/{prompt_id}[?versionId=…]; refused for an empty prompt_id.
BETTERPROMPT_DECL endpoint_call<prompt> get_prompt_call(std::string prompt_id,
                                                        std::string version_id);
/// GET /v1/prompt-versions/{id}; refused for an empty id.
BETTERPROMPT_DECL endpoint_call<prompt> get_prompt_version_call(std::string prompt_version_id);
/// GET /v1/prompts/{prompt_id}/versions; refused for an empty prompt_id.
BETTERPROMPT_DECL endpoint_call<std::vector<prompt>> list_prompt_versions_call(
    std::string prompt_id);
/// GET /v1/prompts/publish?q=….
BETTERPROMPT_DECL endpoint_call<page<prompt>> search_prompts_call(std::string query);
}  // namespace detail

/// GET /v1/prompts/{prompt_id}[?versionId=…]: the prompt's latest published version, or the
/// version named by `version_id` when it is not empty. Completion signature
/// void(error_code, prompt); with the default token, `co_await` returns the prompt and throws
/// error_with_diagnostics.
///
/// Errors: error::not_found, error::validation (malformed id), error::unauthorized, client errors
/// (timeout, tls_error, …); error::invalid_argument for an empty prompt_id. Any cancellation type
/// ends it (operation_aborted; the client stays usable).
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_prompt(client& c, std::string prompt_id, std::string version_id,
                CompletionToken&& token = {}) {
  return detail::initiate_call(c,
                               detail::get_prompt_call(std::move(prompt_id), std::move(version_id)),
                               nullptr, std::forward<CompletionToken>(token));
}

/// The latest published version of a prompt.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken, std::string>
auto get_prompt(client& c, std::string prompt_id, CompletionToken&& token = {}) {
  return get_prompt(c, std::move(prompt_id), std::string(), std::forward<CompletionToken>(token));
}

/// get_prompt, writing the failure's diagnostics to `diag` before completing (an empty
/// version_id: the latest).
template <class CompletionToken = default_completion_token_t>
auto get_prompt(client& c, std::string prompt_id, std::string version_id, diagnostics& diag,
                CompletionToken&& token = {}) {
  return detail::initiate_call(c,
                               detail::get_prompt_call(std::move(prompt_id), std::move(version_id)),
                               &diag, std::forward<CompletionToken>(token));
}

/// GET /v1/prompt-versions/{prompt_version_id}: one published version. Completion signature
/// void(error_code, prompt). Errors and cancellation as get_prompt.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_prompt_version(client& c, std::string prompt_version_id, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_prompt_version_call(std::move(prompt_version_id)),
                               nullptr, std::forward<CompletionToken>(token));
}

/// get_prompt_version, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto get_prompt_version(client& c, std::string prompt_version_id, diagnostics& diag,
                        CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_prompt_version_call(std::move(prompt_version_id)),
                               &diag, std::forward<CompletionToken>(token));
}

/// GET /v1/prompts/{prompt_id}/versions: the prompt's published versions, newest first (the API
/// returns at most 10). Completion signature void(error_code, std::vector<prompt>). Errors and
/// cancellation as get_prompt.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto list_prompt_versions(client& c, std::string prompt_id, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::list_prompt_versions_call(std::move(prompt_id)), nullptr,
                               std::forward<CompletionToken>(token));
}

/// list_prompt_versions, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto list_prompt_versions(client& c, std::string prompt_id, diagnostics& diag,
                          CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::list_prompt_versions_call(std::move(prompt_id)), &diag,
                               std::forward<CompletionToken>(token));
}

/// GET /v1/prompts/publish?q=…: published prompts (marketplace) matching `query`. Completion
/// signature void(error_code, page<prompt>). Errors and cancellation as get_prompt (an empty
/// query lists without filtering).
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto search_prompts(client& c, std::string query, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::search_prompts_call(std::move(query)), nullptr,
                               std::forward<CompletionToken>(token));
}

/// search_prompts, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto search_prompts(client& c, std::string query, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::search_prompts_call(std::move(query)), &diag,
                               std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/prompts.ipp>
#endif
