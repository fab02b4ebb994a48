// SPDX-License-Identifier: BSL-1.0
// The commands of `betterprompt`.
#include "commands.hpp"

#include "batch.hpp"
#include "batch_reconcile.hpp"
#include "progress.hpp"

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

void print_run(context& ctx, const bp::run& r) {
  if (ctx.json) return print_json(ctx, r);
  ctx.out << "Run " << r.run_id << ": " << bp::to_string(r.status);
  if (r.finished()) ctx.out << ", " << r.tokens << " tokens";
  ctx.out << '\n';
  for (const auto& item : r.outputs)
    ctx.out << "[" << (item.type == bp::output_type::unknown ? item.type_name : bp::to_string(item.type))
            << "] " << item.data << '\n';
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
  ctx.out << "Credits: " << std::fixed << std::setprecision(1) << balance.credits << '\n';
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
  std::string version = ctx.args.option("--version").value_or("");
  bp::prompt p = co_await bp::get_prompt(ctx.client, std::move(id), std::move(version));
  print_prompt(ctx, p);
  co_return success;
}

std::chrono::seconds timeout_of(const arguments& args) {
  return std::chrono::seconds(number_option(args, "--timeout", 0, 86400 * 7, 600));
}

int finish_with(context& ctx, const bp::run& r) {
  print_run(ctx, r);
  return r.failed() ? run_failed : success;
}

asio::awaitable<int> wait(context& ctx) {
  ctx.current_run = ctx.args.need(0, "a RUN_ID");
  const auto timeout = timeout_of(ctx.args);
  bp::run r = co_await wait_with_progress(ctx, ctx.current_run, timeout);
  co_return finish_with(ctx, r);
}

asio::awaitable<int> get(context& ctx) {
  std::string id = ctx.args.need(0, "a RUN_ID");
  bp::run r = co_await bp::get_run(ctx.client, std::move(id));
  print_run(ctx, r);
  co_return success;
}

bp::run_request request_of(const arguments& args) {
  bp::run_request request;
  request.prompt_version_id = args.need(0, "a prompt VERSION_ID");
  for (const auto& text : args.all("--input")) {
    auto [key, value] = key_value(text, "--input");
    request.text_inputs[key] = value;
  }
  for (const auto& text : args.all("--run-option")) {
    auto [key, value] = key_value(text, "--run-option");
    request.run_options[key] = value;
  }
  for (const auto& image : args.all("--image"))
    request.image_inputs.push_back(image.rfind("https://", 0) == 0
                                       ? bp::image_input::url(image)
                                       : bp::image_input::from_file(image));
  request.run_model = args.option("--model").value_or("");
  return request;
}

asio::awaitable<int> run(context& ctx) {
  bp::run_request request = request_of(ctx.args);
  const auto timeout = timeout_of(ctx.args);
  bp::run created = co_await bp::create_run(ctx.client, std::move(request));
  ctx.current_run = created.run_id;
  if (created.finished() || ctx.args.flag("--no-wait")) co_return finish_with(ctx, created);
  bp::run done = co_await wait_with_progress(ctx, created.run_id, timeout);
  co_return finish_with(ctx, done);
}

std::optional<std::chrono::sys_seconds> time_option(const arguments& args, std::string_view name) {
  if (!args.option(name)) return std::nullopt;
  return std::chrono::sys_seconds(
      std::chrono::seconds(number_option(args, name, 0, 32503680000, 0)));
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
      {"run", &run},       {"get", &get},         {"wait", &wait},
      {"runs", &runs},     {"batch", &run_batch}, {"reconcile", &run_reconcile}};
  const std::string& c = ctx.args.command;
  for (const auto& [name, body] : commands) {
    if (name != c) continue;
    const int status = co_await body(ctx);
    co_return status;
  }
  throw usage_error(c.empty() ? "no command given" : "unknown command '" + c + "'");
}

}  // namespace betterprompt_cli
