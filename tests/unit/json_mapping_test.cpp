// SPDX-License-Identifier: BSL-1.0
// Conformance: documented response shapes decode into the typed models.
#include "support/pch.hpp"

#include <betterprompt/detail/operations/answer_reader.hpp>
#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/read_answer.hpp>
#include <betterprompt/detail/prompt_versions.hpp>
#include <betterprompt/detail/transport/envelope.hpp>
#include <betterprompt/result.hpp>

#include "support/exceptions_thrown.hpp"

#include <fstream>
#include <sstream>

namespace bp = betterprompt;
namespace json = boost::json;

namespace {
bp::detail::envelope load_fixture(const std::string& name, unsigned http_status = 200) {
  std::ifstream in(std::string(BETTERPROMPT_FIXTURES_DIR) + "/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  bp::detail::api_response resp;
  resp.http_status = http_status;
  resp.body = text.str();
  resp.what = "GET /v1/test";
  bp::detail::envelope env;
  bp::diagnostics diag;
  REQUIRE_FALSE(bp::detail::read_envelope(std::move(resp), env, diag));
  return env;
}

/// A successful envelope's data, which must decode as a T.
template <class T>
T decoded(bp::detail::envelope&& env) {
  T out;
  bp::diagnostics diag;
  const auto ec = bp::detail::decode_data<T>(std::move(env), out, diag);
  INFO(diag.message);
  REQUIRE_FALSE(ec);
  return out;
}

/// What an answer of `status` with `body` becomes for an endpoint that decodes a T, read as the
/// operations read it, as the one result type.
template <class T>
bp::result<T> answer_as(unsigned status, std::string body) {
  bp::detail::api_response resp{status, std::move(body)};
  resp.what = "GET /v1/test";
  resp.request_id = "req_test";
  resp.attempts = 1;
  bp::detail::answer_reader<T> reader;
  reader.decode = &bp::detail::decode_answer<T>;
  T value{};
  bp::diagnostics diag;
  const auto ec = bp::detail::read_answer({}, std::move(resp), reader, value, diag);
  if (ec) return bp::result<T>(ec, std::move(diag));
  return bp::result<T>(std::in_place, std::move(value), std::move(diag));
}
}  // namespace

TEST_CASE("a prompt in the current edition decodes with its input config and raw config",
          "[unit][json]") {
  auto p = decoded<bp::prompt>(load_fixture("prompt_current.json"));
  CHECK(p.prompt_id == "01234567-89ab-cdef-0123-456789abcdef");
  CHECK(p.prompt_version_id == "a1b2c3d4-5678-90ab-cdef-1234567890ab");
  CHECK(p.title == "Image caption generator");
  CHECK(p.published_at == "2025-08-27T12:34:56.789Z");
  REQUIRE(p.inputs.text_inputs.size() == 2);
  CHECK(p.inputs.text_inputs[0].name == "topic");
  CHECK(p.inputs.text_inputs[0].required);
  CHECK(p.inputs.text_inputs[1].name == "tone");
  CHECK_FALSE(p.inputs.text_inputs[1].required);
  CHECK(p.inputs.image_count == 1);
  CHECK(p.config.at("futureField").at("nested").as_array().size() == 2);
}

TEST_CASE("a prompt in the older edition (JSON Type Definition) decodes too", "[unit][json]") {
  auto p = decoded<bp::prompt>(load_fixture("prompt_older.json"));
  CHECK(p.prompt_version_id == "a1b2c3d4-5678-90ab-cdef-1234567890ab");
  CHECK(p.published_at == "2025-08-27T12:34:56.789Z");
  REQUIRE(p.inputs.text_inputs.size() == 2);
  CHECK(p.inputs.text_inputs[0].name == "style");
  CHECK(p.inputs.text_inputs[0].required);
  CHECK(p.inputs.text_inputs[1].name == "mood");
  CHECK_FALSE(p.inputs.text_inputs[1].required);
  CHECK(p.inputs.image_count == 1);
  CHECK(p.config.is_object());
}

TEST_CASE("runs decode: finished, in progress, and unknown status or types", "[unit][json]") {
  auto done = decoded<bp::run>(load_fixture("run_succeeded.json"));
  CHECK(done.status == bp::run_status::succeeded);
  CHECK(done.tokens == 132);
  REQUIRE(done.outputs.size() == 2);
  CHECK(done.outputs[1].type == bp::output_type::image);
  CHECK(done.text() == "A witty caption…");

  auto running = decoded<bp::run>(load_fixture("run_running.json"));
  CHECK(running.status == bp::run_status::running);
  CHECK_FALSE(running.finished());

  auto future = decoded<bp::run>(load_fixture("run_forward_compatible.json"));
  CHECK(future.status == bp::run_status::unknown);
  REQUIRE(future.outputs.size() == 3);
  CHECK(future.outputs[0].type == bp::output_type::unknown);
  CHECK(future.outputs[0].type_name == "audio");
  CHECK(future.outputs[1].type == bp::output_type::error);
  CHECK(future.outputs[2].data == R"({"structured":true})");
  CHECK_FALSE(future.credits.has_value());
}

TEST_CASE("an error envelope becomes the matching code with its data", "[unit][json]") {
  std::ifstream in(std::string(BETTERPROMPT_FIXTURES_DIR) + "/error_validation.json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const auto before = bp_test::exceptions_thrown();
  auto answer = answer_as<bp::run>(422, text.str());
  // An API error is an answer, not an exception: none is thrown on the way.
  CHECK(bp_test::exceptions_thrown() == before);
  CHECK(answer.error() == bp::error::validation);
  CHECK(answer.get_diagnostics().http_status == 422);
  CHECK(answer.get_diagnostics().api_status == "VALIDATION_ERROR");
  CHECK(answer.get_diagnostics().request_id == "req_test");
  CHECK(answer.get_diagnostics().attempts == 1);
  CHECK(answer.get_diagnostics().data.at("field") == "inputs.textInputs.topic");
}

TEST_CASE("a decoded answer keeps what answered on success: status, request id, attempts",
          "[unit][json]") {
  auto answer = answer_as<bp::run>(200, R"({"status":"SUCCESS","data":{"runId":"run_1",)"
                                        R"("runStatus":"running"}})");
  REQUIRE(answer.has_value());
  CHECK(answer->run_id == "run_1");
  CHECK(answer.get_diagnostics().http_status == 200);
  CHECK(answer.get_diagnostics().request_id == "req_test");
  CHECK(answer.get_diagnostics().attempts == 1);
}

TEST_CASE("the exception count sees a throw", "[unit][json]") {
  // What makes the "none is thrown" checks able to fail.
  const auto before = bp_test::exceptions_thrown();
  try {
    throw std::runtime_error("counted");
  } catch (const std::runtime_error&) {
  }
  CHECK(bp_test::exceptions_thrown() == before + 1);
}

TEST_CASE("a run missing its runId is error::bad_response naming the field", "[unit][json]") {
  const auto before = bp_test::exceptions_thrown();
  auto answer = answer_as<bp::run>(200, R"({"status":"SUCCESS","data":{"runStatus":"running"}})");
  CHECK(bp_test::exceptions_thrown() == before);  // data that does not decode is no exception
  CHECK(answer.error() == bp::error::bad_response);
  CHECK(answer.get_diagnostics().message.find("runId") != std::string::npos);
  CHECK(answer.get_diagnostics().http_status == 200);
  CHECK(answer.get_diagnostics().request_id == "req_test");
}

TEST_CASE("non-envelope bodies: bad_response on 2xx, the HTTP status's error otherwise",
          "[unit][json]") {
  auto code_for = [](unsigned status, std::string body) {
    const auto before = bp_test::exceptions_thrown();
    auto answer = answer_as<bp::run>(status, std::move(body));
    CHECK(bp_test::exceptions_thrown() == before);  // a body is not an exception either
    CHECK(answer.get_diagnostics().http_status == status);
    CHECK(answer.get_diagnostics().request_id == "req_test");
    return answer.error();
  };
  CHECK(code_for(200, "not json") == bp::error::bad_response);
  CHECK(code_for(200, "[1,2]") == bp::error::bad_response);
  CHECK(code_for(502, "<html>Bad gateway</html>") == bp::error::server_error);
  CHECK(code_for(429, "") == bp::error::rate_limited);
  CHECK(code_for(401, "{}") == bp::error::unauthorized);
}

TEST_CASE("a run_request encodes to the documented POST /v1/runs body and back", "[unit][json]") {
  bp::run_request req{"a1b2c3d4-5678-90ab-cdef-1234567890ab", {{"topic", "coroutines"}}};
  req.image_inputs = {bp::image_input::url("https://x/cat.png"), bp::image_input::base64("iVBOR")};
  req.run_options = {{"temperature", "0.5"}};
  const json::value v = json::value_from(req);
  CHECK(v.at("promptVersionId") == "a1b2c3d4-5678-90ab-cdef-1234567890ab");
  CHECK(v.at("inputs").at("textInputs").at("topic") == "coroutines");
  CHECK(v.at("inputs").at("imageInputs").at(0).at("url") == "https://x/cat.png");
  CHECK(v.at("inputs").at("imageInputs").at(1).at("type") == "base64");
  CHECK(v.at("runOptions").at("temperature") == "0.5");
  auto back = json::value_to<bp::run_request>(v);
  CHECK(back.text_inputs == req.text_inputs);
  CHECK(back.image_inputs.size() == 2);
  CHECK(back.run_options == req.run_options);

  const json::value minimal = json::value_from(bp::run_request{"id", {{"k", "v"}}});
  CHECK_FALSE(minimal.as_object().contains("runOptions"));
  CHECK_FALSE(minimal.at("inputs").as_object().contains("imageInputs"));
}

TEST_CASE("a runs page decodes rows, null credits and hasMore", "[unit][json]") {
  auto runs = decoded<bp::page<bp::run>>(load_fixture("runs_page.json"));
  CHECK(runs.has_more);
  REQUIRE(runs.rows.size() == 2);
  CHECK(runs.rows[0].credits == 12);
  CHECK(runs.rows[0].run_name == "Caption batch");
  CHECK(runs.rows[0].created_at == "2025-09-01T10:00:00.000Z");
  CHECK_FALSE(runs.rows[1].credits.has_value());
  CHECK(runs.rows[1].run_name.empty());
  CHECK(runs.rows[1].status == bp::run_status::running);
}

TEST_CASE("search results and older-edition version listings decode", "[unit][json]") {
  auto found = decoded<bp::page<bp::prompt>>(load_fixture("search_page.json"));
  REQUIRE(found.rows.size() == 1);
  CHECK(found.rows[0].inputs.image_count == 1);
  CHECK_FALSE(found.has_more);

  std::vector<bp::prompt> versions;
  bp::diagnostics diag;
  REQUIRE_FALSE(bp::detail::decode_versions(
      load_fixture("versions_older.json"), "01234567-89ab-cdef-0123-456789abcdef", versions, diag));
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].prompt_id == "01234567-89ab-cdef-0123-456789abcdef");
  CHECK(versions[1].prompt_version_id == "b1b2c3d4-5678-90ab-cdef-1234567890ab");
  CHECK(versions[1].published_at == "2025-07-01T08:00:00.000Z");
}

