// SPDX-License-Identifier: BSL-1.0
// `run` and `wait`: resolve the target, check the inputs before anything is sent, then
// run_prompt (which reconciles a create whose answer was lost) under the command's --timeout,
// with progress from the first second.
#include "commands.hpp"
#include "progress.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <betterprompt/detail/uuid.hpp>  // an id or a skill name: the emulator's rule
#include <betterprompt/timestamps.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// How long `run` looks for the run of a create its --timeout cut after the request went out.
constexpr std::chrono::seconds reconcile_bound{30};

/// What `run TARGET` runs, and what its inputs are checked against.
struct target {
  std::string prompt_version_id;
  std::optional<bp::prompt> prompt;
  std::optional<bp::skill> skill;
};

asio::awaitable<target> resolve(context& ctx, const std::string& name) {
  target t;
  if (!bp::detail::is_uuid(name)) {
    ctx.subject = "skill \"" + name + "\"";
    std::string n = name;
    bp::skill s = co_await bp::get_skill(ctx.client, std::move(n));
    t.prompt_version_id = s.skill_version_id;
    t.skill = std::move(s);
    co_return t;
  }
  // A prompt version first (what the official documentation passes), then a prompt's latest.
  auto token = asio::as_tuple(asio::use_awaitable);
  std::string id = name;
  bp::diagnostics diag;
  auto [ec, version] = co_await bp::get_prompt_version(ctx.client, std::move(id), diag, token);
  if (ec == bp::error::not_found) {
    ctx.subject = "prompt or prompt version \"" + name + "\"";
    id = name;
    bp::prompt latest = co_await bp::get_prompt(ctx.client, std::move(id));
    t.prompt_version_id = latest.prompt_version_id;
    t.prompt = std::move(latest);
    co_return t;
  }
  if (ec) throw bp::error_with_diagnostics(ec, std::move(diag));
  t.prompt_version_id = version.prompt_version_id;
  t.prompt = std::move(version);
  co_return t;
}

json::object read_payload(context& ctx) {
  std::string text;
  const auto file = ctx.args.flag("--stdin") ? std::optional<std::string>("-")
                                             : ctx.args.option("--input-payload");
  if (!file) return {};
  if (*file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(*file);
    if (!in) throw usage_error("cannot read " + *file);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  boost::system::error_code ec;
  json::value payload = json::parse(text, ec);
  if (ec || !payload.is_object())
    throw usage_error("--input-payload: not a JSON object (" +
                      (ec ? ec.message() : std::string("another JSON value")) + ")");
  return std::move(payload.as_object());
}

bp::run_request request_of(context& ctx) {
  json::object payload = read_payload(ctx);
  payload["promptVersionId"] = "";
  bp::run_request request;
  try {
    request = request_from_json(payload);
  } catch (const std::exception& e) {
    throw usage_error(std::string("--input-payload: ") + e.what());
  }
  for (const auto& text : ctx.args.all("--input")) {
    auto [key, value] = key_value(text, "--input");
    request.text_inputs[key] = value;
  }
  for (const auto& text : ctx.args.all("--run-option")) {
    auto [key, value] = key_value(text, "--run-option");
    request.run_options[key] = value;
  }
  for (const auto& image : ctx.args.all("--image"))
    request.image_inputs.push_back(image.rfind("https://", 0) == 0
                                       ? bp::image_input::url(image)
                                       : bp::image_input::from_file(image));
  if (auto model = ctx.args.option("--model")) request.run_model = *model;
  return request;
}

/// The checks run_prompt would make, against the target the command resolved, plus the run
/// options against the models when any is given: invalid_input (exit 2) before anything is sent.
asio::awaitable<void> validate(context& ctx, const target& t, const bp::run_request& request) {
  if (t.skill)
    bp::validate_run_request(*t.skill, request);
  else
    bp::validate_run_request(*t.prompt, request);
  if (request.run_options.empty() && request.run_model.empty()) co_return;
  bp::resources r = co_await bp::get_resources(ctx.client);
  bp::validate_run_options(r, request);
}

/// The command that looks for the run of a create that may have made one, in another process.
/// (Printed on a line of its own: about 110 columns.)
std::string find_run_command(const bp::create_record& record) {
  const auto sent = record.sent_at.value_or(record.failed_at);
  const auto lasted = std::chrono::ceil<std::chrono::milliseconds>(record.failed_at - sent);
  return "betterprompt find-run " + record.prompt_version_id + " --sent-at " +
         bp::to_iso8601(sent) + " --lasted-ms " + std::to_string(std::max<long long>(0, lasted.count()));
}

/// A deadline's cancellation, shared with the timer's handler and the interrupt hook, which may
/// run after the step they were meant for has ended.
struct cutoff : std::enable_shared_from_this<cutoff> {
  asio::cancellation_signal signal;
  bool fired = false;  ///< The timer went off.
  bool over = false;   ///< The command moved on: a late timer does nothing.

  void arm(asio::steady_timer& timer, std::chrono::steady_clock::duration after) {
    timer.expires_after(after);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->over) return;
      self->fired = true;
      self->signal.emit(asio::cancellation_type::terminal);
    });
  }
};

