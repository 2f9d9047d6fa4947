// lakestream: the command-line front door. `lakestream <command> [options]`; the commands
// (preview, and later ingest, show, hub) live one per file and register themselves.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "lakestream/version.h"

namespace lakestream::cli {

namespace {

// Function-local so registration from other translation units' static initialisers is safe
// whatever the initialisation order.
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: lakestream <command> [options]\n"
               "       lakestream --help | --version\n\n"
               "Streaming ingestion from Event Hubs/Kafka JSON into Delta Lake.\n\n"
               "commands:\n");
  size_t width = 0;
  for (const auto& c : registered_commands()) width = std::max(width, c.name.size());
  for (const auto& c : registered_commands()) {
    std::fprintf(out, "  %-*.*s  %.*s\n", static_cast<int>(width), static_cast<int>(c.name.size()),
                 c.name.data(), static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::fprintf(out, "\nRun `lakestream <command> --help` for a command's options.\n");
}

}  // namespace

CommandRegistrar::CommandRegistrar(Command command) { registry().push_back(command); }

std::vector<Command> registered_commands() {
  std::vector<Command> sorted = registry();
  std::sort(sorted.begin(), sorted.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  return sorted;
}

int run_main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(stdout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    std::printf("lakestream %s\n", kVersion);
    return kExitOk;
  }
  for (const auto& c : registered_commands()) {
    if (c.name == first) {
      std::string prog = "lakestream " + std::string(c.name);
      std::vector<char*> args(argv + 1, argv + argc);
      args[0] = prog.data();
      return c.run(static_cast<int>(args.size()), args.data());
    }
  }
  std::fprintf(stderr, "lakestream: unknown command '%s' (see `lakestream --help`)\n", argv[1]);
  return kExitUsage;
}

}  // namespace lakestream::cli

int main(int argc, char** argv) { return lakestream::cli::run_main(argc, argv); }
