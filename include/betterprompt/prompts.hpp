// Prompt endpoints: fetch a prompt's latest or a specific published version.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/models/prompt.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>

namespace betterprompt {

/// GET /v1/prompts/{prompt_id}[?versionId=…]: the prompt's latest published version, or the
/// version named by `version_id` when it is not empty.
///
/// Throws error_with_diagnostics: error::not_found, error::validation (malformed id),
/// error::unauthorized, client errors (timeout, tls_error, …); error::invalid_argument for an
/// empty prompt_id. Supports terminal cancellation (throws operation_aborted; client stays usable).
BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt(client& c, std::string prompt_id,
                                                            std::string version_id = {});

/// GET /v1/prompt-versions/{prompt_version_id}: one published version. Errors and cancellation
/// as get_prompt.
BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt_version(client& c,
                                                                    std::string prompt_version_id);

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/prompts.ipp>
#endif
