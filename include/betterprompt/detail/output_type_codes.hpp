// SPDX-License-Identifier: BSL-1.0
// How the API spells an output type: as a string (the documented edition) or as a number (the
// newer one). One table, read by the SDK's decoder and written by the emulator.
#pragma once

#include <betterprompt/models/run.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace betterprompt::detail {

/// The newer edition's numbers, indexed by number: 0 text, 1 image, 2 error, 3 video (not the
/// order of output_type, nor of the strings).
inline constexpr std::array<output_type, 4> output_types_by_code{
    output_type::text, output_type::image, output_type::error, output_type::video};

/// The type a number stands for; any other number is unknown.
inline output_type output_type_from_code(std::int64_t code) noexcept {
  return code >= 0 && code < static_cast<std::int64_t>(output_types_by_code.size())
             ? output_types_by_code[static_cast<std::size_t>(code)]
             : output_type::unknown;
}

/// The number that stands for `t`, or -1 for output_type::unknown.
inline int output_type_code(output_type t) noexcept {
  for (std::size_t i = 0; i < output_types_by_code.size(); ++i)
    if (output_types_by_code[i] == t) return static_cast<int>(i);
  return -1;
}

/// The type a string stands for; any other string is unknown.
inline output_type output_type_from_string(std::string_view s) noexcept {
  if (s == "text") return output_type::text;
  if (s == "image") return output_type::image;
  if (s == "video") return output_type::video;
  if (s == "error") return output_type::error;
  return output_type::unknown;
}

}  // namespace betterprompt::detail
