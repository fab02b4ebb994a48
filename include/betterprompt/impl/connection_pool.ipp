// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::connection_pool.
#pragma once

#include <betterprompt/detail/connection_pool.hpp>
#include <betterprompt/detail/printable.hpp>
#include <betterprompt/error.hpp>

#include <boost/beast/http/verb.hpp>

#include <cstdlib>
#include <string>

namespace betterprompt::detail {

inline bool has_control_characters(std::string_view text) {
  for (unsigned char c : text)
    if (is_control(c)) return true;
  return false;
}

inline connection_pool::connection_pool(boost::asio::any_io_executor ex, const client_options& opts)
    : executor_(std::move(ex)),
      address_(parse_base_url(opts.base_url)),
      max_idle_(opts.max_idle_connections),
      idle_timeout_(opts.idle_timeout),
      limiter_(opts.rate_limit),
      slots_(opts.max_connections) {
  constexpr std::size_t strand_count = 16;
  if (!runs_serially(executor_)) {
    strands_.reserve(strand_count);
    for (std::size_t i = 0; i < strand_count; ++i)
      strands_.push_back(boost::asio::make_strand(executor_));
  }
  if (!address_.tls && !is_loopback_host(address_.host) && !opts.allow_insecure_http)
    throw_client_error(error::invalid_argument,
                       "invalid base_url '" + redacted_url(opts.base_url) +
                           "': http:// would send the API key in clear text; use https://, or "
                           "set client_options::allow_insecure_http");
  // Header injection guard; the message must not echo the key.
  if (has_control_characters(opts.api_key))
    throw_client_error(error::invalid_argument, "api_key contains control characters");
  if (has_control_characters(opts.user_agent))
    throw_client_error(error::invalid_argument, "user_agent contains control characters");
  common_fields_ = "Host: " + address_.host_header + "\r\nUser-Agent: " + opts.user_agent +
                   "\r\nAccept: application/json\r\n";
  if (!opts.api_key.empty()) common_fields_ += "Authorization: Bearer " + opts.api_key + "\r\n";
  proxy_ = proxy_for(address_, opts.proxy, [](const char* name) { return std::getenv(name); });
  if (proxy_) {
    const bool v6 = address_.host.find(':') != std::string::npos;
    const std::string authority =
        (v6 ? "[" + address_.host + "]" : address_.host) + ":" + address_.port;
    const std::string credentials = proxy_->authorization.empty()
                                        ? ""
                                        : "Proxy-Authorization: " + proxy_->authorization + "\r\n";
    if (address_.tls) {
      // The credentials go to the proxy in CONNECT only: never inside the tunnel to the API.
      tunnel_request_ = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
                        "\r\nUser-Agent: " + opts.user_agent + "\r\n" + credentials + "\r\n";
    } else {
      absolute_prefix_ = "http://" + authority;
      common_fields_ += credentials;
    }
  }
  if (!address_.tls) return;

  namespace ssl = boost::asio::ssl;
  tls_context_.emplace(ssl::context::tls_client);
  tls_context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                            ssl::context::no_tlsv1_1);
  tls_context_->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (opts.tls.use_system_trust_store) tls_context_->set_default_verify_paths(ec);
  if (!opts.tls.ca_file.empty()) {
    tls_context_->load_verify_file(opts.tls.ca_file, ec);
    if (ec)
      throw_client_error(error::tls_error,
                         "cannot load CA file '" + opts.tls.ca_file + "': " + ec.message());
  }
  if (!opts.tls.ca_pem.empty()) {
    tls_context_->add_certificate_authority(boost::asio::buffer(opts.tls.ca_pem), ec);
    if (ec) throw_client_error(error::tls_error, "cannot load CA PEM: " + ec.message());
  }
}

// Every part is checked where it is made (percent-encoded targets, a validated base URL, no control
// characters in the key or agent), so it is written as it is, without Beast's serializer and its
// per-field allocations.
inline std::string connection_pool::serialize(const api_request& req) const {
  const std::string& fields = common_fields_;
  std::string out;
  out.reserve(req.what.size() + fields.size() + req.body.size() + 128);
  if (absolute_prefix_.empty()) {
    out.append(req.what);
  } else {
    // Through a proxy, plain http names the whole URL: "GET http://host:port/v1/… HTTP/1.1".
    const auto space = req.what.find(' ');
    out.append(req.what, 0, space + 1).append(absolute_prefix_).append(req.what, space + 1);
  }
  out.append(" HTTP/1.1\r\n").append(fields);
  resources_.append_field(out);
  if (!req.body.empty())
    out.append("Content-Type: application/json\r\nContent-Length: ")
        .append(std::to_string(req.body.size()))
        .append("\r\n");
  else if (req.method != boost::beast::http::verb::get)
    out.append("Content-Length: 0\r\n");
  out.append("\r\n").append(req.body);
  return out;
}

inline connection_pool::connection_ptr connection_pool::take_idle() {
  const auto now = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  while (!idle_.empty()) {
    connection_ptr conn = std::move(idle_.back());
    idle_.pop_back();
    const connection_facts facts = conn->facts(true, now - conn->idle_since);
    if (may_reuse(facts, idle_timeout_)) return conn;
    if (facts.peer_closed && is_silent_close(facts.idle_for)) note_silent_close(now);
    conn->close();
  }
  return nullptr;
}

inline void connection_pool::return_idle(connection_ptr conn) {
  conn->idle_since = connection::clock::now();
  std::lock_guard lock(idle_mutex_);
  if (idle_.size() < max_idle_ && !is_closed())
    idle_.push_back(std::move(conn));
  else
    conn->close();
}

inline void connection_pool::close_idle() noexcept {
  std::lock_guard lock(idle_mutex_);
  for (auto& conn : idle_) conn->close();
  idle_.clear();
}

inline void connection_pool::close() noexcept {
  operations_.close_all();
  close_idle();
}

}  // namespace betterprompt::detail
