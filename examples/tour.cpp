// SPDX-License-Identifier: BSL-1.0
// A tour of the whole API: prompts (search, versions, pinning), skills, models and their run
// options (resources), runs (images, run_prompt, run options, pagination) and the account. Runs
// against the in-process emulator unless BETTERPROMPT_API_KEY is set (then it only reads: searches,
// lists and shows credits).
#include <betterprompt/betterprompt.hpp>
#include <betterprompt/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>

#include <iostream>
#include <optional>

namespace asio = boost::asio;
namespace bp = betterprompt;

asio::awaitable<void> prompts_tour(bp::client& c) {
  bp::page<bp::prompt> found = co_await bp::search_prompts(c, "caption");
  for (const auto& p : found.rows) {
    std::cout << "found: " << p.title << " (" << p.prompt_id << "), " << p.inputs.image_count
              << " image(s)\n";
    std::vector<bp::prompt> versions = co_await bp::list_prompt_versions(c, p.prompt_id);
    for (const auto& v : versions)
      std::cout << "  version " << v.prompt_version_id << " published " << v.published_at << "\n";
  }
}

asio::awaitable<void> skills_and_models_tour(bp::client& c) {
  // Skills: what the official command-line client searches and installs.
  bp::page<bp::skill> skills = co_await bp::search_skills(c, "caption");
  for (const auto& s : skills.rows) {
    std::cout << "skill: " << s.name << " by " << s.author.value_or("(unknown)")
              << ", runs as version " << s.skill_version_id << "\n";
    bp::skill detail = co_await bp::get_skill(c, s.name);
    for (const auto& var : detail.input_metadata.variables) {
      std::cout << "  input " << var.name;
      for (const auto& option : var.options) std::cout << " [" << option.label << "]";
      std::cout << "\n";
    }
  }
  // Models and the run options each accepts, cached until the API says they changed.
  bp::resource_cache cache(c);
  bp::resources models = co_await cache.get();
  for (const auto& m : models.models) {
    std::cout << "model: " << m.model << " (" << bp::to_string(m.modality) << ")";
    for (const auto& option : m.available_run_options) std::cout << " " << option.key;
    std::cout << "\n";
  }
}

asio::awaitable<void> runs_tour(bp::client& c) {
  // One call: resolve the latest version, validate the inputs, create, wait if needed.
  bp::run_inputs inputs;
  inputs.text_inputs["topic"] = "pagination";
  inputs.run_options["reasoningEffort"] = "low";  // checked against the model's options
  bp::run_prompt_options checked;
  checked.resources.emplace(c);
  bp::run haiku = co_await bp::run_prompt(
      c, bp::prompt_ref::latest(bp::testing::demo::text_prompt_id), std::move(inputs), checked);
  std::cout << "run_prompt: " << haiku.text() << "\n";

  // An image input: by URL here; image_input::from_file("cat.png") reads and encodes a file.
  bp::run_request caption{bp::testing::demo::image_prompt_version_id, {{"style", "witty"}}};
  caption.image_inputs.push_back(bp::image_input::url("https://example.com/cat.png"));
  bp::run captioned = co_await bp::create_run(c, std::move(caption));
  std::cout << "caption: " << captioned.text() << "\n";
}

asio::awaitable<void> history_and_account_tour(bp::client& c) {
  // Every page of past runs, newest first, without touching cursors.
  bp::list_runs_options options;
  options.limit = 5;
  bp::run_pager pager{c, options};
  for (int page = 1;; ++page) {
    std::vector<bp::run> rows = co_await pager.next();
    if (rows.empty()) break;
    for (const auto& r : rows)
      std::cout << "page " << page << ": " << r.run_id << " " << bp::to_string(r.status) << "\n";
  }
  bp::account me = co_await bp::get_account(c);
  std::cout << "account: " << me.username.value_or("(no username)") << "\n";
  bp::credit_balance balance = co_await bp::get_credits(c);
  std::cout << "credits left: " << balance.credits << "\n";
}

asio::awaitable<void> tour(bp::client_options options, bool live) {
  auto executor = co_await asio::this_coro::executor;
  bp::client c{executor, std::move(options)};
  co_await prompts_tour(c);
  co_await skills_and_models_tour(c);
  if (!live) co_await runs_tour(c);  // creating runs costs credits on the real API
  co_await history_and_account_tour(c);
}

int main() {
  asio::io_context ioc{1};
  bp::client_options options;
  std::optional<bp::testing::emulator> emu;
  const bool live = !options.api_key.empty();
  if (!live) {
    emu.emplace(ioc);
    options = emu->make_client_options();
    std::cerr << "BETTERPROMPT_API_KEY not set: using the in-process emulator at "
              << emu->base_url() << "\n";
  }
  options.thread_safe = false;  // one thread runs ioc: the client needs no strands
  int exit_code = 0;
  asio::co_spawn(ioc, tour(options, live), [&](std::exception_ptr error) {
    if (emu) emu->stop();
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      exit_code = 1;
    }
  });
  ioc.run();
  return exit_code;
}
