// SPDX-License-Identifier: BSL-1.0
// Bodies of the account endpoints.
#pragma once

#include <betterprompt/account.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>

namespace betterprompt {

BETTERPROMPT_DECL detail::endpoint_call<account> detail::get_account_call() {
  endpoint_call<account> call;
  call.request = api_request::get(routes::get_account, routes::get_account.target());
  call.decode = &decode_answer<account>;
  return call;
}

BETTERPROMPT_DECL detail::endpoint_call<credit_balance> detail::get_credits_call() {
  endpoint_call<credit_balance> call;
  call.request = api_request::get(routes::get_credits, routes::get_credits.target());
  call.decode = &decode_answer<credit_balance>;
  return call;
}

}  // namespace betterprompt