/// After --timeout cut a create that went out: look for its run, within reconcile_bound.
asio::awaitable<int> reconcile_cut_create(context& ctx, const bp::create_record& record) {
  ctx.progress->reconciling();
  co_spawn_progress(ctx);
  asio::steady_timer bound(co_await asio::this_coro::executor);
  const auto cut = std::make_shared<cutoff>();
  cut->arm(bound, reconcile_bound);
  ctx.on_interrupt = [cut](int) { cut->signal.emit(asio::cancellation_type::terminal); };
  bp::diagnostics diag;
  auto token =
      asio::bind_cancellation_slot(cut->signal.slot(), asio::as_tuple(asio::use_awaitable));
  bp::reconcile_options options;
  auto [ec, found] = co_await bp::reconcile_create(ctx.client, record, options, diag, token);
  bound.cancel();
  cut->over = true;
  ctx.on_interrupt = nullptr;
  ctx.progress->stop();
  const std::string look = find_run_command(record);
  if (!ec && found.status == bp::reconcile_status::found) {
    ctx.current_run = found.run->run_id;
    std::cerr << "betterprompt: timed out; the create made run " << found.run->run_id << " ("
              << bp::to_string(found.run->status) << ")\n";
    if (!found.run->finished())
      std::cerr << "betterprompt: it goes on: betterprompt wait " << found.run->run_id << "\n";
    co_return timed_out;
  }
  std::cerr << "betterprompt: timed out after the create was sent: its run may exist";
  if (!ec && found.status == bp::reconcile_status::ambiguous) {
    std::cerr << "; it is one of:";
    for (const auto& id : found.candidates) std::cerr << ' ' << id;
    std::cerr << "\n";
    co_return ambiguous;
  }
  const bool interrupted_here = ec == asio::error::operation_aborted && !cut->fired;
  std::cerr << (interrupted_here ? " (interrupted while looking for it)"
                : ec             ? " (looking for it failed: " + diag.message + ")"
                                 : " (none found yet: " + found.reason + ")")
            << "\nbetterprompt: to look again:\n" << look << "\n";
  co_return interrupted_here ? interrupted : unresolved;
}

/// Why run_prompt failed, when a reconciliation it ran answered ambiguous or not_found.
int reconciled_status(const bp::diagnostics& diag) {
  const auto* data = diag.data.if_object();
  const auto* reconcile = data ? data->if_contains("reconcile") : nullptr;
  const auto* status = reconcile && reconcile->is_object()
                           ? reconcile->as_object().if_contains("status")
                           : nullptr;
  if (!status || !status->is_string()) return 0;
  return status->get_string() == "ambiguous" ? ambiguous : unresolved;
}

/// Resolves the target and checks the inputs against it, before anything is created.
asio::awaitable<target> prepare(context& ctx, bp::run_request& request) {
  target t = co_await resolve(ctx, ctx.args.positional[0]);
  request.prompt_version_id = t.prompt_version_id;
  co_await validate(ctx, t, request);
  co_return t;
}

}  // namespace

