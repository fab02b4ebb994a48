// SPDX-License-Identifier: BSL-1.0
// Bodies of the run endpoints.
#pragma once

#include <betterprompt/detail/endpoint_call.hpp>
#include <betterprompt/detail/run_answer.hpp>
#include <betterprompt/detail/url.hpp>
#include <betterprompt/runs.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace betterprompt {

namespace detail {
/// The 504 answer of POST /v1/runs names a run that keeps processing; anything else is an error.
inline std::optional<run> pending_run_from(const envelope& env) {
  if (env.status != "GATEWAY_TIMEOUT_ERROR" && env.http_status != 504) return std::nullopt;
  const auto* data = env.data.if_object();
  const auto* id = data ? data->if_contains("runId") : nullptr;
  if (!id || !id->is_string() || id->get_string().empty()) return std::nullopt;
  run pending;
  pending.run_id = std::string(id->get_string());
  pending.status = run_status::running;
  return pending;
}

/// The JSON body of POST /v1/runs. The tree is built in a stack arena and lives
/// only until it is serialized.
inline std::string request_body(const run_request& request) {
  unsigned char scratch[4096];
  boost::json::monotonic_resource arena(scratch, sizeof(scratch));
  return boost::json::serialize(boost::json::value_from(request, &arena));
}

inline run decode_created_run(envelope&& answer, const std::string&) {
  if (auto pending = pending_run_from(answer)) return std::move(*pending);
  return decode_data<run>(std::move(answer));
}

BETTERPROMPT_DECL endpoint_call<run> create_run_call(run_request request) {
  return build_endpoint_call<run>([&] {
    require_id(request.prompt_version_id, "run_request.prompt_version_id");
    endpoint_call<run> call;
    call.request = api_request::post(routes::create_run, "/runs", request_body(request));
    call.decode = &decode_created_run;
    return call;
  });
}

BETTERPROMPT_DECL endpoint_call<run> get_run_call(std::string run_id) {
  return build_endpoint_call<run>([&] {
    require_id(run_id, "run_id");
    endpoint_call<run> call;
    call.request = api_request::get(routes::get_run, "/runs/" + percent_encode(run_id));
    call.decode = &decode_run_answer;
    call.context = run_id;
    call.run_id = std::move(run_id);
    return call;
  });
}
}  // namespace detail

}  // namespace betterprompt
