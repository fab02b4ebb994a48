// SPDX-License-Identifier: BSL-1.0
// The contract's JSON examples (our copies, under tests/fixtures): the SDK decodes each and encodes
// it back unchanged, and the emulator produces the same shape on the same route. The SDK and the
// emulator therefore cannot drift apart from the contract, nor from each other.
#include "support/pch.hpp"

#include <betterprompt/detail/envelope.hpp>
#include <betterprompt/testing/detail/emulator_routes.hpp>

#include <fstream>
#include <sstream>

namespace bp = betterprompt;
namespace json = boost::json;
namespace bpt = betterprompt::testing;

namespace {
json::value fixture_data(const std::string& name) {
  std::ifstream in(std::string(BETTERPROMPT_FIXTURES_DIR) + "/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).at("data");
}

/// Every member of `expected` is in `actual` with an equal value (arrays: same size, element by
/// element). What the encoder adds beyond the document (e.g. a prompt's config) is allowed.
bool contains_all(const json::value& expected, const json::value& actual, std::string path,
                  std::string& why) {
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.get_object()) {
      const auto* other = actual.get_object().if_contains(key);
      if (!other) {
        why = path + "." + std::string(key) + " is missing";
        return false;
      }
      if (!contains_all(value, *other, path + "." + std::string(key), why)) return false;
    }
    return true;
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.get_array().size() != actual.get_array().size()) {
      why = path + " has another size";
      return false;
    }
    for (std::size_t i = 0; i < expected.get_array().size(); ++i)
      if (!contains_all(expected.get_array()[i], actual.get_array()[i],
                        path + "[" + std::to_string(i) + "]", why))
        return false;
    return true;
  }
  const bool equal = expected.is_number() && actual.is_number()
                         ? expected.to_number<double>() == actual.to_number<double>()
                         : expected == actual;
  if (!equal) why = path + ": " + json::serialize(expected) + " != " + json::serialize(actual);
  return equal;
}

/// Members whose keys are names (inputs, options), not fields: only their kind is compared.
bool is_name_map(std::string_view key) {
  for (std::string_view k : {"variables", "options", "sample", "samples", "configs", "config",
                             "inputs", "outputs", "textInputs"})
    if (key == k) return true;
  return false;
}

/// `produced` has the fields of `documented`, each of the same JSON kind (null stands for any
/// kind: the contract marks those fields nullable). Arrays: their first elements.
bool same_shape(const json::value& documented, const json::value& produced, std::string path,
                std::string& why) {
  if (documented.is_null() || produced.is_null()) return true;
  const bool same_kind =
      documented.kind() == produced.kind() || (documented.is_number() && produced.is_number());
  if (!same_kind) {
    why = path + ": " + json::serialize(documented) + " vs " + json::serialize(produced);
    return false;
  }
  if (documented.is_object()) {
    for (const auto& [key, value] : documented.get_object()) {
      const auto* other = produced.get_object().if_contains(key);
      if (!other) {
        why = path + "." + std::string(key) + " is not produced";
        return false;
      }
      if (is_name_map(key) && value.is_object()) {
        if (!other->is_object()) {
          why = path + "." + std::string(key) + " is not an object";
          return false;
        }
        continue;
      }
      if (!same_shape(value, *other, path + "." + std::string(key), why)) return false;
    }
  }
  if (documented.is_array() && !documented.get_array().empty()) {
    if (produced.get_array().empty()) {
      why = path + " is produced empty";
      return false;
    }
    return same_shape(documented.get_array()[0], produced.get_array()[0], path + "[0]", why);
  }
  return true;
}

/// The SDK decodes the documented `data` into T and encodes it back with every documented member.
template <class T>
void check_round_trip(const std::string& fixture) {
  INFO(fixture);
  const json::value data = fixture_data(fixture);
  const T decoded = json::value_to<T>(data);
  std::string why;
  CHECK(contains_all(data, json::value_from(decoded), "data", why));
  INFO(why);
  CHECK(why.empty());
}

