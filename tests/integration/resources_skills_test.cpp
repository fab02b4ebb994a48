// SPDX-License-Identifier: BSL-1.0
// Resources (models and run options) with the cache protocol, runModel and runOptions on runs,
// skills, and the typed account.
#include "support/fixture.hpp"

using namespace bp_test;
namespace demo = bp::testing::demo;

namespace {
bp::run_request with_option(const char* version_id, std::string topic, std::string key,
                            std::string value, std::string model = {}) {
  bp::run_request req = topic_request(version_id, std::move(topic));
  req.run_options[std::move(key)] = std::move(value);
  req.run_model = std::move(model);
  return req;
}

bp::run_request caption_request(std::string version_id, std::string style) {
  bp::run_request req;
  req.prompt_version_id = std::move(version_id);
  if (!style.empty()) req.text_inputs["style"] = std::move(style);
  req.image_inputs.push_back(bp::image_input::url("https://example.com/cat.png"));
  return req;
}

std::string field_of(const bp::error_with_diagnostics& e) {
  const auto* data = e.get_diagnostics().data.if_object();
  const auto* field = data ? data->if_contains("field") : nullptr;
  return field && field->is_string() ? std::string(field->get_string()) : std::string();
}
}  // namespace

TEST_CASE("get_resources lists the catalogue's models with their run options and hash",
          "[resources]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::resources r = co_await bp::get_resources(c);
    CHECK(r.hash == f.emu.resources_hash());
    CHECK_FALSE(r.hash.empty());
    REQUIRE(r.models.size() == 4);
    const bp::model_info* o3 = r.find_model(demo::reasoning_model);
    REQUIRE(o3 != nullptr);
    CHECK(o3->modality == bp::modality::text);
    REQUIRE(o3->find_option("reasoningEffort") != nullptr);
    CHECK(o3->find_option("reasoningEffort")->options ==
          std::vector<std::string>{"low", "medium", "high"});
    const bp::model_info* plain = r.find_model(demo::text_model);
    REQUIRE(plain != nullptr);
    CHECK(plain->available_run_options.empty());
    const bp::model_info* image = r.find_model(demo::image_model);
    REQUIRE(image != nullptr);
    CHECK(image->modality == bp::modality::image);
    for (const char* key : {"quality", "size", "aspectRatio"}) CHECK(image->find_option(key));
    const bp::model_info* video = r.find_model(demo::video_model);
    REQUIRE(video != nullptr);
    CHECK(video->modality == bp::modality::video);
    CHECK(video->find_option("seconds")->accepts("8"));
    CHECK_FALSE(video->find_option("seconds")->accepts("9"));
    // Not the cache: a plain get_resources announces nothing.
    CHECK(c.resources_hash().empty());
  });
}

TEST_CASE(
    "resource_cache fetches once, announces the hash, and refetches when a response says "
    "it is stale",
    "[resources]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::resource_cache cache(c);
    CHECK(cache.current() == nullptr);
    const auto before = f.emu.request_count();
    bp::resources first = co_await cache.get();
    CHECK(f.emu.request_count() == before + 1);
    CHECK(c.resources_hash() == first.hash);
    bp::resources again = co_await cache.get();
    CHECK(f.emu.request_count() == before + 1);  // served from the cache
    CHECK(again.hash == first.hash);
    // The announced hash is current: no response asks for an update.
    co_await bp::get_credits(c);
    CHECK_FALSE(c.resources_update_required());
    REQUIRE(cache.current() != nullptr);

    // The catalogue changes: the next response (any route) carries action-require, which only
    // happens when the request announced the old hash in cli-agent.
    bp::model_info extra;
    extra.model = "tiny-1";
    extra.modality = bp::modality::text;
    extra.modality_name = "text";
    f.emu.add_model(extra);
    CHECK(f.emu.resources_hash() != first.hash);
    co_await bp::get_credits(c);
    CHECK(c.resources_update_required());
    CHECK(cache.current() == nullptr);
    REQUIRE(cache.last() != nullptr);
    CHECK(cache.last()->hash == first.hash);

    bp::resources refreshed = co_await cache.get();
    CHECK(refreshed.hash == f.emu.resources_hash());
    CHECK(refreshed.find_model("tiny-1") != nullptr);
    CHECK_FALSE(c.resources_update_required());
    CHECK(c.resources_hash() == refreshed.hash);
    co_await bp::get_credits(c);
    CHECK_FALSE(c.resources_update_required());

    cache.invalidate();
    const auto count = f.emu.request_count();
    co_await cache.get();
    CHECK(f.emu.request_count() == count + 1);
  });
}

