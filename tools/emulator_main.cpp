// SPDX-License-Identifier: BSL-1.0
// betterprompt-emulator: the API emulator as a standalone server.
//
//   betterprompt-emulator [--host ADDR] [--port N] [--tls] [--ca-out FILE] [--api-key KEY]...
//                         [--sync-window-ms N] [--seed FILE] [--rate-limit N]
//                         [--rate-limit-burst N] [--clock-offset-ms [-]N] [--listing-lag-ms N]
//                         [--fault SPEC]... [--proxy-faults P [--proxy-seed N]
//                         [--proxy-stall-ms N]] [--edition current|newer]
//                         [--numeric-output-types] [--skillmd-base URL] [--quiet]
//   betterprompt-emulator --version
//
// Prints the base URL on the first line of standard output, its catalogue (prompts, skills,
// models) on standard error unless --quiet, then serves until SIGINT/SIGTERM.
#include <betterprompt/testing/emulator.hpp>
#include <betterprompt/testing/fault_proxy.hpp>
#include <betterprompt/version.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

void print_usage(std::ostream& out) {
  out << "usage: betterprompt-emulator [--host ADDR] [--port N] [--tls] [--ca-out FILE]\n"
      << "                             [--api-key KEY]... [--sync-window-ms N] [--seed FILE]\n"
      << "                             [--rate-limit N] [--rate-limit-burst N]\n"
      << "                             [--clock-offset-ms [-]N] [--listing-lag-ms N]\n"
      << "                             [--fault SPEC]... [--proxy-faults P [--proxy-seed N]\n"
      << "                             [--proxy-stall-ms N]] [--edition current|newer]\n"
      << "                             [--numeric-output-types] [--skillmd-base URL] [--quiet]\n"
      << "       betterprompt-emulator --version\n"
      << "--seed FILE loads prompts, runs, keys and credits from JSON (see the README)\n"
      << "--rate-limit N answers 429 + Retry-After beyond N requests per second (0: off)\n"
      << "--rate-limit-burst N lets N requests through at once (default: the rate)\n"
      << "--clock-offset-ms N runs the server's clock N ms ahead (negative: behind) of the host's\n"
      << "--listing-lag-ms N shows a new run in GET /v1/runs only N ms after its creation\n"
      << "--fault kind=NAME[,route=NAME][,count=N][,delay-ms=N][,bytes=N][,status=N]\n"
      << "  kinds: reset server_error rate_limited malformed_json oversized_body\n"
      << "         wrong_content_type delay close_after_bytes drip close_connection stall\n"
      << "         trailing_response trailing_junk foreign_run interim_response\n"
      << "         error_after_processing reset_after_processing silent_close\n"
      << "  routes: get_prompt get_prompt_version create_run get_run list_runs\n"
      << "          list_prompt_versions search_prompts get_account get_credits\n"
      << "          get_resources search_skills get_skill, or *\n"
      << "--proxy-faults P serves behind a fault proxy (the printed URL is the proxy's; plain\n"
      << "  http only): each request, at P per kind, has its connection reset before or after\n"
      << "  it is relayed, its answer stalled, cut or closed after, or is answered 502/503 or\n"
      << "  429 by the proxy (8 kinds; P = 0.02 is about 15 %); --proxy-seed N (default 1)\n"
      << "  draws them, --proxy-stall-ms N (default 10000) is how long a stall holds\n"
      << "--edition newer answers skills as the newest official client reads them\n"
      << "  (latestPromptVersionId, metadata.skillmdUrl; default: current, as documented)\n"
      << "--numeric-output-types sends output type as 0 text, 1 image, 2 error, 3 video\n"
      << "--skillmd-base URL: newer skills' SKILL.md lie at URL/skills/<name>/SKILL.md\n"
      << "GET /v1/runs takes since/until in Unix seconds, or milliseconds above 10^11\n"
      << "--quiet does not print the catalogue on start\n"
      << "GET /v1/health (emulator only) and GET /v1/ answer without a key\n"
      << "Without --api-key or keys in --seed, requests need the demo key, '"
      << betterprompt::testing::demo::api_key << "'\n";
}

/// A mistake on the command line: what, then the usage, on stderr; exit status 2.
[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "betterprompt-emulator: " << problem << "\n";
  print_usage(std::cerr);
  std::exit(2);
}

