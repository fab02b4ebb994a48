// SPDX-License-Identifier: BSL-1.0
// Bodies of the skill endpoints.
#pragma once

#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/detail/transport/url.hpp>
#include <betterprompt/skills.hpp>

#include <boost/beast/core/string.hpp>

#include <chrono>

namespace betterprompt {
namespace detail {

/// Refuses what the API refuses in a skill search: invalid_argument saying what, or success.
inline boost::system::error_code check_skill_search(std::string_view q,
                                                    const skill_filters& filters,
                                                    diagnostics& diag) {
  if (q.size() < 3)
    return client_refusal(error::invalid_argument,
                          "skill search query needs at least 3 characters (after trimming)", diag);
  if (q.size() > 200)
    return client_refusal(
        error::invalid_argument,
        "skill search query is longer than 200 characters (" + std::to_string(q.size()) + ")",
        diag);
  if (!filters.type.empty() && filters.type != "text" && filters.type != "image" &&
      filters.type != "video")
    return client_refusal(error::invalid_argument,
                          "skill_filters::type must be text, image or video", diag);
  return {};
}

BETTERPROMPT_DECL endpoint_call<page<skill>> search_skills_call(std::string query,
                                                                skill_filters filters) {
  const std::string_view q = trimmed(query);
  diagnostics diag;
  if (auto ec = check_skill_search(q, filters, diag))
    return refused_call<page<skill>>(ec, std::move(diag));
  std::string target = routes::search_skills.target() + "?q=" + percent_encode(q);
  if (!filters.type.empty()) target += "&type=" + filters.type;
  if (!filters.author.empty()) target += "&author=" + percent_encode(filters.author);
  endpoint_call<page<skill>> call;
  call.request = api_request::get(routes::search_skills, std::move(target));
  call.decode = &decode_answer<page<skill>>;
  return call;
}

BETTERPROMPT_DECL endpoint_call<skill> get_skill_call(std::string name, skill_options options) {
  diagnostics diag;
  if (auto ec = refuse_empty_id(name, "skill name", diag))
    return refused_call<skill>(ec, std::move(diag));
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

/// Refuses a SKILL.md URL that is not https or not on the allow-list: invalid_argument saying
/// why (the URL redacted), or success with `address` read.
inline boost::system::error_code check_skillmd_url(const std::string& url,
                                                   const skillmd_options& options,
                                                   endpoint_address& address, diagnostics& diag) {
  if (url.empty()) return client_refusal(error::invalid_argument, "SKILL.md URL is empty", diag);
  if (auto ec = read_base_url(url, "SKILL.md URL", address, diag)) return ec;
  if (!address.tls)
    return client_refusal(error::invalid_argument,
                          "SKILL.md URL '" + redacted_url(url) + "': https only", diag);
  if (!skillmd_host_allowed(address, options.allowed_hosts))
    return client_refusal(error::invalid_argument,
                          "SKILL.md URL '" + redacted_url(url) + "': host '" + address.host +
                              "' is not on client_options::skillmd::allowed_hosts",
                          diag);
  return {};
}

BETTERPROMPT_DECL endpoint_call<std::string> fetch_skillmd_call(const client& c, std::string url) {
  const auto handle = handle_of(c);
  const skillmd_options& options = handle->options().skillmd;
  endpoint_address address;
  diagnostics diag;
  if (auto ec = check_skillmd_url(url, options, address, diag))
    return refused_call<std::string>(ec, std::move(diag));
  endpoint_call<std::string> call;
  if (auto cached = handle->state().skillmd_cache().find(url)) {
    call.known = std::move(*cached);
    return call;
  }
  // Chosen now, once: a TLS setup failure is then a refusal.
  origin* to = nullptr;
  if (auto ec = handle->state().origin_for(address, to, diag))
    return refused_call<std::string>(ec, std::move(diag));
  call.request = api_request::get(routes::fetch_skillmd,
                                  address.path_prefix.empty() ? "/" : address.path_prefix);
  call.request.to = to;
  call.request.max_body = options.max_bytes;
  if (options.timeout.count() > 0)
    call.request.deadline = std::chrono::steady_clock::now() + options.timeout;
  call.decode_raw = &decode_skillmd;
  call.record_value = &keep_skillmd;
  call.context = std::move(url);
  return call;
}

BETTERPROMPT_DECL endpoint_call<std::string> fetch_skillmd_call(const client& c, const skill& s) {
  if (s.skillmd) {
    endpoint_call<std::string> call;
    call.known = *s.skillmd;
    return call;
  }
  if (s.skillmd_url) return fetch_skillmd_call(c, *s.skillmd_url);
  diagnostics diag;
  diag.message = "skill '" + s.name + "' carries neither skillmd nor metadata.skillmdUrl";
  return refused_call<std::string>(error::not_found, std::move(diag));
}

}  // namespace detail
}  // namespace betterprompt