TEST_CASE("a resources hash that cannot go into a header is refused", "[resources]") {
  fixture f;
  auto c = f.make_client();
  try {
    c.set_resources_hash("abc\r\nX-Injected: 1");
    FAIL("accepted");
  } catch (const bp::error_with_diagnostics& e) {
    CHECK(e.code() == bp::error::invalid_argument);
  }
  CHECK(c.resources_hash().empty());
  c.set_resources_hash("dGhpcyBpcyBhIGhhc2g");
  CHECK(c.resources_hash() == "dGhpcyBpcyBhIGhhc2g");
}

TEST_CASE(
    "run options are checked against the model that runs: runModel when given, else the "
    "prompt's",
    "[runs][resources]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    // The documented key on the reasoning model the text prompt runs on.
    bp::run effort = co_await bp::create_run(
        c, with_option(demo::text_prompt_version_id, "tides", "reasoningEffort", "high"));
    CHECK(effort.status == bp::run_status::succeeded);
    // A value the model does not accept.
    auto bad_value = co_await expect_error(bp::create_run(
        c, with_option(demo::text_prompt_version_id, "tides", "reasoningEffort", "extreme")));
    CHECK(bad_value.code() == bp::error::validation);
    CHECK(field_of(bad_value) == "runOptions.reasoningEffort");
    // runModel overrides the prompt's model: its options apply, the prompt's do not.
    bp::run on_video = co_await bp::create_run(
        c, with_option(demo::text_prompt_version_id, "tides", "seconds", "8", demo::video_model));
    CHECK(on_video.status == bp::run_status::succeeded);
    auto not_on_plain = co_await expect_error(
        bp::create_run(c, with_option(demo::text_prompt_version_id, "tides", "reasoningEffort",
                                      "low", demo::text_model)));
    CHECK(field_of(not_on_plain) == "runOptions.reasoningEffort");
    auto unknown_model = co_await expect_error(bp::create_run(
        c, with_option(demo::text_prompt_version_id, "tides", "reasoningEffort", "low", "gpt-9")));
    CHECK(unknown_model.code() == bp::error::validation);
    CHECK(field_of(unknown_model) == "runModel");
    // The image prompt's model takes its image options.
    bp::run_request image = caption_request(demo::image_prompt_version_id, "dry");
    image.run_options = {{"quality", "low"}, {"aspectRatio", "3:2"}};
    bp::run captioned = co_await bp::create_run(c, std::move(image));
    CHECK(captioned.status == bp::run_status::succeeded);
    CHECK(f.emu.run_count() == 3);
  });
}

TEST_CASE("run_prompt checks run options against cached resources before sending anything",
          "[run_prompt][resources]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run_prompt_options options;
    options.resources.emplace(c);
    bp::run_inputs wrong;
    wrong.text_inputs["topic"] = "rain";
    wrong.run_options["reasoningEffort"] = "extreme";
    auto refused = co_await expect_error(
        bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), wrong, options));
    CHECK(refused.code() == bp::error::invalid_input);
    CHECK(field_of(refused) == "runOptions.reasoningEffort");
    bp::run_inputs unknown_model = wrong;
    unknown_model.run_options.clear();
    unknown_model.run_model = "gpt-9";
    auto no_model = co_await expect_error(
        bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), unknown_model, options));
    CHECK(field_of(no_model) == "runModel");
    CHECK(f.emu.run_count() == 0);

    bp::run_inputs right = wrong;
    right.run_options["reasoningEffort"] = "medium";
    bp::run done =
        co_await bp::run_prompt(c, bp::prompt_ref::latest(demo::text_prompt_id), right, options);
    CHECK(done.status == bp::run_status::succeeded);
    CHECK(f.emu.run_count() == 1);
  });
}

