// SPDX-License-Identifier: BSL-1.0
// Quick start: fetch a prompt, run it, wait for the result, print its outputs.
//
// With BETTERPROMPT_API_KEY and BP_PROMPT_ID set (and optionally BP_TOPIC), it uses the real API.
// Otherwise it starts the in-process emulator and runs one of its demo prompts.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> run_prompt(betterprompt::client_options options, std::string prompt_id,
                                 std::string topic) {
  auto executor = co_await asio::this_coro::executor;
  betterprompt::client c{executor, std::move(options)};

  betterprompt::prompt p = co_await betterprompt::get_prompt(c, prompt_id);
  std::cout << "prompt: " << p.title << " (version " << p.prompt_version_id << ")\n";

  betterprompt::run_request request{p.prompt_version_id};
  for (const auto& field : p.inputs.text_inputs) request.text_inputs[field.name] = topic;

  betterprompt::run created = co_await betterprompt::create_run(c, std::move(request));
  betterprompt::run done = co_await betterprompt::wait_for_run(
      c, created.run_id, {.poll_interval = 500ms, .timeout = 5min});
  std::cout << "run " << done.run_id << ": " << betterprompt::to_string(done.status) << ", "
            << done.tokens << " tokens\n";
  for (const auto& out : done.outputs)
    std::cout << "[" << betterprompt::to_string(out.type) << "] " << out.data << "\n";
}

int main() {
  asio::io_context ioc{1};
  betterprompt::client_options options;
  const char* prompt_id = std::getenv("BP_PROMPT_ID");
  const char* topic = std::getenv("BP_TOPIC");
  std::optional<betterprompt::testing::emulator> emu;
  if (options.api_key.empty() || !prompt_id) {
    emu.emplace(ioc);
    options = emu->make_client_options();
    prompt_id = betterprompt::testing::demo::text_prompt_id;
    std::cerr << "BETTERPROMPT_API_KEY or BP_PROMPT_ID not set: using the in-process emulator at "
              << emu->base_url() << "\n";
  }
  options.thread_safe = false;  // one thread runs ioc: the client needs no strands

  int exit_code = 0;
  asio::co_spawn(ioc, run_prompt(options, prompt_id, topic ? topic : "coroutines"),
                 [&](std::exception_ptr error) {
                   if (emu) emu->stop();
                   if (!error) return;
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     std::cerr << "error: " << e.what() << "\n";
                     exit_code = 1;
                   }
                 });
  ioc.run();
  return exit_code;
}
