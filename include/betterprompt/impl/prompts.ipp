// Bodies of the prompt endpoints.
#pragma once

#include <betterprompt/detail/call.hpp>
#include <betterprompt/detail/url.hpp>
#include <betterprompt/prompts.hpp>

namespace betterprompt {

BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt(client& c, std::string prompt_id,
                                                            std::string version_id) {
  auto impl = detail::impl_of(c);
  detail::require_id(prompt_id, "prompt_id");
  std::string target = "/prompts/" + detail::percent_encode(prompt_id);
  if (!version_id.empty()) target += "?versionId=" + detail::percent_encode(version_id);
  auto env = co_await detail::call(std::move(impl), detail::api_request::get(std::move(target)));
  co_return detail::decode_data<prompt>(std::move(env));
}

BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt_version(client& c,
                                                                    std::string prompt_version_id) {
  auto impl = detail::impl_of(c);
  detail::require_id(prompt_version_id, "prompt_version_id");
  std::string target = "/prompt-versions/" + detail::percent_encode(prompt_version_id);
  auto env = co_await detail::call(std::move(impl), detail::api_request::get(std::move(target)));
  co_return detail::decode_data<prompt>(std::move(env));
}

}  // namespace betterprompt
