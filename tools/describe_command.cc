// `lakestream describe TABLE`: what a Delta table is, from its log alone: location, version,
// the checkpoint it was read from, schema tree, partition columns, file count, size and rows,
// and per partition the files, small files and average size (what tells a user to OPTIMIZE).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "command_args.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/clustering.h"
#include "lakestream/delta/optimize.h"
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

/// Partitions listed by `describe` (those with the most files first).
constexpr size_t kPartitionsShown = 20;

/// Files, small files and size per partition, and the small-file threshold OPTIMIZE uses.
void print_file_layout(const Snapshot& snap) {
  const int64_t target = table_target_file_bytes(snap.metadata()).value_or(kDefaultTargetFileBytes);
  const int64_t small_below = target / 4;
  struct Layout {
    int64_t files = 0, small = 0, bytes = 0;
  };
  std::map<std::string, Layout> partitions;
  int64_t small = 0;
  for (const LiveFile& f : snap.files()) {
    std::string name;
    for (const auto& [k, v] : f.add.partition_values) {
      if (!name.empty()) name += '/';
      name += k + "=" + (v ? *v : "null");
    }
    Layout& l = partitions[name];
    l.files++;
    l.bytes += f.add.size;
    const bool is_small = f.add.size < small_below;
    l.small += is_small ? 1 : 0;
    small += is_small ? 1 : 0;
  }
  std::printf("Small files:       %lld of %zu below %s (a quarter of the %s target)%s\n",
              static_cast<long long>(small), snap.files().size(), human_bytes(small_below).c_str(),
              human_bytes(target).c_str(),
              small > static_cast<int64_t>(partitions.size()) ? ": lakestream optimize" : "");
  if (snap.partition_columns().empty() || partitions.empty()) return;
  std::vector<std::pair<std::string, Layout>> rows(partitions.begin(), partitions.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.files > b.second.files; });
  std::printf("Partitions:        %zu%s\n", rows.size(),
              rows.size() > kPartitionsShown ? " (those with the most files first)" : "");
  for (size_t i = 0; i < rows.size() && i < kPartitionsShown; ++i) {
    const Layout& l = rows[i].second;
    std::printf("  %-30s files %lld, small %lld, avg %s\n", rows[i].first.c_str(),
                static_cast<long long>(l.files), static_cast<long long>(l.small),
                human_bytes(l.bytes / std::max<int64_t>(1, l.files)).c_str());
  }
  if (rows.size() > kPartitionsShown) {
    std::printf("  ... and %zu more\n", rows.size() - kPartitionsShown);
  }
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
  auto joined = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      out += items[i];
    }
    return out + "]";
  };
  if (!snap.protocol().reader_features.empty()) {
    std::printf("Reader features:   %s\n", joined(snap.protocol().reader_features).c_str());
  }
  if (!snap.protocol().writer_features.empty()) {
    std::printf("Writer features:   %s\n", joined(snap.protocol().writer_features).c_str());
  }
  if (!snap.domain_metadata().empty()) {
    std::vector<std::string> domains;
    for (const auto& [name, d] : snap.domain_metadata()) domains.push_back(name);
    std::printf("Metadata domains:  %s\n", joined(domains).c_str());
  }
  if (auto clustering = clustering_columns(snap.domain_metadata());
      clustering.ok() && !clustering->empty()) {
    std::vector<std::string> columns;
    for (const auto& path : *clustering) {
      std::string dotted;
      for (const std::string& part : path) dotted += (dotted.empty() ? "" : ".") + part;
      columns.push_back(std::move(dotted));
    }
    std::printf("Clustering columns: %s\n", joined(columns).c_str());
  }
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
  print_file_layout(snap);
  std::printf("Schema:\n%s", table->schema().tree_string().c_str());
  if (table->schema().tree_string().back() != '\n') std::printf("\n");
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("describe", "describe a Delta table: schema, partitions, version, size, rows",
                   run_describe);

}  // namespace lakestream::cli
