// SPDX-License-Identifier: BSL-1.0
// Text fit for messages and logs: bytes that could forge a line or cut it short shown as \xNN.
#pragma once

#include <string>
#include <string_view>

namespace betterprompt::detail {

/// True for the C0 control characters and DEL.
inline bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

/// Appends `c` to `out` as \xNN.
inline void append_hex_escape(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out += "\\x";
  out += hex[c >> 4];
  out += hex[c & 0xF];
}

/// `text` with control characters (and, when asked, non-ASCII bytes) as \xNN.
inline std::string escape_bytes(std::string_view text, bool escape_non_ascii) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_control(c) || (escape_non_ascii && c >= 0x80))
      append_hex_escape(out, c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

}  // namespace betterprompt::detail
