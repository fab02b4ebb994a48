// SPDX-License-Identifier: BSL-1.0
// An in-process emulator of the BetterPrompt API v1, for examples and tests (like stripe-mock).
#pragma once

#include <betterprompt/client_options.hpp>
#include <betterprompt/config.hpp>
#include <betterprompt/detail/api_routes.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/models/skill.hpp>

#include <betterprompt/testing/detail/request_waiters.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/execution_context.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

/// The emulator of the API, for examples and tests (see emulator).
namespace betterprompt::testing {

/// Ids and key of the prompts every emulator serves unless emulator_options::demo_prompts is off.
namespace demo {
/// The API key the emulator accepts by default.
inline constexpr const char* api_key = "bp-emulator-key";
/// A text prompt with one required input, "topic"; its runs finish at once.
inline constexpr const char* text_prompt_id = "6f1c2a9e-4b7d-4e21-9a53-0c8d7e6f5a41";
/// Its published version (the one to run).
inline constexpr const char* text_prompt_version_id = "0b8e3c52-7d1f-4a96-b2e4-5c3f9a1d8e70";
/// An image-caption prompt: one image input and an optional "style" text input.
inline constexpr const char* image_prompt_id = "a3d9f6b1-2c48-4e7a-8f15-9b6e0c2d4f83";
/// Its published version (the one to run).
inline constexpr const char* image_prompt_version_id = "c7e2a4d8-6b13-4f59-a0d2-8e4b1f7c3a96";
/// A text prompt ("topic") whose runs take 3 seconds.
inline constexpr const char* slow_prompt_id = "e5b7c1d3-9a26-4f84-b3e1-7d0a2c5f8b49";
/// Its published version (the one to run).
inline constexpr const char* slow_prompt_version_id = "f2a8d4c6-1e37-4b95-8c02-6a9d3e7b1f54";
/// The catalogue's reasoning text model: run option reasoningEffort (low, medium, high). The
/// text prompt runs on it.
inline constexpr const char* reasoning_model = "o3";
/// A text model with no run options. The slow prompt runs on it.
inline constexpr const char* text_model = "gpt-4o";
/// An image model: quality, size, aspectRatio. The image prompt runs on it.
inline constexpr const char* image_model = "gpt-image-1";
/// A video model: seconds, aspectRatio.
inline constexpr const char* video_model = "sora-2";
/// The skill of the text prompt (one free-text input, "topic").
inline constexpr const char* text_skill = "haiku-writer";
/// The skill of the image prompt (a select input, "style", and one image).
inline constexpr const char* image_skill = "image-captioner";
/// The skill of the slow prompt.
inline constexpr const char* slow_skill = "slow-essay";
}  // namespace demo

/// Route names for emulator::set_response_delay, spelled as in the API contract (the SDK's own
/// table of routes, detail/api_routes.hpp).
namespace routes {
/// GET /v1/prompts/{promptId}
inline constexpr const char* get_prompt = betterprompt::detail::routes::get_prompt.name;
/// GET /v1/prompt-versions/{promptVersionId}
inline constexpr const char* get_prompt_version = betterprompt::detail::routes::get_prompt_version.name;
/// POST /v1/runs
inline constexpr const char* create_run = betterprompt::detail::routes::create_run.name;
/// GET /v1/runs/{runId}
inline constexpr const char* get_run = betterprompt::detail::routes::get_run.name;
/// GET /v1/runs
inline constexpr const char* list_runs = betterprompt::detail::routes::list_runs.name;
/// GET /v1/prompts/{promptId}/versions
inline constexpr const char* list_prompt_versions = betterprompt::detail::routes::list_prompt_versions.name;
/// GET /v1/prompts/publish
inline constexpr const char* search_prompts = betterprompt::detail::routes::search_prompts.name;
/// GET /v1/me
inline constexpr const char* get_account = betterprompt::detail::routes::get_account.name;
/// GET /v1/me/credits
inline constexpr const char* get_credits = betterprompt::detail::routes::get_credits.name;
/// GET /v1/resources
inline constexpr const char* get_resources = betterprompt::detail::routes::get_resources.name;
/// GET /v1/skills
inline constexpr const char* search_skills = betterprompt::detail::routes::search_skills.name;
/// GET /v1/skills/{name}
inline constexpr const char* get_skill = betterprompt::detail::routes::get_skill.name;
/// Emulator only (not in the API): unauthenticated, not rate limited.
inline constexpr const char* health = "GET /v1/health";
/// GET {base}/ (and GET {base}): answered without a key, as the official client's `doctor`
/// expects of a reachable API.
inline constexpr const char* api_root = "GET /v1/";
/// GET {path}/skills/{name}/SKILL.md outside /v1: the SKILL.md text the newer edition's
/// skillmdUrl names, without a key, as its own host serves it (emulator only: point
/// emulator_options::skillmd_base_url at an emulator to serve it).
inline constexpr const char* skillmd = betterprompt::detail::routes::fetch_skillmd.name;
}  // namespace routes

/// Which edition of the API's shapes an emulator answers in (the contract's "Newer editions").
enum class api_edition {
  /// The documented shapes: a skill carries `skillVersionId` and `inputMetadata`, its detail the
  /// inline `skillmd`. The default.
  current,
  /// The shapes the newest official client reads: a skill carries `latestPromptVersionId` and
  /// `metadata.skillmdUrl` (no `skillVersionId`, no inline `skillmd`); only the detail carries
  /// `inputMetadata`.
  newer,
};

/// A prompt version the emulator serves, and how its deterministic "model" behaves.
struct emulated_prompt {
  /// Ids, title, publication time and input configuration, served as the API would.
  prompt version;
  /// Text output of a run: each "{name}" is replaced by that text input ("" when absent) and
  /// "{imageCount}" by the number of images. A run whose text inputs contain "[fail]" fails
  /// instead.
  std::string output_template = "Output for {topic}";
  /// How long a run takes: queued for the first quarter, then running, then finished.
  std::chrono::milliseconds run_duration{0};
  /// The catalogue model the prompt runs on (see emulator::add_model); runOptions are checked
  /// against it, or against the run's runModel when given. Default: demo::text_model.
  std::string model = demo::text_model;
  /// A retired version: 410 GONE_ERROR when fetched or run, hidden from listings. Default: false.
  bool retired = false;
  /// Credits reserved when a run is created (settled to its tokens when it finishes).
  /// Default: 10.
  std::int64_t credit_estimate = 10;
};

/// A skill the emulator serves: a prompt packaged with its input schema and SKILL.md. Its
/// versions are the prompt's published versions (skillVersionId is the latest, or the one
/// `?version=` pins), so every skillVersionId is runnable.
struct emulated_skill {
  std::string name;       ///< The handle (GET /v1/skills/{name}).
  std::string skill_id;   ///< UUID of the skill.
  std::string prompt_id;  ///< The prompt whose published versions are the skill's versions.
  std::optional<std::string> author = std::string("betterprompt");  ///< null when unset.
  std::optional<std::string> description{};                         ///< null when unset.
  /// The inputs; with no variables and no images, derived from the prompt version's inputs
  /// (free text, empty allowed for optional fields; one entry per image).
  skill_input_metadata input_metadata{};
  std::string skillmd{};  ///< SKILL.md text; generated from the title and inputs when empty.
};

/// A misbehaviour emulator::inject_fault applies to matching requests. Unless said "processed", a
/// request that gets a fault is not processed (no run is created). A fault whose answer carries a
/// 2xx status line always comes after processing, as on the real service: a 2xx from the API
/// means the create happened.
enum class fault_kind {
  reset,               ///< Reset the connection (TCP RST) instead of answering.
  server_error,        ///< Answer fault::status (default 500) with a SERVER_ERROR envelope.
  rate_limited,        ///< Answer 429 with `Retry-After: <fault::delay in seconds, rounded up>`.
  malformed_json,      ///< Processed; answered 200 with a truncated JSON body instead.
  oversized_body,      ///< Processed; answered 200 with an envelope padded to fault::bytes bytes.
  wrong_content_type,  ///< Processed; answered 200 with an HTML page instead.
  delay,               ///< Processed; answered after fault::delay.
  close_after_bytes,   ///< Processed; the connection closes after fault::bytes response bytes.
  drip,                ///< Processed; the response is written fault::bytes bytes per fault::delay.
  close_connection,    ///< Processed; answered with `Connection: close`, then closed.
  stall,  ///< Processed; the headers and fault::bytes of the body are written, then nothing for
          ///< fault::delay, then the connection closes.
  trailing_response,  ///< Processed; a second, unrequested 200 response (a run the emulator
                      ///< never created) follows the answer on the kept-alive connection.
  trailing_junk,      ///< Processed; fault::bytes (default 16) of junk follow the answer's body,
                      ///< past its Content-Length, on the kept-alive connection.
  foreign_run,        ///< Processed; the answer's data.runId names another run.
  interim_response,   ///< Processed; an interim response of fault::status (100, 101, 102, 103)
                      ///< precedes the answer.
  error_after_processing,  ///< Processed; answered fault::status (502, 503 or 504) with a load
                           ///< balancer's HTML page instead (a 504 names no run).
  reset_after_processing,  ///< Processed; the connection is reset (TCP RST) instead of answered.
  silent_close,  ///< Processed; answered as kept alive, then the connection closes (without the
                 ///< `Connection: close` that would have said so), as some proxies do.
};

/// One injected fault. See emulator::inject_fault.
struct fault {
  fault_kind kind = fault_kind::server_error;  ///< What goes wrong.
  int count = 1;                               ///< Matching requests it applies to; -1: every one.
  std::chrono::milliseconds delay{0};  ///< For delay, drip (per chunk), stall and rate_limited.
  std::size_t bytes = 0;  ///< For close_after_bytes, drip (chunk), stall and oversized_body.
  unsigned status = 500;  ///< For server_error and error_after_processing (e.g. 502, 503, 504)
                          ///< and interim_response.
};

/// A run as the emulator's own record has it: what a test checks its client's account against.
struct emulated_run {
  std::string run_id;                                ///< The run's id.
  std::string prompt_version_id;                     ///< The version it runs.
  std::map<std::string, std::string> text_inputs;    ///< The text inputs it was created with.
  std::chrono::system_clock::time_point created_at;  ///< When the emulator created it.
};

/// A request as the emulator received it (see emulator::received_requests): what a test checks
/// its client sent, on the wire.
struct received_request {
  std::string method;                ///< e.g. "GET".
  std::string target;                ///< Path and query, as sent.
  std::vector<header_field> fields;  ///< Every header field, in the order sent.
  /// The value of the first field named `name` (case-insensitive), or nullopt.
  BETTERPROMPT_DECL std::optional<std::string> field(std::string_view name) const;
};

/// Options of an emulator.
struct emulator_options {
  /// Address to listen on. Default: "127.0.0.1".
  std::string address = "127.0.0.1";
  /// Port to listen on; 0 picks a free ephemeral port. Default: 0.
  std::uint16_t port = 0;
  /// Serve https with a CA and certificate generated at start (see ca_certificate_pem()).
  /// Default: false.
  bool tls = false;
  /// Accepted API keys (Authorization: Bearer …); anything else → 401. Default: {demo::api_key}.
  std::vector<std::string> api_keys{demo::api_key};
  /// How long POST /v1/runs waits for a run before answering 504 with its runId.
  /// Default: 2 minutes, as the API; tests use milliseconds.
  std::chrono::milliseconds sync_window{std::chrono::minutes(2)};
  /// Serve the demo prompts and their skills (the model catalogue is always served). Default:
  /// true.
  bool demo_prompts = true;
  /// Largest request body accepted (base64 images); larger → 400. Default: 32 MiB.
  std::size_t max_request_body = 32 * 1024 * 1024;
  /// Starting credit balance; a run whose estimate exceeds what is left → 402. Default: 1 000 000.
  std::int64_t credits = 1'000'000;
  /// The API's rate limit: requests per second over all keys, beyond which requests get 429 with
  /// `Retry-After: 1`. The API allows 5; 0 turns the limit off. Default: 0.
  double rate_limit_per_second = 0;
  /// Requests the rate limit lets through at once after a quiet period (a strict proxy: 1);
  /// 0 means the same as rate_limit_per_second. Default: 0.
  double rate_limit_burst = 0;
  /// The emulator's clock minus the host's: its Date headers and its runs' createdAt are shifted
  /// by it, as a server whose clock is off would send them (reconciliation reads both).
  /// Default: 0.
  std::chrono::milliseconds clock_offset{0};
  /// Added to the runs' createdAt alone, on top of clock_offset: a server that stamps runs on
  /// another clock than the one that dates its answers (a database's), or late. Reconciliation
  /// must learn it from answered creates. Default: 0.
  std::chrono::milliseconds stamp_offset{0};
  /// How long a new run takes to appear in GET /v1/runs, as a listing served from a lagging
  /// replica would; GET /v1/runs/{id} sees it at once. Default: 0.
  std::chrono::milliseconds listing_lag{0};
  /// The edition of the skills' shapes (see api_edition). Default: api_edition::current.
  api_edition edition = api_edition::current;
  /// Send output `type` as a number (0 text, 1 image, 2 error, 3 video), as the newer client's
  /// command specification describes it; the evidence is a specification, not traffic, hence
  /// its own switch. Default: false (strings, as documented).
  bool numeric_output_types = false;
  /// Where the newer edition's `metadata.skillmdUrl` points: a skill's URL is this followed by
  /// "/skills/<name>/SKILL.md". Default: the official data's host, at a fixed commit.
  std::string skillmd_base_url =
      "https://raw.githubusercontent.com/BetterPromptme/skills/"
      "5f1c2a9e8d7b6c4a3e2f1d0c9b8a7e6d5c4b3a21";
};

/// Prompts, runs, keys and credits to load into an emulator (see emulator::apply_seed and the
/// executable's --seed FILE).
struct emulator_seed {
  std::vector<std::string> api_keys{};     ///< Replace the accepted keys when not empty.
  std::optional<std::int64_t> credits{};   ///< Set the credit balance.
  std::vector<model_info> models{};        ///< Added to (or replaced in) the model catalogue.
  std::vector<emulated_prompt> prompts{};  ///< Added in order (the last of a prompt is latest).
  std::vector<emulated_skill> skills{};    ///< Added (or replaced, by name) after the prompts.
  std::vector<run_request> runs{};         ///< Created in order, as if POSTed.
};

/// Reads a seed from JSON text: {"apiKeys": [..], "credits": n, "models": [<a model of GET
/// /v1/resources>], "prompts": [{"promptId", "promptVersionId", "title", "publishedAt", "config",
/// "model", "outputTemplate", "runDurationMs", "retired", "creditEstimate"}], "skills": [{"name",
/// "skillId", "promptId", "author", "description", "inputMetadata", "skillmd"}], "runs": [<POST
/// /v1/runs body>]}.
/// Throws std::runtime_error naming what is wrong.
BETTERPROMPT_DECL emulator_seed parse_emulator_seed(std::string_view json_text);

/// A fault and the route it applies to, as given to the executable's --fault flag.
struct fault_spec {
  std::string route = "*";  ///< A routes:: value, or "*" for every route.
  fault what;               ///< The fault itself.
};

/// Parses "kind=NAME[,route=NAME][,count=N][,delay-ms=N][,bytes=N][,status=N]", e.g.
/// "kind=rate_limited,route=get_run,count=3,delay-ms=1000". Kinds are fault_kind's names; routes
/// are routes::'s names (get_prompt, create_run, get_run, …) or "*". count -1: every request.
/// Throws std::runtime_error naming what is wrong.
BETTERPROMPT_DECL fault_spec parse_fault_spec(std::string_view text);

namespace detail {
class emulator_server;
}  // namespace detail

/// The emulator: an HTTP(S) server of the API v1 on the given executor, listening when the
/// constructor returns. Prompts, runs and injected delays may be changed while it runs, from any
/// thread. Stops on stop() or destruction; run the executor's context until then.
class emulator {
 public:
  /// Starts listening. Throws boost::system::system_error when the address cannot be bound.
  BETTERPROMPT_DECL explicit emulator(boost::asio::any_io_executor ex, emulator_options opts = {});