TEST_CASE("the credits document decodes, and a missing field is bad_response", "[unit][json]") {
  auto balance = decoded<bp::credit_balance>(load_fixture("credits.json"));
  CHECK(balance.credits == 4250);
  CHECK(answer_as<bp::credit_balance>(200, R"({"status":"SUCCESS","data":{}})").error() ==
        bp::error::bad_response);
}

namespace {
/// The error decoding `data_json` as T gives, or success.
template <class T>
boost::system::error_code decode_code(const std::string& data_json, std::string& message) {
  auto answer = answer_as<T>(200, R"({"status":"SUCCESS","data":)" + data_json + "}");
  message = answer.get_diagnostics().message;
  return answer.error();
}
}  // namespace

TEST_CASE("out-of-range and fractional numbers where integers belong are bad_response",
          "[unit][json]") {
  struct row {
    const char* data;
    const char* field;
  };
  const row runs[] = {
      {R"({"runId":"r","tokens":1e300})", "tokens"},
      {R"({"runId":"r","tokens":-1e300})", "tokens"},
      {R"({"runId":"r","tokens":9223372036854775808.0})", "tokens"},
      {R"({"runId":"r","tokens":18446744073709551615})", "tokens"},
      {R"({"runId":"r","tokens":1.5})", "tokens"},
      {R"({"runId":"r","credits":-1e19})", "credits"},
      {R"({"runId":"r","credits":"12"})", "credits"},
  };
  for (const row& r : runs) {
    INFO(r.data);
    std::string message;
    CHECK(decode_code<bp::run>(r.data, message) == bp::error::bad_response);
    CHECK(message.find(std::string("'") + r.field + "'") != std::string::npos);
  }
  std::string message;
  // A balance is any finite JSON number (the official client prints fractions); an overflowing
  // literal (infinite once parsed) is not.
  CHECK(decode_code<bp::credit_balance>(R"({"credits":-1e19})", message) ==
        boost::system::error_code{});
  CHECK(decode_code<bp::credit_balance>(R"({"credits":1e400})", message) ==
        bp::error::bad_response);
  // In range and integral: accepted, whatever the JSON spelling.
  CHECK(decode_code<bp::run>(R"({"runId":"r","tokens":-9223372036854775808.0})", message) ==
        boost::system::error_code{});
  CHECK(decode_code<bp::run>(R"({"runId":"r","tokens":1e3,"credits":12.0})", message) ==
        boost::system::error_code{});
  CHECK(decode_code<bp::credit_balance>(R"({"credits":4250})", message) ==
        boost::system::error_code{});
}

