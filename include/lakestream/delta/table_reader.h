#pragma once
// delta/table_reader: scan a Delta table at one version. The snapshot's live files are pruned
// by partition values (`col = value` on a partition column never opens a file of another
// partition), skipped by their add.stats min/max, then by Parquet row-group statistics; rows of
// the surviving row groups are filtered, projected, and the partition columns re-attached as
// typed columns (null for null / __HIVE_DEFAULT_PARTITION__). Rows a file's deletion vector
// deletes are dropped first (before filters and limits). With column mapping, names in options
// and results are logical; data files, partitionValues and stats are read by physical name.
//
//   LS_ASSIGN_OR_RAISE(TableReader table, TableReader::open("/data/tables/meters"));
//   ScanOptions opts;
//   opts.filters.push_back({"SupplierId", "19"});
//   LS_ASSIGN_OR_RAISE(TableScan scan, table.scan(opts));
//   RecordBatch batch;
//   while (true) { LS_ASSIGN_OR_RAISE(bool more, scan.next(&batch)); if (!more) break; ... }

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/storage/azure_options.h"

namespace lakestream {

/// `column = value`, the value as text (parsed as the column's type: "19", "2021-09-08",
/// "2021-09-08 11:11:11", "true", "-1.50"). A null never equals anything.
struct ScanFilter {
  std::string column;
  std::string value;
};

struct ScanOptions {
  /// Columns to return, in this order (partition columns included); all when absent.
  std::optional<std::vector<std::string>> columns;
  /// All must hold (AND).
  std::vector<ScanFilter> filters;
  /// Stop after this many rows (< 0: all).
  int64_t limit = -1;
  /// Read only these live files (their add.path as in the log), e.g. the files OPTIMIZE
  /// rewrites; all the snapshot's files when absent. A path that is not live is NotFound.
  std::optional<std::vector<std::string>> paths;
};

/// What a scan did, for tests, benchmarks and `show --explain`-style messages.
struct ScanMetrics {
  int64_t files_total = 0;
  int64_t files_pruned_by_partition = 0;
  int64_t files_skipped_by_stats = 0;
  int64_t files_opened = 0;
  int64_t row_groups_read = 0;
  int64_t row_groups_skipped = 0;
  int64_t rows_returned = 0;
};

/// A typed value parsed from Delta's partition value text for a column of `type`; null for
/// nullopt, "" and __HIVE_DEFAULT_PARTITION__. A column of `rows` copies of it. Corrupt naming
/// the column when the text does not parse as its type.
Result<ColumnPtr> partition_value_column(const Field& field, const std::optional<std::string>& text,
                                         int64_t rows);

class TableScan;

/// The live files of `snapshot` whose partition values satisfy every filter, in the
/// snapshot's order. Each filter must name a partition column (InvalidArgument naming it
/// otherwise, or a value that does not parse as the column's type).
Result<std::vector<LiveFile>> select_partition_files(const Snapshot& snapshot,
                                                     const std::vector<ScanFilter>& filters);

/// A Delta table opened for reading at one version.
class TableReader {
 public:
  /// Open the table at `uri` (a local path, file: or Azure URI) at `version` (latest when
  /// absent); Azure URIs with the credentials in `storage` (storage/open_file_system.h).
  static Result<TableReader> open(std::string_view uri,
                                  std::optional<int64_t> version = std::nullopt,
                                  const AzureStorageOptions& storage = {});
  /// Open the table at `table_path` on `fs`.
  static Result<TableReader> open(std::shared_ptr<FileSystem> fs, std::string table_path,
                                  std::optional<int64_t> version = std::nullopt);
  explicit TableReader(Snapshot snapshot) : snapshot_(std::move(snapshot)) {}

  const Snapshot& snapshot() const { return snapshot_; }
  /// The table schema (snapshot().schema()).
  const Schema& schema() const { return snapshot_.schema(); }

  /// Start a scan. InvalidArgument naming the column for an unknown column or a filter value
  /// that does not parse as the column's type.
  Result<TableScan> scan(ScanOptions options) const;
  /// Scan everything `options` select into one batch (for show, tests and small tables).
  Result<RecordBatch> read_all(ScanOptions options = {}) const;

 private:
  Snapshot snapshot_;
};

/// An ongoing scan: one batch per surviving row group. Files are read one at a time through
/// ranged reads. Move-only.
class TableScan {
 public:
  TableScan(TableScan&&) noexcept;
  TableScan& operator=(TableScan&&) noexcept;
  ~TableScan();

  /// The schema of the returned batches.
  const Schema& schema() const;
  /// The next non-empty batch into `out`; false at the end.
  Result<bool> next(RecordBatch* out);
  const ScanMetrics& metrics() const;

  struct State;

 private:
  friend class TableReader;
  explicit TableScan(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace lakestream
