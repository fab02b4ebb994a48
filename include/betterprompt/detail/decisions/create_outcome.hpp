// SPDX-License-Identifier: BSL-1.0
// What a failed create (POST /v1/runs) left behind, decided from facts alone: was the whole
// request written, which status line was read, was the answer whole, was it an API envelope.
// No guess: "not created" only where nothing could have been processed or the API refused first.
#pragma once

#include <betterprompt/create_outcome.hpp>

namespace betterprompt::detail {

/// What the answer's body turned out to be, once read whole.
enum class answer_body {
  incomplete,        ///< No whole answer was read (cut, stalled, or none at all).
  not_envelope,      ///< Whole, but not an API envelope (a proxy's page, broken JSON).
  error_envelope,    ///< An envelope whose status is an error.
  success_envelope,  ///< An envelope with status "SUCCESS".
};

/// The facts of a create's last attempt. Earlier attempts need none: a create is sent again only
/// after one that provably made nothing (nothing written, or a 429).
struct create_facts {
  /// The whole request was handed to the network. A write cut short leaves the API an incomplete
  /// request (its Content-Length unmet, or a TLS record it cannot decrypt): nothing to process.
  bool request_written = false;
  unsigned status = 0;  ///< The final status line read; 0 when none.
  answer_body body = answer_body::incomplete;
  bool names_run = false;  ///< The envelope's data names the run (a 504's data.runId).
};

/// Statuses the API answers before creating anything: the request was malformed (400), not
/// authorised (401), not paid for (402: credits are reserved when a run is created), about an
/// unknown (404) or retired (410) version, invalid (422) or over the rate limit (429).
inline bool refused_before_creating(unsigned status) noexcept {
  return status == 400 || status == 401 || status == 402 || status == 404 || status == 410 ||
         status == 422 || status == 429;
}

/// The outcome of a create that did not end with its run in hand.
inline create_outcome classify_create(const create_facts& f) noexcept {
  if (!f.request_written) return create_outcome::not_created;
  if (refused_before_creating(f.status)) return create_outcome::not_created;
  if (f.status >= 200 && f.status < 300) {
    // A 2xx status line is the API saying it created the run; only a whole body that is not
    // a success envelope (a middlebox's page, an error dressed as 200) leaves that in doubt.
    if (f.body == answer_body::incomplete || f.body == answer_body::success_envelope)
      return create_outcome::created;
    return create_outcome::unknown;
  }
  if (f.status == 504 && f.body == answer_body::error_envelope && f.names_run)
    return create_outcome::created;
  return create_outcome::unknown;
}

}  // namespace betterprompt::detail