bp::run_request request_from_json(const json::object& line) {
  json::object body{
      {"promptVersionId",
       line.contains("promptVersionId") ? line.at("promptVersionId") : json::value(nullptr)},
      {"inputs", json::object{}}};
  auto& inputs = body["inputs"].as_object();
  if (const auto* text = line.if_contains("textInputs")) inputs["textInputs"] = *text;
  if (const auto* images = line.if_contains("imageInputs")) {
    // A plain string is a URL, as people write it; objects are as the API takes them.
    json::array converted;
    if (images->is_array())
      for (const auto& image : images->get_array())
        converted.push_back(image.is_string() ? json::value{{"type", "url"}, {"url", image}}
                                              : image);
    inputs["imageInputs"] = images->is_array() ? json::value(std::move(converted)) : *images;
  }
  if (const auto* options = line.if_contains("runOptions")) body["runOptions"] = *options;
  if (const auto* model = line.if_contains("runModel")) body["runModel"] = *model;
  return json::value_to<bp::run_request>(json::value(std::move(body)));
}

asio::awaitable<int> run_run(context& ctx) {
  bp::run_request request = request_of(ctx);
  const auto timeout = seconds_option(ctx.args, "--timeout", 600);
  const bool no_wait = ctx.args.flag("--no-wait");
  const auto executor = co_await asio::this_coro::executor;
  // --timeout and Ctrl-C reach every step through one signal, the resolution included.
  asio::steady_timer timer(executor);
  const auto cut = std::make_shared<cutoff>();
  if (timeout.count() > 0) cut->arm(timer, timeout);
  ctx.on_interrupt = [cut](int) { cut->signal.emit(asio::cancellation_type::terminal); };
  struct disarm {  // whatever ends the command: the timer and Ctrl-C no longer reach it
    context& ctx;
    cutoff& cut;
    ~disarm() {
      cut.over = true;
      ctx.on_interrupt = nullptr;
    }
  } disarmed{ctx, *cut};

  auto [failure, t] = co_await asio::co_spawn(
      executor, prepare(ctx, request),
      asio::bind_cancellation_slot(cut->signal.slot(), asio::as_tuple(asio::use_awaitable)));
  if (failure && !cut->fired) std::rethrow_exception(failure);
  if (cut->fired) {
    bp::diagnostics diag;
    diag.message = "timed out after " + std::to_string(timeout.count()) +
                   " s, before the create was sent: nothing was created";
    throw bp::error_with_diagnostics(bp::error::wait_timeout, std::move(diag));
  }
  ctx.subject.clear();

  bp::run_prompt_options options;
  options.validate = false;  // checked above, against the skill when it is one
  // --no-wait: the wait ends at its first poll (immediate), which shows the run as it is.
  std::optional<bp::run> first_poll;
  options.wait.on_poll = [&ctx, &first_poll, no_wait, cut](const bp::run& r,
                                                           std::chrono::milliseconds next) {
    ctx.progress->polled(r, next);
    if (!no_wait || first_poll) return;
    first_poll = r;
    cut->signal.emit(asio::cancellation_type::terminal);
  };
  bp::run_inputs inputs{std::move(request.text_inputs), std::move(request.image_inputs),
                        std::move(request.run_options), std::move(request.run_model)};
  bp::prompt_ref which = bp::prompt_ref::version(t.prompt_version_id);
  ctx.progress->start();
  co_spawn_progress(ctx);
  bp::diagnostics diag;
  auto token =
      asio::bind_cancellation_slot(cut->signal.slot(), asio::as_tuple(asio::use_awaitable));
  auto [ec, done] = co_await bp::run_prompt(ctx.client, std::move(which), std::move(inputs),
                                            std::move(options), diag, token);
  timer.cancel();
  ctx.progress->stop();
  const bool timer_fired = cut->fired;
  if (!ec) {
    ctx.current_run = done.run_id;
    co_return finish_with(ctx, done);
  }
  const auto* data = diag.data.if_object();
  const auto* run_id = data ? data->if_contains("runId") : nullptr;
  if (run_id && run_id->is_string()) ctx.current_run = std::string(run_id->get_string());
  if (first_poll && ec == asio::error::operation_aborted) {
    print_run(ctx, *first_poll);
    if (!ctx.json)
      std::cerr << "betterprompt: not waited for (--no-wait): betterprompt wait "
                << first_poll->run_id << "\n";
    co_return success;
  }
  const bool may_exist =
      diag.create && diag.create->outcome != bp::create_outcome::not_created && ctx.current_run.empty();
  if (timer_fired && ec == asio::error::operation_aborted && may_exist)
    co_return co_await reconcile_cut_create(ctx, *diag.create);
  if (ec == asio::error::operation_aborted && may_exist) {
    std::cerr << "betterprompt: interrupted while the create was in flight: the run may exist; "
                 "to find it:\n"
              << find_run_command(*diag.create) << "\n";
    co_return interrupted;
  }
  if (timer_fired && ec == asio::error::operation_aborted) {
    ec = bp::error::wait_timeout;
    diag.message = "timed out after " + std::to_string(timeout.count()) + " s" +
                   (ctx.current_run.empty() ? std::string()
                                            : ": run " + ctx.current_run + " has not finished");
  }
  if (const int status = reconciled_status(diag); status != 0) {
    report_error(ctx, ec, diag);
    co_return status;
  }
  throw bp::error_with_diagnostics(ec, std::move(diag));
}

