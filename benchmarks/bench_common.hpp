// SPDX-License-Identifier: BSL-1.0
// What every benchmark program shares: arguments, latency and CPU measurement, the report line.
//
// Each program runs one client against a running emulator and prints one JSON line:
// {"client", "transport", "concurrency", "requests", "errors", "seconds", "rps", "p50_us",
//  "p99_us", "cpu_us_per_request", "peak_rss_kb"}; benchmarks/run collects and compares them.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

using clock = std::chrono::steady_clock;

/// The command line every program takes (unknown flags are an error).
struct arguments {
  std::string url;      ///< --url: the emulator's base URL (http:// or https://).
  std::string ca_file;  ///< --ca: the emulator's CA (PEM) for https.
  std::string api_key = "bp-emulator-key";  ///< --key
  std::string version_id;                   ///< --version-id: the prompt version to run.
  int concurrency = 1;                      ///< --concurrency: requests in flight at once.
  int requests = 1000;  ///< --requests: timed requests (half creates, half gets).
  int waiters = 1000;   ///< --waiters: for bench_waiters.
  /// --style: for bench_waiters, how the waits are started: "coroutine" (each awaited in its own
  /// coroutine, as most callers write it) or "callback" (the operation alone).
  std::string style = "coroutine";

  bool https() const { return url.rfind("https://", 0) == 0; }
  const char* transport() const { return https() ? "https" : "http"; }
  /// Create + get pairs each worker runs (at least one).
  int pairs_per_worker() const { return std::max(1, requests / 2 / std::max(1, concurrency)); }
  int timed_requests() const { return pairs_per_worker() * 2 * concurrency; }
};

inline arguments parse_arguments(int argc, char** argv) {
  arguments a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) throw std::runtime_error(std::string(flag) + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--url")
      a.url = value;
    else if (flag == "--ca")
      a.ca_file = value;
    else if (flag == "--key")
      a.api_key = value;
    else if (flag == "--version-id")
      a.version_id = value;
    else if (flag == "--concurrency")
      a.concurrency = std::stoi(value);
    else if (flag == "--requests")
      a.requests = std::stoi(value);
    else if (flag == "--waiters")
      a.waiters = std::stoi(value);
    else if (flag == "--style")
      a.style = std::string(value);
    else
      throw std::runtime_error("unknown flag " + std::string(flag));
  }
  if (a.url.empty() || a.version_id.empty())
    throw std::runtime_error("--url and --version-id are required");
  if (a.https() && a.ca_file.empty()) throw std::runtime_error("https needs --ca");
  return a;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The JSON body of POST /v1/runs for the benchmark's prompt.
inline std::string create_body(const arguments& a) {
  return R"({"promptVersionId":")" + a.version_id +
         R"(","inputs":{"textInputs":{"topic":"bench"}}})";
}

/// User + system CPU time of this process, in seconds.
inline double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/// Peak resident set size of this process, in KiB.
inline long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/// Current resident set size of this process, in KiB.
inline long current_rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Latencies of individual requests, in microseconds.
class latencies {
 public:
  void add(clock::duration d) {
    samples_.push_back(std::chrono::duration<double, std::micro>(d).count());
  }
  void merge(const latencies& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  }
  double percentile(double p) {
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(samples_.size() - 1));
    return samples_[index];
  }

 private:
  std::vector<double> samples_;
};

/// The timed phase: wall clock and CPU from start() to stop().
class timed_phase {
 public:
  void start() {
    wall_start_ = clock::now();
    cpu_start_ = cpu_seconds();
  }
  void stop() {
    wall_ = std::chrono::duration<double>(clock::now() - wall_start_).count();
    cpu_ = cpu_seconds() - cpu_start_;
  }
  double wall() const { return wall_; }
  double cpu() const { return cpu_; }

 private:
  clock::time_point wall_start_{};
  double cpu_start_ = 0, wall_ = 0, cpu_ = 0;
};

/// What one worker measured.
struct worker_result {
  latencies lat;
  int errors = 0;
};

/// Prints the report line of a throughput run.
inline void report(const char* client, const arguments& a, const timed_phase& phase, latencies& lat,
                   int errors) {
  const int requests = a.timed_requests();
  boost::json::object line{
      {"client", client},
      {"transport", a.transport()},
      {"concurrency", a.concurrency},
      {"requests", requests},
      {"errors", errors},
      {"seconds", phase.wall()},
      {"rps", requests / phase.wall()},
      {"p50_us", lat.percentile(0.50)},
      {"p99_us", lat.percentile(0.99)},
      {"cpu_us_per_request", phase.cpu() * 1e6 / requests},
      {"peak_rss_kb", peak_rss_kb()},
  };
  std::cout << boost::json::serialize(line) << std::endl;
}

/// Merges the workers' results, prints the report line and returns the error count.
template <class Workers>
int report_workers(const char* client, const arguments& a, const timed_phase& phase,
                   const Workers& workers) {
  latencies all;
  int errors = 0;
  for (const auto& w : workers) {
    all.merge(w.lat);
    errors += w.errors;
  }
  report(client, a, phase, all, errors);
  return errors;
}

/// Runs `body`, turning exceptions into a message and exit code 1.
template <class Body>
int guarded_main(const char* name, Body body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace bench
