// SPDX-License-Identifier: BSL-1.0
// A fault-injecting HTTP proxy for tests: it sits on a real socket between a client and a server
// (the emulator) and, per request and at random from a seed, breaks the exchange the ways networks
// and load balancers do.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace betterprompt::testing {

/// What the fault proxy does to one request instead of relaying it faithfully. Faults marked
/// "relayed" reach the server, which processes the request (a create makes its run); the others
/// never reach it.
enum class proxy_fault {
  reset_before_forwarding,  ///< Resets the client's connection (TCP RST) once the request is read.
  reset_after_forwarding,   ///< Relayed; the answer is read, then the client's connection reset.
  stall_headers,       ///< Relayed; nothing is sent back for fault_proxy_options::stall, then the
                       ///< connection closes (or when the client closes it first).
  stall_body,          ///< Relayed; the answer's header and half its body are sent, then nothing
                       ///< for fault_proxy_options::stall, then the connection closes.
  truncated_body,      ///< Relayed; the answer's header and half its body are sent, then a close.
  close_after_answer,  ///< Relayed; the whole answer is sent (without `Connection: close`), then
                       ///< the connection closes within fault_proxy_options::close_delay, as
                       ///< some proxies and load balancers do.
  gateway_error,       ///< Answered 502 or 503 (at random) with a load balancer's page.
  too_many_requests,   ///< Answered 429 with `Retry-After: fault_proxy_options::retry_after`.
};

/// The kind's name, e.g. "reset_after_forwarding".
BETTERPROMPT_DECL std::string_view to_string(proxy_fault kind) noexcept;

/// True for the kinds after which the server has processed the request.
BETTERPROMPT_DECL bool is_relayed(proxy_fault kind) noexcept;

/// How often one kind of fault hits: the probability, per request, in [0, 1].
struct proxy_fault_rate {
  proxy_fault kind = proxy_fault::reset_before_forwarding;  ///< The fault.
  double probability = 0;                                   ///< Per request.
};

/// Every kind of proxy_fault at `probability` each (8 kinds: 0.02 each is about 15 % in all).
BETTERPROMPT_DECL std::vector<proxy_fault_rate> every_proxy_fault(double probability);

/// One fault the proxy injected: its log entry.
struct proxy_fault_record {
  std::uint64_t request = 0;     ///< The request's number, from 1, in the order requests were read.
  std::uint64_t connection = 0;  ///< The client connection's number, from 1.
  proxy_fault kind = proxy_fault::reset_before_forwarding;  ///< What was done.
  std::string method;                                       ///< E.g. "POST".
  std::string target;                                       ///< E.g. "/v1/runs".
  std::string body;     ///< The request's body, at most its first 1 KiB: tells which call it was.
  unsigned status = 0;  ///< The status the client was sent or denied (the server's when relayed).
};

/// Options of a fault_proxy.
struct fault_proxy_options {
  /// The server to relay to, as a client's base URL, e.g. emulator::base_url() (plain http only).
  std::string upstream;
  /// Address to listen on. Default: "127.0.0.1".
  std::string address = "127.0.0.1";
  /// Port to listen on; 0 picks a free ephemeral port. Default: 0.
  std::uint16_t port = 0;
  /// Seeds the draws: the same seed gives the same fault to the n-th request read. Default: 1.
  std::uint64_t seed = 1;
  /// The faults and their rates; a request gets at most one. Default: none (a faithful relay).
  std::vector<proxy_fault_rate> faults{};
  /// How long the stall faults hold the connection before closing it. Default: 10 s.
  std::chrono::milliseconds stall{std::chrono::seconds(10)};
  /// close_after_answer closes a random time up to this long after the answer: how long the
  /// proxy's close takes to reach the client, during which a client may send its next request.
  /// Default: 3 ms.
  std::chrono::microseconds close_delay{3000};
  /// The Retry-After of too_many_requests, in seconds. Default: 1.
  int retry_after_seconds = 1;
  /// Called with every fault as it is injected, from the connection's strand: on a
  /// multi-threaded executor, from several threads at once (keep it short and thread-safe). A
  /// hook that throws is ignored.
  std::function<void(const proxy_fault_record&)> on_fault{};
};

namespace detail {
class fault_proxy_server;
}

/// The proxy: listening when the constructor returns, relaying each client connection over a
/// connection of its own to the upstream, request by request (HTTP/1.1 keep-alive), and breaking
/// the requests its draws pick. Every fault is logged (faults(), and on_fault). Stops on stop()
/// or destruction; run the executor's context until then.
class fault_proxy {
 public:
  /// Starts listening. Throws boost::system::system_error when the address cannot be bound, and
  /// std::invalid_argument for an upstream that is not a plain http base URL.
  BETTERPROMPT_DECL fault_proxy(boost::asio::any_io_executor ex, fault_proxy_options options);

  /// Starts listening on the context's executor.
  template <class ExecutionContext, class = std::enable_if_t<std::is_convertible_v<
                                        ExecutionContext&, boost::asio::execution_context&>>>
  fault_proxy(ExecutionContext& ctx, fault_proxy_options options)
      : fault_proxy(boost::asio::any_io_executor(ctx.get_executor()), std::move(options)) {}

  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  /// Stops the proxy (see stop()).
  BETTERPROMPT_DECL ~fault_proxy();

  /// The base URL to give a client: the upstream's, with the proxy's address and port.
  BETTERPROMPT_DECL std::string base_url() const;
  /// The port it listens on.
  BETTERPROMPT_DECL std::uint16_t port() const;
  /// Every fault injected so far, in the order injected.
  BETTERPROMPT_DECL std::vector<proxy_fault_record> faults() const;
  /// Requests read so far (faulted or not).
  BETTERPROMPT_DECL std::size_t request_count() const;

  /// Stops accepting and closes every connection, ending stalls. Idempotent.
  BETTERPROMPT_DECL void stop();

 private:
  std::shared_ptr<detail::fault_proxy_server> server_;
};

}  // namespace betterprompt::testing

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/testing/impl/fault_proxy.ipp>
#endif
