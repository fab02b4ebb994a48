// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: bytes from a hostile client → HTTP request parser → the emulator's request
// handler (auth, routing, validation, the store). Anything but an answer is a finding.
// The public header first: in header-only mode it brings in the emulator's machinery in order.
#include <betterprompt/testing/emulator.hpp>

#include <betterprompt/testing/detail/emulator_routes.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace bpt = betterprompt::testing;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  // One emulator state across inputs, as a long-running server has; renewed now and then so
  // that the store of created runs stays small.
  static std::unique_ptr<bpt::detail::emulator_state> state;
  static int uses = 0;
  if (!state || ++uses % 5000 == 0) {
    bpt::emulator_options options;
    options.sync_window = std::chrono::milliseconds(0);
    state = std::make_unique<bpt::detail::emulator_state>(options);
  }
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(1024 * 1024);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  const auto& req = parser.get();
  const auto reply =
      bpt::detail::handle_request(*state, req.method(), req.target(),
                                  {req[http::field::authorization], req["cli-agent"]}, req.body());
  if (reply.status < 200 || reply.status > 599) __builtin_trap();
  return 0;
}
