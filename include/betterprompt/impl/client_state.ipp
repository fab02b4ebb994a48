// SPDX-License-Identifier: BSL-1.0
// Bodies of detail::client_state.
#pragma once

#include <betterprompt/detail/client_state.hpp>
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

BETTERPROMPT_DECL client_state::client_state(boost::asio::any_io_executor ex,
                                             const client_options& opts)
    : executor_(std::move(ex)),
      address_(parse_base_url(opts.base_url)),
      proxy_option_(opts.proxy),
      user_agent_(opts.user_agent),
      tls_options_(opts.tls),
      limiter_(opts.rate_limit),
      connections_(executor_, opts.max_connections, opts.max_idle_connections, opts.idle_timeout),
      skillmd_cache_(opts.skillmd.cache_entries) {
  constexpr std::size_t strand_count = 16;
  if (needs_own_strands(opts.thread_safe, executor_)) {
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
  api_ = make_origin(address_, opts.proxy, opts.user_agent, opts.api_key, true, "application/json");
  if (!address_.tls) return;
  tls_context_.emplace(boost::asio::ssl::context::tls_client);
  diagnostics diag;
  throw_if_refused(configure_tls(*tls_context_, tls_options_, diag), std::move(diag));
  api_->tls = &*tls_context_;
}

BETTERPROMPT_DECL boost::system::error_code client_state::configure_tls(
    boost::asio::ssl::context& context, const tls_options& tls, diagnostics& diag) {
  namespace ssl = boost::asio::ssl;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (tls.use_system_trust_store) context.set_default_verify_paths(ec);
  if (!tls.ca_file.empty()) {
    context.load_verify_file(tls.ca_file, ec);
    if (ec)
      return client_refusal(error::tls_error,
                            "cannot load CA file '" + tls.ca_file + "': " + ec.message(), diag);
  }
  if (!tls.ca_pem.empty()) {
    context.add_certificate_authority(boost::asio::buffer(tls.ca_pem), ec);
    if (ec) return client_refusal(error::tls_error, "cannot load CA PEM: " + ec.message(), diag);
  }
  return {};
}

// Every part is checked where it is made (percent-encoded targets, a validated base URL, no control
// characters in the key or agent), so it is written as it is, without Beast's serializer and its
// per-field allocations.
BETTERPROMPT_DECL std::string client_state::serialize(const api_request& req,
                                                      std::string_view extra_fields) const {
  const origin& to = req.to ? *req.to : *api_;
  const std::string& fields = to.common_fields;
  if (!to.is_api) extra_fields = {};  // the caller's fields go to the API's host only
  std::string out;
  out.reserve(req.what.size() + fields.size() + extra_fields.size() + req.body.size() + 128);
  if (to.absolute_prefix.empty()) {
    out.append(req.what);
  } else {
    // Through a proxy, plain http names the whole URL: "GET http://host:port/v1/… HTTP/1.1".
    const auto space = req.what.find(' ');
    out.append(req.what, 0, space + 1).append(to.absolute_prefix).append(req.what, space + 1);
  }
  out.append(" HTTP/1.1\r\n").append(fields).append(extra_fields);
  if (to.is_api) resources_.append_field(out);
  if (!req.body.empty())
    out.append("Content-Type: application/json\r\nContent-Length: ")
        .append(std::to_string(req.body.size()))
        .append("\r\n");
  else if (req.method != boost::beast::http::verb::get)
    out.append("Content-Length: 0\r\n");
  out.append("\r\n").append(req.body);
  return out;
}

BETTERPROMPT_DECL void client_state::close_idle(bool for_good) noexcept {
  connections_.close_idle(*api_, for_good);
  std::lock_guard lock(origins_mutex_);
  for (auto& [key, o] : others_) connections_.close_idle(*o, for_good);
}

BETTERPROMPT_DECL boost::system::error_code client_state::origin_for(
    const endpoint_address& address, origin*& out, diagnostics& diag) {
  std::lock_guard lock(origins_mutex_);
  std::string key = (address.tls ? "https://" : "http://") + address.host + ":" + address.port;
  if (const auto known = others_.find(key); known != others_.end()) {
    out = known->second.get();
    return {};
  }
  endpoint_address host = address;
  host.path_prefix.clear();  // shared by every path on the host: each request carries its own
  auto made = make_origin(std::move(host), proxy_option_, user_agent_, {}, false,
                          "text/markdown, text/plain;q=0.9, */*;q=0.1");
  if (address.tls) {
    // The same trust anchors as the API's; made here when the API itself is plain http.
    if (!tls_context_ && !other_tls_) {
      auto context =
          std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
      if (auto ec = configure_tls(*context, tls_options_, diag)) return ec;
      other_tls_ = std::move(context);
    }
    made->tls = tls_context_ ? &*tls_context_ : other_tls_.get();
  }
  out = made.get();
  others_.emplace(std::move(key), std::move(made));
  return {};
}

BETTERPROMPT_DECL void client_state::close() noexcept {
  operations_.close_all();
  close_idle(true);
}

}  // namespace betterprompt::detail
