// SPDX-License-Identifier: BSL-1.0
// The server's clock against ours, as the Date headers of its answers bound it. Reconciling a
// create compares the server's createdAt with our own send and failure times, so the offset is
// an interval that can be trusted, not a single guess.
#pragma once

#include <chrono>

namespace betterprompt {

/// The server's clock minus ours lies within [low, high] (client::server_clock_offset). Its width
/// is about one second (Date's resolution) plus the quickest answer's round trip.
struct clock_offset_bounds {
  std::chrono::milliseconds low{0};   ///< The smallest offset the answers allow.
  std::chrono::milliseconds high{0};  ///< The largest offset the answers allow.
};

}  // namespace betterprompt
