#include "lakestream/delta/vacuum.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/partition.h"
#include "lakestream/delta/snapshot.h"

namespace lakestream {

namespace {

/// Spark's hidden files: a path component starting with '_' or '.' that is not a partition
/// folder (name=value). _delta_log, _SUCCESS, .crc files and the like.
bool is_hidden(std::string_view relative) {
  while (!relative.empty()) {
    const size_t slash = relative.find('/');
    const std::string_view part = relative.substr(0, slash);
    if ((part.starts_with('_') || part.starts_with('.')) && part.find('=') == std::string::npos) {
      return true;
    }
    if (slash == std::string_view::npos) break;
    relative.remove_prefix(slash + 1);
  }
  return false;
}

/// A retention property of the table, or `fallback` when unset.
Result<int64_t> retention_property(const MetadataAction& metadata, const std::string& key,
                                   int64_t fallback) {
  auto it = metadata.configuration.find(key);
  if (it == metadata.configuration.end()) return fallback;
  auto ms = parse_interval_ms(it->second);
  if (!ms.ok()) return ms.status().with_context(key);
  return *ms;
}

/// Delete `paths` with up to `parallelism` requests in flight; the first error, if any.
Status delete_all(FileSystem& fs, const std::vector<std::string>& paths, int parallelism) {
  std::atomic<size_t> next{0};
  std::vector<Status> errors(static_cast<size_t>(std::max(1, parallelism)));
  auto work = [&](size_t worker) {
    for (size_t i = next++; i < paths.size(); i = next++) {
      Status st = fs.delete_file(paths[i]);
      if (!st.ok() && errors[worker].ok()) errors[worker] = st;
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min(errors.size(), paths.size());
  for (size_t w = 1; w < n; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& t : threads) t.join();
  for (const Status& st : errors) {
    if (!st.ok()) return st;
  }
  return Status::OK();
}

}  // namespace

Result<VacuumResult> vacuum_table(std::shared_ptr<FileSystem> fs, const std::string& table_path,
                                  const VacuumOptions& options) {
  LS_ASSIGN_OR_RAISE(Snapshot snapshot, Snapshot::load(fs, table_path));
  const std::string where = fs->describe(table_path);
  // The DV files of live files are not data files in the log's sense: VACUUM would delete
  // them. Until it keeps them (and removes the ones no version needs), it leaves such tables.
  const auto& features = snapshot.protocol().reader_features;
  const bool dv_table =
      std::find(features.begin(), features.end(), "deletionVectors") != features.end() ||
      std::any_of(snapshot.files().begin(), snapshot.files().end(),
                  [](const LiveFile& f) { return f.add.has_deletion_vector(); });
  if (dv_table) {
    return Status::NotImplemented("VACUUM of the Delta table at " + where +
                                  ", which uses the feature deletionVectors: lakestream does not "
                                  "vacuum such tables yet");
  }
  LS_ASSIGN_OR_RAISE(const int64_t table_retention,
                     retention_property(snapshot.metadata(), "delta.deletedFileRetentionDuration",
                                        kDefaultDeletedFileRetentionMs));
  VacuumResult result;
  result.retention_ms = table_retention;
  if (options.retain_hours) {
    if (!(*options.retain_hours >= 0) || !std::isfinite(*options.retain_hours)) {
      return Status::InvalidArgument("VACUUM: the retention must be a number of hours >= 0");
    }
    result.retention_ms = static_cast<int64_t>(std::llround(*options.retain_hours * 3'600'000.0));
    if (result.retention_ms < table_retention && !options.force) {
      return Status::InvalidArgument(
          "VACUUM of " + where + ": a retention of " + std::to_string(result.retention_ms) +
          " ms is below the table's delta.deletedFileRetentionDuration (" +
          std::to_string(table_retention) +
          " ms). Files still needed by older versions, by readers and writers that started "
          "before, and by streams reading this table could be deleted; pass --force to do it "
          "anyway");
    }
  }
  const int64_t now = options.now_ms.value_or(wall_clock_ms());
  const int64_t cutoff = now - result.retention_ms;

  // What versions within the retention need: the live files and the recent tombstones.
  // Keyed by canonical path (snapshot.h resolve_log_path), as the log may spell a file
  // relative, absolute or as a file: URI.
  std::set<std::string> valid;
  for (const LiveFile& f : snapshot.files()) valid.insert(f.path);
  for (const RemoveFile& r : snapshot.tombstones()) {
    if (r.deletion_timestamp.value_or(0) >= cutoff) {
      LS_ASSIGN_OR_RAISE(std::string decoded, decode_add_path(r.path));
      LS_ASSIGN_OR_RAISE(std::string key, resolve_log_path(table_path, decoded));
      valid.insert(std::move(key));
    }
  }

  LS_ASSIGN_OR_RAISE(std::vector<FileInfo> files, fs->list_tree(table_path));
  std::string prefix = table_path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) prefix.push_back('/');
  std::vector<std::string> doomed;
  for (const FileInfo& f : files) {
    if (!f.path.starts_with(prefix)) continue;
    const std::string relative = f.path.substr(prefix.size());
    if (relative.empty() || is_hidden(relative)) continue;
    ++result.files_listed;
    LS_ASSIGN_OR_RAISE(std::string key, resolve_log_path(table_path, relative));
    if (valid.count(key) || f.modified_ms >= cutoff) continue;
    doomed.push_back(f.path);
    result.paths.push_back(relative);
    ++result.files_deleted;
    result.bytes_deleted += f.size;
  }
  if (options.dry_run) return result;

  LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open(fs, table_path));
  {
    Transaction start = table.begin();
    start.set_operation_metrics({{"numFilesToDelete", std::to_string(result.files_deleted)},
                                 {"sizeOfDataToDelete", std::to_string(result.bytes_deleted)}});
    LS_RETURN_NOT_OK(start
                         .commit("VACUUM START",
                                 {{"retentionCheckEnabled", options.force ? "false" : "true"},
                                  {"specifiedRetentionMillis", std::to_string(result.retention_ms)},
                                  {"defaultRetentionMillis", std::to_string(table_retention)}})
                         .status()
                         .with_context("VACUUM of " + where));
  }
  const Status deleted = delete_all(*fs, doomed, options.parallelism);
  Transaction end = table.begin();
  end.set_operation_metrics(
      {{"numDeletedFiles", std::to_string(result.files_deleted)}, {"numVacuumedDirectories", "0"}});
  auto version = end.commit("VACUUM END", {{"status", deleted.ok() ? "COMPLETED" : "FAILED"}});
  LS_RETURN_NOT_OK(deleted.with_context("VACUUM of " + where));
  if (!version.ok()) return version.status().with_context("VACUUM of " + where);
  result.version = *version;
  return result;
}

Result<int64_t> log_retention_ms(const MetadataAction& metadata) {
  return retention_property(metadata, "delta.logRetentionDuration", kDefaultLogRetentionMs);
}

bool expired_log_cleanup_enabled(const MetadataAction& metadata) {
  auto it = metadata.configuration.find("delta.enableExpiredLogCleanup");
  if (it == metadata.configuration.end()) return true;
  return parse_bool_text(it->second).value_or(true);
}

Result<LogCleanupResult> cleanup_expired_logs(FileSystem& fs, const std::string& table_path,
                                              std::optional<int64_t> now_ms) {
  LS_ASSIGN_OR_RAISE(LogState state, read_log(fs, table_path));
  if (!state.metadata) return LogCleanupResult{};
  LS_ASSIGN_OR_RAISE(const int64_t retention, log_retention_ms(*state.metadata));
  return cleanup_log_files(fs, table_path, retention, now_ms.value_or(wall_clock_ms()));
}

Result<LogCleanupResult> cleanup_log_files(FileSystem& fs, const std::string& table_path,
                                           int64_t retention_ms, int64_t now_ms) {
  LogCleanupResult result;
  const int64_t cutoff = now_ms - retention_ms;
  const std::string log_dir = join_path(table_path, "_delta_log");
  LS_ASSIGN_OR_RAISE(std::vector<FileInfo> files, fs.list(log_dir));

  // The newest complete checkpoint written before the cutoff: versions before it are not
  // needed to rebuild it or any later version.
  std::map<int64_t, std::map<int, std::set<int>>> checkpoints;  // version -> parts -> seen
  for (const FileInfo& f : files) {
    int part = 1;
    if (f.modified_ms > cutoff) continue;
    if (auto ref = checkpoint_file_ref(f.path, &part)) {
      checkpoints[ref->version][ref->num_parts].insert(part);
    }
  }
  int64_t keep_from = -1;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend() && keep_from < 0; ++it) {
    for (const auto& [parts, seen] : it->second) {
      if (static_cast<int>(seen.size()) == parts) keep_from = it->first;
    }
  }
  if (keep_from <= 0) return result;

  std::vector<std::string> doomed;
  for (const FileInfo& f : files) {
    if (f.modified_ms > cutoff) continue;
    std::optional<int64_t> version = commit_file_version(f.path);
    if (!version) {
      if (auto ref = checkpoint_file_ref(f.path)) version = ref->version;
    }
    if (!version) {
      // <version>.crc checksum files go with their commit.
      const std::string_view name = std::string_view(f.path).substr(f.path.rfind('/') + 1);
      if (name.size() == 24 && name.ends_with(".crc")) {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(name.data(), name.data() + 20, v);
        if (ec == std::errc() && end == name.data() + 20) version = v;
      }
    }
    if (version && *version < keep_from) doomed.push_back(f.path);
  }
  LS_RETURN_NOT_OK(
      delete_all(fs, doomed, 8).with_context("cleaning up the log of " + fs.describe(table_path)));
  result.files_deleted = static_cast<int64_t>(doomed.size());
  result.oldest_version = keep_from;
  return result;
}

}  // namespace lakestream