  /// Starts listening on the context's executor.
  template <class ExecutionContext, class = std::enable_if_t<std::is_convertible_v<
                                        ExecutionContext&, boost::asio::execution_context&>>>
  explicit emulator(ExecutionContext& ctx, emulator_options opts = {})
      : emulator(boost::asio::any_io_executor(ctx.get_executor()), std::move(opts)) {}

  emulator(const emulator&) = delete;
  emulator& operator=(const emulator&) = delete;

  /// Stops the emulator (see stop()).
  BETTERPROMPT_DECL ~emulator();

  /// The base URL to give a client, e.g. "http://127.0.0.1:41234/v1".
  BETTERPROMPT_DECL std::string base_url() const;
  /// The port it listens on.
  BETTERPROMPT_DECL std::uint16_t port() const;
  /// PEM of the generated CA (TLS mode); empty otherwise.
  BETTERPROMPT_DECL const std::string& ca_certificate_pem() const;
  /// Client options that reach this emulator: base_url, the first API key, in TLS mode the CA as
  /// the only trust anchor, a client rate limit just under the emulator's (off when it has
  /// none), and no proxy (whatever the environment says).
  BETTERPROMPT_DECL client_options make_client_options() const;

  /// Adds (or replaces, by version id) a prompt version. The newest added version of a prompt
  /// is its latest.
  BETTERPROMPT_DECL void add_prompt(emulated_prompt p);
  /// Adds (or replaces, by name) a model of the catalogue GET /v1/resources serves; the
  /// catalogue's hash changes with it.
  BETTERPROMPT_DECL void add_model(model_info m);
  /// Adds (or replaces, by name) a skill. Throws std::invalid_argument when its prompt is unknown.
  BETTERPROMPT_DECL void add_skill(emulated_skill s);
  /// The catalogue's current hash (what GET /v1/resources sends).
  BETTERPROMPT_DECL std::string resources_hash() const;
  /// A human-readable list of what the emulator serves: prompts with their version ids, skills
  /// and models (the executable prints it on start).
  BETTERPROMPT_DECL std::string describe_catalogue() const;
  /// Applies a seed: keys, credits, models, prompts, skills, then runs (a run the emulator rejects
  /// throws std::runtime_error with the emulator's message).
  BETTERPROMPT_DECL void apply_seed(const emulator_seed& seed);
  /// Sets the credit balance (before reservations of existing runs). Use 0 to provoke 402.
  BETTERPROMPT_DECL void set_credits(std::int64_t credits);
  /// Delays every response of `route` (see routes::) by `delay` before it is written; zero removes
  /// the delay.
  BETTERPROMPT_DECL void set_response_delay(const std::string& route,
                                            std::chrono::milliseconds delay);
  /// Applies `f` to the next `f.count` requests of `route` (see routes::; "*" for any route), in
  /// the order faults were injected.
  BETTERPROMPT_DECL void inject_fault(const std::string& route, fault f);
  /// Removes every injected fault that has not been used yet.
  BETTERPROMPT_DECL void clear_faults();
  /// Requests answered 429 by the rate limit (rate_limited faults not included).
  BETTERPROMPT_DECL std::size_t rate_limited_count() const;
  /// How many runs were created so far.
  BETTERPROMPT_DECL std::size_t run_count() const;
  /// Every run created so far, oldest first.
  BETTERPROMPT_DECL std::vector<emulated_run> runs() const;
  /// Requests served so far (all routes, including errors).
  BETTERPROMPT_DECL std::size_t request_count() const;
  /// Connections accepted so far (shows keep-alive reuse).
  BETTERPROMPT_DECL std::size_t connection_count() const;
  /// The last 256 requests received (every route, answered or not), oldest first.
  BETTERPROMPT_DECL std::vector<received_request> received_requests() const;

  /// Completes when the next request on `route` (see routes::; "*" for any) arrives, once it is
  /// read and before it is answered: what a test awaits instead of sleeping until a call is
  /// under way (`co_await emu.async_wait_request(routes::create_run)`). Only requests that
  /// arrive after the call count. Signature void(boost::system::error_code): success, or
  /// operation_aborted when the wait is cancelled (any cancellation type) or the emulator
  /// stops. Takes any completion token; the handler runs on its associated executor, by default
  /// the emulator's. Thread-safe.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_wait_request(std::string route, CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        detail::wait_request_initiation{waiters_, executor_}, token, std::move(route));
  }

  /// Stops accepting and closes every connection, ending delayed responses and waits for a
  /// request. Idempotent.
  BETTERPROMPT_DECL void stop();

 private:
  std::shared_ptr<detail::emulator_server> server_;
  std::shared_ptr<detail::request_waiters> waiters_;
  boost::asio::any_io_executor executor_;
};

}  // namespace betterprompt::testing

#ifdef BETTERPROMPT_HEADER_ONLY
#include <betterprompt/testing/impl/emulator.ipp>
#include <betterprompt/testing/impl/emulator_seed.ipp>
#endif
