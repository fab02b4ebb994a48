// Bodies of the account endpoints.
#pragma once

#include <betterprompt/account.hpp>
#include <betterprompt/detail/call.hpp>

namespace betterprompt {

BETTERPROMPT_DECL boost::asio::awaitable<boost::json::value> detail::get_account_op(
    std::shared_ptr<client_impl> state) {
  auto env = co_await call(std::move(state), api_request::get("/me"));
  co_return decode_data<boost::json::value>(std::move(env));
}

BETTERPROMPT_DECL boost::asio::awaitable<credit_balance> detail::get_credits_op(
    std::shared_ptr<client_impl> state) {
  auto env = co_await call(std::move(state), api_request::get("/me/credits"));
  co_return decode_data<credit_balance>(std::move(env));
}

BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v) {
  const auto& obj = detail::as_object(v, "credits");
  if (!obj.contains("credits")) throw detail::decode_error("field 'credits' is missing");
  return {detail::optional_int(obj, "credits", 0)};
}

}  // namespace betterprompt
