// SPDX-License-Identifier: BSL-1.0
// Bodies of the skill endpoints.
#pragma once

#include <betterprompt/detail/endpoint_call.hpp>
#include <betterprompt/detail/url.hpp>
#include <betterprompt/skills.hpp>

namespace betterprompt {
namespace detail {

BETTERPROMPT_DECL endpoint_call<page<skill>> search_skills_call(std::string query,
                                                                skill_filters filters) {
  return build_endpoint_call<page<skill>>([&] {
    const std::string_view q = trimmed(query);
    if (q.size() < 3)
      throw_client_error(error::invalid_argument,
                         "skill search query needs at least 3 characters (after trimming)");
    if (q.size() > 200)
      throw_client_error(
          error::invalid_argument,
          "skill search query is longer than 200 characters (" + std::to_string(q.size()) + ")");
    if (!filters.type.empty() && filters.type != "text" && filters.type != "image" &&
        filters.type != "video")
      throw_client_error(error::invalid_argument,
                         "skill_filters::type must be text, image or video");
    std::string target = "/skills?q=" + percent_encode(q);
    if (!filters.type.empty()) target += "&type=" + filters.type;
    if (!filters.author.empty()) target += "&author=" + percent_encode(filters.author);
    endpoint_call<page<skill>> call;
    call.request = api_request::get(routes::search_skills, std::move(target));
    call.decode = &decode_answer<page<skill>>;
    return call;
  });
}

BETTERPROMPT_DECL endpoint_call<skill> get_skill_call(std::string name, skill_options options) {
  return build_endpoint_call<skill>([&] {
    require_id(name, "skill name");
    std::string target = "/skills/" + percent_encode(name);
    char separator = '?';
    auto add = [&](std::string_view key, std::string_view value) {
      target.append(1, separator).append(key).append("=").append(value);
      separator = '&';
    };
    if (!options.version.empty()) add("version", percent_encode(options.version));
    if (options.examples) add("examples", "true");
    if (options.schema) add("schema", "true");
    if (options.pricing) add("pricing", "true");
    endpoint_call<skill> call;
    call.request = api_request::get(routes::get_skill, std::move(target));
    call.decode = &decode_answer<skill>;
    return call;
  });
}

}  // namespace detail
}  // namespace betterprompt
