#pragma once
// tools/command: the `lakestream` CLI's subcommand registry. Each command lives in its own file
// (tools/<name>_command.cc) and registers itself with LAKESTREAM_COMMAND, so a new command
// (ingest, show, hub, ...) slots in without touching main.cc.

#include <cstdio>
#include <string_view>
#include <vector>

namespace lakestream::cli {

/// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  ///< the command ran and failed (I/O, bad input, ...)
inline constexpr int kExitUsage = 2;    ///< bad or missing options (as argparse uses)

/// Report a usage problem the way every command does (argparse style) and give kExitUsage.
inline int usage_error(const char* prog, std::string_view message) {
  std::fprintf(stderr, "%s: error: %.*s\n(see `%s --help`)\n", prog,
               static_cast<int>(message.size()), message.data(), prog);
  return kExitUsage;
}

/// A subcommand: `lakestream <name> [options]`. `run` gets the arguments after the name,
/// with argv[0] set to "lakestream <name>" for messages.
struct Command {
  std::string_view name;
  std::string_view summary;  ///< one line for `lakestream --help`
  int (*run)(int argc, char** argv);
};

/// Every registered command, sorted by name.
std::vector<Command> registered_commands();

/// Adds a command to the registry; used through LAKESTREAM_COMMAND at namespace scope.
struct CommandRegistrar {
  explicit CommandRegistrar(Command command);
};

}  // namespace lakestream::cli

#define LAKESTREAM_COMMAND_CONCAT_IMPL(a, b) a##b
#define LAKESTREAM_COMMAND_CONCAT(a, b) LAKESTREAM_COMMAND_CONCAT_IMPL(a, b)
/// Register `fn` (int(int, char**)) as `lakestream <name>`.
#define LAKESTREAM_COMMAND(name, summary, fn)                                 \
  static const ::lakestream::cli::CommandRegistrar LAKESTREAM_COMMAND_CONCAT( \
      kCommand_, __LINE__)(::lakestream::cli::Command{name, summary, fn})
