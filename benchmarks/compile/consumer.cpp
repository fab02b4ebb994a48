// SPDX-License-Identifier: BSL-1.0
// The compile benchmark's SDK consumer: reads a prompt, runs it and waits, from a coroutine.
#include <betterprompt/betterprompt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace bp = betterprompt;

asio::awaitable<void> once(bp::client& c, std::string prompt_id) {
  bp::prompt p = co_await bp::get_prompt(c, prompt_id);
  bp::run_request request{p.prompt_version_id};
  for (const auto& field : p.inputs.text_inputs) request.text_inputs[field.name] = "the sea";
  bp::run created = co_await bp::create_run(c, std::move(request));
  bp::run done = co_await bp::wait_for_run(c, created.run_id);
  std::cout << done.run_id << ": " << bp::to_string(done.status) << '\n';
  for (const auto& out : done.outputs) std::cout << out.data << '\n';
}

int main(int argc, char** argv) {
  asio::io_context ioc;
  bp::client_options options;
  options.thread_safe = false;
  bp::client c(ioc, options);
  const std::string prompt_id = argc > 1 ? argv[1] : "6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41";
  asio::co_spawn(ioc, once(c, prompt_id), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ioc.run();
}
