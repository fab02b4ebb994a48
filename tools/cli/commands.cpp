// SPDX-License-Identifier: BSL-1.0
// The commands of `betterprompt`.
#include "commands.hpp"

#include "batch.hpp"
#include "batch_reconcile.hpp"
#include "progress.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <charconv>
#include <chrono>
#include <iomanip>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace asio = boost::asio;

namespace {

template <class T>
void print_json(context& ctx, const T& value) {
  ctx.out << boost::json::serialize(boost::json::value_from(value)) << '\n';
}


void print_prompt(context& ctx, const bp::prompt& p) {
  if (ctx.json) return print_json(ctx, p);
  ctx.out << p.title << "\n  prompt id:  " << p.prompt_id
          << "\n  version id: " << p.prompt_version_id << "\n  published:  " << p.published_at
          << "\n  inputs:    ";
  for (const auto& field : p.inputs.text_inputs)
    ctx.out << ' ' << field.name << (field.required ? "" : " (optional)");
  if (p.inputs.image_count > 0) ctx.out << ' ' << p.inputs.image_count << " image(s)";
  ctx.out << '\n';
}

void print_account(context& ctx, const bp::account& me) {
  if (ctx.json) return print_json(ctx, me);
  ctx.out << "Username: " << me.username.value_or("(none)")
          << "\nDisplay name: " << me.display_name.value_or("(none)")
          << "\nFlags: " << me.user_flags << '\n';
}

void print_credits(context& ctx, const bp::credit_balance& balance) {
  if (ctx.json) return print_json(ctx, balance);
  // The shortest text that reads back as the same number: 1000000, 12.5, 0.1.
  char text[64];
  const auto written = std::to_chars(text, text + sizeof text, balance.credits, std::chars_format::fixed);
  ctx.out << "Credits: " << std::string_view(text, written.ptr - text) << '\n';
}

void print_resources(context& ctx, const bp::resources& r) {
  if (ctx.json) return print_json(ctx, r);
  for (const auto& m : r.models) {
    ctx.out << m.model << " (" << m.modality_name << ")\n";
    for (const auto& option : m.available_run_options) {
      ctx.out << "  " << option.key << ':';
      for (std::size_t i = 0; i < option.options.size(); ++i)
        ctx.out << (i ? ", " : " ") << option.options[i];
      ctx.out << '\n';
    }
  }
}

asio::awaitable<int> whoami(context& ctx) {
  bp::account me = co_await bp::get_account(ctx.client);
  print_account(ctx, me);
  co_return success;
}

asio::awaitable<int> credits(context& ctx) {
  bp::credit_balance balance = co_await bp::get_credits(ctx.client);
  print_credits(ctx, balance);
  co_return success;
}

asio::awaitable<int> resources(context& ctx) {
  bp::resources r = co_await bp::get_resources(ctx.client);
  print_resources(ctx, r);
  co_return success;
}

asio::awaitable<int> search(context& ctx) {
  const std::string query = ctx.args.need(0, "a QUERY");
  if (ctx.args.flag("--prompts")) {
    std::string q = query;
    bp::page<bp::prompt> found = co_await bp::search_prompts(ctx.client, std::move(q));
    for (const auto& p : found.rows) {
      if (ctx.json)
        print_json(ctx, p);
      else
        ctx.out << p.title << "  (prompt " << p.prompt_id << ", version " << p.prompt_version_id
                << ")\n";
    }
    co_return success;
  }
  bp::skill_filters filters;
  filters.type = ctx.args.option("--type").value_or("");
  filters.author = ctx.args.option("--author").value_or("");
  std::string q = query;
  bp::page<bp::skill> found = co_await bp::search_skills(ctx.client, std::move(q), filters);
  for (const auto& s : found.rows) {
    if (ctx.json) {
      print_json(ctx, s);
      continue;
    }
    ctx.out << s.name << " - " << s.title << " (by " << s.author.value_or("unknown") << ")\n";
    if (s.description) ctx.out << "  " << *s.description << '\n';
    ctx.out << "  version " << s.skill_version_id << '\n';
  }
  if (!ctx.json && found.rows.empty()) ctx.out << "No skills match '" << query << "'.\n";
  co_return success;
}

asio::awaitable<int> skill(context& ctx) {
  bp::skill_options options;
  options.version = ctx.args.option("--version").value_or("");
  std::string name = ctx.args.need(0, "a skill NAME");
  ctx.subject = "skill \"" + name + "\"";
  bp::skill s = co_await bp::get_skill(ctx.client, std::move(name), options);
  if (ctx.json) {
    print_json(ctx, s);
    co_return success;
  }
  ctx.out << s.title << " (" << s.name << ", by " << s.author.value_or("unknown") << ")\n"
          << "  version " << s.skill_version_id << "\n  inputs:\n";
  for (const auto& var : s.input_metadata.variables) {
    ctx.out << "    " << var.name;
    if (var.description) ctx.out << ": " << *var.description;
    for (const auto& option : var.options) ctx.out << " [" << option.value << "]";
    ctx.out << '\n';
  }
  for (const auto& image : s.input_metadata.images)
    ctx.out << "    image: " << image.description.value_or("(any)") << '\n';
  if (s.skillmd)
    ctx.out << '\n' << *s.skillmd << '\n';
  else if (s.skillmd_url)
    ctx.out << "  SKILL.md: " << *s.skillmd_url << '\n';
  co_return success;
}

asio::awaitable<int> prompt(context& ctx) {
  std::string id = ctx.args.need(0, "a prompt ID");
  ctx.subject = "prompt \"" + id + "\"";
  std::string version = ctx.args.option("--version").value_or("");
  bp::prompt p = co_await bp::get_prompt(ctx.client, std::move(id), std::move(version));
  print_prompt(ctx, p);
  co_return success;
}

asio::awaitable<int> get(context& ctx) {
  std::string id = ctx.args.need(0, "a RUN_ID");
  ctx.subject = "run \"" + id + "\"";
  bp::run r = co_await bp::get_run(ctx.client, std::move(id));
  print_run(ctx, r);
  co_return success;
}

std::optional<std::chrono::sys_seconds> time_option(const arguments& args, std::string_view name) {
  const auto text = args.option(name);
  if (!text) return std::nullopt;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return std::chrono::sys_seconds(std::chrono::seconds(
      parse_time(*text, name, now.time_since_epoch() / std::chrono::seconds(1))));
}

asio::awaitable<int> runs(context& ctx) {
  bp::list_runs_options options;
  options.limit = static_cast<int>(number_option(ctx.args, "--limit", 1, 50, 10));
  if (auto status = ctx.args.option("--status")) {
    options.status = bp::run_status_from_string(*status);
    if (*options.status == bp::run_status::unknown)
      throw usage_error("--status takes queued, running, succeeded or failed");
  }
  options.since = time_option(ctx.args, "--since");
  options.until = time_option(ctx.args, "--until");
  if (options.since && options.until && *options.until <= *options.since)
    throw usage_error("--until must be later than --since");
  bp::run_pager pager{ctx.client, options};
  for (;;) {
    std::vector<bp::run> rows = co_await pager.next();
    for (const auto& r : rows) {
      if (ctx.json) {
        print_json(ctx, r);
        continue;
      }
      ctx.out << r.run_id << "  " << std::left << std::setw(9) << bp::to_string(r.status) << "  "
              << r.created_at << "  " << r.run_name << '\n';
    }
    if (rows.empty() || !ctx.args.flag("--all")) break;
  }
  co_return success;
}

}  // namespace

