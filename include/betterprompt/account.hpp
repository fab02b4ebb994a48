// Account endpoints: who the key belongs to, and the credits left.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/endpoint_call.hpp>
#include <betterprompt/detail/initiate.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>

namespace betterprompt {

/// The remaining credit balance.
struct credit_balance {
  std::int64_t credits = 0;  ///< Credits left (runs reserve an estimate, settled when they finish).
};

/// JSON mapping of credit_balance ({"credits": 4250}).
BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v);

namespace detail {
/// GET /v1/me.
BETTERPROMPT_DECL endpoint_call<boost::json::value> get_account_call();
/// GET /v1/me/credits.
BETTERPROMPT_DECL endpoint_call<credit_balance> get_credits_call();
}  // namespace detail

/// GET /v1/me: the account's details as raw JSON. Completion signature
/// void(error_code, boost::json::value). Errors: error::unauthorized, client errors. Any
/// cancellation type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_account(client& c, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_account_call(), nullptr,
                               std::forward<CompletionToken>(token));
}

/// get_account, writing the failure's diagnostics to `diag` before completing.
template <class CompletionToken = default_completion_token_t>
auto get_account(client& c, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_account_call(), &diag,
                               std::forward<CompletionToken>(token));
}

/// GET /v1/me/credits: the remaining balance. Check it before a batch of runs. Completion
/// signature void(error_code, credit_balance). Errors: error::unauthorized, client errors. Any
/// cancellation type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_credits(client& c, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_credits_call(), nullptr,
                               std::forward<CompletionToken>(token));
}

/// get_credits, writing the failure's diagnostics to `diag` before completing.
template <class CompletionToken = default_completion_token_t>
auto get_credits(client& c, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_credits_call(), &diag,
                               std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/account.ipp>
#endif
