// SPDX-License-Identifier: BSL-1.0
// betterprompt: the BetterPrompt API from the command line, on the SDK's public API.
#include "commands.hpp"

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

constexpr const char* usage_text = R"(usage: betterprompt COMMAND [ARGS] [OPTIONS]
commands:
  whoami                      who the API key belongs to
  credits                     the credit balance
  resources                   models and their run options
  search QUERY [--prompts] [--type T] [--author A]
                              skills (or, with --prompts, published prompts) matching QUERY
  skill NAME [--version V]    one skill with its SKILL.md
  prompt ID [--version V]     a prompt's latest (or pinned) version and its inputs
  run VERSION_ID [--input k=v]... [--image PATH|URL]... [--run-option k=v]... [--model M]
                 [--no-wait] [--timeout S]
                              runs a prompt version and waits for the result
  get RUN_ID                  a run as it is now
  wait RUN_ID [--timeout S]   waits for a run to finish
  runs [--status S] [--since UNIX_SECONDS] [--limit N] [--all]
                              past runs, newest first
  batch IN.jsonl OUT.jsonl [--concurrency N] [--reconcile-grace-ms N]
                              one run per input line {"id", "promptVersionId", "textInputs",
                              "imageInputs", "runOptions", "runModel"}; resumable: rerun the
                              same command, nothing is created twice; a create whose answer was
                              lost is reconciled (its run found, or the row left unresolved or
                              ambiguous); the first Ctrl-C lets the creates already sent finish,
                              a second aborts them
  reconcile OUT.jsonl [--reconcile-grace-ms N]
                              finds the runs of a batch's rows whose create may have made one
                              (a rerun of the batch does it first), and lists the runs of the
                              batch's window that no row claims ("unclaimed, billed")
options:
  --json                      the API's data as JSON (one object per line for lists)
  --api-key-file FILE         the key (default: BETTERPROMPT_API_KEY); never a key on the command line
  --base-url URL              the API (default: BETTERPROMPT_BASE_URL, else the real API)
  --ca-file FILE              trust this CA (a private one, e.g. the emulator's --ca-out)
exit status: 0 success, 1 API or network error, 2 usage error, 3 the run failed (batch: a row
             failed), 4 timeout, 5 batch: rows whose run may exist (unresolved), 6 batch: rows
             whose run is one of several candidates (ambiguous), 130 interrupted
)";

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
int report_failure(std::exception_ptr failure, bool was_interrupted, const std::string& run_id) {
  const std::string resume =
      run_id.empty() ? std::string() : "; the run goes on: betterprompt wait " + run_id;
  try {
    std::rethrow_exception(failure);
  } catch (const usage_error& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
    return usage;
  } catch (const boost::system::system_error& e) {
    // The SDK's errors (error_with_diagnostics, whose what() names the request id), and the
    // tool's own waits (timers) ended by Ctrl-C.
    const int status = was_interrupted ? interrupted : exit_status_of(e.code());
    if (status == interrupted) {
      std::cerr << "betterprompt: interrupted" << resume << "\n";
    } else {
      std::cerr << "betterprompt: " << e.what() << "\n";
      if (status == timed_out && !resume.empty())
        std::cerr << "betterprompt: " << resume.substr(2) << "\n";
    }
    return status;
  } catch (const std::exception& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
  }
  return api_or_network_error;
}

}  // namespace

int main(int argc, char** argv) {
  arguments args;
  try {
    args = parse_arguments(argc, argv);
    if (args.flag("--help") || args.command == "help") {
      std::cout << usage_text;
      return success;
    }
  } catch (const usage_error& e) {
    std::cerr << "betterprompt: " << e.what() << "\n" << usage_text;
    return usage;
  }
  asio::io_context ioc{1};  // one thread runs it: the client needs no strands
  int status = api_or_network_error;
  try {
    bp::client c(ioc, client_options_of(args));
    context ctx{c, args, args.flag("--json")};
    asio::cancellation_signal cancel;
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    bool was_interrupted = false;
    int interruptions = 0;
    // Every signal is handled: the batch drains on the first and aborts on the second.
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
          if (!failure) {
            status = result;
            return;
          }
          status = report_failure(failure, was_interrupted, ctx.current_run);
        }));
    ioc.run();
  } catch (const bp::error_with_diagnostics& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
    return exit_status_of(e.code());
  } catch (const usage_error& e) {
    std::cerr << "betterprompt: " << e.what() << "\n";
    return usage;
  }
  return status;
}