asio::awaitable<int> run_find_run(context& ctx) {
  bp::create_record record;
  record.outcome = bp::create_outcome::unknown;
  record.prompt_version_id = ctx.args.positional[0];
  const auto time_of = [&](std::string_view option) {
    const auto text = ctx.args.option(option);
    const auto when = text ? bp::from_iso8601(*text) : std::nullopt;
    if (text && !when)
      throw usage_error(std::string(option) + " takes a time as run and find-run print it "
                        "(2026-12-06T10:00:00.123Z, UTC), not '" + *text + "'");
    return when;
  };
  record.sent_at = time_of("--sent-at");
  if (!record.sent_at) throw usage_error("find-run needs --sent-at TIME");
  // Without --lasted-ms: as long as the API may hold a create.
  record.failed_at = *record.sent_at + std::chrono::milliseconds(number_option(
                                           ctx.args, "--lasted-ms", 0, 3600000, 130000));
  bp::diagnostics diag;
  bp::reconcile_options options;
  auto [ec, found] = co_await bp::reconcile_create(ctx.client, record, options, diag,
                                                   asio::as_tuple(asio::use_awaitable));
  if (ec) throw bp::error_with_diagnostics(ec, std::move(diag));
  if (found.status == bp::reconcile_status::found) {
    print_run(ctx, *found.run);
    co_return success;
  }
  if (found.status == bp::reconcile_status::ambiguous) {
    std::cerr << "betterprompt: the run, if any, is one of:";
    for (const auto& id : found.candidates) std::cerr << ' ' << id;
    std::cerr << " (" << found.reason << ")\n";
    co_return ambiguous;
  }
  std::cerr << "betterprompt: no run of " << record.prompt_version_id
            << " was made in that window (" << found.reason
            << "); a listing may lag: this is not proof\n";
  co_return unresolved;
}

asio::awaitable<int> run_wait(context& ctx) {
  ctx.current_run = ctx.args.positional[0];
  ctx.subject = "run \"" + ctx.current_run + "\"";
  bp::wait_options options;
  options.timeout = seconds_option(ctx.args, "--timeout", 600);
  options.on_poll = [&ctx](const bp::run& r, std::chrono::milliseconds next) {
    ctx.progress->polled(r, next);
  };
  ctx.progress->start(ctx.current_run);
  co_spawn_progress(ctx);
  bp::diagnostics diag;
  std::string id = ctx.current_run;
  auto [ec, done] = co_await bp::wait_for_run(ctx.client, std::move(id), options, diag,
                                              asio::as_tuple(asio::use_awaitable));
  ctx.progress->stop();
  if (ec) throw bp::error_with_diagnostics(ec, std::move(diag));
  co_return finish_with(ctx, done);
}

}  // namespace betterprompt_cli
