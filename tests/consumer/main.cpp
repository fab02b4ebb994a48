// SPDX-License-Identifier: BSL-1.0
// A consumer program: the version macros, an in-process emulator, one call through the SDK.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>
#include <betterprompt/version.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

static_assert(BETTERPROMPT_VERSION ==
              BETTERPROMPT_VERSION_MAJOR * 100000 + BETTERPROMPT_VERSION_MINOR * 100 +
                  BETTERPROMPT_VERSION_PATCH);

int main() {
  boost::asio::io_context ioc;
  betterprompt::testing::emulator emu(ioc);
  betterprompt::client c(ioc, emu.make_client_options());
  int status = 1;
  betterprompt::get_credits(c, [&](boost::system::error_code ec, betterprompt::credit_balance b) {
    if (!ec && b.credits > 0) status = 0;
    std::cout << "betterprompt " << BETTERPROMPT_VERSION_STRING << ": credits " << b.credits
              << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
    emu.stop();
  });
  ioc.run();
  return status;
}
