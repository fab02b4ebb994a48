// SPDX-License-Identifier: BSL-1.0
// `betterprompt doctor`: what stands between this machine and the API, one line per check. The
// base URL and the proxy are decided by the same functions the client uses
// (detail/transport/url.hpp, detail/transport/proxy.hpp), so that the report cannot disagree
// with what a command would do.
#include "commands.hpp"

#include <betterprompt/detail/transport/proxy.hpp>
#include <betterprompt/detail/transport/url.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cstdlib>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;

namespace {

enum class mark { pass, fail, not_applicable };

struct report {
  bool failed = false;
  void line(mark m, std::string_view check, const std::string& text) {
    const char* symbol = m == mark::pass ? "✓" : m == mark::fail ? "✗" : "–";
    std::cout << symbol << ' ' << check << ": " << text << '\n';
    if (m == mark::fail) failed = true;
  }
};

std::string source_of_base_url(const arguments& args) {
  if (args.option("--base-url")) return "--base-url";
  const char* env = std::getenv("BETTERPROMPT_BASE_URL");
  return env && *env ? "BETTERPROMPT_BASE_URL" : "the default";
}

std::string proxy_variable(bool tls) {
  // Arrays with static storage: a ternary over two initializer lists leaves the loop iterating
  // an array that died with the full expression (ASan: stack-use-after-scope).
  static constexpr std::array<const char*, 2> https{"https_proxy", "HTTPS_PROXY"};
  static constexpr std::array<const char*, 2> http{"http_proxy", "HTTP_PROXY"};
  for (const char* name : tls ? https : http)
    if (const char* v = std::getenv(name); v && *v) return name;
  return {};
}

std::string milliseconds_text(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

}  // namespace

asio::awaitable<int> run_doctor(context& ctx) {
  report r;
  const bp::client_options& options = ctx.client.options();
  bp::detail::endpoint_address address;
  try {
    address = bp::detail::parse_base_url(options.base_url);
  } catch (const bp::error_with_diagnostics& e) {
    r.line(mark::fail, "base URL", e.get_diagnostics().message);
    co_return api_or_network_error;
  }
  r.line(mark::pass, "base URL", bp::detail::redacted_url(options.base_url) + " (from " +
                                     source_of_base_url(ctx.args) + ")");

  std::optional<bp::detail::proxy_config> proxy;
  try {
    proxy = bp::detail::proxy_for(address, options.proxy,
                                  [](const char* name) { return std::getenv(name); });
  } catch (const bp::error_with_diagnostics& e) {
    r.line(mark::fail, "proxy", e.get_diagnostics().message + "; fix or unset the variable");
  }
  const std::string variable = proxy_variable(address.tls);
  if (proxy)
    r.line(mark::pass, "proxy", proxy->shown + " (from " + variable + "), checked by the call below");
  else if (!variable.empty())
    r.line(mark::not_applicable, "proxy", variable + " is set, but NO_PROXY exempts " + address.host);
  else
    r.line(mark::not_applicable, "proxy", "none set (" +
                                              std::string(address.tls ? "HTTPS_PROXY" : "HTTP_PROXY") +
                                              ")");

  if (proxy) {
    r.line(mark::not_applicable, "DNS", "the proxy resolves " + address.host);
  } else {
    asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    auto [ec, found] = co_await resolver.async_resolve(address.host, address.port,
                                                       asio::as_tuple(asio::use_awaitable));
    if (ec || found.empty())
      r.line(mark::fail, "DNS", "cannot resolve " + address.host + ": " + ec.message() +
                                    "; check the base URL and the resolver");
    else
      r.line(mark::pass, "DNS", address.host + " is " + found.begin()->endpoint().address().to_string());
  }

  // One call checks the rest: the connection, TLS, the key.
  bp::diagnostics diag;
  auto [ec, me] = co_await bp::get_account(ctx.client, diag, asio::as_tuple(asio::use_awaitable));
  const bool answered = !ec || diag.http_status != 0;
  const std::string trust = options.tls.ca_file.empty()
                                ? "the system's trust store"
                                : "the system's trust store and " + options.tls.ca_file;
  if (!address.tls)
    r.line(mark::not_applicable, "TLS", "plain http (allowed for loopback hosts only)");
  else if (answered)
    r.line(mark::pass, "TLS", "certificate of " + address.host + " verified with " + trust);
  else if (ec == bp::error::tls_error)
    r.line(mark::fail, "TLS", diag.message + " (" + trust +
                                  "); a private CA: --ca-file FILE");
  else
    r.line(mark::not_applicable, "TLS", "not checked: no connection");
  if (!answered && ec != bp::error::tls_error)
    r.line(mark::fail, "connection", diag.message.empty() ? ec.message() : diag.message);

  if (options.api_key.empty())
    r.line(mark::fail, "API key", "not set; export BETTERPROMPT_API_KEY or pass --api-key-file FILE");
  else if (!ec)
    r.line(mark::pass, "API key", "accepted (user " + me.username.value_or("without a name") + ")");
  else if (ec == bp::error::unauthorized)
    r.line(mark::fail, "API key", "refused (request id " + diag.request_id +
                                      "); check BETTERPROMPT_API_KEY or --api-key-file");
  else if (answered)
    r.line(mark::fail, "API key", "not checked: the API answered HTTP " +
                                      std::to_string(diag.http_status) + ": " + diag.message);
  else
    r.line(mark::not_applicable, "API key", "not checked: no answer");

  // The accounting's skew estimator: the Date headers bound the offset to an interval.
  constexpr std::chrono::milliseconds tolerated{5000};
  if (const auto offset = ctx.client.server_clock_offset()) {
    const std::string range = "between " + milliseconds_text(offset->low) + " and " +
                              milliseconds_text(offset->high);
    if (offset->low > tolerated || offset->high < -tolerated)
      r.line(mark::fail, "clock", "the server's clock is " + range +
                                      " off this machine's; reconciling lost creates widens its "
                                      "windows by that much: synchronise this clock (NTP)");
    else
      r.line(mark::pass, "clock", "the server's clock is " + range + " off this machine's");
  } else {
    r.line(mark::not_applicable, "clock", "no Date header seen");
  }
  co_return r.failed ? api_or_network_error : success;
}

}  // namespace betterprompt_cli