void print_run(context& ctx, const bp::run& r) {
  if (ctx.json) return print_json(ctx, r);
  ctx.out << "Run " << r.run_id << ": " << bp::to_string(r.status);
  if (r.finished()) ctx.out << ", " << r.tokens << " tokens";
  ctx.out << '\n';
  for (const auto& item : r.outputs)
    ctx.out << "[" << (item.type == bp::output_type::unknown ? item.type_name : bp::to_string(item.type))
            << "] " << item.data << '\n';
}

long long number_option(const arguments& args, std::string_view name, long long min, long long max,
                        long long fallback) {
  const auto text = args.option(name);
  if (!text) return fallback;
  long long value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max)
    throw usage_error(std::string(name) + " takes a number from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", not '" + *text + "'");
  return value;
}

std::chrono::seconds seconds_option(const arguments& args, std::string_view name, long fallback) {
  return std::chrono::seconds(number_option(args, name, 0, 86400 * 7, fallback));
}

int finish_with(context& ctx, const bp::run& r) {
  print_run(ctx, r);
  return r.failed() ? run_failed : success;
}

void co_spawn_progress(context& ctx) {
  asio::co_spawn(ctx.client.get_executor(), ctx.progress->animate(), asio::detached);
}

void report_error(const context& ctx, const boost::system::error_code& ec,
                  const bp::diagnostics& diag) {
  report_error(ctx.verbose, ctx.subject, ec, diag);
}