/// What the emulator answers to `target` (any method but POST is a GET).
json::value emulated(bpt::detail::emulator_state& state, std::string_view target,
                     std::string_view body = {}) {
  using boost::beast::http::verb;
  const std::string auth = std::string("Bearer ") + bpt::demo::api_key;
  const auto reply = bpt::detail::handle_request(state, body.empty() ? verb::get : verb::post,
                                                 target, {auth, ""}, body);
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  return json::parse(reply.body).at("data");
}

void check_shape(const std::string& fixture, const json::value& produced) {
  INFO(fixture);
  std::string why;
  const bool same = same_shape(fixture_data(fixture), produced, "data", why);
  INFO(why);
  CHECK(same);
}
}  // namespace

TEST_CASE("the contract's documents decode and encode back unchanged", "[unit][contract]") {
  check_round_trip<bp::account>("contract_me.json");
  check_round_trip<bp::credit_balance>("contract_credits_fraction.json");
  check_round_trip<bp::credit_balance>("credits.json");
  check_round_trip<bp::resources>("contract_resources.json");
  check_round_trip<bp::page<bp::skill>>("contract_skills_search.json");
  check_round_trip<bp::skill>("contract_skill_detail.json");
  check_round_trip<bp::page<bp::prompt>>("contract_search_row.json");
  check_round_trip<bp::run>("contract_run_outputs.json");
  check_round_trip<bp::run>("run_succeeded.json");
  check_round_trip<bp::prompt>("contract_prompt.json");
}

TEST_CASE("the emulator produces the contract's shapes on the same routes", "[unit][contract]") {
  bpt::detail::emulator_state state{bpt::emulator_options{}};
  check_shape("contract_me.json", emulated(state, "/v1/me"));
  check_shape("credits.json", emulated(state, "/v1/me/credits"));
  check_shape("contract_resources.json", emulated(state, "/v1/resources"));
  check_shape("contract_skills_search.json", emulated(state, "/v1/skills?q=caption"));
  check_shape("contract_skill_detail.json",
              emulated(state, std::string("/v1/skills/") + bpt::demo::image_skill));
  check_shape("contract_search_row.json", emulated(state, "/v1/prompts/publish?q=caption"));
  const std::string create = std::string(R"({"promptVersionId": ")") +
                             bpt::demo::text_prompt_version_id +
                             R"(", "inputs": {"textInputs": {"topic": "tides"}}})";
  const json::value created = emulated(state, "/v1/runs", create);
  check_shape("contract_run_outputs.json", created);
  check_shape("run_succeeded.json", created);
  check_shape("contract_prompt.json",
              emulated(state, std::string("/v1/prompts/") + bpt::demo::image_prompt_id));
  // And the SDK decodes what the emulator produced.
  CHECK(json::value_to<bp::run>(created).outputs.at(0).thought_signature.has_value());
  CHECK(json::value_to<bp::skill>(emulated(state, "/v1/skills/haiku-writer")).skillmd);
}

TEST_CASE("the health route needs no key and is emulator-only, the stale hash protocol",
          "[unit][contract]") {
  using boost::beast::http::verb;
  bpt::detail::emulator_state state{bpt::emulator_options{}};
  const auto health = bpt::detail::handle_request(state, verb::get, "/v1/health", {"", ""}, "");
  CHECK(health.status == 200);
  CHECK(json::parse(health.body).at("data").at("status") == "ok");
  const auto me = bpt::detail::handle_request(state, verb::get, "/v1/me", {"", ""}, "");
  CHECK(me.status == 401);
  const std::string auth = std::string("Bearer ") + bpt::demo::api_key;
  const std::string agent_current = "resources_hash=" + state.store.models.hash();
  CHECK_FALSE(bpt::detail::handle_request(state, verb::get, "/v1/me", {auth, agent_current}, "")
                  .update_resources);
  CHECK(bpt::detail::handle_request(state, verb::get, "/v1/me", {auth, "resources_hash=old"}, "")
            .update_resources);
  CHECK_FALSE(
      bpt::detail::handle_request(state, verb::get, "/v1/me", {auth, ""}, "").update_resources);
}
