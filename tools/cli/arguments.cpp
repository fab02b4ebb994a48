// SPDX-License-Identifier: BSL-1.0
// The command table of `betterprompt`, its parser and its help. No SDK header here: this file
// compiles in a second.
#include "arguments.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace betterprompt_cli {

namespace {

constexpr std::string_view global_options = "--api-key-file --base-url --ca-file";
constexpr std::string_view global_flags = "--json --verbose --help --version";

constexpr std::string_view run_details = R"(TARGET is a prompt version id, a prompt id (its latest version) or a skill name. A UUID
is tried as a prompt version, then as a prompt id; anything else is a skill name.
The inputs are checked before anything is sent (names, required inputs, select values,
image count, and run options against the models when --run-option or --model is given):
a refusal exits 2 and creates nothing.
options:
  --input k=v             a text input (repeatable)
  --input-payload FILE    the inputs as JSON, like the official client's: {"textInputs": {...},
                          "imageInputs": [...], "runOptions": {...}, "runModel": "..."}
                          (FILE "-" reads stdin); --input and --image add to it
  --stdin                 same as --input-payload -
  --image PATH|URL        an image input (repeatable): a local file (sent inline) or an https URL
  --run-option k=v        a model option, e.g. reasoningEffort=low (repeatable)
  --model M               run on this model instead of the prompt's
  --timeout S             bounds the whole command, the create included (default 600; 0: none).
                          When it expires after the create was sent, the run may exist: the
                          command looks for it (at most 30 s more) and prints it (exit 4), the
                          candidates (exit 6), or the find-run command to look again (exit 5)
  --no-wait               skips the polling only: the API gives no run id before it answers
                          the create, which it may hold for up to 2 minutes; a run still going
                          is printed with the command that waits for it
Progress goes to stderr: the phase and elapsed time on a terminal, one line per change
otherwise. Ctrl-C while creating says that the run may exist, and the find-run command that
finds it.)";

constexpr std::array<command_spec, 15> table{{
    {"whoami", "", "who the API key belongs to", "", "", "", 0, 0},
    {"credits", "", "the credit balance", "", "", "", 0, 0},
    {"resources", "", "models and their run options", "", "", "", 0, 0},
    {"search", "QUERY [--prompts] [--type T] [--author A]",
     "skills (or, with --prompts, published prompts) matching QUERY",
     "options:\n  --prompts     search published prompts instead of skills\n"
     "  --type T      skills of this type only\n  --author A    skills by this author only",
     "--type --author", "--prompts", 1, 1},
    {"skill", "NAME [--version V]", "one skill, its inputs and its SKILL.md",
     "options:\n  --version V   a pinned version of the skill (default: the latest)", "--version",
     "", 1, 1},
    {"prompt", "ID [--version V]", "a prompt's latest (or pinned) version and its inputs",
     "options:\n  --version V   a pinned version id (default: the latest)", "--version", "", 1, 1},
    {"run",
     "TARGET [--input k=v]... [--input-payload FILE|--stdin] [--image PATH|URL]...\n"
     "            [--run-option k=v]... [--model M] [--timeout S] [--no-wait]",
     "runs a prompt version, a prompt or a skill, and waits for the result", run_details,
     "--input --input-payload --image --run-option --model --timeout", "--no-wait --stdin", 1, 1},
    {"get", "RUN_ID", "a run as it is now", "", "", "", 1, 1},
    {"wait", "RUN_ID [--timeout S]", "waits for a run to finish, with progress",
     "options:\n  --timeout S   give up after S seconds (default 600; 0: none); the run goes on",
     "--timeout", "", 1, 1},
    {"runs", "[--status S] [--since T] [--until T] [--limit N] [--all]", "past runs, newest first",
     "options:\n  --status S    queued, running, succeeded or failed\n"
     "  --since T     runs created after T: 90s, 30m, 1h, 2d, 1w ago, an ISO date\n"
     "                (2026-12-01 or 2026-12-01T10:00:00Z, UTC) or Unix seconds\n"
     "  --until T     runs created before T (same forms)\n"
     "  --limit N     rows per page, 1 to 50 (default 10)\n  --all         every page",
     "--status --since --until --limit", "--all", 0, 0},
    {"batch", "IN.jsonl OUT.jsonl [--concurrency N] [--reconcile-grace-ms N]",
     "one run per input line, resumable, nothing created twice",
     "Each input line is one JSON object:\n"
     "  {\"id\": \"row-1\",                      required, unique in the file\n"
     "   \"promptVersionId\": \"<uuid>\",\n"
     "   \"textInputs\": {\"topic\": \"tides\"},\n"
     "   \"imageInputs\": [\"https://example.com/a.png\",          a URL string, or\n"
     "                   {\"url\": \"https://example.com/b.png\"},  as the API takes it, or\n"
     "                   {\"base64\": \"<data>\", \"mimeType\": \"image/png\"}],\n"
     "   \"runOptions\": {\"reasoningEffort\": \"low\"}, \"runModel\": \"<model>\"}\n"
     "Rerun the same command to resume: a row whose create was sent is never sent again; a\n"
     "create whose answer was lost is reconciled (its run found, or the row left unresolved or\n"
     "ambiguous). The first Ctrl-C lets the creates already sent finish; a second aborts them.\n"
     "options:\n  --concurrency N         runs at once, 1 to 64 (default 4)\n"
     "  --reconcile-grace-ms N  how long after a failed create its run is looked for",
     "--concurrency --reconcile-grace-ms", "", 2, 2},
    {"reconcile", "OUT.jsonl [--reconcile-grace-ms N]",
     "finds the runs of a batch's rows whose create may have made one",
     "A rerun of the batch does it first. It also lists the runs of the batch's window that no\n"
     "row claims (\"unclaimed, billed\").\noptions:\n"
     "  --reconcile-grace-ms N  how long after a failed create its run is looked for",
     "--reconcile-grace-ms", "", 1, 1},
    {"find-run", "VERSION_ID --sent-at TIME [--lasted-ms N]",
     "finds the run of a create left in doubt (run prints this command)",
     "When a create was cut (--timeout, Ctrl-C) after its request went out, its run may exist:\n"
     "this lists the runs of VERSION_ID made while it was in flight (and a margin), and names the\n"
     "one no other known create claims. Exit 0 found (printed), 5 none found (a listing may lag:\n"
     "not proof), 6 several candidates (named).\noptions:\n"
     "  --sent-at TIME     when the create's request went out (2026-12-06T10:00:00.123Z)\n"
     "  --lasted-ms N      how long it was in flight until cut (default 130000: as long as the\n"
     "                     API may hold a create)",
     "--sent-at --lasted-ms", "", 1, 1},
    {"doctor", "", "checks the base URL, the proxy, DNS, TLS, the key and the clock",
     "One line per check: ✓ passed, ✗ failed (with what to do), – does not apply. Exit 0 only\n"
     "when no check fails.",
     "", "", 0, 0, false},
    {"help", "[COMMAND]", "this list, or one command's options", "", "", "", 0, 1, false},
}};

