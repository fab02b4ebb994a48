// SPDX-License-Identifier: BSL-1.0
// An endpoint that is one request and a decoded answer, as a composed operation: the call
// (detail/operations/call_op.hpp) plus a decode step in its completion. No coroutine, no spawned
// thread: the caller's handler (or awaiting coroutine) is resumed by the call itself.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/operations/call_op.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/detail/operations/outcome.hpp>

#include <boost/asio/async_result.hpp>

#include <chrono>
#include <cstdint>
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

/// decode_data<T> in the shape answer_reader::decode takes: for answers that are just a T.
template <class T>
boost::system::error_code decode_answer(envelope&& answer, const std::string&, T& out,
                                        diagnostics& diag) {
  return decode_data<T>(std::move(answer), out, diag);
}

/// A call that sends nothing and completes with `refusal` and `diag`: how a builder refuses its
/// arguments (an empty id, an option out of range), without throwing.
template <class T>
endpoint_call<T> refused_call(boost::system::error_code refusal, diagnostics&& diag) {
  endpoint_call<T> refused;
  refused.refused = refusal;
  refused.refused_diag = std::make_unique<diagnostics>(std::move(diag));
  return refused;
}

/// A create's place in its client's create_accounting, from before it queues until the client
/// knows how it ended: its run remembered, or its unknown outcome noted. Ends the create when it
/// goes (also if its handler is destroyed without running), so that no reconciliation waits for
/// it forever. Empty for other calls: they copy no pointer.
class accounted_create {
 public:
  accounted_create() = default;
  accounted_create(std::shared_ptr<client_handle> client, std::uint64_t ticket)
      : client_(std::move(client)), ticket_(ticket) {}
  accounted_create(accounted_create&& other) noexcept
      : client_(std::move(other.client_)), ticket_(std::exchange(other.ticket_, 0)) {}
  accounted_create& operator=(accounted_create&&) = delete;
  ~accounted_create() { end(); }

  client_handle* client() const noexcept { return client_.get(); }

  /// Notes what a failed create left behind, when its run may exist.
  void failed(const diagnostics& diag) {
    if (client_ && diag.create && diag.create->outcome != create_outcome::not_created)
      client_->accounting().note_unsettled_outcome(*diag.create, std::chrono::system_clock::now());
  }

  /// Tells the client's hook how the create ended (event_kind::create_settled).
  void settled(std::string_view version, boost::system::error_code ec,
               std::optional<std::chrono::system_clock::time_point> sent_at,
               const diagnostics& diag, std::string_view run_id) const {
    if (!client_ || !client_->hooked()) return;
    event e;
    e.kind = event_kind::create_settled;
    e.operation = routes::create_run.operation;
    e.method = routes::create_run.method();
    e.path_template = routes::create_run.path_template();
    e.error = ec;
    e.prompt_version_id = version;
    e.sent_at = diag.create ? diag.create->sent_at : sent_at;
    e.outcome = ec ? (diag.create ? to_string(diag.create->outcome) : std::string_view("unknown"))
                   : std::string_view("answered");
    e.run_id = run_id;
    client_->notify(e);
  }

  /// The client knows how the create ended.
  void end() noexcept {
    if (client_ && ticket_ != 0) client_->accounting().end_create(ticket_);
    ticket_ = 0;
    client_.reset();
  }

 private:
  std::shared_ptr<client_handle> client_;
  std::uint64_t ticket_ = 0;
};

/// The call's completion, decoded: void(error_code, api_response) in, void(error_code,
/// outcome<T>) out to `handler`.
template <class Handler, class T>
struct decoding_handler {
  Handler handler;
  answer_reader<T> reader;
  typename endpoint_call<T>::value_recorder record_value;
  accounted_create create;  ///< Only for a create.
  std::shared_ptr<client_handle>
      recorder{};  ///< The client record_value keeps account in; set with it.

  void operator()(boost::system::error_code ec, api_response answer) {
    outcome<T> result;
    const auto sent_at = answer.exchange.sent_at;
    ec = read_answer(ec, std::move(answer), reader, result);
    if (!ec && recorder) record_value(*recorder, result.value, reader.context, sent_at);
    recorder.reset();
    if (ec) create.failed(result.diag);
    if (create.client()) {
      std::string_view answered;
      if constexpr (requires { result.value.run_id; })
        if (!ec) answered = result.value.run_id;
      create.settled(reader.context, ec, sent_at, result.diag, answered);
    }
    create.end();
    std::move(handler)(ec, std::move(result));
  }
};

template <class Handler, class T>
inline constexpr bool is_handler_adapter<decoding_handler<Handler, T>> = true;

/// Starts an endpoint_call for initiate_composed. The call is boxed: the initiation moves it
/// through several layers (the token's, then async_initiate's), and a pointer moves cheaply.
template <class T>
struct endpoint_initiation {
  std::shared_ptr<client_handle> handle;
  std::unique_ptr<endpoint_call<T>> call;

  template <class CompletionToken>
  auto operator()(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken,
                                       void(boost::system::error_code, outcome<T>)>(
        [](auto handler, std::shared_ptr<client_handle> handle,
           std::unique_ptr<endpoint_call<T>> call) {
          using handler_type = std::decay_t<decltype(handler)>;
          if (call->refused) {
            if (call->settle)
              call->settle(call->refused, {}, answer_body::incomplete, call->context,
                           *call->refused_diag);
            return complete_later(std::move(handler), handle->executor(), call->refused,
                                  outcome<T>{{}, std::move(*call->refused_diag)});
          }
          if (call->known)
            return complete_later(std::move(handler), handle->executor(),
                                  boost::system::error_code(),
                                  outcome<T>{std::move(*call->known), {}});
          // A request with side effects (a create) is accounted for until its end is known.
          const std::uint64_t ticket =
              call->settle ? handle->accounting().begin_create(call->context, &handle->state()) : 0;
          call->request.create_ticket = ticket;
          if (ticket) call->request.create_version = call->context;
          accounted_create create = ticket ? accounted_create(handle, ticket) : accounted_create();
          std::shared_ptr<client_handle> recorder =
              call->record_value ? handle : std::shared_ptr<client_handle>();
          async_call(std::move(handle), std::move(call->request),
                     decoding_handler<handler_type, T>{
                         std::move(handler), std::move(static_cast<answer_reader<T>&>(*call)),
                         call->record_value, std::move(create), std::move(recorder)});
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
