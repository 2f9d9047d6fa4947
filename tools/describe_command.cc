// `lakestream describe TABLE`: what a Delta table is, from its log alone: location, version,
// the checkpoint it was read from, schema tree, partition columns, file count, size and rows.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "command.h"
#include "command_args.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/table_reader.h"

namespace lakestream::cli {

namespace {

std::string human_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

int run_describe(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Describe a Delta table: schema tree, partition columns, version, file count, "
                   "size and row count. Usage: lakestream describe TABLE [--version N]");
  parser.add("--version").as_int().metavar("N").help("describe the table as of version N");
  CommandArgs args = parse_command_args(parser, argc, argv, Positional::kTable);
  if (args.stop) return *args.stop;
  const Config& options = args.options;
  const std::string& table_uri = args.table_uri;
  std::optional<int64_t> version;
  if (options.has("version")) version = options.get_int("version");
  auto table = TableReader::open(table_uri, version);
  if (!table.ok()) {
    std::fprintf(stderr, "lakestream describe: %s\n", table.status().to_string().c_str());
    return kExitFailure;
  }
  const Snapshot& snap = table->snapshot();
  const MetadataAction& meta = snap.metadata();
  std::printf("Location:          %s\n", snap.file_system().describe(snap.table_path()).c_str());
  std::printf("Table id:          %s\n", meta.id.c_str());
  if (!meta.name.empty()) std::printf("Name:              %s\n", meta.name.c_str());
  if (!meta.description.empty()) std::printf("Description:       %s\n", meta.description.c_str());
  std::printf("Version:           %lld\n", static_cast<long long>(snap.version()));
  if (snap.checkpoint()) {
    std::printf("Read from:         checkpoint %lld + %lld commit(s)\n",
                static_cast<long long>(snap.checkpoint()->version),
                static_cast<long long>(snap.commits_replayed()));
  } else {
    std::printf("Read from:         %lld commit(s)\n",
                static_cast<long long>(snap.commits_replayed()));
  }
  std::printf("Protocol:          reader %d, writer %d\n", snap.protocol().min_reader_version,
              snap.protocol().min_writer_version);
  std::string parts = "[";
  for (size_t i = 0; i < meta.partition_columns.size(); ++i) {
    if (i) parts += ", ";
    parts += meta.partition_columns[i];
  }
  parts += "]";
  std::printf("Partition columns: %s\n", parts.c_str());
  std::printf("Files:             %zu\n", snap.files().size());
  std::printf("Size:              %lld bytes (%s)\n", static_cast<long long>(snap.total_bytes()),
              human_bytes(snap.total_bytes()).c_str());
  if (auto rows = snap.total_rows()) {
    std::printf("Rows:              %lld\n", static_cast<long long>(*rows));
  } else {
    std::printf("Rows:              unknown (a file has no numRecords statistic)\n");
  }
  if (!meta.configuration.empty()) {
    std::printf("Properties:\n");
    for (const auto& [k, v] : meta.configuration) std::printf("  %s=%s\n", k.c_str(), v.c_str());
  }
  std::printf("Schema:\n%s", table->schema().tree_string().c_str());
  if (table->schema().tree_string().back() != '\n') std::printf("\n");
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("describe", "describe a Delta table: schema, partitions, version, size, rows",
                   run_describe);

}  // namespace lakestream::cli
