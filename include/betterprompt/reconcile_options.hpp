// SPDX-License-Identifier: BSL-1.0
// What reconcile_create takes besides the record: its margin, grace period and listing cap.
#pragma once

#include <chrono>

namespace betterprompt {

/// How reconcile_create decides. Checked before anything is sent (error::invalid_argument).
struct reconcile_options {
  /// Added to both ends of the create's window [sent, failed], beyond the clock bounds the
  /// server's Date headers give: a server that stamps createdAt on a clock a little off the one
  /// that dates its answers. createdAt's own precision (a whole second when it has no fraction)
  /// is added by itself, and so is how far outside [sent, answered] the runs of answered creates
  /// were stamped: a server that stamps late widens the windows by itself, up to 10 s. Too wide
  /// makes concurrent creates of one version ambiguous; too narrow is what that self-check
  /// guards. 0 to 10 s. Default: 100 ms.
  std::chrono::milliseconds margin{100};
  /// How long after the create failed "no run in its window" becomes not_found: the listing may
  /// lag behind creates, and a middlebox may still forward a request it held. Never before the
  /// window has closed on the server's clock (margin and clock bounds). 0 to 60 s. Default: 10 s.
  std::chrono::milliseconds grace{10000};
  /// Pages of 50 runs read per listing at most; past it the answer is ambiguous ("listing too
  /// long"). 1 to 1000. Default: 40 (2 000 runs).
  int max_pages = 40;
};

}  // namespace betterprompt
