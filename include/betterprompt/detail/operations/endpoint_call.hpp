// SPDX-License-Identifier: BSL-1.0
// An endpoint that is one request and a decoded answer, as a composed operation: the call
// (detail/operations/call_op.hpp) plus a decode step in its completion. No coroutine, no spawned
// thread: the caller's handler (or awaiting coroutine) is resumed by the call itself. This header
// is the compile wall's public side: the caller's handler is erased here, once, as the call's
// own completion (answer_decoding), and the call starts and its answer is decoded in compiled
// code (impl/endpoint_call.ipp), so that no transport header reaches the caller.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/operation_completion.hpp>
#include <betterprompt/detail/transport/http_types.hpp>

#include <boost/asio/async_result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace betterprompt::detail {

/// A create's place in its client's create_accounting, from before it queues until the client
/// knows how it ended: its run remembered, or its unknown outcome noted. Ends the create when it
/// goes (also if the call's handler is destroyed without running), so that no reconciliation
/// waits for it forever. Empty for other calls. Its bodies are behind the compile wall.
class accounted_create {
 public:
  accounted_create() = default;
  accounted_create(std::shared_ptr<client_handle> client, std::uint64_t ticket)
      : client_(std::move(client)), ticket_(ticket) {}
  accounted_create(accounted_create&& other) noexcept
      : client_(std::move(other.client_)), ticket_(std::exchange(other.ticket_, 0)) {}
  accounted_create& operator=(accounted_create&& other) noexcept {
    if (this == &other) return *this;
    end();
    client_ = std::move(other.client_);
    ticket_ = std::exchange(other.ticket_, 0);
    return *this;
  }
  ~accounted_create() { end(); }

  client_handle* client() const noexcept { return client_.get(); }

  /// Notes what a failed create left behind, when its run may exist.
  BETTERPROMPT_DECL void failed(const diagnostics& diag);

  /// Tells the client's hook how the create ended (event_kind::create_settled).
  BETTERPROMPT_DECL void settled(std::string_view version, boost::system::error_code ec,
                                 std::optional<std::chrono::system_clock::time_point> sent_at,
                                 const diagnostics& diag, std::string_view run_id) const;

  /// The client knows how the create ended.
  BETTERPROMPT_DECL void end() noexcept;

 private:
  std::shared_ptr<client_handle> client_;
  std::uint64_t ticket_ = 0;
};

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
  /// A create's accounting; set when it starts (start_endpoint_call).
  accounted_create create;
  /// The client record_value keeps account in; set with it when the call starts.
  std::shared_ptr<client_handle> recorder;
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

/// Starts `call` on `handle`'s client; `completion` (which owns `call`) runs once, never
/// inline: at once for a refused or known answer, with the transport's answer otherwise. Behind
/// the compile wall: defined in impl/endpoint_call.ipp, instantiated once per answer type in the
/// compiled library.
template <class T>
BETTERPROMPT_DECL void start_endpoint_call(std::shared_ptr<client_handle> handle,
                                           endpoint_call<T>& call, call_completion completion);

/// Reads what `call` ended with (its refusal, its known answer or the transport's `answer`) into
/// `value` and `diag`, keeps the client's account of it, and returns the error the caller gets.
/// Behind the compile wall, as start_endpoint_call.
template <class T>
BETTERPROMPT_DECL boost::system::error_code finish_endpoint_call(endpoint_call<T>& call,
                                                                 boost::system::error_code ec,
                                                                 api_response&& answer, T& value,
                                                                 diagnostics& diag);

/// The call's completion for the caller's `handler`: the answer, decoded in compiled code, as
/// operation_signature<T>. The one type the call erases: the caller's handler is not erased on
/// its own before (an erasure costs an allocation per call).
template <class Handler, class T>
struct answer_decoding {
  Handler handler;
  std::unique_ptr<endpoint_call<T>> call;

  void operator()(boost::system::error_code ec, api_response answer) {
    T value{};
    diagnostics diag;
    ec = finish_endpoint_call(*call, ec, std::move(answer), value, diag);
    call.reset();  // finish ended its accounting; the box goes before the caller's handler runs
    std::move(handler)(ec, std::move(value), std::move(diag));
  }
};

template <class Handler, class T>
inline constexpr bool is_handler_adapter<answer_decoding<Handler, T>> = true;

/// Starts an endpoint_call for initiate_composed. The call is boxed: the initiation moves it
/// through several layers (the token's, then async_initiate's), and a pointer moves cheaply.
template <class T>
struct endpoint_initiation {
  std::shared_ptr<client_handle> handle;
  std::unique_ptr<endpoint_call<T>> call;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, operation_signature<T>>(
        [](auto handler, std::shared_ptr<client_handle> handle,
           std::unique_ptr<endpoint_call<T>> call) {
          endpoint_call<T>& started = *call;  // the box stays where it is while it moves
          start_endpoint_call(std::move(handle), started,
                              call_completion(answer_decoding<decltype(handler), T>{
                                  std::move(handler), std::move(call)}));
        },
        token, std::move(handle), std::move(call));
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
