// SPDX-License-Identifier: BSL-1.0
// Options of a betterprompt::client, with their defaults.
#pragma once

#include <betterprompt/config.hpp>
#include <betterprompt/events.hpp>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace betterprompt {

namespace detail {
inline std::string api_key_from_environment() {
  const char* key = std::getenv("BETTERPROMPT_API_KEY");
  return key ? std::string(key) : std::string();
}

inline std::string base_url_from_environment() {
  const char* url = std::getenv("BETTERPROMPT_BASE_URL");
  return url && *url ? std::string(url) : std::string("https://api.betterprompt.me/v1");
}
}  // namespace detail

/// Which certificate authorities a client trusts for https. Peer and host-name verification are
/// always on for https; these options only choose the trust anchors.
struct tls_options {
  /// Trust the system's default CA store. Default: true.
  bool use_system_trust_store = true;
  /// Path of a PEM file with additional trusted CA certificates. Default: none.
  std::string ca_file;
  /// PEM text with additional trusted CA certificates (e.g. the emulator's). Default: none.
  std::string ca_pem;
};

/// How failed requests are retried: exponential backoff with full jitter.
///
/// Retried: a request that never reached the server (resolve or connect failure, TLS handshake
/// failure other than certificate verification) and a 429 answer — any method; and for GET only,
/// a connection that broke before the answer, and the statuses 408, 500, 502, 503 and 504. A POST
/// (a run create) is never resent once it may have been processed: that could bill a second run.
/// A 429 proves it was not (the API refuses before doing anything).
struct retry_policy {
  /// Retries after the first attempt; 0 turns retrying off. Default: 2.
  int max_retries = 2;
  /// Upper bound of the first delay; each delay is uniform in [0, bound]. Default: 500 ms.
  std::chrono::milliseconds initial_backoff{500};
  /// Growth of the bound per retry. Default: 2.
  double multiplier = 2.0;
  /// Largest bound. Default: 8 s.
  std::chrono::milliseconds max_backoff{std::chrono::seconds(8)};
  /// Wait at least the server's Retry-After (seconds or HTTP date) when it sends one. Default:
  /// true.
  bool honor_retry_after = true;
  /// The longest Retry-After the client waits out. An answer asking for longer, or for longer
  /// than the call's total timeout has left, is not retried: the call fails at once with its own
  /// error (error::rate_limited for a 429) and diagnostics::retry_after_seconds set. A negative,
  /// unreadable or overflowing Retry-After is ignored (the usual backoff applies). Default: 60 s.
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(60)};
};

/// A token bucket shared by every request of a client (retries included), so that a busy client
/// stays under the API's limit of 5 requests per second instead of collecting 429s.
///
/// After any 429 the whole client pauses for the answer's Retry-After (1 s when it has none,
/// at most retry_policy::max_retry_after), then resumes at 3/4 of its rate with a burst of 1, a
/// step lower after each further 429 (down to a tenth of the rate); 30 s without a 429 restores
/// the configured rate and burst. A server whose limit is stricter than the client's (a proxy
/// with a smaller burst, say) thus makes a batch converge instead of failing with 429s. With
/// the limiter off, a 429 still pauses the client.
struct rate_limit_options {
  /// Sustained rate; 0 turns the limiter off. Default: 5 (the API's documented limit).
  double requests_per_second = 5;
  /// Requests that may go at once after a quiet period. Default: 5.
  double burst = 5;
};

/// Time limits of one call, by phase. Each phase of each attempt has its own budget, and the
/// whole call (queueing for the rate limiter and a connection, every attempt, backoff pauses) is
/// bounded by `total`. A timeout fails with error::timeout; diagnostics::data names the "phase"
/// and, for run calls, the "runId". Zero turns a limit off.
struct timeout_options {
  /// Resolving the API's host name. Default: 10 s.
  std::chrono::milliseconds resolve{std::chrono::seconds(10)};
  /// Establishing the TCP connection. Default: 10 s.
  std::chrono::milliseconds connect{std::chrono::seconds(10)};
  /// The TLS handshake, certificate verification included. Default: 10 s.
  std::chrono::milliseconds tls_handshake{std::chrono::seconds(10)};
  /// Writing the request. Default: 30 s.
  std::chrono::milliseconds write{std::chrono::seconds(30)};
  /// From the request written to the complete response headers. It must exceed the API's ~2 minute
  /// synchronous window of POST /v1/runs. Default: 150 s.
  std::chrono::milliseconds response_headers{std::chrono::seconds(150)};
  /// From the headers to the complete body. Default: 60 s.
  std::chrono::milliseconds response_body{std::chrono::seconds(60)};
  /// The whole call, retries included. Default: 5 minutes.
  std::chrono::milliseconds total{std::chrono::minutes(5)};
};

/// How SKILL.md texts are fetched from skill::skillmd_url (fetch_skillmd): another host than
/// the API's, so nothing of the API's goes there.
struct skillmd_options {
  /// Hosts fetched from: "host" (any port) or "host:port", compared case-insensitively; any other
  /// host is refused with error::invalid_argument, nothing sent. Default: the host the official
  /// data uses, {"raw.githubusercontent.com"}.
  std::vector<std::string> allowed_hosts{"raw.githubusercontent.com"};
  /// Largest text accepted; larger → error::response_too_large. Default: 1 MiB.
  std::size_t max_bytes = 1024 * 1024;
  /// The whole fetch, retries included (each phase also keeps client_options::timeouts).
  /// Default: 30 s.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  /// Texts kept by URL (the URLs are pinned to a commit: a text never changes); 0: none kept.
  /// Default: 32.
  std::size_t cache_entries = 32;
};