std::vector<std::string> words(std::string_view list) {
  std::vector<std::string> out;
  std::istringstream in{std::string(list)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool listed(std::string_view list, std::string_view name) {
  const auto all = words(list);
  return std::find(all.begin(), all.end(), name) != all.end();
}

// Optimal string alignment distance: a swapped pair of letters counts as one typo.
std::size_t typo_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::vector<std::string> option_names(const command_spec* spec) {
  auto names = words(global_options);
  for (auto& w : words(global_flags)) names.push_back(w);
  if (spec) {
    for (auto& w : words(spec->options)) names.push_back(w);
    for (auto& w : words(spec->flags)) names.push_back(w);
  }
  return names;
}

std::string synopsis(const command_spec& spec) {
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive) on "…" + string.
  std::string out = "betterprompt ";
  out += spec.name;
  if (!spec.synopsis.empty()) {
    out += ' ';
    out += spec.synopsis;
  }
  return out;
}

void check_positional(const arguments& out) {
  const command_spec& spec = *out.spec;
  if (out.positional.size() < spec.min_positional)
    throw usage_error(std::string(spec.name) + " needs " +
                      words(spec.synopsis).at(out.positional.size()) + " (usage: " +
                      synopsis(spec) + ")");
  if (out.positional.size() > spec.max_positional)
    throw usage_error("unexpected argument '" + out.positional[spec.max_positional] + "' for " +
                      std::string(spec.name) + " (usage: " + synopsis(spec) + ")");
}

}  // namespace

std::span<const command_spec> commands() { return table; }

