// SPDX-License-Identifier: BSL-1.0
// The accounting run at scale (outside CI): N create (+ wait) operations through the fault proxy,
// each checked against the emulator's record of runs; prints the table RESULTS.md shows.
// Usage: bench_accounting [--operations N] [--concurrency C] [--seed S] [--probability P]
//                         [--versions 1|2] [--reconcile 0|1] [--resend 0|1] [--grace-ms G]
#include "support/accounting.hpp"

#include <cstdlib>
#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
  bp_accounting::config cfg;
  cfg.operations = 10000;
  cfg.limit = std::chrono::seconds(3600);
  bool explain = false;  // --explain 1: whose runs made each ambiguous answer ambiguous
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--operations")
      cfg.operations = std::strtoull(value, nullptr, 10);
    else if (flag == "--concurrency")
      cfg.concurrency = std::strtoull(value, nullptr, 10);
    else if (flag == "--seed")
      cfg.seed = std::strtoull(value, nullptr, 10);
    else if (flag == "--probability")
      cfg.fault_probability = std::strtod(value, nullptr);
    else if (flag == "--versions")
      cfg.versions = std::strtoull(value, nullptr, 10);
    else if (flag == "--reconcile")
      cfg.reconcile = std::string_view(value) == "1";
    else if (flag == "--resend")
      cfg.resend = std::string_view(value) == "1";
    else if (flag == "--explain")
      explain = std::string_view(value) == "1";
    else if (flag == "--margin-ms")
      cfg.margin = std::chrono::milliseconds(std::strtoll(value, nullptr, 10));
    else if (flag == "--grace-ms")
      cfg.grace = std::chrono::milliseconds(std::strtoll(value, nullptr, 10));
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  const auto r = bp_accounting::run_accounting(cfg);
  std::cout << "accounting: " << cfg.operations << " create+wait, concurrency " << cfg.concurrency
            << ", seed " << cfg.seed << ", " << cfg.fault_probability << " per fault kind ("
            << 8 * cfg.fault_probability * 100 << " % of requests), "
            << (cfg.versions == 1 ? "one prompt version" : "two prompt versions")
            << (cfg.reconcile ? ", reconciled (grace " + std::to_string(cfg.grace.count()) +
                                    " ms, margin " + std::to_string(cfg.margin.count()) + " ms)"
                              : std::string(", not reconciled"))
            << (cfg.resend ? ", resent after not_found" : "") << "\n\n"
            << r.table();
  if (explain)
    for (const auto& line : r.ambiguities) std::cout << "ambiguous: " << line << "\n";
  return 0;
}
