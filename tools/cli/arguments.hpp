// SPDX-License-Identifier: BSL-1.0
// The command line of `betterprompt`: a command, its positional arguments, and options (some
// repeatable, such as --input k=v). Usage errors are thrown as usage_error (exit status 2).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace betterprompt_cli {

/// A mistake on the command line: printed with the usage, exit status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The parsed command line.
struct arguments {
  std::string command;
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
  /// The positional argument `i`, or a usage_error naming `what`.
  const std::string& need(std::size_t i, std::string_view what) const {
    if (i >= positional.size()) throw usage_error(command + " needs " + std::string(what));
    return positional[i];
  }
};

/// Options that take a value; everything else starting with "--" is a flag.
inline bool takes_value(std::string_view option) {
  for (std::string_view o : {"--input", "--image", "--run-option", "--model", "--timeout",
                             "--version", "--status", "--since", "--limit", "--api-key-file",
                             "--base-url", "--ca-file", "--type", "--author", "--concurrency",
                             "--reconcile-grace-ms"})
    if (o == option) return true;
  return false;
}

inline bool known_flag(std::string_view flag) {
  for (std::string_view f : {"--json", "--no-wait", "--all", "--prompts", "--help"})
    if (f == flag) return true;
  return false;
}

inline arguments parse_arguments(int argc, char** argv) {
  arguments out;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      std::string name(arg);
      std::optional<std::string> value;
      if (const auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.erase(eq);
      }
      if (name == "--api-key")
        throw usage_error(
            "--api-key is not accepted: a key on the command line ends up in shell "
            "history and process lists; use BETTERPROMPT_API_KEY or --api-key-file");
      if (takes_value(name)) {
        if (!value) {
          if (i + 1 >= argc) throw usage_error(name + " needs a value");
          value = argv[++i];
        }
        out.options[name].push_back(*value);
      } else if (known_flag(name) && !value) {
        out.flags.insert(name);
      } else {
        throw usage_error("unknown option " + name);
      }
    } else if (out.command.empty()) {
      out.command = std::string(arg);
    } else {
      out.positional.emplace_back(arg);
    }
  }
  return out;
}

/// "k=v" → {k, v}; a usage_error naming `option` otherwise.
inline std::pair<std::string, std::string> key_value(const std::string& text,
                                                     std::string_view option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw usage_error(std::string(option) + " takes key=value, not '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace betterprompt_cli
