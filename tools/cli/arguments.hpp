// SPDX-License-Identifier: BSL-1.0
// The command line of `betterprompt`: a command, its positional arguments, and options (some
// repeatable, such as --input k=v), checked against the command's own table (commands()), so that
// an unknown option or an extra argument is refused, with a "did you mean". Usage errors are
// thrown as usage_error (exit status 2).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace betterprompt_cli {

/// A mistake on the command line: printed on one line with a pointer to --help, exit status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One command: what it takes and what its help says.
struct command_spec {
  std::string_view name;
  std::string_view synopsis;  ///< After the command's name: "QUERY [--prompts] …".
  std::string_view summary;   ///< One line, for the command list.
  std::string_view details;   ///< The rest of `betterprompt help NAME`: options, notes.
  std::string_view options;   ///< Space-separated options that take a value.
  std::string_view flags;     ///< Space-separated options that take none.
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
  bool needs_key = true;  ///< False for commands that send nothing with the key (help).
};

/// Every command, in the order the usage lists them.
std::span<const command_spec> commands();

/// The command named `name`, or null.
const command_spec* find_command(std::string_view name);

/// The parsed command line.
struct arguments {
  std::string command;
  const command_spec* spec = nullptr;  ///< Null for no command (--help, --version alone).
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;  ///< "--input" → {"k=v", …}
  std::set<std::string> flags;                              ///< "--json", "--no-wait", …

  bool flag(std::string_view name) const { return flags.contains(std::string(name)); }
  std::optional<std::string> option(std::string_view name) const {
    const auto it = options.find(std::string(name));
    if (it == options.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  std::vector<std::string> all(std::string_view name) const {
    const auto it = options.find(std::string(name));
    return it == options.end() ? std::vector<std::string>() : it->second;
  }
  /// The positional argument `i` (the table guarantees the required ones are there).
  const std::string& need(std::size_t i, std::string_view what) const {
    if (i >= positional.size()) throw usage_error(command + " needs " + std::string(what));
    return positional[i];
  }
};

/// Parses and checks argv against commands(): unknown commands and options, missing values,
/// missing or extra arguments are usage_errors that say what was meant when it is close.
arguments parse_arguments(int argc, char** argv);

/// `betterprompt --help`: the commands and the global options.
std::string usage_text();

/// `betterprompt help NAME` / `betterprompt NAME --help`.
std::string help_text(const command_spec& spec);

/// The candidate closest to `word` when it is close enough to be a typo ("topc" → "topic"), else
/// empty.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'x'?" for the closest candidate, or empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// "unknown command 'NAME'", with what was meant when it is close.
usage_error unknown_command(std::string_view name);

/// "k=v" → {k, v}; a usage_error naming `option` otherwise.
std::pair<std::string, std::string> key_value(const std::string& text, std::string_view option);

/// --since/--until: "90s", "30m", "1h", "2d", "2026-12-01", "2026-12-01T10:00:00Z" or Unix seconds,
/// as Unix seconds (relative ones count back from `now_unix`). A usage_error names `option`.
long long parse_time(const std::string& text, std::string_view option, long long now_unix);

}  // namespace betterprompt_cli
