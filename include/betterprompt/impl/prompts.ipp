// SPDX-License-Identifier: BSL-1.0
// Bodies of the prompt endpoints.
#pragma once

#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/detail/prompt_versions.hpp>
#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/prompts.hpp>

namespace betterprompt {

namespace detail {

BETTERPROMPT_DECL endpoint_call<prompt> get_prompt_call(std::string prompt_id,
                                                        std::string version_id) {
  diagnostics diag;
  if (auto ec = refuse_empty_id(prompt_id, "prompt_id", diag))
    return refused_call<prompt>(ec, std::move(diag));
  std::string target = routes::get_prompt.target(percent_encode(prompt_id));
  if (!version_id.empty()) target += "?versionId=" + percent_encode(version_id);
  endpoint_call<prompt> call;
  call.request = api_request::get(routes::get_prompt, std::move(target));
  call.decode = &decode_answer<prompt>;
  return call;
}

BETTERPROMPT_DECL endpoint_call<prompt> get_prompt_version_call(std::string prompt_version_id) {
  diagnostics diag;
  if (auto ec = refuse_empty_id(prompt_version_id, "prompt_version_id", diag))
    return refused_call<prompt>(ec, std::move(diag));
  endpoint_call<prompt> call;
  call.request =
      api_request::get(routes::get_prompt_version,
                       routes::get_prompt_version.target(percent_encode(prompt_version_id)));
  call.decode = &decode_answer<prompt>;
  return call;
}

BETTERPROMPT_DECL endpoint_call<std::vector<prompt>> list_prompt_versions_call(
    std::string prompt_id) {
  diagnostics diag;
  if (auto ec = refuse_empty_id(prompt_id, "prompt_id", diag))
    return refused_call<std::vector<prompt>>(ec, std::move(diag));
  endpoint_call<std::vector<prompt>> call;
  call.request = api_request::get(routes::list_prompt_versions,
                                  routes::list_prompt_versions.target(percent_encode(prompt_id)));
  call.decode = &decode_versions;
  call.context = std::move(prompt_id);
  return call;
}

BETTERPROMPT_DECL endpoint_call<page<prompt>> search_prompts_call(std::string query) {
  endpoint_call<page<prompt>> call;
  call.request = api_request::get(routes::search_prompts,
                                  routes::search_prompts.target() + "?q=" + percent_encode(query));
  call.decode = &decode_answer<page<prompt>>;
  return call;
}

}  // namespace detail
}  // namespace betterprompt
