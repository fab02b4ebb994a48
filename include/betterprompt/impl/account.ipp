// Bodies of the account endpoints.
#pragma once

#include <betterprompt/account.hpp>
#include <betterprompt/detail/call.hpp>
#include <betterprompt/detail/endpoint_call.hpp>

namespace betterprompt {

BETTERPROMPT_DECL detail::endpoint_call<boost::json::value> detail::get_account_call() {
  endpoint_call<boost::json::value> call;
  call.request = api_request::get("/me");
  call.decode = &decode_answer<boost::json::value>;
  return call;
}

BETTERPROMPT_DECL detail::endpoint_call<credit_balance> detail::get_credits_call() {
  endpoint_call<credit_balance> call;
  call.request = api_request::get("/me/credits");
  call.decode = &decode_answer<credit_balance>;
  return call;
}

BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v) {
  const auto& obj = detail::as_object(v, "credits");
  if (!obj.contains("credits")) throw detail::decode_error("field 'credits' is missing");
  return {detail::optional_int(obj, "credits", 0)};
}

}  // namespace betterprompt
