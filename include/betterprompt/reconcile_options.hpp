// SPDX-License-Identifier: BSL-1.0
// What reconcile_create takes besides the record: its margin, grace period and listing cap.
#pragma once

#include <chrono>

namespace betterprompt {

/// How reconcile_create decides. Checked before anything is sent (error::invalid_argument).
struct reconcile_options {
  /// Added to both ends of the create's window [sent, failed]: createdAt's resolution, and a server
  /// that stamps a run a little before or after it read the request. 0 to 10 s. Default: 2 s.
  std::chrono::milliseconds margin{2000};
  /// How long after the create failed "no run in its window" becomes not_found: the listing may
  /// lag behind creates, and a middlebox may still forward a request it held. Never before the
  /// window has closed on the server's clock (margin and clock bounds). 0 to 60 s. Default: 10 s.
  std::chrono::milliseconds grace{10000};
  /// Pages of 50 runs read per listing at most; past it the answer is ambiguous ("listing too
  /// long"). 1 to 1000. Default: 40 (2 000 runs).
  int max_pages = 40;
};

}  // namespace betterprompt
