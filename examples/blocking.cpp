// SPDX-License-Identifier: BSL-1.0
// A small tool with no event loop of its own: blocking_client's plain calls. It runs a prompt,
// then lists this account's runs page by page. Ctrl-C cancels the call in progress (from a
// signal-handling thread: cancel() is safe from any thread).
//
// With BETTERPROMPT_API_KEY and BP_PROMPT_ID set (and optionally BP_TOPIC), it uses the real API.
// Otherwise it serves the in-process emulator from a thread of its own, as a remote API would be.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include <pthread.h>
#include <unistd.h>

namespace bp = betterprompt;

/// The emulator on its own thread, when there is no key.
struct local_api {
  local_api() : emu(ioc), thread([this] { ioc.run(); }) {}
  ~local_api() {
    boost::asio::post(ioc, [this] {
      emu.stop();
      ioc.stop();
    });
    thread.join();
  }
  boost::asio::io_context ioc{1};
  bp::testing::emulator emu;
  std::thread thread;
};

int main() {
  // SIGINT, SIGTERM and (to stop the watcher at the end) SIGUSR1 go to the watcher thread only.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  bp::client_options options;
  const char* prompt_id = std::getenv("BP_PROMPT_ID");
  const char* topic = std::getenv("BP_TOPIC");
  std::optional<local_api> local;
  if (options.api_key.empty() || !prompt_id) {
    local.emplace();
    options = local->emu.make_client_options();
    prompt_id = bp::testing::demo::text_prompt_id;
    std::cerr << "BETTERPROMPT_API_KEY or BP_PROMPT_ID not set: using the in-process emulator\n";
  }
  options.timeouts.total = std::chrono::seconds(30);  // each call's limit

  bp::blocking_client api(options);
  std::thread watcher([&] {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGUSR1) api.cancel();  // the call in progress ends: operation_aborted
  });

  int status = 0;
  try {
    bp::run_inputs inputs;
    inputs.text_inputs["topic"] = topic ? topic : "plain calls";
    const bp::run done = api.run_prompt(bp::prompt_ref::latest(prompt_id), std::move(inputs));
    std::cout << "run " << done.run_id << ": " << done.text() << '\n'
              << "  (request id " << api.last_diagnostics().request_id << ")\n";

    bp::list_runs_options newest;
    newest.limit = 20;
    std::size_t count = 0;
    for (bp::blocking_run_pager pager(api, newest); count < 100;) {
      const std::vector<bp::run> rows = pager.next();
      if (rows.empty()) break;
      count += rows.size();
    }
    std::cout << "runs listed: " << count << ", credits left: " << api.get_credits().credits
              << '\n';
  } catch (const std::exception& e) {
    // error_with_diagnostics: the code, the API's message and the request id, never the key.
    std::cerr << "error: " << e.what() << '\n';
    status = 1;
  }
  kill(getpid(), SIGUSR1);  // the watcher's sigwait returns
  watcher.join();
  return status;
}
