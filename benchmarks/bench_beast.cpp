// SPDX-License-Identifier: BSL-1.0
// The floor: a minimal hand-written Boost.Beast client, one keep-alive connection per worker,
// the same requests and the same JSON parsing as the SDK, with none of its layers (pool, rate
// limiter, retries, deadlines, cancellation, typed errors).
#include "bench_common.hpp"

#include <betterprompt/detail/transport/url.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include <memory>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using worker_state = bench::worker_result;

/// One request/response on `stream`; returns the parsed envelope.
template <class Stream>
asio::awaitable<boost::json::value> exchange(Stream& stream, beast::flat_buffer& buffer,
                                             http::request<http::string_body>& request) {
  co_await http::async_write(stream, request, asio::use_awaitable);
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  if (response.result_int() != 200)
    throw std::runtime_error("HTTP " + std::to_string(response.result_int()));
  co_return boost::json::parse(response.body());
}

template <class Stream>
asio::awaitable<void> run_pairs(Stream& stream, const bench::arguments& args,
                                const betterprompt::detail::endpoint_address& address, int pairs,
                                worker_state& state) {
  beast::flat_buffer buffer;
  const std::string auth = "Bearer " + args.api_key;
  const std::string body = bench::create_body(args);
  for (int i = 0; i < pairs; ++i) {
    try {
      http::request<http::string_body> create{http::verb::post, address.path_prefix + "/runs", 11};
      create.set(http::field::host, address.host_header);
      create.set(http::field::authorization, auth);
      create.set(http::field::content_type, "application/json");
      create.body() = body;
      create.prepare_payload();
      const auto created_at = bench::clock::now();
      boost::json::value created = co_await exchange(stream, buffer, create);
      state.lat.add(bench::clock::now() - created_at);
      const std::string run_id(created.at("data").at("runId").as_string());

      http::request<http::string_body> get{http::verb::get, address.path_prefix + "/runs/" + run_id,
                                           11};
      get.set(http::field::host, address.host_header);
      get.set(http::field::authorization, auth);
      const auto fetched_at = bench::clock::now();
      boost::json::value fetched = co_await exchange(stream, buffer, get);
      state.lat.add(bench::clock::now() - fetched_at);
      if (fetched.at("data").at("runId").as_string() != run_id) ++state.errors;
    } catch (const std::exception& e) {
      if (state.errors++ == 0) std::cerr << "bench_beast: " << e.what() << "\n";
    }
  }
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

int main(int argc, char** argv) {
  return bench::guarded_main("bench_beast", [&] {
    const auto args = bench::parse_arguments(argc, argv);
    const auto address = betterprompt::detail::parse_base_url(args.url);
    asio::io_context ioc(1);
    asio::ip::tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(address.host, address.port);
    asio::ssl::context tls(asio::ssl::context::tls_client);
    if (args.https()) {
      tls.set_verify_mode(asio::ssl::verify_peer);
      tls.load_verify_file(args.ca_file);
    }

    // Connect (and handshake) every worker's connection before timing, with peer verification.
    std::vector<std::unique_ptr<beast::tcp_stream>> plain;
    std::vector<std::unique_ptr<tls_stream>> secure;
    for (int i = 0; i < args.concurrency; ++i) {
      if (args.https()) {
        auto s = std::make_unique<tls_stream>(ioc, tls);
        beast::get_lowest_layer(*s).connect(endpoints);
        beast::get_lowest_layer(*s).socket().set_option(asio::ip::tcp::no_delay(true));
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->native_handle()), address.host.c_str());
        s->handshake(asio::ssl::stream_base::client);
        secure.push_back(std::move(s));
      } else {
        auto s = std::make_unique<beast::tcp_stream>(ioc);
        s->connect(endpoints);
        s->socket().set_option(asio::ip::tcp::no_delay(true));
        plain.push_back(std::move(s));
      }
    }

    std::vector<worker_state> workers(static_cast<std::size_t>(args.concurrency));
    bench::timed_phase phase;
    phase.start();
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if (args.https())
        asio::co_spawn(ioc,
                       run_pairs(*secure[i], args, address, args.pairs_per_worker(), workers[i]),
                       asio::detached);
      else
        asio::co_spawn(ioc,
                       run_pairs(*plain[i], args, address, args.pairs_per_worker(), workers[i]),
                       asio::detached);
    }
    ioc.run();
    phase.stop();
    return bench::report_workers("beast", args, phase, workers) == 0 ? 0 : 1;
  });
}