/// One extra request header field (client_options::extra_headers, call_options::extra_headers),
/// e.g. `{"traceparent", "00-4bf9…-01"}`.
struct header_field {
  /// An RFC 9110 token (letters, digits and the symbols tchar allows), compared
  /// case-insensitively.
  std::string name;
  /// Sent as given; CR, LF and NUL are refused. Never logged and never put in errors.
  std::string value;
};

/// Options of a client. An aggregate: set what you need, the rest keeps its documented default.
struct client_options {
  /// Scheme (case-insensitive), host, optional port and path prefix of the API. http:// is
  /// accepted for loopback hosts only (localhost, 127.0.0.0/8, ::1; e.g. the emulator) unless
  /// allow_insecure_http is set. Control characters, spaces, non-ASCII bytes and user
  /// information are rejected with error::invalid_argument. Default: the BETTERPROMPT_BASE_URL
  /// environment variable when set and not empty (read when the options are created, so that a
  /// built program can be pointed at the emulator), else "https://api.betterprompt.me/v1".
  std::string base_url = detail::base_url_from_environment();
  /// Allow an http:// base_url for a host that is not loopback: the API key would then cross
  /// the network in clear text. Default: false.
  bool allow_insecure_http = false;
  /// Sent as `Authorization: Bearer <api_key>`; never logged or put in errors.
  /// Default: the BETTERPROMPT_API_KEY environment variable, read when the options are created.
  std::string api_key = detail::api_key_from_environment();
  /// Trust anchors for https. Default: the system store.
  tls_options tls;
  /// The User-Agent header. Default: "betterprompt-cpp/<version>".
  std::string user_agent = "betterprompt-cpp/" BETTERPROMPT_VERSION_STRING;
  /// Header fields added to every request to the API (tracing such as `traceparent`, a
  /// gateway's own fields), after the SDK's own. They go to the API's host only: never in a
  /// proxy's CONNECT, never to a SKILL.md host. Their values are never logged or put in errors.
  /// Refused with error::invalid_argument when the client is made: a name that is not a token, a
  /// value with CR, LF or NUL, a name given twice, and the fields the SDK owns: Host,
  /// Authorization (api_key), Proxy-Authorization (proxy), Content-Length, Transfer-Encoding,
  /// Connection, Keep-Alive, TE, Trailer, Upgrade, Expect, cli-agent (the resources cache),
  /// User-Agent (user_agent), Accept and Content-Type (the SDK speaks JSON). Default: none.
  std::vector<header_field> extra_headers{};
  /// How SKILL.md texts are fetched (fetch_skillmd): allowed hosts, size, time, cache.
  skillmd_options skillmd{};
  /// Time limits by phase and per call. Default: see timeout_options.
  timeout_options timeouts;
  /// Largest response body accepted; larger → error::response_too_large. Default: 8 MiB.
  std::size_t max_response_body = 8 * 1024 * 1024;
  /// Connections in use at once; further requests wait their turn (first come, first served).
  /// 0: unbounded. Default: 8.
  std::size_t max_connections = 8;
  /// Whether the client's executor may run its handlers on several threads at once. true: each
  /// operation runs its steps on a strand (one of a few the client makes), unless the executor
  /// is a strand already: then on that strand. false: the steps run directly on the executor,
  /// which must then never run two handlers at once (one thread runs the io_context); this saves
  /// a strand's locks, about as much CPU per call as the rest of its path. Either way operations
  /// may be started from any thread. Default: true, as Boost.MySQL's pool_params::thread_safe.
  bool thread_safe = true;
  /// Idle keep-alive connections kept for reuse. Default: 4.
  std::size_t max_idle_connections = 4;
  /// An idle connection older than this is closed instead of reused. Default: 30 s.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  /// Retrying of failed requests. Default: see retry_policy.
  retry_policy retry;
  /// Client-side rate limit. Default: 5 requests per second, burst 5.
  rate_limit_options rate_limit;
  /// The HTTP proxy to go through: "http://[user:password@]host[:port]" (port default 1080; the
  /// credentials, percent-decoded, are sent as Basic Proxy-Authorization to the proxy only, and
  /// never shown). https requests go through a CONNECT tunnel, with TLS end to end to the API
  /// host (certificate checked against it, not the proxy); plain http requests are sent to the
  /// proxy in absolute form. "" (empty): no proxy. Default (nullopt): the environment, read when
  /// the client is created: https_proxy / HTTPS_PROXY for an https base_url, http_proxy /
  /// HTTP_PROXY for http, unless no_proxy / NO_PROXY ("*", hosts, .domains, host:port) exempts
  /// the API host. A refusal by the proxy is error::proxy_refused with the proxy's status.
  std::optional<std::string> proxy{};
  /// Sees every call, retry, wait and connection of the client (see events.hpp); shared by all
  /// handles. Default: none, unless BETTERPROMPT_LOG is "info" or "debug" (read when the client
  /// is created): then a logger to stderr. Nothing is built or called when there is no hook.
  event_hook on_event{};
};

/// Overrides for the calls made through one client handle; see client::with(). Unset members
/// keep the client's own options.
struct call_options {
  /// Replaces client_options::retry, e.g. `retry_policy{.max_retries = 0}` for a latency-bound
  /// call. Default: unset.
  std::optional<retry_policy> retry;
  /// Replaces client_options::timeouts. Default: unset.
  std::optional<timeout_options> timeouts;
  /// Added to the client's extra_headers; a field of the same name (case-insensitive) replaces
  /// the client's. Same rules as client_options::extra_headers, checked by client::with().
  /// Default: none.
  std::vector<header_field> extra_headers{};
};

}  // namespace betterprompt
