// Account endpoints: who the key belongs to, and the credits left.
#pragma once

#include <betterprompt/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>

#include <cstdint>

namespace betterprompt {

/// The remaining credit balance.
struct credit_balance {
  std::int64_t credits = 0;  ///< Credits left (runs reserve an estimate, settled when they finish).
};

/// JSON mapping of credit_balance ({"credits": 4250}).
BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v);

/// GET /v1/me: the account's details as raw JSON (the API does not document their shape).
/// Throws error_with_diagnostics (error::unauthorized, client errors). Any cancellation type ends
/// it.
BETTERPROMPT_DECL boost::asio::awaitable<boost::json::value> get_account(client& c);

/// GET /v1/me/credits: the remaining balance. Check it before a batch of runs.
/// Throws error_with_diagnostics (error::unauthorized, client errors). Any cancellation type ends
/// it.
BETTERPROMPT_DECL boost::asio::awaitable<credit_balance> get_credits(client& c);

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/account.ipp>
#endif