TEST_CASE("account fields may be null, and credits may be any JSON number", "[unit][json]") {
  auto me = json::value_to<bp::account>(
      json::parse(R"({"username": null, "displayName": "Jane", "userFlags": 5})"));
  CHECK_FALSE(me.username.has_value());
  CHECK(me.display_name == "Jane");
  CHECK(me.user_flags == 5);
  CHECK(json::value_to<bp::account>(json::parse("{}")).user_flags == 0);
  CHECK(json::value_to<bp::credit_balance>(json::parse(R"({"credits": 12.25})")).credits == 12.25);
  CHECK(json::value_to<bp::credit_balance>(json::parse(R"({"credits": 4250})")).credits == 4250);
  CHECK_THROWS_AS(json::value_to<bp::credit_balance>(json::parse(R"({"credits": "5"})")),
                  bp::detail::decode_error);
  CHECK_THROWS_AS(json::value_to<bp::account>(json::parse(R"({"username": 7})")),
                  bp::detail::decode_error);
}

TEST_CASE("unknown keys survive: output items, skill inputs, resources", "[unit][json]") {
  auto item = json::value_to<bp::output_item>(json::parse(
      R"({"type": "text", "data": "hi", "thoughtSignature": "c2ln", "futureKey": {"a": [1]}})"));
  CHECK(item.thought_signature == "c2ln");
  CHECK(item.other.at("futureKey").at("a").at(0) == 1);
  const json::value back = json::value_from(item);
  CHECK(back.at("futureKey").at("a").at(0) == 1);
  CHECK(back.at("thoughtSignature") == "c2ln");
  CHECK_FALSE(json::value_from(bp::output_item{bp::output_type::text, "text", "x"})
                  .as_object()
                  .contains("thoughtSignature"));

  auto s = json::value_to<bp::skill>(json::parse(R"({
    "skillId": "s", "skillVersionId": "v", "name": "n", "title": "t", "author": null,
    "rating": 4.5,
    "inputMetadata": {"variables": {
        "tone": {"type": 1, "options": {"Witty": "witty"}, "multiple": {"min": 1, "max": 2},
                 "hint": "pick"},
        "odd": {"type": 7}},
      "images": [{"description": "photo", "maxBytes": 10}]}})"));
  REQUIRE(s.input_metadata.variables.size() == 2);
  const auto& tone = s.input_metadata.variables[0];
  CHECK(tone.type == bp::skill_variable_type::select);
  CHECK(tone.multiple);
  CHECK(tone.min_selected == 1);
  CHECK(tone.max_selected == 2);
  CHECK(tone.raw.at("hint") == "pick");
  CHECK(s.input_metadata.variables[1].type == bp::skill_variable_type::unknown);
  const json::value encoded = json::value_from(s);
  CHECK(encoded.at("rating") == 4.5);
  CHECK(encoded.at("inputMetadata").at("variables").at("tone").at("hint") == "pick");
  CHECK(encoded.at("inputMetadata").at("variables").at("odd").at("type") == 7);
  CHECK(encoded.at("inputMetadata").at("images").at(0).at("maxBytes") == 10);
  CHECK(encoded.at("author").is_null());
  CHECK_THROWS_AS(json::value_to<bp::skill>(json::parse(R"({"name": "n"})")),
                  bp::detail::decode_error);

  auto r = json::value_to<bp::resources>(json::parse(R"({"hash": "h", "resources": {
    "models": [{"model": "m", "modality": "audio", "availableRunOptions": []}],
    "voices": ["a", "b"]}})"));
  REQUIRE(r.models.size() == 1);
  CHECK(r.models[0].modality == bp::modality::unknown);
  CHECK(r.models[0].modality_name == "audio");
  CHECK(r.other.at("voices").at(1) == "b");
  const json::value rb = json::value_from(r);
  CHECK(rb.at("resources").at("voices").at(1) == "b");
  CHECK(rb.at("resources").at("models").at(0).at("modality") == "audio");
  CHECK_THROWS_AS(json::value_to<bp::resources>(json::parse(R"({"hash": "h"})")),
                  bp::detail::decode_error);
}

TEST_CASE("runModel is sent when set and read back", "[unit][json]") {
  bp::run_request req{"v", {{"topic", "x"}}};
  CHECK_FALSE(json::value_from(req).as_object().contains("runModel"));
  req.run_model = "o3";
  const json::value v = json::value_from(req);
  CHECK(v.at("runModel") == "o3");
  CHECK(json::value_to<bp::run_request>(v).run_model == "o3");
}
