// SPDX-License-Identifier: BSL-1.0
// Bodies of <betterprompt/create_outcome.hpp>: names and the JSON mapping of create_record.
#pragma once

#include <betterprompt/create_outcome.hpp>
#include <betterprompt/detail/json_read.hpp>
#include <betterprompt/timestamps.hpp>

#include <boost/json/value.hpp>

namespace betterprompt {

BETTERPROMPT_DECL std::string_view to_string(create_outcome outcome) noexcept {
  switch (outcome) {
    case create_outcome::not_created:
      return "not_created";
    case create_outcome::created:
      return "created";
    case create_outcome::unknown:
      return "unknown";
  }
  return "unknown";
}

BETTERPROMPT_DECL create_record tag_invoke(boost::json::value_to_tag<create_record>,
                                           const boost::json::value& v) {
  return detail::read_model_or_throw<create_record>(v);
}

BETTERPROMPT_DECL create_record detail::read_model(const boost::json::value& v,
                                                   detail::json_reader& in,
                                                   std::type_identity<create_record>) {
  const auto& obj = in.object(v, "create record");
  create_record r;
  const std::string outcome = in.required_string(obj, "outcome");
  if (outcome == "not_created")
    r.outcome = create_outcome::not_created;
  else if (outcome == "created")
    r.outcome = create_outcome::created;
  else if (outcome == "unknown")
    r.outcome = create_outcome::unknown;
  else
    in.fail("field 'outcome' is not one of not_created, created, unknown");
  r.prompt_version_id = in.optional_string(obj, "promptVersionId");
  auto time_of = [&](std::string_view key) -> std::optional<std::chrono::system_clock::time_point> {
    const auto text = in.nullable_string(obj, key);
    if (!text) return std::nullopt;
    auto when = from_iso8601(*text);
    if (!when) in.fail("field '" + std::string(key) + "' is not an ISO 8601 UTC time");
    return when;
  };
  r.sent_at = time_of("sentAt");
  if (auto failed = time_of("failedAt")) r.failed_at = *failed;
  const std::int64_t status = in.optional_int(obj, "httpStatus", 0);
  if (status < 0 || status > 999) {
    in.fail("field 'httpStatus' is not a status");
    return r;
  }
  r.http_status = static_cast<unsigned>(status);
  r.request_id = in.optional_string(obj, "requestId");
  r.cause = in.optional_string(obj, "cause");
  return r;
}

BETTERPROMPT_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& v,
                                  const create_record& r) {
  boost::json::object obj{{"outcome", to_string(r.outcome)},
                          {"promptVersionId", r.prompt_version_id},
                          {"sentAt", nullptr},
                          {"failedAt", to_iso8601(r.failed_at)},
                          {"httpStatus", r.http_status},
                          {"requestId", r.request_id},
                          {"cause", r.cause}};
  if (r.sent_at) obj["sentAt"] = to_iso8601(*r.sent_at);
  v = std::move(obj);
}

}  // namespace betterprompt
