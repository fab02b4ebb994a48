// SPDX-License-Identifier: BSL-1.0
// Peak memory of one large answer: the client's high-water mark (ru_maxrss) while it fetches a
// run whose output is `--mib` MiB of text (default 7.5, just under the 8 MiB body limit), as a
// multiple of the body's size. The emulator serves from a child process, so that only the
// client's memory is measured.
//   bench_large_response [--mib X] [--shape text|escaped]
//     text: one long plain text output; escaped: text of newlines and quotes, each escaped in JSON
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

namespace bp = betterprompt;
namespace asio = boost::asio;

namespace {

constexpr const char* version_id = "9d0c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a";

long max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

[[noreturn]] void serve(int port_pipe, std::size_t bytes, bool many) {
  asio::io_context ioc;
  bp::testing::emulator_options options;
  options.sync_window = std::chrono::milliseconds(0);  // create answers 504 + runId: small
  bp::testing::emulator emu(ioc, options);
  bp::testing::emulated_prompt p;
  p.version.prompt_id = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
  p.version.prompt_version_id = version_id;
  p.version.title = "Large output";
  // The emulator's model answers with the template. Escaped characters take two bytes in the
  // body each, so that the body stays `bytes` long.
  p.output_template = many ? std::string(bytes / 2, '\n') : std::string(bytes, 'a');
  p.run_duration = std::chrono::milliseconds(1);
  emu.add_prompt(p);
  const std::string url = emu.base_url();
  if (write(port_pipe, url.data(), url.size()) < 0) _exit(1);
  close(port_pipe);
  ioc.run();
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  double mib = 7.5;
  bool many = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--mib") mib = std::stod(argv[i + 1]);
    if (flag == "--shape") many = std::string(argv[i + 1]) == "escaped";
  }
  const auto bytes = static_cast<std::size_t>(mib * 1024 * 1024);
  int fds[2];
  if (pipe(fds) != 0) return 1;
  const pid_t child = fork();  // before any thread or io_context exists
  if (child == 0) serve(fds[1], bytes, many);
  close(fds[1]);
  char buffer[256];
  const auto n = read(fds[0], buffer, sizeof buffer);
  if (n <= 0) return 1;
  const std::string url(buffer, static_cast<std::size_t>(n));

  int status = 0;
  try {
    asio::io_context ioc{1};
    bp::client_options options;
    options.thread_safe = false;  // one thread runs ioc: the client needs no strands
    options.base_url = url;
    options.api_key = bp::testing::demo::api_key;
    options.rate_limit.requests_per_second = 0;
    bp::client c{ioc, options};
    std::string run_id;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          bp::run_request request;
          request.prompt_version_id = version_id;
          bp::run created = co_await bp::create_run(c, std::move(request));
          run_id = created.run_id;
          asio::steady_timer finish(c.get_executor(), std::chrono::milliseconds(50));
          co_await finish.async_wait(asio::use_awaitable);
        },
        asio::detached);
    ioc.run();
    ioc.restart();
    const long before = max_rss_kb();
    std::size_t outputs = 0;
    std::size_t text_bytes = 0;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          bp::run fetched = co_await bp::get_run(c, run_id);
          outputs = fetched.outputs.size();
          text_bytes = fetched.text().size();
        },
        asio::detached);
    ioc.run();
    const long after = max_rss_kb();
    const double body_mib = static_cast<double>(bytes) / (1024 * 1024);
    const double peak_mib = static_cast<double>(after - before) / 1024;
    if (outputs != 1 || text_bytes == 0) throw std::runtime_error("unexpected run outputs");
    // One JSON line, as the other benchmark programs print, for benchmarks/run.
    std::printf(
        "{\"shape\": \"%s\", \"body_mib\": %.2f, \"text_bytes\": %zu, "
        "\"peak_growth_mib\": %.2f, \"peak_per_body\": %.2f}\n",
        many ? "escaped" : "text", body_mib, text_bytes, peak_mib, peak_mib / body_mib);
  } catch (const std::exception& e) {
    std::cerr << "bench_large_response: " << e.what() << "\n";
    status = 1;
  }
  kill(child, SIGTERM);
  waitpid(child, nullptr, 0);
  return status;
}
