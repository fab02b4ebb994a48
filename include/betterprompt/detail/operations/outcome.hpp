// SPDX-License-Identifier: BSL-1.0
// What a composed operation hands to its internal handler besides the error code: the value on
// success, the diagnostics on failure. The public layer splits it for the caller's token.
#pragma once

#include <betterprompt/error.hpp>

namespace betterprompt::detail {

template <class T>
struct outcome {
  T value{};
  diagnostics diag{};
};

}  // namespace betterprompt::detail
