// SPDX-License-Identifier: BSL-1.0
// Completion tokens: how an operation reports its outcome. Every operation takes any Asio
// completion token; its completion signature is void(boost::system::error_code, T).
#pragma once

#include <betterprompt/error.hpp>

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <type_traits>
#include <utility>

namespace betterprompt {

/// The token operations use when none is given: `co_await betterprompt::get_run(c, id)` inside an
/// `asio::awaitable<T>` (any_io_executor) coroutine returns the value and throws
/// error_with_diagnostics on failure, with its diagnostics intact. It is `asio::use_awaitable`,
/// so passing that explicitly behaves the same.
///
/// (Not `asio::deferred`: Boost 1.81 cannot co_await a deferred operation whose signature is
/// void(std::exception_ptr, T), which is what carrying diagnostics through an exception needs.
/// Coroutines on other executor types pass a token: see with_diagnostics.)
using default_completion_token_t = boost::asio::use_awaitable_t<>;

/// A token adapter: completes with void(std::exception_ptr, T) instead of
/// void(error_code, T), the exception being error_with_diagnostics with the operation's
/// diagnostics. For tokens that turn an exception into a throw: a coroutine on another executor
/// type (`with_diagnostics(asio::use_awaitable_t<my_strand>{})`) or a future
/// (`with_diagnostics(asio::use_future)`: get() throws error_with_diagnostics).
template <class CompletionToken>
struct with_diagnostics_t {
  CompletionToken token;  ///< The token that receives the adapted completion.
};

/// Wraps `token` in with_diagnostics_t.
template <class CompletionToken>
with_diagnostics_t<std::decay_t<CompletionToken>> with_diagnostics(CompletionToken&& token) {
  return {std::forward<CompletionToken>(token)};
}

namespace detail {

/// True for the library's adapters around a completion handler (kept in their `handler`
/// member): Asio sees through them to the wrapped handler's associations.
template <class T>
inline constexpr bool is_handler_adapter = false;

template <class T>
concept handler_adapter = is_handler_adapter<T>;

/// The handler with_diagnostics_t hands to an operation: the operation calls complete() with
/// its diagnostics (see detail::deliver); a plain call has none to give.
template <class Handler>
struct diagnostics_handler {
  Handler handler;

  template <class T>
  void complete(boost::system::error_code ec, diagnostics&& diag, T&& value) {
    std::exception_ptr failure;
    if (ec) failure = std::make_exception_ptr(error_with_diagnostics(ec, std::move(diag)));
    std::move(handler)(std::move(failure), std::forward<T>(value));
  }

  template <class T>
  void operator()(boost::system::error_code ec, T value) {
    complete(ec, diagnostics{}, std::move(value));
  }
};

template <class Handler>
inline constexpr bool is_handler_adapter<diagnostics_handler<Handler>> = true;

template <class Handler>
struct is_diagnostics_handler : std::false_type {};
template <class Handler>
struct is_diagnostics_handler<diagnostics_handler<Handler>> : std::true_type {};

/// Completes `handler` with (ec, value), handing over `diag` when it takes diagnostics. Takes
/// both by reference: a run and its diagnostics are a dozen strings, moved once, into the handler.
template <class Handler, class T>
void deliver(Handler& handler, boost::system::error_code ec, diagnostics&& diag, T&& value) {
  if constexpr (is_diagnostics_handler<Handler>::value)
    handler.complete(ec, std::move(diag), std::forward<T>(value));
  else
    std::move(handler)(ec, std::forward<T>(value));
}

}  // namespace detail
namespace detail {
/// True for the types an operation's trailing token parameter accepts: anything but its other
/// optional arguments (so that `get_prompt(c, id, "v2")` picks the version overload).
template <class CompletionToken, class... NotThese>
concept token_not = (!std::is_convertible_v<CompletionToken, NotThese> && ...) &&
                    !std::is_same_v<std::decay_t<CompletionToken>, diagnostics>;
}  // namespace detail

}  // namespace betterprompt

namespace boost::asio {

/// An adapter keeps the executor, allocator and cancellation slot of the handler it wraps.
template <template <class, class> class Associator, betterprompt::detail::handler_adapter Adapter,
          class DefaultCandidate>
struct associator<Associator, Adapter, DefaultCandidate> {
  using inner = decltype(std::declval<const Adapter&>().handler);
  using type = typename Associator<std::decay_t<inner>, DefaultCandidate>::type;

  static type get(const Adapter& a, const DefaultCandidate& c = DefaultCandidate()) noexcept {
    return Associator<std::decay_t<inner>, DefaultCandidate>::get(a.handler, c);
  }
};

/// with_diagnostics_t<Token>: the operation's void(error_code, T) becomes
/// void(std::exception_ptr, T) for Token.
template <class CompletionToken, class T>
struct async_result<betterprompt::with_diagnostics_t<CompletionToken>,
                    void(boost::system::error_code, T)> {
  template <class Initiation, class RawCompletionToken, class... Args>
  static auto initiate(Initiation&& initiation, RawCompletionToken&& token, Args&&... args) {
    return async_initiate<CompletionToken, void(std::exception_ptr, T)>(
        [initiation = std::forward<Initiation>(initiation)](auto handler,
                                                            auto&&... inner_args) mutable {
          using handler_type = std::decay_t<decltype(handler)>;
          std::move(initiation)(
              betterprompt::detail::diagnostics_handler<handler_type>{std::move(handler)},
              std::forward<decltype(inner_args)>(inner_args)...);
        },
        token.token, std::forward<Args>(args)...);
  }
};

}  // namespace boost::asio
