// SPDX-License-Identifier: BSL-1.0
// The caller's extra request header fields: checked once, when a client or handle is made, and
// rendered as header lines that every request of that handle appends.
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/detail/printable.hpp>
#include <betterprompt/error.hpp>

#include <boost/beast/core/string.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace betterprompt::detail {

/// RFC 9110 tchar.
inline bool is_token_char(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

/// Why the SDK owns a field, or empty when the caller may set it.
inline std::string_view owned_field_reason(std::string_view name) noexcept {
  struct owned {
    std::string_view name, why;
  };
  static constexpr std::array<owned, 15> fields{{
      {"Host", "the SDK sets it from base_url"},
      {"Authorization", "set client_options::api_key"},
      {"Proxy-Authorization", "set client_options::proxy"},
      {"Content-Length", "the SDK frames the body"},
      {"Transfer-Encoding", "the SDK frames the body"},
      {"Connection", "the SDK manages connections"},
      {"Keep-Alive", "the SDK manages connections"},
      {"TE", "the SDK reads no trailers"},
      {"Trailer", "the SDK sends no trailers"},
      {"Upgrade", "the SDK speaks HTTP/1.1 only"},
      {"Expect", "the SDK sends the body at once"},
      {"cli-agent", "the resources cache sets it"},
      {"User-Agent", "set client_options::user_agent"},
      {"Accept", "the SDK reads JSON only"},
      {"Content-Type", "the SDK sends JSON only"},
  }};
  for (const auto& f : fields)
    if (boost::beast::iequals(f.name, name)) return f.why;
  return {};
}

/// Checks `fields`; throws error::invalid_argument naming the first field that breaks a rule
/// (its name when printable, never its value).
inline void check_extra_headers(const std::vector<header_field>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const header_field& f = fields[i];
    const std::string which = "extra header " + std::to_string(i + 1);
    if (f.name.empty())
      throw_client_error(error::invalid_argument, which + ": the name is empty");
    for (unsigned char c : f.name)
      if (!is_token_char(c))
        throw_client_error(error::invalid_argument,
                           which + " '" + escape_bytes(f.name, true) +
                               "': a name is a token (letters, digits, !#$%&'*+-.^_`|~)");
    if (const auto why = owned_field_reason(f.name); !why.empty())
      throw_client_error(error::invalid_argument,
                         which + " '" + f.name + "' is the SDK's own: " + std::string(why));
    if (f.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      throw_client_error(error::invalid_argument,
                         which + " '" + f.name + "': the value contains CR, LF or NUL");
    for (std::size_t j = 0; j < i; ++j)
      if (boost::beast::iequals(fields[j].name, f.name))
        throw_client_error(error::invalid_argument,
                           which + " '" + f.name + "' is given twice");
  }
}

/// `base` with `added` applied: a field of the same name replaces base's, others are appended.
inline std::vector<header_field> merge_extra_headers(std::vector<header_field> base,
                                                     const std::vector<header_field>& added) {
  for (const header_field& f : added) {
    bool replaced = false;
    for (header_field& b : base)
      if (boost::beast::iequals(b.name, f.name)) {
        b.value = f.value;
        replaced = true;
      }
    if (!replaced) base.push_back(f);
  }
  return base;
}

/// "name: value\r\n" for each field (checked first).
inline std::string render_extra_headers(const std::vector<header_field>& fields) {
  check_extra_headers(fields);
  std::string out;
  for (const header_field& f : fields) out.append(f.name).append(": ").append(f.value).append("\r\n");
  return out;
}

}  // namespace betterprompt::detail
