// SPDX-License-Identifier: BSL-1.0
// Account endpoints: who the key belongs to, and the credits left.
#pragma once

#include <betterprompt/client.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/initiate.hpp>
#include <betterprompt/models/account.hpp>

#include <boost/asio/awaitable.hpp>
#include <memory>

namespace betterprompt {

namespace detail {
/// GET /v1/me.
BETTERPROMPT_DECL endpoint_call<account> get_account_call();
/// GET /v1/me/credits.
BETTERPROMPT_DECL endpoint_call<credit_balance> get_credits_call();
}  // namespace detail

/// GET /v1/me: who the key belongs to (the documented way to check a key). Completion signature
/// void(error_code, account). Errors: error::unauthorized (missing, invalid or revoked key),
/// error::payment_required (no active Pro plan), client errors. Any cancellation type ends it.
template <class CompletionToken = default_completion_token_t>
requires detail::token_not<CompletionToken>
auto get_account(client& c, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_account_call(), nullptr,
                               std::forward<CompletionToken>(token));
}

/// get_account, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
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

/// get_credits, writing its diagnostics to `diag` before completing (on success
/// too: HTTP status, request id, attempts).
template <class CompletionToken = default_completion_token_t>
auto get_credits(client& c, diagnostics& diag, CompletionToken&& token = {}) {
  return detail::initiate_call(c, detail::get_credits_call(), &diag,
                               std::forward<CompletionToken>(token));
}

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/account.ipp>
#endif
