// SPDX-License-Identifier: BSL-1.0
// Which cancellation types an API call honours: a decision of its own, free of I/O.
#pragma once

#include <boost/asio/cancellation_type.hpp>

namespace betterprompt::detail {

/// What a cancellation of `requested` type does to a call: terminal (it ends) or none (ignored).
/// A call without side effects (a GET, a wait) ends on any type. A call with side effects (a run
/// create) ends on terminal cancellation, and on partial or total only while its request has
/// provably not been sent, since a sent create cannot be taken back.
inline boost::asio::cancellation_type_t honoured_cancellation(
    boost::asio::cancellation_type_t requested, bool has_side_effects, bool sent) noexcept {
  using boost::asio::cancellation_type;
  if (requested == cancellation_type::none) return cancellation_type::none;
  const bool terminal = (requested & cancellation_type::terminal) != cancellation_type::none;
  if (has_side_effects && sent && !terminal) return cancellation_type::none;
  return cancellation_type::terminal;
}

}  // namespace betterprompt::detail
