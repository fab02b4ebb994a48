// SPDX-License-Identifier: BSL-1.0
// A host a client sends requests to, with what every request to it carries and its idle
// connections: the API's, or another one the client fetches from (a SKILL.md host), which gets
// neither the key nor the API's own fields.
#pragma once

#include <betterprompt/detail/transport/connection.hpp>
#include <betterprompt/detail/transport/proxy.hpp>
#include <betterprompt/detail/transport/url.hpp>

#include <boost/asio/ssl/context.hpp>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt::detail {

/// One host: its address, the proxy that reaches it (client_options::proxy, or the environment
/// with NO_PROXY), the header lines every request to it starts with, and its idle connections.
struct origin {
  /// Scheme, host and port, and for the API its path prefix (another host's is empty: each of
  /// its requests carries its whole path).
  endpoint_address address;
  std::optional<proxy_config> proxy;
  /// Host, User-Agent, Accept (and, for the API only, Authorization), each ending in CRLF.
  std::string common_fields;
  std::string absolute_prefix;  ///< "http://host:port" before the path: plain http via a proxy.
  std::string tunnel_request;   ///< The CONNECT that opens a tunnel to it (https via a proxy).
  /// The API's host: its requests carry the key, `cli-agent` and the caller's extra headers, and
  /// its answers feed the rate limiter, the server clock and the resources hash.
  bool is_api = true;
  boost::asio::ssl::context* tls = nullptr;  ///< The pool's TLS context when https, else null.
  std::vector<std::unique_ptr<connection>> idle;  ///< Guarded by the pool's idle mutex.

  /// Where connections go: the proxy's host and port, or the host's.
  const std::string& connect_host() const noexcept { return proxy ? proxy->host : address.host; }
  const std::string& connect_port() const noexcept { return proxy ? proxy->port : address.port; }
  /// What messages call the place connections go: "api.example:443", or "proxy http://host:port".
  std::string connect_shown() const {
    return proxy ? "proxy " + proxy->shown : address.host + ":" + address.port;
  }
};

/// An origin for `address`. `api_key` goes in Authorization when not empty (the API's host
/// only); `accept` is the Accept value. Strings are checked by the caller.
inline std::unique_ptr<origin> make_origin(endpoint_address address,
                                           const std::optional<std::string>& proxy_option,
                                           const std::string& user_agent,
                                           const std::string& api_key, bool is_api,
                                           std::string_view accept) {
  auto o = std::make_unique<origin>();
  o->address = std::move(address);
  o->is_api = is_api;
  const endpoint_address& a = o->address;
  o->common_fields = "Host: " + a.host_header + "\r\nUser-Agent: " + user_agent +
                     "\r\nAccept: " + std::string(accept) + "\r\n";
  if (is_api && !api_key.empty()) o->common_fields += "Authorization: Bearer " + api_key + "\r\n";
  o->proxy = proxy_for(a, proxy_option, [](const char* name) { return std::getenv(name); });
  if (o->proxy) {
    const bool v6 = a.host.find(':') != std::string::npos;
    const std::string authority = (v6 ? "[" + a.host + "]" : a.host) + ":" + a.port;
    const std::string credentials =
        o->proxy->authorization.empty()
            ? ""
            : "Proxy-Authorization: " + o->proxy->authorization + "\r\n";
    if (a.tls) {
      // The credentials go to the proxy in CONNECT only: never inside the tunnel to the host.
      o->tunnel_request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
                          "\r\nUser-Agent: " + user_agent + "\r\n" + credentials + "\r\n";
    } else {
      o->absolute_prefix = "http://" + authority;
      o->common_fields += credentials;
    }
  }
  return o;
}

}  // namespace betterprompt::detail