TEST_CASE("search_skills finds skills whose versions are runnable prompt versions", "[skills]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::page<bp::skill> found = co_await bp::search_skills(c, "  haiku  ");
    REQUIRE(found.rows.size() == 1);
    const bp::skill& haiku = found.rows[0];
    CHECK(haiku.name == demo::text_skill);
    CHECK(haiku.skill_version_id == demo::text_prompt_version_id);
    CHECK(haiku.title == "Haiku writer");
    CHECK(haiku.author == "betterprompt");
    CHECK_FALSE(haiku.skillmd.has_value());  // the detail route only
    REQUIRE(haiku.input_metadata.variables.size() == 1);
    CHECK(haiku.input_metadata.variables[0].name == "topic");
    CHECK(haiku.input_metadata.variables[0].type == bp::skill_variable_type::text);
    CHECK(haiku.input_metadata.images.empty());
    // skillVersionId is what POST /v1/runs takes.
    bp::run r = co_await bp::create_run(c, topic_request(haiku.skill_version_id, "moss"));
    CHECK(r.status == bp::run_status::succeeded);

    bp::skill_filters images;
    images.type = "image";
    bp::page<bp::skill> captioners = co_await bp::search_skills(c, "caption", images);
    REQUIRE(captioners.rows.size() == 1);
    CHECK(captioners.rows[0].name == demo::image_skill);
    bp::skill_filters text_only;
    text_only.type = "text";
    bp::page<bp::skill> none = co_await bp::search_skills(c, "caption", text_only);
    CHECK(none.rows.empty());
    bp::skill_filters by_author;
    by_author.author = "someone-else";
    bp::page<bp::skill> nobody = co_await bp::search_skills(c, "haiku", by_author);
    CHECK(nobody.rows.empty());
    // The slow skill has a null author.
    bp::page<bp::skill> slow = co_await bp::search_skills(c, "essay");
    REQUIRE(slow.rows.size() == 1);
    CHECK_FALSE(slow.rows[0].author.has_value());
  });
}

TEST_CASE(
    "search_skills refuses a query under 3 or over 200 characters, and unknown types, "
    "sending nothing",
    "[skills]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    const auto before = f.emu.request_count();
    auto short_query = co_await expect_error(bp::search_skills(c, "  ab \t"));
    CHECK(short_query.code() == bp::error::invalid_argument);
    auto long_query = co_await expect_error(bp::search_skills(c, std::string(201, 'a')));
    CHECK(long_query.code() == bp::error::invalid_argument);
    bp::skill_filters audio;
    audio.type = "audio";
    auto bad_type = co_await expect_error(bp::search_skills(c, "haiku", audio));
    CHECK(bad_type.code() == bp::error::invalid_argument);
    CHECK(f.emu.request_count() == before);
    // 200 characters after trimming are accepted.
    bp::page<bp::skill> none = co_await bp::search_skills(c, " " + std::string(200, 'z') + " ");
    CHECK(none.rows.empty());
  });
}

