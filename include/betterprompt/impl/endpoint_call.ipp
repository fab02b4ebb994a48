// SPDX-License-Identifier: BSL-1.0
// Bodies of the endpoint calls, behind the compile wall: the create's accounting, the decoding
// completion, and the start of a call through the transport. The compiled library instantiates
// start_endpoint_call once per answer type (the list below); header-only builds instantiate it
// where it is used.
#pragma once

#include <betterprompt/detail/client_handle.hpp>
#include <betterprompt/detail/operations/call_op.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/events.hpp>
#include <betterprompt/models/account.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/models/skill.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace betterprompt::detail {

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

template <class T>
void start_endpoint_call(std::shared_ptr<client_handle> handle,
                         std::unique_ptr<endpoint_call<T>> call, outcome_completion<T> handler) {
  if (call->refused) {
    if (call->settle)
      call->settle(call->refused, {}, answer_body::incomplete, call->context, *call->refused_diag);
    return complete_later(std::move(handler), handle->executor(), call->refused,
                          outcome<T>{{}, std::move(*call->refused_diag)});
  }
  if (call->known)
    return complete_later(std::move(handler), handle->executor(), boost::system::error_code(),
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
             decoding_handler<outcome_completion<T>, T>{
                 std::move(handler), std::move(static_cast<answer_reader<T>&>(*call)),
                 call->record_value, std::move(create), std::move(recorder)});
}

#ifndef BETTERPROMPT_HEADER_ONLY
// Every answer type an endpoint has: the compiled library's one instantiation of each.
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<account>>,
                                  outcome_completion<account>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<credit_balance>>,
                                  outcome_completion<credit_balance>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<prompt>>,
                                  outcome_completion<prompt>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<std::vector<prompt>>>,
                                  outcome_completion<std::vector<prompt>>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<page<prompt>>>,
                                  outcome_completion<page<prompt>>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<skill>>, outcome_completion<skill>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<page<skill>>>,
                                  outcome_completion<page<skill>>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<std::string>>,
                                  outcome_completion<std::string>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<run>>, outcome_completion<run>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<page<run>>>,
                                  outcome_completion<page<run>>);
template void start_endpoint_call(std::shared_ptr<client_handle>,
                                  std::unique_ptr<endpoint_call<resources>>,
                                  outcome_completion<resources>);
#endif

}  // namespace betterprompt::detail
