// SPDX-License-Identifier: BSL-1.0
// betterprompt: the BetterPrompt API from the command line, on the SDK's public API.
#include "commands.hpp"
#include "progress.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fstream>
#include <functional>
#include <sstream>

namespace bp = betterprompt;
namespace asio = boost::asio;
using namespace betterprompt_cli;

namespace {

bp::client_options client_options_of(const arguments& args) {
  bp::client_options options;  // BETTERPROMPT_API_KEY, BETTERPROMPT_BASE_URL, the proxy variables
  if (auto file = args.option("--api-key-file")) {
    std::ifstream in(*file);
    if (!in) throw usage_error("cannot read " + *file);
    std::string key;
    std::getline(in, key);
    while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
    options.api_key = key;
  }
  if (auto url = args.option("--base-url")) options.base_url = *url;
  if (auto ca = args.option("--ca-file")) options.tls.ca_file = *ca;
  return options;
}

/// Prints what ended a command and returns its exit status.
int report_failure(context& ctx, std::exception_ptr failure, bool was_interrupted) {
  ctx.progress->stop();  // the line is cleared: what follows starts on its own line
  const std::string& run_id = ctx.current_run;
  try {
    std::rethrow_exception(failure);
  } catch (const usage_error& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
    return usage;
  } catch (const bp::error_with_diagnostics& e) {
    const int status = was_interrupted ? interrupted : exit_status_of(e.code());
    if (status == interrupted)
      std::cerr << "betterprompt: interrupted\n";
    else
      report_error(ctx, e.code(), e.get_diagnostics());
    if ((status == interrupted || status == timed_out) && !run_id.empty())
      std::cerr << "betterprompt: the run goes on: betterprompt wait " << run_id << "\n";
    return status;
  } catch (const boost::system::system_error& e) {
    // The tool's own waits (timers) ended by Ctrl-C.
    const int status = was_interrupted ? interrupted : exit_status_of(e.code());
    std::cerr << "betterprompt: " << (status == interrupted ? "interrupted" : e.what()) << "\n";
    return status;
  } catch (const std::exception& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
  }
  return api_or_network_error;
}

int print_version(const arguments& args) {
  std::string base_url;
  try {
    base_url = client_options_of(args).base_url;
  } catch (const usage_error&) {
  }
  std::cout << "betterprompt " << BETTERPROMPT_VERSION_STRING << " (betterprompt-cpp library "
            << BETTERPROMPT_VERSION_STRING << ", BetterPrompt API v1)\nAPI base URL: " << base_url
            << "\n";
  return success;
}

/// The client's event hook: the progress line, then BETTERPROMPT_LOG's logger when it is set.
void hook_events(bp::client_options& options, progress_line& progress) {
  options.on_event = [log = std::move(options.on_event), &progress](const bp::event& e) {
    if (log) log(e);
    progress.on_event(e);
  };
}

}  // namespace

int main(int argc, char** argv) {
  arguments args;
  try {
    args = parse_arguments(argc, argv);
    if (args.command == "help" && !args.positional.empty()) {
      const command_spec* spec = find_command(args.positional[0]);
      if (!spec) throw unknown_command(args.positional[0]);
      std::cout << help_text(*spec);
      return success;
    }
    if (args.flag("--help") || args.command == "help") {
      std::cout << (args.spec && args.command != "help" ? help_text(*args.spec) : usage_text());
      return success;
    }
    if (args.flag("--version")) return print_version(args);
  } catch (const usage_error& e) {
    std::cerr << "betterprompt: " << e.what() << "\nbetterprompt: see 'betterprompt "
              << (args.spec ? "help " + args.command : std::string("--help")) << "'\n";
    return usage;
  }
  asio::io_context ioc{1};
  int status = api_or_network_error;
  progress_line progress(on_terminal());
  try {
    bp::client_options options = client_options_of(args);
    if (args.spec->needs_key && options.api_key.empty())
      throw usage_error(
          "BETTERPROMPT_API_KEY is not set; export it, or pass --api-key-file FILE (against the "
          "emulator, the demo key: BETTERPROMPT_API_KEY=bp-emulator-key)");
    hook_events(options, progress);
    options.thread_safe = false;  // one thread runs ioc: the client needs no strands
    bp::client c(ioc, std::move(options));
    context ctx{c, args, args.flag("--json")};
    ctx.verbose = args.flag("--verbose");
    ctx.progress = &progress;
    asio::cancellation_signal cancel;
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    bool was_interrupted = false;
    int interruptions = 0;
    // Every signal is handled: the batch drains on the first and aborts on the second; run
    // cancels its own create and wait, to say what the interruption left behind.
    std::function<void(boost::system::error_code, int)> on_signal =
        [&](boost::system::error_code ec, int) {
          if (ec) return;
          was_interrupted = true;
          if (ctx.on_interrupt)
            ctx.on_interrupt(++interruptions);
          else
            cancel.emit(asio::cancellation_type::terminal);
          signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);
    asio::co_spawn(
        ioc, run_command(ctx),
        asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr failure, int result) {
          signals.cancel();
          progress.stop();
          status = failure ? report_failure(ctx, failure, was_interrupted) : result;
        }));
    ioc.run();
  } catch (const bp::error_with_diagnostics& e) {  // the options: a malformed base URL, …
    report_error(args.flag("--verbose"), "", e.code(), e.get_diagnostics());
    return exit_status_of(e.code());
  } catch (const usage_error& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
    return usage;
  }
  return status;
}