TEST_CASE("get_skill returns SKILL.md and typed inputs, pins a version, and validates runs",
          "[skills]") {
  constexpr const char* older = "77777777-8888-4999-aaaa-bbbbbbbbbbbb";
  fixture f;
  // An older version of the image prompt (added first, so the demo version stays the latest).
  auto old = timed_prompt(older, 0ms);
  old.version.prompt_id = demo::image_prompt_id;
  old.version.title = "Image caption generator (old)";
  old.version.inputs = {{{"style", false}}, 1};
  f.emu.add_prompt(old);
  bp::testing::emulated_prompt latest;
  latest.version.prompt_id = demo::image_prompt_id;
  latest.version.prompt_version_id = demo::image_prompt_version_id;
  latest.version.title = "Image caption generator";
  latest.version.published_at = "2025-08-27T12:34:56.789Z";
  latest.version.inputs = {{{"style", false}}, 1};
  latest.output_template = "A {style} caption for {imageCount} image(s).";
  latest.model = demo::image_model;
  f.emu.add_prompt(latest);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::skill s = co_await bp::get_skill(c, demo::image_skill);
    CHECK(s.skill_version_id == demo::image_prompt_version_id);
    REQUIRE(s.skillmd.has_value());
    CHECK(s.skillmd->find("# Image caption generator") == 0);
    REQUIRE(s.input_metadata.variables.size() == 1);
    const bp::skill_variable& style = s.input_metadata.variables[0];
    CHECK(style.type == bp::skill_variable_type::select);
    REQUIRE(style.options.size() == 3);
    CHECK(style.options[0].label == "Witty");
    CHECK(style.options[0].value == "witty");
    REQUIRE(s.input_metadata.images.size() == 1);
    CHECK(s.input_metadata.images[0].description == "The photo to caption");

    // Select inputs are checked against the skill's options before anything is sent.
    bp::validate_run_request(s, caption_request(s.skill_version_id, "dry"));
    try {
      bp::validate_run_request(s, caption_request(s.skill_version_id, "sarcastic"));
      FAIL("accepted");
    } catch (const bp::error_with_diagnostics& e) {
      CHECK(e.code() == bp::error::invalid_input);
      CHECK(field_of(e) == "inputs.textInputs.style");
    }
    bp::run captioned = co_await bp::create_run(c, caption_request(s.skill_version_id, "poetic"));
    CHECK(captioned.text() == "A poetic caption for 1 image(s).");

    bp::skill_options pinned;
    pinned.version = "77777777-8888-4999-aaaa-bbbbbbbbbbbb";
    pinned.examples = true;
    pinned.schema = true;
    pinned.pricing = true;
    bp::skill old_skill = co_await bp::get_skill(c, demo::image_skill, pinned);
    CHECK(old_skill.skill_version_id == pinned.version);
    CHECK(old_skill.title == "Image caption generator (old)");

    bp::skill_options foreign;
    foreign.version = demo::text_prompt_version_id;  // a version of another prompt
    auto not_its_version = co_await expect_error(bp::get_skill(c, demo::image_skill, foreign));
    CHECK(not_its_version.code() == bp::error::not_found);
    auto unknown = co_await expect_error(bp::get_skill(c, "no-such-skill"));
    CHECK(unknown.code() == bp::error::not_found);
    auto empty = co_await expect_error(bp::get_skill(c, ""));
    CHECK(empty.code() == bp::error::invalid_argument);
    // A name is one path segment, encoded.
    auto traversal = co_await expect_error(bp::get_skill(c, "../me"));
    CHECK(traversal.code() == bp::error::not_found);
  });
}

TEST_CASE("prompt search rows carry the documented listing fields", "[prompts]") {
  fixture f;
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "x"));
    bp::page<bp::prompt> found = co_await bp::search_prompts(c, "haiku");
    REQUIRE(found.rows.size() == 1);
    const bp::prompt& row = found.rows[0];
    CHECK(row.description.has_value());
    CHECK(row.slug == "haiku-writer");
    CHECK(row.model == 0);  // o3: the catalogue's first model
    CHECK(row.modality == 0);
    CHECK(row.estimated_credits == 10);
    CHECK(row.uses == 1);
    CHECK(row.up_votes == 0);
    CHECK(row.samples.is_object());
    CHECK(row.configs.is_object());
    bp::page<bp::prompt> images = co_await bp::search_prompts(c, "caption");
    REQUIRE(images.rows.size() == 1);
    CHECK(images.rows[0].modality == 1);
    // get_prompt has none of them.
    bp::prompt plain = co_await bp::get_prompt(c, demo::text_prompt_id);
    CHECK_FALSE(plain.slug.has_value());
  });
}

