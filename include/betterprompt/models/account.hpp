// SPDX-License-Identifier: BSL-1.0
// The account models: who a key belongs to, and its credit balance.
#pragma once

#include <betterprompt/config.hpp>

#include <boost/json/conversion.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace betterprompt {

/// Who the API key belongs to (GET /v1/me).
struct account {
  std::optional<std::string> username{};      ///< Handle; the API may send null.
  std::optional<std::string> display_name{};  ///< Display name; the API may send null.
  /// Bit flags of the account. The API does not document the bits; kept as sent. Default: 0.
  std::int64_t user_flags = 0;
};

/// The remaining credit balance (GET /v1/me/credits).
struct credit_balance {
  /// Credits left (runs reserve an estimate, settled when they finish). Documented as an integer;
  /// fractions are kept, as the official client prints one decimal.
  double credits = 0;
};

/// JSON mapping of account ({"username", "displayName", "userFlags"}).
BETTERPROMPT_DECL account tag_invoke(boost::json::value_to_tag<account>,
                                     const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const account& a);
/// JSON mapping of credit_balance ({"credits": 4250}; any JSON number).
BETTERPROMPT_DECL credit_balance tag_invoke(boost::json::value_to_tag<credit_balance>,
                                            const boost::json::value& v);
/// Encodes it as the API sends it (Boost.JSON value_from).
BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const credit_balance& c);

namespace detail {
class json_reader;
/// Reads an account from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL account read_model(const boost::json::value& v, json_reader& in,
                                     std::type_identity<account>);
/// Reads a credit_balance from JSON (its one mapping: value_to and the operations both use it).
BETTERPROMPT_DECL credit_balance read_model(const boost::json::value& v, json_reader& in,
                                            std::type_identity<credit_balance>);
}  // namespace detail

}  // namespace betterprompt

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/impl/account_json.ipp>
#endif
