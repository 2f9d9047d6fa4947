#pragma once
// delta/snapshot: the state of a Delta table at one version, as a reader needs it: protocol,
// metadata, schema, the live data files and the txn versions. It is replayed from the newest
// Parquet checkpoint at or below the version (found through _last_checkpoint, or by listing
// _delta_log/ when that file is missing or stale) plus the JSON commits after it, so loading
// costs the same whatever the number of commits. Data folders are never listed: the log alone
// decides which files are live.
//
//   LS_ASSIGN_OR_RAISE(Snapshot snap, Snapshot::load(fs, "tables/meters"));      // latest
//   LS_ASSIGN_OR_RAISE(Snapshot v3, Snapshot::load(fs, "tables/meters", 3));     // time travel
//   for (const LiveFile& f : snap.files()) { ... f.path (decoded, table-relative) ... }
//
// Protocol: deletion vectors are carried on each file's add (delta/deletion_vector.h applies
// them); column mapping is read through delta/column_mapping.h; v2 checkpoints (UUID-named,
// JSON or Parquet, with sidecars) are read like classic ones; domain metadata is replayed.
// Tables that need a reader feature we do not apply are refused with a NotImplemented error
// naming the feature.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// A checkpoint of the log: one file, or `num_parts` files written for one version.
struct CheckpointRef {
  int64_t version = -1;
  int num_parts = 1;  ///< 1: "<v>.checkpoint.parquet"; N: "<v>.checkpoint.<i>.<N>.parquet"
  /// A UUID-named (v2-spec) checkpoint: its file name in _delta_log/,
  /// "<v>.checkpoint.<uuid>.json" or "<v>.checkpoint.<uuid>.parquet"; empty for the others.
  std::string uuid_file = {};
};

/// The files of the log that a snapshot at `version` is replayed from.
struct LogSegment {
  int64_t version = -1;                     ///< -1: the table has no commit
  std::optional<CheckpointRef> checkpoint;  ///< the newest complete checkpoint <= version
  std::vector<int64_t> commits;             ///< JSON commits after the checkpoint, in order
};

/// Find what a snapshot at `version` (the newest when absent) is built from: one listing of
/// _delta_log/ (never of data folders), _last_checkpoint as a hint. NotFound when `version` is
/// newer than the log; Corrupt when commits are missing between the checkpoint and `version`;
/// NotFound (naming the cleaned-up range) when a version before the oldest kept commit and
/// without a checkpoint is asked for.
Result<LogSegment> find_log_segment(FileSystem& fs, const std::string& table_path,
                                    std::optional<int64_t> version = std::nullopt);

/// Where a path named in the log (an add's or remove's path, percent-decoded once, or an
/// absolute DV path) is on the table's FileSystem, in one canonical spelling: a relative path
/// joins the table path; an absolute path without a scheme and a file: URI (file:/a,
/// file:///a, file://localhost/a) name that path; doubled '/' and "." segments go, and a
/// leading '/' is kept only when the table path has one. Two spellings of one file give the
/// same string. NotImplemented for other schemes.
Result<std::string> resolve_log_path(const std::string& table_path, const std::string& decoded);

/// A live data file: its add action and its path decoded once.
struct LiveFile {
  AddFile add;
  /// The file's path for the table's FileSystem (resolve_log_path of the add's path,
  /// percent-decoded exactly once); also the file's identity in the replay.
  std::string path;
};

/// Whether this reader can read a table with `protocol` and `metadata`; NotImplemented naming
/// the feature otherwise.
Status check_reader_protocol(const ProtocolAction& protocol, const MetadataAction* metadata,
                             const std::string& where);

/// The table state at one version. Copyable; holds the FileSystem it was read from.
class Snapshot {
 public:
  /// Load the snapshot at `version` (the newest when absent). NotFound when the table has no
  /// commit (or not that version).
  static Result<Snapshot> load(std::shared_ptr<FileSystem> fs, std::string table_path,
                               std::optional<int64_t> version = std::nullopt);

  int64_t version() const { return version_; }
  const ProtocolAction& protocol() const { return protocol_; }
  const MetadataAction& metadata() const { return metadata_; }
  /// The table schema from metaData.schemaString (partition columns included).
  const Schema& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return metadata_.partition_columns; }
  /// The live data files, sorted by path.
  const std::vector<LiveFile>& files() const { return files_; }
  /// Remove tombstones still in the log (what a checkpoint carries for VACUUM).
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  /// appId -> last version committed (txn actions, checkpoints included).
  const std::map<std::string, int64_t>& txn_versions() const { return txn_versions_; }
  std::optional<int64_t> txn_version(const std::string& app_id) const;
  /// The table's metadata domains (domainMetadata actions, the latest per domain, removed
  /// ones dropped), known or not: "delta.rowTracking", "delta.clustering", user domains.
  const std::map<std::string, DomainMetadataAction>& domain_metadata() const {
    return domain_metadata_;
  }
  /// One domain, or nullptr when the table has none of that name.
  const DomainMetadataAction* domain(const std::string& name) const;
  /// The checkpoint the replay started from (none: replayed from version 0).
  const std::optional<CheckpointRef>& checkpoint() const { return checkpoint_; }
  /// How many JSON commits were replayed on top of the checkpoint.
  int64_t commits_replayed() const { return commits_replayed_; }

  /// Sum of the live files' sizes in bytes.
  int64_t total_bytes() const;
  /// Sum of numRecords over the live files' stats, less the rows their deletion vectors
  /// delete; nullopt when a file has no numRecords.
  std::optional<int64_t> total_rows() const;

  FileSystem& file_system() const { return *fs_; }
  const std::shared_ptr<FileSystem>& shared_file_system() const { return fs_; }
  const std::string& table_path() const { return table_path_; }

 private:
  std::shared_ptr<FileSystem> fs_;
  std::string table_path_;
  int64_t version_ = -1;
  ProtocolAction protocol_;
  MetadataAction metadata_;
  Schema schema_;
  std::vector<LiveFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, int64_t> txn_versions_;
  std::map<std::string, DomainMetadataAction> domain_metadata_;
  std::optional<CheckpointRef> checkpoint_;
  int64_t commits_replayed_ = 0;
};

/// Replay `actions` (one commit's or checkpoint's domainMetadata, in order) onto `domains`:
/// the latest action per domain wins, removed=true deletes it. May move from `actions`.
void apply_domain_metadata(std::map<std::string, DomainMetadataAction>& domains,
                           std::vector<DomainMetadataAction>& actions);

/// One entry of the table's history: a commit's version and its commitInfo.
struct HistoryEntry {
  int64_t version = 0;
  CommitInfoAction info;  ///< empty operation when the commit has no commitInfo
};

/// The commits still in the log, newest first (at most `limit`, all when < 0), like
/// DESCRIBE HISTORY. Commits cleaned up behind a checkpoint are not listed.
Result<std::vector<HistoryEntry>> read_history(FileSystem& fs, const std::string& table_path,
                                               int64_t limit = -1);

/// The numRecords of an add's stats JSON, if present.
std::optional<int64_t> stats_num_records(std::string_view stats_json);
/// The rows of an added file that are live: its numRecords less the cardinality of its
/// deletion vector; nullopt without numRecords.
std::optional<int64_t> live_rows(const AddFile& add);

}  // namespace lakestream
