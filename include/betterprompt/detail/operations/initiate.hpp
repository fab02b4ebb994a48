// SPDX-License-Identifier: BSL-1.0
// How every public operation starts: take the client's shared state at once, then hand the
// composed operation to the caller's completion token.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/completion.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/error.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace betterprompt::detail {

class client_handle;

/// The library's way into a client's shared state (client keeps it private).
struct client_access {
  static const std::shared_ptr<client_handle>& handle(const client& c) noexcept {
    return c.handle_;
  }
};

/// The shared state of a client; throws error::invalid_argument for a moved-from client.
inline std::shared_ptr<client_handle> handle_of(const client& c) {
  const auto& impl = client_access::handle(c);
  if (!impl) throw_client_error(error::invalid_argument, "client was moved from");
  return impl;
}

/// Completes `handler` with `args` later, never inside the initiating function: posted to
/// `fallback` (the client's executor), then run on the handler's own executor when it has one.
/// For an operation that knows its answer at once (a refused argument, a cache hit, a finished
/// listing). (A type-erased handler's executor cannot be posted to directly: it is an
/// any_completion_executor, which only dispatches.)
template <class Handler, class... Args>
void complete_later(Handler handler, const boost::asio::any_io_executor& fallback, Args... args) {
  boost::asio::post(fallback, boost::asio::append(std::move(handler), std::move(args)...));
}

/// async_initiate for an operation whose start is compiled (the compile wall): erases the
/// handler as an operation_completion<T> and calls `Start(args..., handler)`, so that the
/// caller's handler type goes no further than this.
template <class T, auto Start, class CompletionToken, class... Args>
auto initiate_compiled(CompletionToken& token, Args&&... args) {
  return boost::asio::async_initiate<CompletionToken, operation_signature<T>>(
      [](auto handler, auto&&... started) {
        Start(std::forward<decltype(started)>(started)...,
              operation_completion<T>(std::move(handler)));
      },
      token, std::forward<Args>(args)...);
}

/// Adapts an operation's internal completion, operation_signature<T>, to the caller's handler:
/// the diagnostics go to `*out` (when asked) and to a with_diagnostics handler, the value to the
/// handler. Keeps the handler's executor, allocator and cancellation slot.
template <class Handler, class T>
struct reporting_handler {
  Handler handler;
  diagnostics* out = nullptr;

  void operator()(boost::system::error_code ec, T&& value, diagnostics&& diag) {
    if (out) *out = diag;
    deliver(handler, ec, std::move(diag), std::move(value));
  }
};

template <class Handler, class T>
inline constexpr bool is_handler_adapter<reporting_handler<Handler, T>> = true;

/// initiate_composed's body, for a token that fits `Signature`.
template <class T, class Signature, bool throws, class Launch, class CompletionToken>
auto initiate_fitting(Launch launch, diagnostics* out, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, Signature>(
      [](auto handler, Launch launch, diagnostics* out) {
        using handler_type = std::decay_t<decltype(handler)>;
        if constexpr (throws)
          launch(
              reporting_handler<diagnostics_handler<handler_type>, T>{{std::move(handler)}, out});
        else
          launch(reporting_handler<handler_type, T>{std::move(handler), out});
      },
      token, std::move(launch), out);
}

/// Starts a composed operation for `token`. `launch(token2)` starts it with completion
/// operation_signature<T>; the caller sees void(error_code, T). The default token sees
/// void(std::exception_ptr, T) through a with_diagnostics adapter: the awaiting coroutine gets
/// error_with_diagnostics with its diagnostics intact, and the operation resumes it directly (no
/// coroutine frame of its own).
template <class T, class Launch, class CompletionToken>
auto initiate_composed(Launch launch, diagnostics* out, CompletionToken&& token) {
  constexpr bool throws = std::is_same_v<std::decay_t<CompletionToken>, default_completion_token_t>;
  using signature =
      std::conditional_t<throws, void(std::exception_ptr, T), void(boost::system::error_code, T)>;
  // A handler of another shape is named here, in one line, instead of deep inside Asio.
  constexpr bool fits = boost::asio::completion_token_for<CompletionToken, signature>;
  static_assert(fits,
                "betterprompt: this completion token does not fit the operation: a callback must "
                "be callable as void(boost::system::error_code, T), T being the operation's "
                "result (run, prompt, skill, ...); see the README's 'Completion tokens'");
  if constexpr (fits) {
    if (out) *out = diagnostics{};
    return initiate_fitting<T, signature, throws>(std::move(launch), out,
                                                  std::forward<CompletionToken>(token));
  }
}

}  // namespace betterprompt::detail
