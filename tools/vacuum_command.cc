// `lakestream vacuum TABLE`: delete the data files no version within the retention needs
// (Delta's VACUUM), delta/vacuum.h. --dry-run lists them instead.
#include <cstdint>
#include <cstdio>
#include <string>

#include "command.h"
#include "command_args.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/vacuum.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace lakestream::cli {

namespace {

int run_vacuum(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Delete the files of a Delta table that no version within the retention "
                   "needs: removed longer ago than the retention, or never committed and older "
                   "than it (Delta's VACUUM). _delta_log and hidden files are never touched. "
                   "Usage: lakestream vacuum TABLE [options]");
  parser.add("--retain-hours")
      .metavar("N")
      .help(
          "keep what the versions of the last N hours need (default: the table's "
          "delta.deletedFileRetentionDuration, else 168)");
  parser.add("--dry-run").flag().help("list the files that would be deleted; delete nothing");
  parser.add("--force").flag().help(
      "allow a retention below the table's (older readers, writers and streams may fail)");
  CommandArgs args = parse_command_args(parser, argc, argv, Positional::kTable);
  if (args.stop) return *args.stop;
  const Config& options = args.options;

  VacuumOptions o;
  if (options.has("retain-hours")) {
    const std::string& text = options.get_string("retain-hours");
    char* end = nullptr;
    const double hours = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(hours >= 0)) {
      return usage_error(argv[0],
                         "option '--retain-hours': expected hours >= 0, got '" + text + "'");
    }
    o.retain_hours = hours;
  }
  o.dry_run = options.get_bool("dry-run");
  o.force = options.get_bool("force");

  auto fail = [](const Status& st) {
    std::fprintf(stderr, "lakestream vacuum: %s\n", st.to_string().c_str());
    return kExitFailure;
  };
  auto opened = open_file_system(args.table_uri);
  if (!opened.ok()) return fail(opened.status());
  auto r = vacuum_table(opened->first, opened->second, o);
  if (!r.ok()) return fail(r.status());
  if (o.dry_run) {
    std::printf(
        "dry run: %lld of %lld data files (%lld bytes) would be deleted (retention %.1f "
        "hours)\n",
        static_cast<long long>(r->files_deleted), static_cast<long long>(r->files_listed),
        static_cast<long long>(r->bytes_deleted),
        static_cast<double>(r->retention_ms) / 3'600'000.0);
    for (const std::string& p : r->paths) std::printf("%s\n", p.c_str());
    return kExitOk;
  }
  std::printf(
      "deleted %lld of %lld data files (%lld bytes), retention %.1f hours; table version "
      "%lld\n",
      static_cast<long long>(r->files_deleted), static_cast<long long>(r->files_listed),
      static_cast<long long>(r->bytes_deleted), static_cast<double>(r->retention_ms) / 3'600'000.0,
      static_cast<long long>(r->version.value_or(-1)));
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("vacuum", "delete a Delta table's files no version needs (VACUUM)", run_vacuum);

}  // namespace lakestream::cli
