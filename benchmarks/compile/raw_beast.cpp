// SPDX-License-Identifier: BSL-1.0
// The compile benchmark's baseline: the same kind of program written by hand on Beast, Asio's TLS
// and Boost.JSON (one GET and one POST over TLS, JSON both ways), as a user would without the SDK.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cstdlib>
#include <iostream>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using stream = asio::ssl::stream<asio::ip::tcp::socket>;

asio::awaitable<json::value> call(stream& s, http::verb verb, std::string target,
                                  std::string body) {
  http::request<http::string_body> req{verb, "/v1" + target, 11};
  req.set(http::field::host, "api.betterprompt.me");
  const char* key = std::getenv("BETTERPROMPT_API_KEY");
  req.set(http::field::authorization, std::string("Bearer ") + (key ? key : ""));
  req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  co_await http::async_write(s, req, asio::use_awaitable);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(s, buffer, res, asio::use_awaitable);
  co_return json::parse(res.body());
}

asio::awaitable<void> once(asio::ssl::context& tls, std::string prompt_id) {
  auto ex = co_await asio::this_coro::executor;
  stream s(ex, tls);
  asio::ip::tcp::resolver resolver(ex);
  auto endpoints =
      co_await resolver.async_resolve("api.betterprompt.me", "443", asio::use_awaitable);
  co_await asio::async_connect(s.next_layer(), endpoints, asio::use_awaitable);
  co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  json::value prompt = co_await call(s, http::verb::get, "/prompts/" + prompt_id, "");
  json::object run{{"promptVersionId", prompt.at("data").at("promptVersionId")}};
  json::value created = co_await call(s, http::verb::post, "/runs", json::serialize(run));
  std::cout << json::value_to<std::string>(created.at("data").at("runId")) << '\n';
}

int main(int argc, char** argv) {
  asio::io_context ioc;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  const std::string prompt_id = argc > 1 ? argv[1] : "6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41";
  asio::co_spawn(ioc, once(tls, prompt_id), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ioc.run();
}