TEST_CASE("an emulator in the newer edition: skills by latestPromptVersionId and skillmdUrl, runnable",
          "[skills][editions]") {
  emulator_options opts;
  opts.edition = bp::testing::api_edition::newer;
  fixture f(opts);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::page<bp::skill> found = co_await bp::search_skills(c, "haiku");
    REQUIRE(found.rows.size() == 1);
    const bp::skill& row = found.rows[0];
    CHECK(row.skill_version_id == demo::text_prompt_version_id);
    CHECK(row.raw.contains("latestPromptVersionId"));
    CHECK_FALSE(row.raw.contains("skillVersionId"));
    CHECK_FALSE(row.skillmd.has_value());
    REQUIRE(row.skillmd_url.has_value());
    CHECK(*row.skillmd_url == emulator_options{}.skillmd_base_url + "/skills/haiku-writer/SKILL.md");
    CHECK(row.input_metadata.variables.empty());  // newer rows carry no inputMetadata

    bp::skill detail = co_await bp::get_skill(c, demo::image_skill);
    CHECK(detail.skill_version_id == demo::image_prompt_version_id);
    CHECK_FALSE(detail.skillmd.has_value());
    REQUIRE(detail.skillmd_url.has_value());
    REQUIRE(detail.input_metadata.variables.size() == 1);  // the detail does
    CHECK(detail.input_metadata.variables[0].type == bp::skill_variable_type::select);
    bp::run captioned =
        co_await bp::create_run(c, caption_request(detail.skill_version_id, "poetic"));
    CHECK(captioned.status == bp::run_status::succeeded);
  });
}

TEST_CASE("numeric output types from the emulator decode as their types on every run route",
          "[runs][editions]") {
  emulator_options opts;
  opts.numeric_output_types = true;
  fixture f(opts);
  f.run([](fixture& f) -> asio::awaitable<void> {
    auto c = f.make_client();
    bp::run created = co_await bp::create_run(c, topic_request(demo::text_prompt_version_id, "tides"));
    REQUIRE(created.outputs.size() == 1);
    CHECK(created.outputs[0].type == bp::output_type::text);
    CHECK(created.outputs[0].type_code == std::optional<std::int64_t>(0));
    CHECK(created.text().find("tides") != std::string::npos);
    bp::run polled = co_await bp::get_run(c, created.run_id);
    REQUIRE(polled.outputs.size() == 1);
    CHECK(polled.outputs[0].type == bp::output_type::text);
    bp::list_runs_options recent;
    recent.since = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - 60s;
    bp::page<bp::run> listed = co_await bp::list_runs(c, recent);
    REQUIRE(listed.rows.size() == 1);
    REQUIRE(listed.rows[0].outputs.size() == 1);
    CHECK(listed.rows[0].outputs[0].type == bp::output_type::text);
    CHECK(listed.rows[0].outputs[0].type_code == std::optional<std::int64_t>(0));
  });
}

namespace {
/// Two TLS emulators: `emu` serves SKILL.md as its own host would, `api` the API in the newer
/// edition, whose skills' skillmdUrl point at `emu`.
struct skill_hosts : fixture {
  skill_hosts() : fixture(tls_only()), api(ioc, newer_pointing_at(emu)) {}

