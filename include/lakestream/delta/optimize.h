#pragma once
// delta/optimize: OPTIMIZE (bin-packing compaction) of a Delta table, as Delta Lake's
// `OPTIMIZE table [WHERE partition predicate]`. Per partition, the small files (below
// min_file_bytes) are grouped in file-path order into bins of at most target_file_bytes, and
// each bin of two or more files is rewritten into files near the target. One commit removes
// the old files and adds the new ones, all with dataChange false, operation "OPTIMIZE" with
// Spark's operationParameters and operationMetrics. Rows, their values and the table's txn
// versions are unchanged, so a stream's exactly-once restart points stay where they were.
//
// Safe beside writers: the commit carries no txn and removes only files the snapshot it read
// had live; an append committed meanwhile does not conflict (Transaction retries at the next
// version), while another writer removing one of the same files makes the commit fail with
// Conflict, after which the new files are deleted and the table is as it was.
//
// An OPTIMIZE that rewrote 1,000 files or more writes a checkpoint of its commit, so readers do
// not replay its thousands of remove and add actions from JSON.
//
// Files are read row group by row group with the table reader and written with the table
// writer (statistics on every new file): memory stays bounded by a row group and the open
// output file, not by the partition.
//
//   OptimizeOptions o;
//   o.where.push_back({"SupplierId", "19"});
//   LS_ASSIGN_OR_RAISE(OptimizeResult r, optimize_table(fs, "tables/meters", o));

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// The default target size of a compacted file when the table sets no delta.targetFileSize:
/// 128 MB, as delta-rs (Databricks tunes its own by table size).
inline constexpr int64_t kDefaultTargetFileBytes = 128LL << 20;

/// A partition's values as the log writes them (column → text, nullopt for null).
using PartitionValues = std::vector<std::pair<std::string, std::optional<std::string>>>;

/// A partition's identity: its values sorted by column (the log does not fix their order).
PartitionValues partition_key(PartitionValues values);

struct OptimizeOptions {
  /// Partition predicates (`column = value`, partition columns only), ANDed; all partitions
  /// when empty.
  std::vector<ScanFilter> where;
  /// Only these partitions, each given by its values as the log writes them (column → text,
  /// nullopt for null; any order): what auto-compaction asks for. All when empty.
  std::vector<PartitionValues> partitions;
  /// The size the rewritten files aim at; 0: the table's `delta.targetFileSize`, else 128 MB.
  int64_t target_file_bytes = 0;
  /// Files smaller than this are compacted; 0: a quarter of the target.
  int64_t min_file_bytes = 0;
  /// Bins rewritten at the same time (each on its own thread).
  int max_concurrent_tasks = 1;
  /// How the new files are encoded.
  ParquetWriterOptions parquet;
  /// commitInfo.operationParameters.auto: true for auto-compaction after a streaming write.
  bool automatic = false;
};

/// What an OPTIMIZE did (also written as the commit's operationMetrics).
struct OptimizeResult {
  /// The version committed; absent when there was nothing to compact (no commit).
  std::optional<int64_t> version;
  int64_t read_version = -1;
  int64_t files_considered = 0;  ///< live files in the selected partitions
  int64_t files_removed = 0;
  int64_t files_added = 0;
  int64_t bytes_removed = 0;
  int64_t bytes_added = 0;
  int64_t partitions_optimized = 0;
  int64_t bins = 0;
  int64_t rows = 0;  ///< rows rewritten
  int64_t target_file_bytes = 0;
  int64_t min_file_bytes = 0;
};

/// Compact the table at `table_path` on `fs` (see the file comment). InvalidArgument for a
/// predicate on a non-partition column or a bad option; NotFound when there is no table;
/// Conflict when another writer removed a file this run rewrote (nothing is left behind).
Result<OptimizeResult> optimize_table(std::shared_ptr<FileSystem> fs, const std::string& table_path,
                                      const OptimizeOptions& options);

/// The table's delta.targetFileSize, else kDefaultTargetFileBytes; InvalidArgument naming the
/// property when it does not parse. Files below a quarter of it count as small.
Result<int64_t> table_target_file_bytes(const MetadataAction& metadata);

/// A size with an optional unit, as Delta table properties give it: "134217728", "128mb",
/// "1 GB", "512k" (binary multiples). InvalidArgument naming the text otherwise.
Result<int64_t> parse_byte_size(std::string_view text);

}  // namespace lakestream
