#pragma once
// stream/auto_compactor (internal): auto-compaction of a streaming Delta sink, as Databricks'
// delta.autoOptimize.autoCompact. The sink reports each commit's files; when a partition the
// batch touched holds at least `min_num_files` small files (below a quarter of the table's
// target file size), the partition is compacted by OPTIMIZE (delta/optimize.h, operation
// parameter auto = true) on this object's own thread, off the commit path: triggers never wait
// for it. The counts start from the table's snapshot and are re-read after every compaction,
// so files other writers add or compact are counted too.
//
// Safe beside the stream and other instances: OPTIMIZE carries no txn and conflicts only with
// a removal of the files it rewrites (another instance compacting the same partition), which
// it gives up cleanly. A compaction killed mid-way leaves only unreferenced files, which VACUUM
// deletes. A failed compaction is logged and never fails the stream.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lakestream/delta/actions.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/storage/file_system.h"

namespace lakestream::stream_internal {

/// Whether and when a streaming Delta sink compacts (writer option auto-compact, table property
/// delta.autoOptimize.autoCompact, engine setting lakestream.delta.autoCompact.minNumFiles).
struct AutoCompactSettings {
  bool enabled = true;
  /// Small files in one partition that start a compaction (Databricks' default).
  int64_t min_num_files = 50;
};

class AutoCompactor {
 public:
  /// Counts the small files of the table at `table_path` as of now (it must exist). When the
  /// table's delta.autoOptimize.autoCompact is false, returns nullptr (nothing to do).
  static Result<std::unique_ptr<AutoCompactor>> make(std::shared_ptr<FileSystem> fs,
                                                     std::string table_path,
                                                     AutoCompactSettings settings,
                                                     ParquetWriterOptions parquet);
  /// Waits for a compaction in progress (a killed process leaves only unreferenced files).
  ~AutoCompactor();
  AutoCompactor(const AutoCompactor&) = delete;
  AutoCompactor& operator=(const AutoCompactor&) = delete;

  /// The files a commit added: partitions past the threshold are queued for compaction.
  void committed(const std::vector<AddFile>& adds);

  /// Compactions committed so far, and the files they removed.
  int64_t compactions() const;
  int64_t files_compacted() const;
  /// Wait until no compaction is queued or running (tests).
  void wait_idle();

 private:
  AutoCompactor(std::shared_ptr<FileSystem> fs, std::string table_path,
                AutoCompactSettings settings, ParquetWriterOptions parquet);
  /// Re-read the small-file counts from the table's latest snapshot; mu_ not held.
  Status recount();
  /// The small files of `snapshot` per partition (partition_key).
  std::map<PartitionValues, int64_t> count_small_files(const Snapshot& snapshot) const;
  void run();

  std::shared_ptr<FileSystem> fs_;
  std::string table_path_;
  AutoCompactSettings settings_;
  ParquetWriterOptions parquet_;
  int64_t min_file_bytes_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<PartitionValues, int64_t> small_files_;  // sorted partition values → count
  std::set<PartitionValues> queued_;
  bool running_ = false;
  bool stopping_ = false;
  /// OPTIMIZE refused the table (NotImplemented: column mapping, ...): no more attempts.
  bool refused_ = false;
  int64_t compactions_ = 0;
  int64_t files_compacted_ = 0;
  std::thread thread_;
};

}  // namespace lakestream::stream_internal
