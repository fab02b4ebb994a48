// SPDX-License-Identifier: BSL-1.0
// An async HTTP server whose handler runs a prompt per request through one shared client: the
// design card's first use. Several threads run one io_context; each connection is a coroutine on
// its own strand; every request has a deadline, and when the caller hangs up before the answer,
// the run's wait is cancelled (the run itself goes on at the API). SIGINT/SIGTERM close the
// client gracefully (close_gracefully): the creates already sent finish first.
//
//   prompt_server [--port N] [--threads N] [--deadline-ms N]
//   GET /run?prompt=<promptId>&topic=<text>  →  200 {"runId", "status", "text"}
//     the caller's mistakes:                     400 {"error"} a malformed prompt id
//                                                404 {"error"} no such prompt
//                                                422 {"error", "field"} a missing or bad input
//     the API's or the deadline's:               502 {"error", "requestId"} the API failed
//                                                504 {"error", "runId"} past the deadline
// A server copies this split: a 502 tells the caller to retry later or page someone, a 4xx
// tells them to fix their request; answering their own mistakes 502 hides them.
//
// Without BETTERPROMPT_API_KEY it serves an in-process emulator's demo prompts (its slow prompt
// takes 3 s, so that a wait can be watched and cancelled). Prints "listening on <url>" first.
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <cctype>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace bp = betterprompt;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

struct server_options {
  unsigned short port = 0;
  unsigned threads = 2;
  std::chrono::milliseconds deadline{10000};
};

/// A query parameter of `target`, percent-decoded ("+" is a space); empty when absent.
std::string query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name && eq != std::string_view::npos) {
      std::string out;
      const std::string_view value = pair.substr(eq + 1);
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '+') {
          out += ' ';
        } else if (value[i] == '%' && i + 2 < value.size()) {
          out += static_cast<char>(std::stoi(std::string(value.substr(i + 1, 2)), nullptr, 16));
          i += 2;
        } else {
          out += value[i];
        }
      }
      return out;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

bool looks_like_uuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-') || (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))))
      return false;
  }
  return true;
}

http::response<http::string_body> json_response(http::status status, boost::json::object body) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

/// Runs the prompt; the result, or the failure as a response.
asio::awaitable<http::response<http::string_body>> run_for(bp::client& c, std::string prompt_id,
                                                           std::string topic,
                                                           std::chrono::milliseconds deadline) {
  bp::run_inputs inputs;
  inputs.text_inputs["topic"] = std::move(topic);
  bp::run_prompt_options options;
  // Tuned for a caller waiting on the line: poll soon and often (the defaults, 1 s growing to
  // 10 s, suit a batch), and never past the request's own deadline.
  options.wait.poll_interval = std::chrono::milliseconds(200);
  options.wait.poll_multiplier = 1.25;
  options.wait.max_poll_interval = std::chrono::seconds(1);
  options.wait.timeout = deadline;
  bp::diagnostics diag;
  // Arguments built before the co_await (GCC 12: no temporaries with destructors inside it).
  bp::prompt_ref which = bp::prompt_ref::latest(std::move(prompt_id));
  auto op = bp::run_prompt(c, std::move(which), std::move(inputs), std::move(options), diag,
                           asio::as_tuple(asio::use_awaitable));
  auto [ec, done] = co_await std::move(op);
  boost::json::object body;
  if (ec == bp::error::wait_timeout) {
    body["error"] = "deadline passed";
    if (const auto* data = diag.data.if_object(); data && data->contains("runId"))
      body["runId"] = data->at("runId");
    co_return json_response(http::status::gateway_timeout, std::move(body));
  }
  // The caller's own mistakes: caught before sending (invalid_input names the field), or
  // refused by the API as the caller's (a bad id, an unknown prompt, an input it rejects).
  if (ec == bp::error::invalid_input || ec == bp::error::validation ||
      ec == bp::error::bad_request || ec == bp::error::not_found || ec == bp::error::gone) {
    body["error"] = diag.message.empty() ? ec.message() : diag.message;
    if (const auto* data = diag.data.if_object(); data && data->contains("field"))
      body["field"] = data->at("field");
    const auto status = ec == bp::error::not_found || ec == bp::error::gone
                            ? http::status::not_found
                            : http::status::unprocessable_entity;
    co_return json_response(status, std::move(body));
  }
  if (ec) {
    body["error"] = diag.message.empty() ? ec.message() : diag.message;
    body["requestId"] = diag.request_id;
    co_return json_response(http::status::bad_gateway, std::move(body));
  }
  body["runId"] = done.run_id;
  body["status"] = bp::to_string(done.status);
  body["text"] = done.text();
  co_return json_response(http::status::ok, std::move(body));
}