  static emulator_options tls_only() {
    emulator_options opts;
    opts.tls = true;
    return opts;
  }
  static emulator_options newer_pointing_at(const bp::testing::emulator& host) {
    emulator_options opts = tls_only();
    opts.edition = bp::testing::api_edition::newer;
    std::string base = host.base_url();
    base.resize(base.size() - std::string_view("/v1").size());
    opts.skillmd_base_url = base + "/BetterPromptme/skills/0123456789abcdef0123456789abcdef01234567";
    return opts;
  }
  /// Reaches `api`, trusts both CAs, and allows the SKILL.md host (127.0.0.1).
  bp::client_options both() const {
    auto opts = api.make_client_options();
    opts.tls.ca_pem = api.ca_certificate_pem() + emu.ca_certificate_pem();
    opts.skillmd.allowed_hosts = {"127.0.0.1"};
    opts.extra_headers.push_back({"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"});
    return opts;
  }
  std::size_t skillmd_requests() const {
    std::size_t n = 0;
    for (const auto& r : emu.received_requests()) n += r.target.ends_with("/SKILL.md") ? 1 : 0;
    return n;
  }

  bp::testing::emulator api;
};
}  // namespace

TEST_CASE("fetch_skillmd reads a newer skill's SKILL.md from its own host, without the key",
          "[skills][editions][skillmd]") {
  skill_hosts hosts;
  hosts.run([](fixture& base) -> asio::awaitable<void> {
    auto& f = static_cast<skill_hosts&>(base);
    bp::client c{f.ioc, f.both()};
    bp::resource_cache models{c};
    co_await models.get();  // every API request now announces cli-agent
    bp::skill s = co_await bp::get_skill(c, demo::text_skill);
    REQUIRE(s.skillmd_url.has_value());
    CHECK_FALSE(s.skillmd.has_value());
    const std::string text = co_await bp::fetch_skillmd(c, s);
    CHECK(text.find("# ") == 0);
    CHECK(text.find(demo::text_prompt_version_id) != std::string::npos);

    // The SKILL.md host saw none of the API's fields.
    REQUIRE(f.skillmd_requests() == 1);
    for (const auto& r : f.emu.received_requests()) {
      CHECK_FALSE(r.field("Authorization"));
      CHECK_FALSE(r.field("cli-agent"));
      CHECK_FALSE(r.field("traceparent"));
      CHECK(r.field("Host") == s.skillmd_url->substr(8, s.skillmd_url->find('/', 8) - 8));
    }
    // The API did (its connections are its own: a reused SKILL.md connection would be a 404).
    const auto api_seen = f.api.received_requests();
    CHECK(api_seen.back().field("Authorization").has_value());
    CHECK(api_seen.back().field("cli-agent").has_value());
    bp::skill again = co_await bp::get_skill(c, demo::image_skill);
    CHECK(again.skillmd_url.has_value());

    // Cached by URL: no second request; another skill's text reuses the host's connection.
    const std::string cached = co_await bp::fetch_skillmd(c, *s.skillmd_url);
    CHECK(cached == text);
    CHECK(f.skillmd_requests() == 1);
    const std::string other = co_await bp::fetch_skillmd(c, again);
    CHECK(other != text);
    CHECK(f.skillmd_requests() == 2);
    CHECK(f.emu.connection_count() == 1);

    // An inline skillmd (current edition) is the answer, nothing sent.
    bp::skill inline_md = s;
    inline_md.skillmd = "# inline";
    const std::string inline_text = co_await bp::fetch_skillmd(c, inline_md);
    CHECK(inline_text == "# inline");
    CHECK(f.skillmd_requests() == 2);

    // The cache keeps skillmd.cache_entries texts, the most recently used: with 1, the older
    // text is fetched again; with 0, every fetch is a request.
    auto one = f.both();
    one.skillmd.cache_entries = 1;
    bp::client small{f.ioc, one};
    co_await bp::fetch_skillmd(small, *s.skillmd_url);
    co_await bp::fetch_skillmd(small, *again.skillmd_url);
    co_await bp::fetch_skillmd(small, *again.skillmd_url);  // kept
    CHECK(f.skillmd_requests() == 4);
    co_await bp::fetch_skillmd(small, *s.skillmd_url);  // dropped for the other
    CHECK(f.skillmd_requests() == 5);
    auto none = f.both();
    none.skillmd.cache_entries = 0;
    bp::client uncached{f.ioc, none};
    co_await bp::fetch_skillmd(uncached, *s.skillmd_url);
    co_await bp::fetch_skillmd(uncached, *s.skillmd_url);
    CHECK(f.skillmd_requests() == 7);
    f.api.stop();
  });
}