unsigned long parse_number(std::string_view flag, const std::string& text, unsigned long max) {
  std::size_t used = 0;
  unsigned long value = 0;
  try {
    value = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value > max)
    usage(std::string(flag) + " needs a number up to " + std::to_string(max));
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  betterprompt::testing::emulator_options options;
  std::string ca_out;
  std::string seed_file;
  std::vector<betterprompt::testing::fault_spec> faults;
  bool custom_keys = false;
  bool quiet = false;
  std::optional<double> proxy_faults;
  betterprompt::testing::fault_proxy_options proxy_options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--host") {
      options.address = value();
    } else if (arg == "--port") {
      options.port = static_cast<std::uint16_t>(parse_number(arg, value(), 65535));
    } else if (arg == "--tls") {
      options.tls = true;
    } else if (arg == "--ca-out") {
      ca_out = value();
    } else if (arg == "--api-key") {
      if (!custom_keys) options.api_keys.clear();
      custom_keys = true;
      options.api_keys.push_back(value());
    } else if (arg == "--sync-window-ms") {
      options.sync_window = std::chrono::milliseconds(parse_number(arg, value(), 86'400'000));
    } else if (arg == "--seed") {
      seed_file = value();
    } else if (arg == "--rate-limit") {
      options.rate_limit_per_second = static_cast<double>(parse_number(arg, value(), 1'000'000));
    } else if (arg == "--rate-limit-burst") {
      options.rate_limit_burst = static_cast<double>(parse_number(arg, value(), 1'000'000));
    } else if (arg == "--clock-offset-ms") {
      const std::string text = value();
      const bool behind = !text.empty() && text[0] == '-';
      const auto ms = static_cast<long>(parse_number(arg, behind ? text.substr(1) : text, 86'400'000));
      options.clock_offset = std::chrono::milliseconds(behind ? -ms : ms);
    } else if (arg == "--listing-lag-ms") {
      options.listing_lag = std::chrono::milliseconds(parse_number(arg, value(), 86'400'000));
    } else if (arg == "--fault") {
      try {
        faults.push_back(betterprompt::testing::parse_fault_spec(value()));
      } catch (const std::runtime_error& e) {
        usage(std::string("--fault: ") + e.what());
      }
    } else if (arg == "--proxy-faults") {
      const std::string text = value();
      std::size_t used = 0;
      double p = -1;
      try {
        p = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || !(p >= 0 && p <= 0.125))
        usage("--proxy-faults needs a probability per kind from 0 to 0.125");
      proxy_faults = p;
    } else if (arg == "--proxy-seed") {
      proxy_options.seed = parse_number(arg, value(), 4'000'000'000UL);
    } else if (arg == "--proxy-stall-ms") {
      proxy_options.stall = std::chrono::milliseconds(parse_number(arg, value(), 600'000));
    } else if (arg == "--edition") {
      const std::string text = value();
      if (text == "current")
        options.edition = betterprompt::testing::api_edition::current;
      else if (text == "newer")
        options.edition = betterprompt::testing::api_edition::newer;
      else
        usage("--edition is current or newer");
    } else if (arg == "--numeric-output-types") {
      options.numeric_output_types = true;
    } else if (arg == "--skillmd-base") {
      options.skillmd_base_url = value();
      if (!options.skillmd_base_url.starts_with("https://"))
        usage("--skillmd-base needs an https:// URL");
      while (options.skillmd_base_url.ends_with('/')) options.skillmd_base_url.pop_back();
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--version") {
      std::cout << "betterprompt-emulator " << BETTERPROMPT_VERSION_STRING
                << " (BetterPrompt API v1)\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "betterprompt-emulator: serves the BetterPrompt API v1 locally\n";
      print_usage(std::cout);
      return 0;
    } else {
      usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!ca_out.empty() && !options.tls) usage("--ca-out needs --tls");
  if (proxy_faults && options.tls) usage("--proxy-faults relays plain http only: drop --tls");

  try {
    boost::asio::io_context ioc;
    std::optional<betterprompt::testing::emulator_seed> seed;
    if (!seed_file.empty()) {
      std::ifstream in(seed_file);
      if (!in) usage("cannot read " + seed_file);
      std::stringstream text;
      text << in.rdbuf();
      seed = betterprompt::testing::parse_emulator_seed(text.str());
      if (!seed->api_keys.empty()) options.api_keys = seed->api_keys;
    }
    const std::uint16_t requested_port = options.port;
    if (proxy_faults) options.port = 0;
    betterprompt::testing::emulator emu(ioc, options);
    if (seed) emu.apply_seed(*seed);
    for (auto& spec : faults) emu.inject_fault(spec.route, spec.what);
    if (!ca_out.empty()) {
      std::ofstream out(ca_out);
      out << emu.ca_certificate_pem();
      if (!out.flush()) usage("cannot write " + ca_out);
    }
    // With --proxy-faults, clients talk to the proxy, on the port asked for; the emulator
    // behind it takes any free one.
    std::optional<betterprompt::testing::fault_proxy> proxy;
    if (proxy_faults) {
      proxy_options.upstream = emu.base_url();
      proxy_options.address = options.address;
      proxy_options.port = requested_port;
      proxy_options.faults = betterprompt::testing::every_proxy_fault(*proxy_faults);
      proxy.emplace(ioc, proxy_options);
    }
    const std::string served = proxy ? proxy->base_url() : emu.base_url();
    std::cout << served << std::endl;
    if (proxy)
      std::cerr << "betterprompt-emulator: behind a fault proxy, " << *proxy_faults * 800
                << " % of requests faulted (seed " << proxy_options.seed
                << "); the emulator itself: " << emu.base_url() << "\n";
    // Configured keys are never printed: logs get collected, and --api-key may be real. The
    // demo key is public: printing it is what lets a first user try the CLI.
    std::cerr << "betterprompt-emulator: serving " << served << "; requests need ";
    if (custom_keys || (seed && !seed->api_keys.empty()))
      std::cerr << "one of the configured API keys";
    else
      std::cerr << "the demo key: export BETTERPROMPT_API_KEY="
                << betterprompt::testing::demo::api_key
                << " BETTERPROMPT_BASE_URL=" << served;
    std::cerr << "; Ctrl-C stops\n";
    if (!quiet) std::cerr << emu.describe_catalogue() << std::flush;
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      if (proxy) proxy->stop();
      emu.stop();
    });
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "betterprompt-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