void report_error(bool verbose, std::string_view subject, const boost::system::error_code& ec,
                  const bp::diagnostics& diag) {
  std::string what = diag.message.empty() ? ec.message() : diag.message;
  if (ec == bp::error::not_found && !subject.empty()) what = std::string(subject) + " not found";
  // The SDK names its C++ options; a shell user has flags and variables.
  if (const auto at = what.find("set client_options::allow_insecure_http"); at != std::string::npos)
    what.replace(at, std::string::npos,
                 "use the emulator on a loopback address (--base-url / BETTERPROMPT_BASE_URL)");
  std::cerr << "betterprompt: " << what;
  if (!diag.request_id.empty()) std::cerr << " (request id " << diag.request_id << ")";
  std::cerr << "\n";
  if (!verbose) return;
  std::cerr << "betterprompt: " << bp::error::code_name(ec) << " [" << ec.category().name() << ":"
            << ec.value() << "]";
  if (diag.http_status) std::cerr << ", HTTP " << diag.http_status;
  if (diag.attempts) std::cerr << ", " << diag.attempts << " attempt(s)";
  std::cerr << "\n";
  if (!diag.data.is_null()) std::cerr << "betterprompt: data " << boost::json::serialize(diag.data) << "\n";
  if (diag.create)
    std::cerr << "betterprompt: create " << boost::json::serialize(boost::json::value_from(*diag.create))
              << "\n";
}

int exit_status_of(const boost::system::error_code& ec) {
  if (ec == bp::error::wait_timeout || ec == bp::error::timeout) return timed_out;
  if (ec == boost::asio::error::operation_aborted) return interrupted;
  if (ec == bp::error::invalid_argument || ec == bp::error::invalid_input ||
      ec == bp::error::file_error)
    return usage;
  return api_or_network_error;
}

asio::awaitable<int> run_command(context& ctx) {
  using command = asio::awaitable<int> (*)(context&);
  static const std::pair<std::string_view, command> commands[] = {
      {"whoami", &whoami}, {"credits", &credits}, {"resources", &resources},
      {"search", &search}, {"skill", &skill},     {"prompt", &prompt},
      {"run", &run_run},   {"get", &get},         {"wait", &run_wait},
      {"runs", &runs},     {"batch", &run_batch}, {"reconcile", &run_reconcile},
      {"find-run", &run_find_run}, {"doctor", &run_doctor}};
  const std::string& c = ctx.args.command;
  for (const auto& [name, body] : commands) {
    if (name != c) continue;
    const int status = co_await body(ctx);
    co_return status;
  }
  throw usage_error(c.empty() ? "no command given" : "unknown command '" + c + "'");
}

}  // namespace betterprompt_cli