TEST_CASE("fetch_skillmd refuses what breaks its rules, follows no redirect, bounds size and time",
          "[skills][editions][skillmd]") {
  skill_hosts hosts;
  hosts.run([](fixture& base) -> asio::awaitable<void> {
    auto& f = static_cast<skill_hosts&>(base);
    bp::client c{f.ioc, f.both()};
    bp::skill s = co_await bp::get_skill(c, demo::text_skill);
    const std::string url = *s.skillmd_url;
    const std::string host_base = url.substr(0, url.find("/skills/"));

    // Refused, nothing sent.
    std::string plain = url;
    plain.replace(0, 5, "http");
    auto http = co_await expect_error(bp::fetch_skillmd(c, plain));
    CHECK(http.code() == bp::error::invalid_argument);
    CHECK(std::string(http.what()).find("https only") != std::string::npos);
    auto foreign = co_await expect_error(
        bp::fetch_skillmd(c, "https://example.com/BetterPromptme/skills/x/SKILL.md"));
    CHECK(foreign.code() == bp::error::invalid_argument);
    CHECK(std::string(foreign.what()).find("allowed_hosts") != std::string::npos);
    std::string with_user = url;
    with_user.insert(8, "me:pw@");
    auto user = co_await expect_error(bp::fetch_skillmd(c, with_user));
    CHECK(user.code() == bp::error::invalid_argument);
    CHECK(std::string(user.what()).find("pw") == std::string::npos);
    bp::skill neither = s;
    neither.skillmd_url.reset();
    auto none = co_await expect_error(bp::fetch_skillmd(c, neither));
    CHECK(none.code() == bp::error::not_found);
    CHECK(f.skillmd_requests() == 0);

    // A 404 of the host, and a redirect that is not followed.
    auto missing = co_await expect_error(bp::fetch_skillmd(c, host_base + "/skills/nope/SKILL.md"));
    CHECK(missing.code() == bp::error::not_found);
    CHECK(missing.get_diagnostics().http_status == 404);
    auto moved = make_fault(bp::testing::fault_kind::server_error);
    moved.status = 302;
    f.emu.inject_fault(bp::testing::routes::skillmd, moved);
    auto redirect = co_await expect_error(bp::fetch_skillmd(c, url));
    CHECK(redirect.code() == bp::error::bad_response);
    CHECK(redirect.get_diagnostics().http_status == 302);
    CHECK(std::string(redirect.what()).find("redirects are not followed") != std::string::npos);

    // Size and time are bounded by client_options::skillmd.
    auto small = f.both();
    small.skillmd.max_bytes = 16;
    bp::client tight{f.ioc, small};
    auto too_large = co_await expect_error(bp::fetch_skillmd(tight, url));
    CHECK(too_large.code() == bp::error::response_too_large);
    auto quick = f.both();
    quick.skillmd.timeout = 200ms;
    bp::client hurried{f.ioc, quick};
    f.emu.set_response_delay(bp::testing::routes::skillmd, 2s);
    auto late = co_await expect_error(bp::fetch_skillmd(hurried, url));
    CHECK(late.code() == bp::error::timeout);
    f.emu.set_response_delay(bp::testing::routes::skillmd, 0ms);
    // Nothing failed was cached: the text still comes.
    const std::string text = co_await bp::fetch_skillmd(c, url);
    CHECK(text.find("# ") == 0);
    f.api.stop();
  });
}
