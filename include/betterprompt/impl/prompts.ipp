// Bodies of the prompt endpoints.
#pragma once

#include <betterprompt/detail/call.hpp>
#include <betterprompt/detail/prompt_versions.hpp>
#include <betterprompt/detail/url.hpp>
#include <betterprompt/prompts.hpp>

namespace betterprompt {

namespace detail {
inline std::string prompt_target(const std::string& prompt_id, const std::string& version_id) {
  require_id(prompt_id, "prompt_id");
  std::string target = "/prompts/" + percent_encode(prompt_id);
  if (!version_id.empty()) target += "?versionId=" + percent_encode(version_id);
  return target;
}

inline std::string prompt_version_target(const std::string& prompt_version_id) {
  require_id(prompt_version_id, "prompt_version_id");
  return "/prompt-versions/" + percent_encode(prompt_version_id);
}

inline boost::asio::awaitable<prompt> fetch_prompt(std::shared_ptr<client_impl> impl,
                                                   std::string target) {
  auto env = co_await call(std::move(impl), api_request::get(std::move(target)));
  co_return decode_data<prompt>(std::move(env));
}

BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt_op(std::shared_ptr<client_impl> state,
                                                               std::string prompt_id,
                                                               std::string version_id) {
  prompt p = co_await fetch_prompt(std::move(state), prompt_target(prompt_id, version_id));
  co_return p;
}

BETTERPROMPT_DECL boost::asio::awaitable<prompt> get_prompt_version_op(
    std::shared_ptr<client_impl> state, std::string prompt_version_id) {
  prompt p = co_await fetch_prompt(std::move(state), prompt_version_target(prompt_version_id));
  co_return p;
}

BETTERPROMPT_DECL boost::asio::awaitable<std::vector<prompt>> list_prompt_versions_op(
    std::shared_ptr<client_impl> state, std::string prompt_id) {
  require_id(prompt_id, "prompt_id");
  std::string target = "/prompts/" + percent_encode(prompt_id) + "/versions";
  auto env = co_await call(std::move(state), api_request::get(std::move(target)));
  co_return decode_versions(std::move(env), prompt_id);
}

BETTERPROMPT_DECL boost::asio::awaitable<page<prompt>> search_prompts_op(
    std::shared_ptr<client_impl> state, std::string query) {
  std::string target = "/prompts/publish?q=" + percent_encode(query);
  auto env = co_await call(std::move(state), api_request::get(std::move(target)));
  co_return decode_data<page<prompt>>(std::move(env));
}

}  // namespace detail
}  // namespace betterprompt
