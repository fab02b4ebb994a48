// SPDX-License-Identifier: BSL-1.0
// Which HTTP proxy a client goes through: client_options::proxy, or the usual environment
// (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, lower-case forms too), and the Basic credentials its URL
// carries. Pure functions: the environment is passed in.
#pragma once

#include <betterprompt/detail/base64.hpp>
#include <betterprompt/detail/transport/url.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace betterprompt::detail {

/// A proxy to connect through.
struct proxy_config {
  std::string host;  ///< Host name or IP literal.
  std::string port;  ///< Numeric port.
  /// The Proxy-Authorization value ("Basic …") when the URL has credentials; empty otherwise.
  /// Sent to the proxy only: never inside the tunnel, never in a message or event.
  std::string authorization;
  std::string shown;  ///< "http://host:port", for messages (no credentials).
};

/// Parses "[http://][user:password@]host[:port][/]"; throws error::invalid_argument (the
/// message never shows the credentials). The port defaults to 1080, as curl's.
inline proxy_config parse_proxy_url(std::string_view url) {
  auto fail = [&](const std::string& why) {
    throw_client_error(error::invalid_argument,
                       "invalid proxy '" + redacted_url(url) + "': " + why);
  };
  std::string_view rest = url;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    std::string name(rest.substr(0, scheme));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != "http") fail("only http:// proxies are supported (https goes through CONNECT)");
    rest.remove_prefix(scheme + 3);
  }
  proxy_config out;
  const auto authority_end = rest.find_first_of("/?#");
  if (const auto at = rest.substr(0, authority_end).rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    const auto user = percent_decoded(userinfo.substr(0, colon));
    const auto password = percent_decoded(
        colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1));
    if (!user || !password) fail("malformed percent-encoding in the credentials");
    out.authorization = "Basic " + base64_encode(*user + ":" + *password);
    rest.remove_prefix(at + 1);
  }
  const auto end = rest.find_first_of("/?#");
  std::string authority(rest.substr(0, end));
  const bool has_port = !authority.empty() && authority.front() == '['
                            ? authority.find("]:") != std::string::npos
                            : authority.find(':') != std::string::npos;
  if (!has_port) authority += ":1080";
  const std::string plain =
      "http://" + authority + std::string(end == std::string_view::npos ? "" : rest.substr(end));
  endpoint_address address;
  if (const char* why = why_not_base_url(plain, address)) fail(why);
  if (!address.path_prefix.empty()) fail("a proxy URL has no path");
  out.host = address.host;
  out.port = address.port;
  out.shown = "http://" + address.host_header;
  return out;
}

/// True when `no_proxy` (NO_PROXY's comma-separated list: "*", host names, ".domain" or
/// "domain" suffixes, IP literals, each optionally with ":port") exempts `host`:`port`.
inline bool no_proxy_matches(std::string_view no_proxy, std::string_view host,
                             std::string_view port) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string name = lower(host);
  while (!no_proxy.empty()) {
    const auto comma = no_proxy.find(',');
    std::string entry = lower(no_proxy.substr(0, comma));
    no_proxy = comma == std::string_view::npos ? std::string_view() : no_proxy.substr(comma + 1);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    if (entry.empty()) continue;
    if (entry == "*") return true;
    // "host:port" and "[v6]:port" apply to that port only; a bare IPv6 literal has colons.
    std::string entry_port;
    if (entry.front() == '[') {
      const auto close = entry.find(']');
      if (close == std::string::npos) continue;
      if (close + 1 < entry.size() && entry[close + 1] == ':') entry_port = entry.substr(close + 2);
      entry = entry.substr(1, close - 1);
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
      const auto colon = entry.find(':');
      entry_port = entry.substr(colon + 1);
      entry.erase(colon);
    }
    if (!entry_port.empty() && entry_port != port) continue;
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (entry.empty()) continue;
    if (name == entry) return true;
    if (name.size() > entry.size() && name.ends_with(entry) &&
        name[name.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

/// The proxy for `target`: `option` when set (empty: none), else the environment as `getenv`
/// reads it (the scheme's variable, lower-case first as curl does; NO_PROXY exempts hosts).
inline std::optional<proxy_config> proxy_for(
    const endpoint_address& target, const std::optional<std::string>& option,
    const std::function<const char*(const char*)>& getenv) {
  if (option) {
    if (option->empty()) return std::nullopt;
    return parse_proxy_url(*option);
  }
  auto variable = [&](const char* lower, const char* upper) -> std::string {
    const char* value = getenv(lower);
    if (!value || !*value) value = getenv(upper);
    return value ? std::string(value) : std::string();
  };
  const std::string url =
      target.tls ? variable("https_proxy", "HTTPS_PROXY") : variable("http_proxy", "HTTP_PROXY");
  if (url.empty()) return std::nullopt;
  if (no_proxy_matches(variable("no_proxy", "NO_PROXY"), target.host, target.port))
    return std::nullopt;
  return parse_proxy_url(url);
}

}  // namespace betterprompt::detail
