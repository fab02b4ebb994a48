// Prompt endpoints: fetch versions of a prompt, list them, search the marketplace.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/prompt.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace betterprompt {

/// GET /v1/prompts/{prompt_id}[?versionId=…]: the prompt's latest published version, or the
/// version named by `version_id` when it is not empty.
///
/// Throws error_with_diagnostics: error::not_found, error::validation (malformed id),
/// error::unauthorized, client errors (timeout, tls_error, …); error::invalid_argument for an
/// empty prompt_id. Any cancellation type ends it (throws operation_aborted; client stays usable).
BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt(client& c, std::string prompt_id,
                                                            std::string version_id);

/// The latest published version of a prompt. (An overload, not a default argument: GCC 12
/// mishandles defaulted non-trivial arguments of coroutines.)
inline boost::asio::awaitable<prompt> get_prompt(client& c, std::string prompt_id) {
  return get_prompt(c, std::move(prompt_id), std::string());
}

/// GET /v1/prompt-versions/{prompt_version_id}: one published version. Errors and cancellation
/// as get_prompt.
BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt_version(client& c,
                                                                    std::string prompt_version_id);

/// GET /v1/prompts/{prompt_id}/versions: the prompt's published versions, newest first (the API
/// returns at most 10). Errors and cancellation as get_prompt.
BETTERPROMPT_DECL boost::asio::awaitable<std::vector<prompt>> list_prompt_versions(
    client& c, std::string prompt_id);

/// GET /v1/prompts/publish?q=…: published prompts (marketplace) matching `query`.
/// Errors and cancellation as get_prompt (an empty query lists without filtering).
BETTERPROMPT_DECL boost::asio::awaitable<page<prompt>> search_prompts(client& c, std::string query);

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/prompts.ipp>
#endif
