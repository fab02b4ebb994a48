// SPDX-License-Identifier: BSL-1.0
// Bodies of the endpoint calls, behind the compile wall: the create's accounting, the start of a
// call through the transport, and the reading of its answer. The compiled library instantiates
// start_endpoint_call and finish_endpoint_call once per answer type (the list below); header-only
// builds instantiate them where they are used.
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

BETTERPROMPT_DECL void accounted_create::failed(const diagnostics& diag) {
  if (client_ && diag.create && diag.create->outcome != create_outcome::not_created)
    client_->accounting().note_unsettled_outcome(*diag.create, std::chrono::system_clock::now());
}

BETTERPROMPT_DECL void accounted_create::settled(
    std::string_view version, boost::system::error_code ec,
    std::optional<std::chrono::system_clock::time_point> sent_at, const diagnostics& diag,
    std::string_view run_id) const {
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

BETTERPROMPT_DECL void accounted_create::end() noexcept {
  if (client_ && ticket_ != 0) client_->accounting().end_create(ticket_);
  ticket_ = 0;
  client_.reset();
}

template <class T>
void start_endpoint_call(std::shared_ptr<client_handle> handle, endpoint_call<T>& call,
                         call_completion completion) {
  // A refused or known answer sends nothing: finish_endpoint_call reads it.
  if (call.refused || call.known)
    return complete_later(std::move(completion), handle->executor(), call.refused, api_response{});
  // A request with side effects (a create) is accounted for until its end is known.
  const std::uint64_t ticket =
      call.settle ? handle->accounting().begin_create(call.context, &handle->state()) : 0;
  call.request.create_ticket = ticket;
  if (ticket) {
    call.request.create_version = call.context;
    call.create = accounted_create(handle, ticket);
  }
  if (call.record_value) call.recorder = handle;
  async_call(std::move(handle), std::move(call.request), std::move(completion));
}

template <class T>
boost::system::error_code finish_endpoint_call(endpoint_call<T>& call, boost::system::error_code ec,
                                               api_response&& answer, T& value, diagnostics& diag) {
  if (call.refused) {
    diag = std::move(*call.refused_diag);
    if (call.settle) call.settle(ec, {}, answer_body::incomplete, call.context, diag);
    return ec;
  }
  if (call.known) {
    value = std::move(*call.known);
    return {};
  }
  const auto sent_at = answer.exchange.sent_at;
  ec = read_answer(ec, std::move(answer), static_cast<const answer_reader<T>&>(call), value, diag);
  if (!ec && call.recorder) call.record_value(*call.recorder, value, call.context, sent_at);
  if (ec) call.create.failed(diag);
  if (call.create.client()) {
    std::string_view answered;
    if constexpr (requires { value.run_id; })
      if (!ec) answered = value.run_id;
    call.create.settled(call.context, ec, sent_at, diag, answered);
  }
  call.create.end();
  return ec;
}

#ifndef BETTERPROMPT_HEADER_ONLY
// Every answer type an endpoint has: the compiled library's one instantiation of each.
#define BETTERPROMPT_ENDPOINT_ANSWER(T)                                                \
  template void start_endpoint_call(std::shared_ptr<client_handle>, endpoint_call<T>&, \
                                    call_completion);                                  \
  template boost::system::error_code finish_endpoint_call(                             \
      endpoint_call<T>&, boost::system::error_code, api_response&&, T&, diagnostics&);
BETTERPROMPT_ENDPOINT_ANSWER(account)
BETTERPROMPT_ENDPOINT_ANSWER(credit_balance)
BETTERPROMPT_ENDPOINT_ANSWER(prompt)
BETTERPROMPT_ENDPOINT_ANSWER(std::vector<prompt>)
BETTERPROMPT_ENDPOINT_ANSWER(page<prompt>)
BETTERPROMPT_ENDPOINT_ANSWER(skill)
BETTERPROMPT_ENDPOINT_ANSWER(page<skill>)
BETTERPROMPT_ENDPOINT_ANSWER(std::string)
BETTERPROMPT_ENDPOINT_ANSWER(run)
BETTERPROMPT_ENDPOINT_ANSWER(page<run>)
BETTERPROMPT_ENDPOINT_ANSWER(resources)
#undef BETTERPROMPT_ENDPOINT_ANSWER
#endif

}  // namespace betterprompt::detail
