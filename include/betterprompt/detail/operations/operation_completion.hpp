// SPDX-License-Identifier: BSL-1.0
// How a composed operation completes inside the library: the error code, the value (default on
// failure) and the diagnostics, which tell what answered on success too. The public layer splits
// them for the caller's token; result<T> is the one public type that holds all three.
#pragma once

#include <betterprompt/error.hpp>

#include <boost/asio/any_completion_handler.hpp>

namespace betterprompt::detail {

/// The completion signature of an operation that ends in a T.
template <class T>
using operation_signature = void(boost::system::error_code, T, diagnostics);

/// The type-erased completion of an operation that ends in a T: what the compiled starts of the
/// operations take (the compile wall), so that a caller's handler type never reaches the
/// transport's templates.
template <class T>
using operation_completion = boost::asio::any_completion_handler<operation_signature<T>>;

}  // namespace betterprompt::detail
