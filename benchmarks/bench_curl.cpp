// SPDX-License-Identifier: BSL-1.0
// What users would otherwise write: libcurl's multi interface, one easy handle per worker
// (connections reused through the multi handle's cache, TLS peer and host verification on), each
// response parsed with Boost.JSON.
#include "bench_common.hpp"

#include <boost/json/parse.hpp>

#include <curl/curl.h>

#include <memory>

namespace {

struct worker {
  CURL* easy = nullptr;
  std::string body;    // the response being received
  std::string run_id;  // set after a create: the next request fetches it
  int pairs_left = 0;
  bench::clock::time_point started{};
  bench::latencies lat;
  int errors = 0;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

class curl_bench {
 public:
  explicit curl_bench(const bench::arguments& args)
      : args_(args), create_body_(bench::create_body(args)) {
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(args.concurrency));
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(args.concurrency));
    headers_ = curl_slist_append(headers_, ("Authorization: Bearer " + args.api_key).c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, "Accept: application/json");
    headers_ = curl_slist_append(headers_, "Expect:");
    workers_.resize(static_cast<std::size_t>(args.concurrency));
    for (auto& w : workers_) {
      w.easy = curl_easy_init();
      curl_easy_setopt(w.easy, CURLOPT_HTTPHEADER, headers_);
      curl_easy_setopt(w.easy, CURLOPT_WRITEFUNCTION, collect);
      curl_easy_setopt(w.easy, CURLOPT_WRITEDATA, &w.body);
      curl_easy_setopt(w.easy, CURLOPT_PRIVATE, &w);
      curl_easy_setopt(w.easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
      if (args.https()) {
        curl_easy_setopt(w.easy, CURLOPT_CAINFO, args.ca_file.c_str());
        curl_easy_setopt(w.easy, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(w.easy, CURLOPT_SSL_VERIFYHOST, 2L);
      }
    }
  }
  ~curl_bench() {
    for (auto& w : workers_) {
      curl_multi_remove_handle(multi_, w.easy);
      curl_easy_cleanup(w.easy);
    }
    curl_slist_free_all(headers_);
    curl_multi_cleanup(multi_);
  }

  /// Every worker runs `pairs` create + get pairs; returns when all are done.
  void run(int pairs) {
    for (auto& w : workers_) {
      w.pairs_left = pairs;
      start_create(w);
    }
    while (active_ > 0) {
      int running = 0;
      curl_multi_perform(multi_, &running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        worker* w = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &w);
        const CURLcode result = msg->data.result;
        curl_multi_remove_handle(multi_, msg->easy_handle);
        finish(*w, result);  // may add the worker's next request
      }
      if (active_ > 0) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
  }

  void report(const bench::timed_phase& phase) {
    errors_ = bench::report_workers("libcurl", args_, phase, workers_);
  }
  void reset_measurements() {
    for (auto& w : workers_) {
      w.lat = {};
      w.errors = 0;
    }
  }
  int errors() const { return errors_; }

 private:
  void start_create(worker& w) {
    w.body.clear();
    w.run_id.clear();
    curl_easy_setopt(w.easy, CURLOPT_URL, (args_.url + "/runs").c_str());
    curl_easy_setopt(w.easy, CURLOPT_POSTFIELDS, create_body_.c_str());
    curl_easy_setopt(w.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(create_body_.size()));
    add(w);
  }
  void start_get(worker& w) {
    w.body.clear();
    curl_easy_setopt(w.easy, CURLOPT_URL, (args_.url + "/runs/" + w.run_id).c_str());
    curl_easy_setopt(w.easy, CURLOPT_HTTPGET, 1L);
    add(w);
  }
  void add(worker& w) {
    w.started = bench::clock::now();
    curl_multi_add_handle(multi_, w.easy);
    ++active_;
  }

  void finish(worker& w, CURLcode result) {
    --active_;
    w.lat.add(bench::clock::now() - w.started);
    const bool was_create = w.run_id.empty();
    try {
      long status = 0;
      curl_easy_getinfo(w.easy, CURLINFO_RESPONSE_CODE, &status);
      if (result != CURLE_OK) throw std::runtime_error(curl_easy_strerror(result));
      if (status != 200) throw std::runtime_error("HTTP " + std::to_string(status));
      const boost::json::value envelope = boost::json::parse(w.body);
      const std::string run_id(envelope.at("data").at("runId").as_string());
      if (was_create) {
        w.run_id = run_id;
        start_get(w);
        return;
      }
      if (run_id != w.run_id) ++w.errors;
    } catch (const std::exception& e) {
      if (w.errors++ == 0) std::cerr << "bench_curl: " << e.what() << "\n";
    }
    w.run_id.clear();
    if (--w.pairs_left > 0) start_create(w);
  }

  const bench::arguments& args_;
  const std::string create_body_;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::vector<worker> workers_;
  std::size_t active_ = 0;
  int errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  return bench::guarded_main("bench_curl", [&] {
    const auto args = bench::parse_arguments(argc, argv);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int errors = 0;
    {
      curl_bench client(args);
      client.run(1);  // warm-up: connections and TLS sessions are not timed
      client.reset_measurements();
      bench::timed_phase phase;
      phase.start();
      client.run(args.pairs_per_worker());
      phase.stop();
      client.report(phase);
      errors = client.errors();
    }
    curl_global_cleanup();
    return errors == 0 ? 0 : 1;
  });
}
