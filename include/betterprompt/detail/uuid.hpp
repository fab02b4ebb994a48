// SPDX-License-Identifier: BSL-1.0
// The shape of the API's ids: what the emulator validates and the command line tells apart
// from skill names.
#pragma once

#include <cctype>
#include <cstddef>
#include <string_view>

namespace betterprompt::detail {

/// True for 36 characters in the 8-4-4-4-12 layout of hexadecimal digits and dashes (any
/// version, any case): the form of every id the API gives out.
inline bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace betterprompt::detail
