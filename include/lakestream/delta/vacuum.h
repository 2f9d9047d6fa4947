#pragma once
// delta/vacuum: VACUUM and log cleanup, as Delta Lake does them.
//
// VACUUM deletes the data files under the table folder that no version within the retention
// needs: files neither live in the latest version nor removed by a commit newer than the
// retention (a remove's deletionTimestamp), and themselves older than the retention (so a
// writer's files not yet committed are never taken). It never touches _delta_log/, hidden
// files or folders (names starting with '_' or '.', as Spark's), or anything outside the table.
// The retention is the table's delta.deletedFileRetentionDuration (7 days by default); a shorter
// one is refused unless forced (Delta's retentionDurationCheck). Unless it is a dry run, the
// table's history gets "VACUUM START" and "VACUUM END" commits with Spark's parameters and
// metrics; they carry no data change, so streams and readers are unaffected.
//
// Log cleanup deletes the JSON commits and checkpoints that the newest checkpoint older than
// delta.logRetentionDuration (30 days by default) makes unnecessary: those of older versions,
// themselves older than the retention. Time travel to a cleaned-up version then fails, naming
// the oldest version still readable. DeltaTable runs it after each checkpoint it writes (unless
// delta.enableExpiredLogCleanup is false).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// Delta's defaults for delta.deletedFileRetentionDuration and delta.logRetentionDuration.
inline constexpr int64_t kDefaultDeletedFileRetentionMs = 7LL * 24 * 3600 * 1000;
inline constexpr int64_t kDefaultLogRetentionMs = 30LL * 24 * 3600 * 1000;

struct VacuumOptions {
  /// Keep what versions of the last this many hours need; absent: the table's
  /// delta.deletedFileRetentionDuration, else 168 hours.
  std::optional<double> retain_hours;
  /// List what would be deleted; delete nothing and commit nothing.
  bool dry_run = false;
  /// Allow a retention shorter than the table's (readers and writers of older versions, and
  /// streams reading this table, may then fail).
  bool force = false;
  /// "Now" in ms since the epoch (tests); the wall clock when absent.
  std::optional<int64_t> now_ms;
  /// Deletions in flight at once (Azure: one request each).
  int parallelism = 8;
};

struct VacuumResult {
  int64_t retention_ms = 0;
  int64_t files_listed = 0;   ///< data files found under the table (hidden ones excluded)
  int64_t files_deleted = 0;  ///< or that would be, in a dry run
  int64_t bytes_deleted = 0;
  /// The files deleted (or to delete), table-relative, sorted.
  std::vector<std::string> paths;
  /// The VACUUM END commit (absent in a dry run).
  std::optional<int64_t> version;
};

/// VACUUM the table at `table_path` on `fs` (see the file comment). InvalidArgument naming the
/// retentions when the given one is below the table's and `force` is not set.
Result<VacuumResult> vacuum_table(std::shared_ptr<FileSystem> fs, const std::string& table_path,
                                  const VacuumOptions& options);

struct LogCleanupResult {
  int64_t files_deleted = 0;
  /// The oldest version still reconstructible afterwards (-1: nothing was deleted).
  int64_t oldest_version = -1;
};

/// Delete the log files made unnecessary by the newest checkpoint older than the table's
/// delta.logRetentionDuration (see the file comment). `now_ms`: the clock (tests).
Result<LogCleanupResult> cleanup_expired_logs(FileSystem& fs, const std::string& table_path,
                                              std::optional<int64_t> now_ms = std::nullopt);
/// The same with the retention given (what a writer that knows the table's metadata calls).
Result<LogCleanupResult> cleanup_log_files(FileSystem& fs, const std::string& table_path,
                                           int64_t retention_ms, int64_t now_ms);
/// delta.logRetentionDuration of a table's metadata (30 days when unset), and whether
/// delta.enableExpiredLogCleanup lets a writer clean up after its checkpoints.
Result<int64_t> log_retention_ms(const MetadataAction& metadata);
bool expired_log_cleanup_enabled(const MetadataAction& metadata);

}  // namespace lakestream