const command_spec* find_command(std::string_view name) {
  for (const auto& spec : table)
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3));
  for (const auto& c : candidates) {
    const std::size_t d = typo_distance(word, c);
    if (d <= best_distance && (best.empty() || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = closest(word, candidates);
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

usage_error unknown_command(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& spec : table) names.emplace_back(spec.name);
  return usage_error("unknown command '" + std::string(name) + "'" + did_you_mean(name, names));
}

arguments parse_arguments(int argc, char** argv) {
  arguments out;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!options_ended && arg == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && arg == "-h") arg = "--help";
    if (!options_ended && arg == "-v") arg = "--verbose";
    const bool is_option = !options_ended && arg.size() > 1 && arg[0] == '-';
    if (is_option) {
      std::string name = arg;
      std::optional<std::string> value;
      if (const auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
        value = name.substr(eq + 1);
        name.erase(eq);
      }
      if (name == "--api-key")
        throw usage_error(
            "--api-key is not accepted: a key on the command line ends up in shell "
            "history and process lists; use BETTERPROMPT_API_KEY or --api-key-file FILE");
      // A command's own option wins over a global flag of the same name (skill --version V).
      const bool takes_value =
          listed(global_options, name) || (out.spec && listed(out.spec->options, name));
      const bool is_flag = !takes_value && (listed(global_flags, name) ||
                                            (out.spec && listed(out.spec->flags, name)));
      if (takes_value) {
        if (!value) {
          if (i + 1 >= argc) throw usage_error(name + " needs a value");
          value = argv[++i];
        }
        out.options[name].push_back(*value);
      } else if (is_flag) {
        if (value) throw usage_error(name + " takes no value");
        out.flags.insert(name);
      } else {
        const std::string where = out.spec ? " for " + out.command : std::string();
        throw usage_error("unknown option " + name + where + did_you_mean(name, option_names(out.spec)));
      }
    } else if (out.command.empty()) {
      out.command = arg;
      out.spec = find_command(arg);
      if (!out.spec) throw unknown_command(arg);
    } else {
      out.positional.push_back(arg);
    }
  }
  if (out.flag("--help") || (out.flag("--version") && !out.spec)) return out;
  if (!out.spec) throw usage_error("no command given");
  check_positional(out);
  return out;
}

std::string usage_text() {
  std::ostringstream out;
  out << "usage: betterprompt COMMAND [ARGS] [OPTIONS]\ncommands:\n";
  for (const auto& spec : table) {
    std::string head = "  " + std::string(spec.name);
    out << head << std::string(head.size() < 13 ? 13 - head.size() : 1, ' ') << spec.summary
        << '\n';
  }
  out << "global options (before or after the command):\n"
         "  --json              the API's data as JSON (one object per line for lists)\n"
         "  --api-key-file FILE the key (default: BETTERPROMPT_API_KEY); never a key on the\n"
         "                      command line\n"
         "  --base-url URL      the API (default: BETTERPROMPT_BASE_URL, else the real API)\n"
         "  --ca-file FILE      trust this CA too (a private one, e.g. the emulator's --ca-out)\n"
         "  -v, --verbose       errors with their full diagnostics (as BETTERPROMPT_LOG=info)\n"
         "  -h, --help          help; betterprompt help COMMAND for one command\n"
         "  --version           the tool's and library's versions and the API base URL\n"
         "exit status: 0 success, 1 API or network error, 2 usage error (nothing sent),\n"
         "  3 the run failed (batch: a row failed), 4 timeout, 5 a run may exist but was not found\n"
         "  (batch: unresolved rows), 6 several runs may be it (batch: ambiguous rows),\n"
         "  130 interrupted\n";
  return out.str();
}

std::string help_text(const command_spec& spec) {
  std::string out = "usage: " + synopsis(spec) + "\n" + std::string(spec.summary) + "\n";
  if (!spec.details.empty()) out += std::string(spec.details) + "\n";
  out += "global options: --json --api-key-file FILE --base-url URL --ca-file FILE -v -h\n";
  return out;
}

std::pair<std::string, std::string> key_value(const std::string& text, std::string_view option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw usage_error(std::string(option) + " takes key=value, not '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

long long parse_time(const std::string& text, std::string_view option, long long now_unix) {
  const auto fail = [&]() -> long long {
    throw usage_error(std::string(option) +
                      " takes 90s, 30m, 1h, 2d or 1w (ago), an ISO date (2026-12-01 or "
                      "2026-12-01T10:00:00Z, UTC) or Unix seconds, not '" + text + "'");
  };
  const auto number = [&](std::string_view digits, long long& value) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc() && end == digits.data() + digits.size() && value >= 0;
  };
  long long value = 0;
  if (text.empty()) return fail();
  if (number(text, value)) return value <= 32503680000 ? value : fail();
  const std::string_view units = "smhdw";
  const long long seconds_per[] = {1, 60, 3600, 86400, 7 * 86400};
  if (const auto unit = units.find(text.back()); unit != std::string_view::npos) {
    if (!number(std::string_view(text).substr(0, text.size() - 1), value) ||
        value > 100LL * 365 * 86400 / seconds_per[unit])
      return fail();
    return now_unix - value * seconds_per[unit];
  }
  // YYYY-MM-DD[THH:MM[:SS]][Z]
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  const int read = std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &s,
                               &tail);
  const bool date_only = text.size() == 10 && read == 3;
  const bool with_time = read >= 5 && text.size() >= 16 && (tail == 0 || tail == 'Z' || tail == '.') && h < 24 &&
                         mi < 60 && s < 61;
  if (!date_only && !with_time) return fail();
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                        std::chrono::day(d)};
  if (!ymd.ok() || y < 1970) return fail();
  return std::chrono::sys_days(ymd).time_since_epoch() / std::chrono::seconds(1) + h * 3600 +
         mi * 60 + s;
}

}  // namespace betterprompt_cli
