// SPDX-License-Identifier: BSL-1.0
// JSON mapping of the account models: the one place they are decoded and encoded.
#pragma once

#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/models/account.hpp>

#include <cmath>

namespace betterprompt {

BETTERPROMPT_DECL account tag_invoke(boost::json::value_to_tag<account>,
                                     const boost::json::value& v) {
  return detail::read_model_or_throw<account>(v);
}

BETTERPROMPT_DECL account detail::read_model(const boost::json::value& v, detail::json_reader& in,
                                             std::type_identity<account>) {
  const auto& obj = in.object(v, "account");
  account a;
  a.username = in.nullable_string(obj, "username");
  a.display_name = in.nullable_string(obj, "displayName");
  a.user_flags = in.optional_int(obj, "userFlags", 0);
  return a;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const account& a) {
  auto nullable = [](const std::optional<std::string>& s) -> boost::json::value {
    if (s) return boost::json::value(*s);
    return nullptr;
  };
  v = {{"username", nullable(a.username)},
       {"displayName", nullable(a.display_name)},
       {"userFlags", a.user_flags}};
}

BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v) {
  return detail::read_model_or_throw<credit_balance>(v);
}

BETTERPROMPT_DECL credit_balance detail::read_model(const boost::json::value& v,
                                                    detail::json_reader& in,
                                                    std::type_identity<credit_balance>) {
  const auto& obj = in.object(v, "credits");
  const auto* credits = obj.if_contains("credits");
  if (!credits) {
    in.fail("field 'credits' is missing");
    return {};
  }
  if (!credits->is_number()) {
    in.fail("field 'credits' is not a number");
    return {};
  }
  const double value = credits->to_number<double>();
  if (!std::isfinite(value)) {
    in.fail("field 'credits' is not finite");
    return {};
  }
  return {value};
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const credit_balance& c) {
  // An integral balance is written as an integer, as the API documents it.
  const double whole = std::trunc(c.credits);
  if (whole == c.credits && std::fabs(whole) < 9007199254740992.0)
    v = {{"credits", static_cast<std::int64_t>(whole)}};
  else
    v = {{"credits", c.credits}};
}

}  // namespace betterprompt
