// SPDX-License-Identifier: BSL-1.0
// What a composed operation hands to its internal handler besides the error code: the value on
// success, the diagnostics on failure. The public layer splits it for the caller's token.
#pragma once

#include <betterprompt/error.hpp>

#include <boost/asio/any_completion_handler.hpp>

namespace betterprompt::detail {

template <class T>
struct outcome {
  T value{};
  diagnostics diag{};
};

/// The type-erased completion of an operation that ends in outcome<T>: what the compiled starts
/// of the operations take (the compile wall), so that a caller's handler type never reaches the
/// transport's templates.
template <class T>
using outcome_completion =
    boost::asio::any_completion_handler<void(boost::system::error_code, outcome<T>)>;

}  // namespace betterprompt::detail
