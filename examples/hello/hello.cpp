// SPDX-License-Identifier: BSL-1.0
// One prompt run from a coroutine: the README's first program (tests/consumer/run.sh builds it).
#include <betterprompt/betterprompt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace bp = betterprompt;

asio::awaitable<void> hello(bp::client& c, std::string prompt_id) {
  bp::run_inputs inputs;
  inputs.text_inputs["topic"] = "the sea";
  bp::prompt_ref latest = bp::prompt_ref::latest(std::move(prompt_id));
  bp::run r = co_await bp::run_prompt(c, std::move(latest), std::move(inputs));  // create + wait
  std::cout << r.text() << '\n';
}

int main(int argc, char** argv) {
  asio::io_context ioc;
  bp::client c(ioc, {});  // BETTERPROMPT_API_KEY and BETTERPROMPT_BASE_URL from the environment
  const std::string prompt_id = argc > 1 ? argv[1] : "6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41";
  asio::co_spawn(ioc, hello(c, prompt_id), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // out of ioc.run(): bp::error_with_diagnostics
  });
  ioc.run();
}