/// Completes when the caller hangs up: end of stream, or an error, on its socket.
asio::awaitable<void> hang_up(tcp::socket& socket) {
  socket.non_blocking(true);
  for (;;) {
    boost::system::error_code ec;
    co_await socket.async_wait(tcp::socket::wait_read,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // cancelled (the run ended first), or the socket failed
    // "Readable" is not "hung up": under epoll the wait can end with nothing to read (an edge
    // left from the request's own bytes, which the read had already taken). Look before
    // concluding: end of stream or an error is a hang-up; bytes after the request (this server
    // answers one request per connection) are read and dropped.
    char bytes[512];
    const std::size_t n = socket.receive(asio::buffer(bytes), 0, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
    if (ec || n == 0) co_return;
  }
}

asio::awaitable<void> session(tcp::socket socket, bp::client& c, server_options opts,
                              std::atomic<int>& cancelled) {
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> req;
  boost::system::error_code ec;
  co_await http::async_read(socket, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  const std::string target(req.target());
  if (req.method() != http::verb::get || target.rfind("/run", 0) != 0) {
    boost::json::object usage{{"error", "GET /run?prompt=…&topic=…"}};
    auto res = json_response(http::status::not_found, std::move(usage));
    co_await http::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return;
  }
  std::string prompt_id = query_param(target, "prompt");
  if (prompt_id.empty()) prompt_id = bp::testing::demo::text_prompt_id;
  if (!looks_like_uuid(prompt_id)) {  // checked here: no call spent on a request that cannot be
    boost::json::object bad{{"error", "prompt must be a prompt id (a UUID)"}};
    auto res = json_response(http::status::bad_request, std::move(bad));
    co_await http::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return;
  }
  std::string topic = query_param(target, "topic");
  // The run, raced against the caller hanging up: whichever ends first cancels the other.
  auto run = run_for(c, std::move(prompt_id), std::move(topic), opts.deadline);
  auto gone = hang_up(socket);
  std::variant<http::response<http::string_body>, std::monostate> first =
      co_await (std::move(run) || std::move(gone));
  if (first.index() == 1) {
    ++cancelled;
    std::cerr << "prompt_server: the caller hung up; its wait was cancelled\n";
    co_return;
  }
  auto& res = std::get<0>(first);
  co_await http::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, bp::client& c, server_options opts,
                             std::atomic<int>& cancelled) {
  for (;;) {
    boost::system::error_code ec;
    // Each connection on its own strand: the threads share the client, not the sessions.
    tcp::socket socket(asio::make_strand(acceptor.get_executor()));
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket), c, opts, cancelled), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  server_options opts;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const unsigned long value = std::stoul(argv[i + 1]);
    if (flag == "--port") opts.port = static_cast<unsigned short>(value);
    if (flag == "--threads") opts.threads = static_cast<unsigned>(std::max(1ul, value));
    if (flag == "--deadline-ms") opts.deadline = std::chrono::milliseconds(value);
  }
  asio::io_context ioc(static_cast<int>(opts.threads));
  bp::client_options client_opts;
  std::optional<bp::testing::emulator> emu;
  if (client_opts.api_key.empty()) {
    bp::testing::emulator_options emu_opts;
    emu_opts.sync_window = std::chrono::milliseconds(200);  // slow runs answer 504, then polls
    emu.emplace(ioc, emu_opts);
    client_opts = emu->make_client_options();
    std::cerr << "prompt_server: BETTERPROMPT_API_KEY not set: in-process emulator at "
              << emu->base_url() << "\n";
  }
  client_opts.thread_safe = opts.threads > 1;  // one thread: no strands needed
  bp::client c(ioc, client_opts);              // one client for every thread and request
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), opts.port});
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  std::atomic<int> cancelled{0};
  asio::co_spawn(ioc, listen(acceptor, c, opts, cancelled), asio::detached);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  // A shutdown lets the runs already sent to the API finish (for at most 10 s), so that none is
  // billed while its caller is told the server failed; a request that arrives meanwhile starts no
  // new run.
  signals.async_wait([&](boost::system::error_code, int) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    bp::close_gracefully(c, std::chrono::seconds(10),
                         [&](boost::system::error_code, bp::drain_result drained) {
                           std::cerr << "prompt_server: waited for " << drained.waited_for
                                     << " run create(s); " << drained.cut_off << " cut off\n";
                           if (emu) emu->stop();
                           ioc.stop();
                         });
  });
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < opts.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  std::cerr << "prompt_server: stopped; " << cancelled.load() << " wait(s) cancelled by callers\n";
  return 0;
}
