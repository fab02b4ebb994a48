// SPDX-License-Identifier: BSL-1.0
// Arguments an endpoint refuses before sending anything: each builder returns the refusal (the
// operation completes with it), with a message naming what was wrong, and throws nothing.
#include "support/pch.hpp"

#include "support/exceptions_thrown.hpp"

#include <betterprompt/list_runs.hpp>
#include <betterprompt/prompts.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/skills.hpp>

namespace bp = betterprompt;

namespace {
// The call was refused with `code`, its message containing `says`, and sends nothing.
template <class T>
void check_refused(const bp::detail::endpoint_call<T>& call, boost::system::error_code code,
                   const std::string& says) {
  INFO(says);
  CHECK(call.refused == code);
  REQUIRE(call.refused_diag != nullptr);
  CHECK(call.refused_diag->message.find(says) != std::string::npos);
  CHECK(call.request.target.empty());
}
}  // namespace

TEST_CASE("endpoint builders refuse empty ids and bad options without throwing",
          "[unit][refusal]") {
  const auto before = bp_test::exceptions_thrown();
  const auto create = bp::detail::create_run_call({});
  check_refused(create, bp::error::invalid_argument, "run_request.prompt_version_id is empty");
  CHECK(create.settle != nullptr);  // a refused create is settled: it says nothing was created
  check_refused(bp::detail::get_run_call(""), bp::error::invalid_argument, "run_id is empty");
  check_refused(bp::detail::get_prompt_call("", "v1"), bp::error::invalid_argument,
                "prompt_id is empty");
  check_refused(bp::detail::get_prompt_version_call(""), bp::error::invalid_argument,
                "prompt_version_id is empty");
  check_refused(bp::detail::list_prompt_versions_call(""), bp::error::invalid_argument,
                "prompt_id is empty");
  bp::list_runs_options options;
  options.limit = 51;
  check_refused(bp::detail::list_runs_call(options), bp::error::invalid_argument,
                "limit must be 1 to 50, not 51");
  options.limit = 10;
  options.starting_after = "a";
  options.ending_before = "b";
  check_refused(bp::detail::list_runs_call(options), bp::error::invalid_argument, "exclusive");
  check_refused(bp::detail::search_skills_call("  ab  ", {}), bp::error::invalid_argument,
                "at least 3 characters");
  bp::skill_filters filters;
  filters.type = "audio";
  check_refused(bp::detail::search_skills_call("haiku", filters), bp::error::invalid_argument,
                "text, image or video");
  check_refused(bp::detail::get_skill_call("", {}), bp::error::invalid_argument,
                "skill name is empty");
  CHECK(bp_test::exceptions_thrown() == before);

  // The same checks accept what is valid.
  const auto valid = bp::detail::get_run_call("run 1");
  CHECK_FALSE(valid.refused);
  CHECK(valid.request.target == "/runs/run%201");
}

TEST_CASE(
    "SKILL.md URLs off the allow-list, not https, malformed or untrusted are refused "
    "without throwing",
    "[unit][refusal][security]") {
  boost::asio::io_context ioc;
  bp::client_options opts;
  opts.api_key = "sk-test";
  opts.base_url = "http://127.0.0.1:9/v1";  // never contacted: nothing here sends
  opts.tls.use_system_trust_store = false;
  opts.tls.ca_file = "/nonexistent/ca.pem";  // loaded only when a TLS host is first needed
  bp::client c(ioc, opts);
  const auto before = bp_test::exceptions_thrown();
  check_refused(bp::detail::fetch_skillmd_call(c, std::string()), bp::error::invalid_argument,
                "SKILL.md URL is empty");
  check_refused(bp::detail::fetch_skillmd_call(c, "http://raw.githubusercontent.com/a/SKILL.md"),
                bp::error::invalid_argument, "https only");
  check_refused(bp::detail::fetch_skillmd_call(c, "https://evil.example/a/SKILL.md"),
                bp::error::invalid_argument, "not on client_options::skillmd::allowed_hosts");
  check_refused(
      bp::detail::fetch_skillmd_call(c, "https://u:pw@raw.githubusercontent.com/SKILL.md"),
      bp::error::invalid_argument, "user information is not supported");
  check_refused(bp::detail::fetch_skillmd_call(c, "https://raw.githubusercontent.com/a/SKILL.md"),
                bp::error::tls_error, "cannot load CA file '/nonexistent/ca.pem'");
  bp::skill bare;
  bare.name = "bare";
  check_refused(bp::detail::fetch_skillmd_call(c, bare), bp::error::not_found,
                "carries neither skillmd nor metadata.skillmdUrl");
  CHECK(bp_test::exceptions_thrown() == before);
}
