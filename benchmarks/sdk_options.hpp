// SPDX-License-Identifier: BSL-1.0
// Client options of the SDK benchmarks: the emulator's URL, key and CA, no client rate limit.
#pragma once

#include "bench_common.hpp"

#include <betterprompt/client_options.hpp>

namespace bench {

inline betterprompt::client_options sdk_options(const arguments& args) {
  betterprompt::client_options options;
  options.base_url = args.url;
  options.api_key = args.api_key;
  if (args.https()) {
    options.tls.use_system_trust_store = false;
    options.tls.ca_pem = read_file(args.ca_file);
  }
  options.rate_limit.requests_per_second = 0;  // the emulator has no limit here
  options.thread_safe = false;                 // one thread runs each benchmark's io_context
  return options;
}

}  // namespace bench
