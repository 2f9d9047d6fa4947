// `lakestream optimize TABLE`: bin-packing compaction of a Delta table (Delta's OPTIMIZE),
// delta/optimize.h. Prints what it did as one summary line, and the commit's version.
#include <cstdint>
#include <cstdio>
#include <string>

#include "command.h"
#include "command_args.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace lakestream::cli {

namespace {

int run_optimize(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Compact the small files of a Delta table into files near a target size "
                   "(Delta's OPTIMIZE, bin-packing). One commit, dataChange false: rows and "
                   "streams' txn versions are unchanged, and appends may run meanwhile. Usage: "
                   "lakestream optimize TABLE [options]");
  parser.add("--where")
      .list()
      .metavar("COL=VALUE")
      .help("only the partitions where the partition column COL equals VALUE (repeatable)");
  parser.add("--target-file-mb")
      .as_int()
      .metavar("N")
      .help("size the new files aim at (default: the table's delta.targetFileSize, else 128)");
  parser.add("--min-file-mb")
      .as_int()
      .metavar("N")
      .help("files below this are compacted (default: a quarter of the target)");
  parser.add("--max-concurrent-tasks")
      .as_int()
      .metavar("N")
      .default_value(1)
      .help("bins rewritten at the same time");
  CommandArgs args = parse_command_args(parser, argc, argv, Positional::kTable);
  if (args.stop) return *args.stop;
  const Config& options = args.options;

  OptimizeOptions o;
  if (auto bad = parse_where_options(options, argv[0], &o.where)) return *bad;
  if (options.has("target-file-mb")) {
    const int64_t mb = options.get_int("target-file-mb");
    if (mb < 1) return usage_error(argv[0], "option '--target-file-mb' must be at least 1");
    o.target_file_bytes = mb << 20;
  }
  if (options.has("min-file-mb")) {
    const int64_t mb = options.get_int("min-file-mb");
    if (mb < 1) return usage_error(argv[0], "option '--min-file-mb' must be at least 1");
    o.min_file_bytes = mb << 20;
  }
  const int64_t tasks = options.get_int("max-concurrent-tasks");
  if (tasks < 1 || tasks > 256) {
    return usage_error(argv[0], "option '--max-concurrent-tasks' must be 1..256");
  }
  o.max_concurrent_tasks = static_cast<int>(tasks);

  auto fail = [](const Status& st) {
    std::fprintf(stderr, "lakestream optimize: %s\n", st.to_string().c_str());
    return kExitFailure;
  };
  auto opened = open_file_system(args.table_uri);
  if (!opened.ok()) return fail(opened.status());
  auto r = optimize_table(opened->first, opened->second, o);
  if (!r.ok()) return fail(r.status());
  if (!r->version) {
    std::printf(
        "nothing to compact: %lld files considered at version %lld, no partition holds two "
        "files below %lld bytes\n",
        static_cast<long long>(r->files_considered), static_cast<long long>(r->read_version),
        static_cast<long long>(r->min_file_bytes));
    return kExitOk;
  }
  std::printf(
      "optimized %lld partitions: %lld files (%lld bytes) rewritten into %lld files (%lld "
      "bytes), %lld rows; table version %lld\n",
      static_cast<long long>(r->partitions_optimized), static_cast<long long>(r->files_removed),
      static_cast<long long>(r->bytes_removed), static_cast<long long>(r->files_added),
      static_cast<long long>(r->bytes_added), static_cast<long long>(r->rows),
      static_cast<long long>(*r->version));
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("optimize", "compact a Delta table's small files (OPTIMIZE)", run_optimize);

}  // namespace lakestream::cli
