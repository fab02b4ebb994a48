// SPDX-License-Identifier: BSL-1.0
// An endpoint that is one request and a decoded answer, as a composed operation: the call
// (detail/operations/call_op.hpp) plus a decode step in its completion. No coroutine, no spawned
// thread: the caller's handler (or awaiting coroutine) is resumed by the call itself. This header
// is the compile wall's public side: the caller's handler is erased here, and the call starts in
// compiled code (impl/endpoint_call.ipp), so that no transport header reaches the caller.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/outcome.hpp>
#include <betterprompt/detail/transport/http_types.hpp>

#include <boost/asio/async_result.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

/// What one endpoint sends, and how it reads the answer (its answer_reader). Built by a
/// non-template function per endpoint (compiled once), so that the public templates stay small.
template <class T>
struct endpoint_call : answer_reader<T> {
  api_request request;
  /// For an answer the client keeps account of (the run a create returned): called with the
  /// decoded value and when its request went out, before the caller gets it.
  using value_recorder = void (*)(client_handle& client, const T& value, const std::string& context,
                                  std::optional<std::chrono::system_clock::time_point> sent_at);
  value_recorder record_value = nullptr;
  /// Set when the answer is known without a request (a cached text): the operation completes
  /// with it, sends nothing.
  std::optional<T> known;
  /// Set when the arguments were refused (an empty id): the operation completes with it, sends
  /// nothing.
  boost::system::error_code refused;
  /// The refusal's diagnostics. Behind a pointer: an endpoint_call is moved through every layer
  /// of the initiation, and the rare refusal should not make each move copy a diagnostics.
  std::unique_ptr<diagnostics> refused_diag;
};

/// A call that sends nothing and completes with `refusal` and `diag`: how a builder refuses its
/// arguments (an empty id, an option out of range), without throwing.
template <class T>
endpoint_call<T> refused_call(boost::system::error_code refusal, diagnostics&& diag) {
  endpoint_call<T> refused;
  refused.refused = refusal;
  refused.refused_diag = std::make_unique<diagnostics>(std::move(diag));
  return refused;
}

/// Starts `call` on `handle`'s client, completing `handler` (never inline): a refused or known
/// answer at once, a request through the transport otherwise. Behind the compile wall: defined in
/// impl/endpoint_call.ipp, instantiated once per answer type in the compiled library.
template <class T>
BETTERPROMPT_DECL void start_endpoint_call(std::shared_ptr<client_handle> handle,
                                           std::unique_ptr<endpoint_call<T>> call,
                                           outcome_completion<T> handler);

/// Starts an endpoint_call for initiate_composed. The call is boxed: the initiation moves it
/// through several layers (the token's, then async_initiate's), and a pointer moves cheaply.
template <class T>
struct endpoint_initiation {
  std::shared_ptr<client_handle> handle;
  std::unique_ptr<endpoint_call<T>> call;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return initiate_compiled<T, &start_endpoint_call<T>>(token, std::move(handle), std::move(call));
  }
};

/// Starts endpoint `call` on client `c` for `token` (see initiate_composed). Throws
/// error::invalid_argument for a moved-from client.
template <class T, class CompletionToken>
auto initiate_call(const client& c, endpoint_call<T> call, diagnostics* out,
                   CompletionToken&& token) {
  return initiate_composed<T>(
      endpoint_initiation<T>{handle_of(c), std::make_unique<endpoint_call<T>>(std::move(call))},
      out, std::forward<CompletionToken>(token));
}

}  // namespace betterprompt::detail

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/endpoint_call.ipp>
#endif
