// SPDX-License-Identifier: BSL-1.0
// The one way every public operation starts: take the client's shared state at once, then run
// the operation's body for the given completion token.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/completion.hpp>
#include <betterprompt/detail/outcome.hpp>
#include <betterprompt/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace betterprompt::detail {

class client_impl;

/// The shared state of a client; throws error::invalid_argument for a moved-from client.
inline std::shared_ptr<client_impl> impl_of(const client& c) {
  if (!c.impl()) throw_client_error(error::invalid_argument, "client was moved from");
  return c.impl();
}

/// The error and diagnostics `failure` carries; rethrows what is not an error (bad_alloc, …).
inline boost::system::error_code error_of(std::exception_ptr failure, diagnostics& diag) {
  try {
    std::rethrow_exception(std::move(failure));
  } catch (const error_with_diagnostics& e) {
    diag = e.get_diagnostics();
    return e.code();
  } catch (const boost::system::system_error& e) {
    diag.message = e.what();
    return e.code();
  }
}

/// Runs an operation's body (an awaitable on the client's executor) for a handler: the body's
/// exception becomes error_code + diagnostics (written to `*out` when asked), the handler runs on
/// its associated executor, and its cancellation slot reaches the body.
template <class T>
struct run_body {
  boost::asio::any_io_executor executor;
  diagnostics* out = nullptr;

  template <class Handler>
  void operator()(Handler handler, boost::asio::awaitable<T> body) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    auto handler_executor = boost::asio::get_associated_executor(handler, executor);
    auto finish = [handler = std::move(handler), out = out](std::exception_ptr failure,
                                                            T value) mutable {
      diagnostics diag;
      const auto ec = failure ? error_of(std::move(failure), diag) : boost::system::error_code{};
      if (out) *out = diag;
      deliver(handler, ec, std::move(diag), std::move(value));
    };
    boost::asio::co_spawn(
        executor, std::move(body),
        boost::asio::bind_cancellation_slot(
            slot, boost::asio::bind_executor(handler_executor, std::move(finish))));
  }
};

/// `body`, but a failure also fills `*out` before it is rethrown (the diagnostics& overloads with
/// the default token).
template <class T>
boost::asio::awaitable<T> filling_diagnostics(boost::asio::awaitable<T> body, diagnostics* out) {
  try {
    T value = co_await std::move(body);
    co_return value;
  } catch (const error_with_diagnostics& e) {
    *out = e.get_diagnostics();
    throw;
  }
}

/// Starts an operation for `token`: takes the client's shared state now (so that the client may
/// be destroyed on the next line), makes the body with `make_body(state)`, and hands it to the
/// token — the default token (use_awaitable) gets the body itself, at no extra cost; every other
/// token goes through run_body. Throws error::invalid_argument for a moved-from client.
template <class T, class MakeBody, class CompletionToken>
auto initiate(std::shared_ptr<client_impl> state, boost::asio::any_io_executor executor,
              MakeBody&& make_body, diagnostics* out, CompletionToken&& token) {
  boost::asio::awaitable<T> body = std::forward<MakeBody>(make_body)(std::move(state));
  if (out) *out = diagnostics{};  // a success leaves none behind
  if constexpr (std::is_same_v<std::decay_t<CompletionToken>, default_completion_token_t>) {
    if (out) return filling_diagnostics(std::move(body), out);
    return body;
  } else {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code, T)>(
        run_body<T>{std::move(executor), out}, token, std::move(body));
  }
}

/// initiate() for an operation on client `c`.
template <class T, class MakeBody, class CompletionToken>
auto initiate(const client& c, MakeBody&& make_body, diagnostics* out, CompletionToken&& token) {
  std::shared_ptr<client_impl> state = impl_of(c);
  return initiate<T>(std::move(state), c.get_executor(), std::forward<MakeBody>(make_body), out,
                     std::forward<CompletionToken>(token));
}

/// Adapts an operation's internal completion, void(error_code, outcome<T>), to the caller's
/// handler: the diagnostics go to `*out` (when asked) and to a with_diagnostics handler, the value
/// to the handler. Keeps the handler's executor, allocator and cancellation slot.
template <class Handler, class T>
struct outcome_handler {
  Handler handler;
  diagnostics* out = nullptr;

  void operator()(boost::system::error_code ec, outcome<T> result) {
    if (out) *out = result.diag;
    deliver(handler, ec, std::move(result.diag), std::move(result.value));
  }
};

template <class Handler, class T>
inline constexpr bool is_handler_adapter<outcome_handler<Handler, T>> = true;

/// Starts a composed operation for `token`. `launch(token2)` starts it with completion
/// void(error_code, outcome<T>); the caller sees void(error_code, T). The default token sees
/// void(std::exception_ptr, T) through a with_diagnostics adapter: the awaiting coroutine gets
/// error_with_diagnostics with its diagnostics intact, and the operation resumes it directly (no
/// coroutine frame of its own).
template <class T, class Launch, class CompletionToken>
auto initiate_composed(Launch launch, diagnostics* out, CompletionToken&& token) {
  constexpr bool throws = std::is_same_v<std::decay_t<CompletionToken>, default_completion_token_t>;
  using signature =
      std::conditional_t<throws, void(std::exception_ptr, T), void(boost::system::error_code, T)>;
  if (out) *out = diagnostics{};
  return boost::asio::async_initiate<CompletionToken, signature>(
      [](auto handler, Launch launch, diagnostics* out) {
        using handler_type = std::decay_t<decltype(handler)>;
        if constexpr (throws)
          launch(outcome_handler<diagnostics_handler<handler_type>, T>{{std::move(handler)}, out});
        else
          launch(outcome_handler<handler_type, T>{std::move(handler), out});
      },
      token, std::move(launch), out);
}

/// True for the types an operation's trailing token parameter accepts: anything but its other
/// optional arguments (so that `get_prompt(c, id, "v2")` picks the version overload).
template <class CompletionToken, class... NotThese>
concept token_not = (!std::is_convertible_v<CompletionToken, NotThese> && ...) &&
                    !std::is_same_v<std::decay_t<CompletionToken>, diagnostics>;

}  // namespace betterprompt::detail
