// SPDX-License-Identifier: BSL-1.0
// The compile benchmark's floor: consumer.cpp's own skeleton (an io_context, co_spawn, one
// awaitable coroutine that prints) with no SDK and no HTTP. What any coroutine program pays
// before it makes a call: no consumer of any library compiles faster than this.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <string>

namespace asio = boost::asio;

asio::awaitable<void> once(std::string prompt_id) {
  std::cout << prompt_id << ": " << prompt_id.size() << '\n';
  co_return;
}

int main(int argc, char** argv) {
  asio::io_context ioc;
  const std::string prompt_id = argc > 1 ? argv[1] : "6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41";
  asio::co_spawn(ioc, once(prompt_id), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ioc.run();
}
