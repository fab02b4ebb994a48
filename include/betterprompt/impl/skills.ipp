// SPDX-License-Identifier: BSL-1.0
// Bodies of the skill endpoints.
#pragma once

#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/skills.hpp>

#include <boost/beast/core/string.hpp>

#include <chrono>

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
    std::string target = routes::search_skills.target() + "?q=" + percent_encode(q);
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
    std::string target = routes::get_skill.target(percent_encode(name));
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

/// A SKILL.md answer: the text on 200; anything else an error that says what the host answered.
inline boost::system::error_code decode_skillmd(api_response&& answer, const std::string& url,
                                                std::string& text, diagnostics& diag) {
  if (answer.http_status == 200) {
    text = std::move(answer.body);
    return {};
  }
  diag.http_status = answer.http_status;
  diag.request_id = std::move(answer.request_id);
  diag.data = {{"url", redacted_url(url)}};
  boost::system::error_code code = error::bad_response;
  std::string why;
  if (answer.http_status / 100 == 3) {
    why = " (redirects are not followed)";
  } else if (answer.http_status == 404 || answer.http_status == 410) {
    code = error::not_found;
  } else if (answer.http_status >= 500) {
    code = error::server_error;
  }
  diag.message = "SKILL.md at " + redacted_url(url) + ": the host answered HTTP " +
                 std::to_string(answer.http_status) + why;
  return code;
}

inline void keep_skillmd(client_handle& client, const std::string& text, const std::string& url,
                         std::optional<std::chrono::system_clock::time_point>) {
  client.state().skillmd_cache().put(url, text);
}

/// Whether `a` is on `allowed` ("host" or "host:port", case-insensitive).
inline bool skillmd_host_allowed(const endpoint_address& a,
                                 const std::vector<std::string>& allowed) {
  const std::string with_port = a.host + ":" + a.port;
  for (const auto& entry : allowed)
    if (boost::beast::iequals(entry, a.host) || boost::beast::iequals(entry, with_port))
      return true;
  return false;
}

BETTERPROMPT_DECL endpoint_call<std::string> fetch_skillmd_call(const client& c, std::string url) {
  return build_endpoint_call<std::string>([&] {
    const auto handle = handle_of(c);
    const skillmd_options& options = handle->options().skillmd;
    if (url.empty()) throw_client_error(error::invalid_argument, "SKILL.md URL is empty");
    const endpoint_address address = parse_base_url(url, "SKILL.md URL");
    if (!address.tls)
      throw_client_error(error::invalid_argument,
                         "SKILL.md URL '" + redacted_url(url) + "': https only");
    if (!skillmd_host_allowed(address, options.allowed_hosts))
      throw_client_error(error::invalid_argument,
                         "SKILL.md URL '" + redacted_url(url) + "': host '" + address.host +
                             "' is not on client_options::skillmd::allowed_hosts");
    endpoint_call<std::string> call;
    if (auto cached = handle->state().skillmd_cache().find(url)) {
      call.known = std::move(*cached);
      return call;
    }
    // Chosen now, once: a TLS setup failure is then a refusal.
    call.request = api_request::get(routes::fetch_skillmd,
                                    address.path_prefix.empty() ? "/" : address.path_prefix);
    call.request.to = &handle->state().origin_for(address);
    call.request.max_body = options.max_bytes;
    if (options.timeout.count() > 0)
      call.request.deadline = std::chrono::steady_clock::now() + options.timeout;
    call.decode_raw = &decode_skillmd;
    call.record_value = &keep_skillmd;
    call.context = std::move(url);
    return call;
  });
}

BETTERPROMPT_DECL endpoint_call<std::string> fetch_skillmd_call(const client& c, const skill& s) {
  if (s.skillmd) {
    endpoint_call<std::string> call;
    call.known = *s.skillmd;
    return call;
  }
  if (s.skillmd_url) return fetch_skillmd_call(c, *s.skillmd_url);
  return build_endpoint_call<std::string>([&]() -> endpoint_call<std::string> {
    diagnostics diag;
    diag.message = "skill '" + s.name + "' carries neither skillmd nor metadata.skillmdUrl";
    throw error_with_diagnostics(error::not_found, std::move(diag));
  });
}

}  // namespace detail
}  // namespace betterprompt
