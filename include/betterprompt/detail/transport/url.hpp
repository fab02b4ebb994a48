// SPDX-License-Identifier: BSL-1.0
// Base-URL parsing and percent-encoding of path segments and query values.
#pragma once

#include <betterprompt/detail/printable.hpp>
#include <betterprompt/error.hpp>

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace betterprompt::detail {

/// A parsed client_options::base_url.
struct endpoint_address {
  bool tls = true;          ///< https
  std::string host;         ///< Host name or IP literal (no brackets).
  std::string port;         ///< Numeric port, defaulted from the scheme.
  std::string host_header;  ///< Value of the Host header (brackets, explicit port kept).
  std::string path_prefix;  ///< e.g. "/v1"; never ends with '/'.
};

/// `url` fit for an error message: user information replaced by "***" (it may hold a
/// password), control and non-ASCII bytes shown as \xNN.
inline std::string redacted_url(std::string_view url) {
  std::string shown;
  const auto scheme_end = url.find("://");
  const auto authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority_start);
  const auto at = url.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= authority_start)
    shown = std::string(url.substr(0, authority_start)) + "***" + std::string(url.substr(at));
  else
    shown = std::string(url);
  return escape_bytes(shown, true);
}

/// True for "localhost" and loopback literals (127.0.0.0/8, ::1): traffic that never leaves the
/// machine.
inline bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.substr(0, 4) != "127.") return false;
  return host.find_first_not_of("0123456789.") == std::string_view::npos;
}

/// Reads "http[s]://host[:port][/prefix]" (the scheme in any case) into `out`; returns why it
/// is not one (a reason that never echoes the URL), or nullptr. A URL with a control character,
/// a space or a non-ASCII byte is refused whole: it could split the request.
inline const char* why_not_base_url(std::string_view url, endpoint_address& out) {
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7F)
      return "control characters, spaces and non-ASCII bytes are not allowed";
  out = endpoint_address{};
  std::string_view rest = url;
  auto has_scheme = [&](std::string_view scheme) {
    if (rest.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(rest[i])) != scheme[i]) return false;
    return true;
  };
  if (has_scheme("https://")) {
    rest.remove_prefix(8);
  } else if (has_scheme("http://")) {
    out.tls = false;
    rest.remove_prefix(7);
  } else {
    return "scheme must be http:// or https://";
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return "user information is not supported";
  if (path.find_first_of("?#") != std::string_view::npos) return "query or fragment not allowed";
  out.host_header = std::string(authority);
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 literal";
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "unexpected text after IPv6 literal";
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return "missing host";
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) > 65535)
      return "port must be a number from 0 to 65535";
    out.port = std::string(port);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.path_prefix = std::string(path);
  return nullptr;
}

/// why_not_base_url as an operation's check: on failure returns error::invalid_argument with
/// `diag` naming the URL (`name`: base_url, proxy) without its user information, and the reason.
inline boost::system::error_code read_base_url(std::string_view url, std::string_view name,
                                               endpoint_address& out, diagnostics& diag) {
  if (const char* why = why_not_base_url(url, out))
    return client_refusal(error::invalid_argument,
                          "invalid " + std::string(name) + " '" + redacted_url(url) + "': " + why,
                          diag);
  return {};
}

/// read_base_url, throwing error_with_diagnostics: for constructors (a client's base_url, a
/// proxy's URL) and tools.
inline endpoint_address parse_base_url(std::string_view url, std::string_view name = "base_url") {
  endpoint_address out;
  diagnostics diag;
  throw_if_refused(read_base_url(url, name, out, diag), std::move(diag));
  return out;
}

/// `s` with each %XX decoded; nullopt for a malformed escape.
inline std::optional<std::string> percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so that a caller-supplied id
/// can never change the request's path or query.
inline std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  const auto unreserved = [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  };
  std::string out;
  out.reserve(text.size());
  // Runs of unreserved characters are copied whole: an id is usually one run.
  while (!text.empty()) {
    std::size_t run = 0;
    while (run < text.size() && unreserved(static_cast<unsigned char>(text[run]))) ++run;
    out.append(text.data(), run);
    if (run == text.size()) break;
    const auto c = static_cast<unsigned char>(text[run]);
    const char escaped[] = {'%', hex[c >> 4], hex[c & 0xF]};
    out.append(escaped, sizeof(escaped));
    text.remove_prefix(run + 1);
  }
  return out;
}

/// `text` without leading and trailing ASCII whitespace (a query's text, as the API trims it).
inline std::string_view trimmed(std::string_view text) noexcept {
  constexpr std::string_view space = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

/// Refuses an empty id before any request is sent ("/runs/" would name another resource):
/// invalid_argument, with `diag` saying which id, or success.
inline boost::system::error_code refuse_empty_id(std::string_view id, std::string_view what,
                                                 diagnostics& diag) {
  if (!id.empty()) return {};
  return client_refusal(error::invalid_argument, std::string(what) + " is empty", diag);
}

}  // namespace betterprompt::detail
