// SPDX-License-Identifier: BSL-1.0
// The contract's JSON examples (our copies, under tests/fixtures): the SDK decodes each and encodes
// it back unchanged, and the emulator produces the same shape on the same route. The SDK and the
// emulator therefore cannot drift apart from the contract, nor from each other.
#include "support/pch.hpp"

#include <betterprompt/detail/transport/envelope.hpp>
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
  const json::value encoded = json::value_from(decoded);
  CHECK(contains_all(data, encoded, "data", why));
  INFO(why);
  CHECK(why.empty());
  // Decoded again, it is the same model: it encodes the same.
  CHECK(json::value_from(json::value_to<T>(encoded)) == encoded);
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
  check_round_trip<bp::page<bp::skill>>("contract_skills_search_newer.json");
  check_round_trip<bp::skill>("contract_skill_detail_newer.json");
  check_round_trip<bp::run>("contract_run_outputs_numeric.json");
  check_round_trip<bp::page<bp::prompt>>("contract_search_row.json");
  check_round_trip<bp::run>("contract_run_outputs.json");
  check_round_trip<bp::run>("run_succeeded.json");
  check_round_trip<bp::prompt>("contract_prompt.json");
}

TEST_CASE("the newer editions read: skills by latestPromptVersionId and a SKILL.md URL, "
          "numeric output types", "[unit][contract]") {
  const auto row = json::value_to<bp::page<bp::skill>>(
                       fixture_data("contract_skills_search_newer.json"))
                       .rows.at(0);
  CHECK(row.skill_version_id == "0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70");
  REQUIRE(row.skillmd_url);
  CHECK(row.skillmd_url->find("/skills/haiku-writer/SKILL.md") != std::string::npos);
  CHECK_FALSE(row.skillmd);
  CHECK(row.input_metadata.variables.empty());
  CHECK_FALSE(json::value_from(row).as_object().contains("inputMetadata"));  // none made up
  CHECK_FALSE(json::value_from(row).as_object().contains("skillVersionId"));

  const auto detail = json::value_to<bp::skill>(fixture_data("contract_skill_detail_newer.json"));
  CHECK(detail.input_metadata.variables.at(0).name == "topic");
  CHECK(detail.skillmd_url == row.skillmd_url);

  // Both ids sent: skillVersionId wins, the other is kept as sent.
  json::value both = fixture_data("contract_skill_detail_newer.json");
  both.as_object()["skillVersionId"] = "c7e2a4d8-6b13-4f59-a0d2-8e4b1f7c3a96";
  const auto s = json::value_to<bp::skill>(both);
  CHECK(s.skill_version_id == "c7e2a4d8-6b13-4f59-a0d2-8e4b1f7c3a96");
  CHECK(s.raw.at("latestPromptVersionId").as_string() == "0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70");
  // Neither: a clear error naming both.
  json::value neither = fixture_data("contract_skill_detail_newer.json");
  neither.as_object().erase("latestPromptVersionId");
  CHECK_THROWS_WITH(json::value_to<bp::skill>(neither),
                    Catch::Contains("skillVersionId") && Catch::Contains("latestPromptVersionId"));

  // 0 text, 1 image, 2 error, 3 video: not the order of the strings; others unknown, kept.
  const auto r = json::value_to<bp::run>(fixture_data("contract_run_outputs_numeric.json"));
  REQUIRE(r.outputs.size() == 5);
  CHECK(r.outputs[0].type == bp::output_type::text);
  CHECK(r.outputs[1].type == bp::output_type::image);
  CHECK(r.outputs[2].type == bp::output_type::error);
  CHECK(r.outputs[3].type == bp::output_type::video);
  CHECK(r.outputs[4].type == bp::output_type::unknown);
  CHECK(r.outputs[4].type_code == 7);
  CHECK(r.outputs[4].type_name == "7");
  CHECK(r.text() == "A haiku…");
  CHECK(json::value_from(r.outputs[4]).at("type").as_int64() == 7);
  // A type of another JSON kind is unknown, not an error, and kept.
  const auto odd = json::value_to<bp::output_item>(json::parse(R"({"type": {"k": 1}, "data": "x"})"));
  CHECK(odd.type == bp::output_type::unknown);
  CHECK(json::value_from(odd).at("type") == json::parse(R"({"k": 1})"));
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

TEST_CASE("the emulator's newer edition produces the newer fixtures' shapes", "[unit][contract]") {
  bpt::emulator_options opts;
  opts.edition = bpt::api_edition::newer;
  opts.numeric_output_types = true;
  bpt::detail::emulator_state state{opts};
  const json::value rows = emulated(state, "/v1/skills?q=haiku");
  check_shape("contract_skills_search_newer.json", rows);
  const json::value detail = emulated(state, "/v1/skills/haiku-writer");
  check_shape("contract_skill_detail_newer.json", detail);
  for (const json::value* v : {&rows.at("rows").at(0), &detail}) {
    CHECK_FALSE(v->as_object().contains("skillVersionId"));
    CHECK_FALSE(v->as_object().contains("skillmd"));
  }
  CHECK_FALSE(rows.at("rows").at(0).as_object().contains("inputMetadata"));
  const std::string create = std::string(R"({"promptVersionId": ")") +
                             bpt::demo::text_prompt_version_id +
                             R"(", "inputs": {"textInputs": {"topic": "tides"}}})";
  const json::value created = emulated(state, "/v1/runs", create);
  check_shape("contract_run_outputs_numeric.json", created);
  CHECK(created.at("outputs").at(0).at("type") == 0);
  const auto decoded = json::value_to<bp::skill>(detail);
  CHECK(decoded.skill_version_id == bpt::demo::text_prompt_version_id);
  CHECK(decoded.skillmd_url == opts.skillmd_base_url + "/skills/haiku-writer/SKILL.md");
  CHECK(json::value_to<bp::run>(created).text().find("tides") != std::string::npos);
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
  // The API's root, as the official client's doctor calls it: no key, below 500.
  for (const char* root : {"/v1/", "/v1", "/"})
    CHECK(bpt::detail::handle_request(state, verb::get, root, {"", ""}, "").status == 200);
  const std::string auth = std::string("Bearer ") + bpt::demo::api_key;
  const std::string agent_current = "resources_hash=" + state.store.models.hash();
  CHECK_FALSE(bpt::detail::handle_request(state, verb::get, "/v1/me", {auth, agent_current}, "")
                  .update_resources);
  CHECK(bpt::detail::handle_request(state, verb::get, "/v1/me", {auth, "resources_hash=old"}, "")
            .update_resources);
  CHECK_FALSE(
      bpt::detail::handle_request(state, verb::get, "/v1/me", {auth, ""}, "").update_resources);
}
