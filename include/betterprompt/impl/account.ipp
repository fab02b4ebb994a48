// Bodies of the account endpoints.
#pragma once

#include <betterprompt/account.hpp>
#include <betterprompt/detail/call.hpp>

namespace betterprompt {

BETTERPROMPT_DECL boost::asio::awaitable<boost::json::value> get_account(client& c) {
  auto env = co_await detail::call(detail::impl_of(c), detail::api_request::get("/me"));
  co_return detail::decode_data<boost::json::value>(std::move(env));
}

BETTERPROMPT_DECL boost::asio::awaitable<credit_balance> get_credits(client& c) {
  auto env = co_await detail::call(detail::impl_of(c), detail::api_request::get("/me/credits"));
  co_return detail::decode_data<credit_balance>(std::move(env));
}

BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v) {
  const auto& obj = detail::as_object(v, "credits");
  if (!obj.contains("credits")) throw detail::decode_error("field 'credits' is missing");
  return {detail::optional_int(obj, "credits", 0)};
}

}  // namespace betterprompt
