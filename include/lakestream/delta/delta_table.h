#pragma once
// delta/delta_table: append to a Delta Lake table with optimistic concurrency.
// The log (_delta_log/) is the only thing read: data folders are never listed.
//
//   LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open_or_create(fs, "tables/meters",
//                                                                   {schema, {"SupplierId"}}));
//   int64_t next = table.txn_version(app_id).value_or(-1) + 1;   // exactly-once restart point
//   Transaction t = table.begin();
//   t.add_file(add);
//   t.set_txn(app_id, last_offset);
//   LS_ASSIGN_OR_RAISE(int64_t version, t.commit("STREAMING UPDATE", {{"outputMode", "Append"}}));
//
// Commit protocol (docs/delta.md): write _delta_log/<version>.json with put_if_absent. When
// another writer got that version first, read its commit: it conflicts when it changed the
// protocol or metadata, advanced one of our txn app ids, or removed a file we remove; then we
// fail with Conflict. Otherwise (blind appends) we retry at the next version. The first commit
// (version 0) also carries protocol and metaData; a writer that loses the creation race checks
// the winner's schema and partitioning equal its own and appends after it, or fails clearly.
//
// Schema evolution (TableCreateOptions::merge_schema, docs/delta.md "Schema evolution"): a
// writer whose schema adds columns to an existing table's commits the merged schema in a new
// metaData action with its first commit. A concurrent commit that changed only the schema (say
// another writer merged the same columns) is not a conflict for such a writer: it merges its
// schema into the winner's again and carries on (without a metaData when the winner's schema
// already holds its columns); an incompatible one is a Conflict.
//
// Checkpoints (delta/checkpoint.h): a commit whose version is due one (delta.checkpointInterval)
// returns as soon as its JSON commit is written: that commit is the truth. The DeltaTable's one
// background worker then writes the checkpoint of that version and, once it is complete,
// _last_checkpoint. At most one checkpoint is written at a time; versions that fall due while
// one is being written coalesce into the newest of them (the older ones are skipped: a newer
// checkpoint serves every reader the older would have). wait_for_checkpoint() waits for the
// worker to be idle; the destructor does too, so a program that ends still writes it.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// What a table is created with when it does not exist yet, and how a writer with this
/// schema may change an existing one.
struct TableCreateOptions {
  Schema schema;
  std::vector<std::string> partition_columns;
  /// Table properties (metaData.configuration) of a new table; its protocol is the lowest they
  /// and the schema need (delta/table_properties.h). Unknown delta.* keys are refused, even
  /// when the table exists (then the properties are otherwise not applied).
  std::map<std::string, std::string> configuration;
  /// Delta's mergeSchema for an existing table: `schema` may add nullable columns (top level
  /// or inside structs) to the table's, merged by schema/schema_merge.h; the first commit then
  /// carries a metaData with the merged schema. Off: the schemas must be equal.
  bool merge_schema = false;
};

/// The table state the writer needs, replayed from the JSON commits.
struct LogState {
  int64_t version = -1;  ///< -1: no commit yet (the table does not exist)
  std::optional<ProtocolAction> protocol;
  std::optional<MetadataAction> metadata;
  std::map<std::string, int64_t> txn_versions;  ///< appId → version
  /// The newest commit's inCommitTimestamp, when the replay saw one.
  std::optional<int64_t> last_in_commit_timestamp;
  /// The metadata domains (latest domainMetadata per domain; removed ones dropped).
  std::map<std::string, DomainMetadataAction> domains;
  /// Apply one commit on top (version must be `version + 1`).
  Status apply(int64_t commit_version, const CommitActions& commit);
};

/// Read the log of the table at `table_path`: list _delta_log/, start from the newest Parquet
/// checkpoint (delta/snapshot.h find_log_segment) and replay the JSON commits after it (version
/// -1 when there is none). A gap between commits is Corrupt.
Result<LogState> read_log(FileSystem& fs, const std::string& table_path);
/// Replay the commits after state.version up to the newest one, in place.
Status update_log(FileSystem& fs, const std::string& table_path, LogState& state);

class Transaction;
class CheckpointWorker;
class TableConstraints;
class IdentityAllocator;
struct DeltaTableWriterOptions;

/// A Delta table being written. Not thread-safe: one per writer (writers in other threads or
/// processes use their own DeltaTable; the log arbitrates). Move-only (it owns the checkpoint
/// worker's thread); its FileSystem is used from that thread as well as the caller's.
class DeltaTable {
 public:
  DeltaTable(DeltaTable&&) noexcept;
  DeltaTable& operator=(DeltaTable&&) noexcept;
  /// Waits for the checkpoint being written (and one that is due), like wait_for_checkpoint().
  ~DeltaTable();

  /// Open an existing table: NotFound when `path` has no commit yet.
  static Result<DeltaTable> open(std::shared_ptr<FileSystem> fs, std::string path);
  /// Open the table, or prepare to create it with `options` on the first commit. An existing
  /// table must have the same partition columns and the same schema, or with
  /// `options.merge_schema` a schema merge_schema_for_append() accepts (InvalidArgument
  /// otherwise, naming the columns; without the flag a writer that only adds columns is told
  /// to set mergeSchema).
  static Result<DeltaTable> open_or_create(std::shared_ptr<FileSystem> fs, std::string path,
                                           TableCreateOptions options);

  /// Latest version seen (-1 before the table's first commit).
  int64_t version() const { return state_.version; }
  const LogState& state() const { return state_; }
  /// The table's schema (the create options' one before the first commit; with a schema
  /// merge pending, the merged one the next commit gives the table).
  const Schema& schema() const { return schema_; }
  /// The metaData the next commit carries to widen the table's schema (merge_schema), if any.
  const std::optional<MetadataAction>& pending_metadata() const { return pending_metadata_; }
  const std::vector<std::string>& partition_columns() const;
  const std::string& path() const { return path_; }
  FileSystem& file_system() const { return *fs_; }

  /// What a DeltaTableWriter appending to the table must know of it, set in `options`: its
  /// rules (constraints()), its column mapping mode and its schema (physical names and field
  /// ids; with a schema merge pending, those of the columns it adds). Every appender calls it.
  Status configure_writer(DeltaTableWriterOptions* options) const;

  /// The table's rules on appended rows (CHECK constraints, invariants, generated columns;
  /// delta/constraints.h), for its writers' DeltaTableWriterOptions::constraints. Null when it
  /// has none or does not exist yet. An error names a rule lakestream cannot evaluate.
  Result<std::shared_ptr<const TableConstraints>> constraints() const;

  /// The last version committed for `app_id` (txn action), if any, as of version().
  std::optional<int64_t> txn_version(const std::string& app_id) const;
  /// Read commits newer than version(). With merge_schema, a schema changed meanwhile is
  /// merged with the writer's again (an error when they no longer merge).
  Status refresh();

  /// Start a transaction reading the current version.
  Transaction begin();

  /// How the last checkpoint the worker finished went (OK when none has finished yet); one
  /// still being written is not reported until it ends. A failed checkpoint does not fail its
  /// commit, leaves _last_checkpoint as it was, and is retried at the next due version.
  Status last_checkpoint_status() const;
  /// Wait until no checkpoint is being written or waiting to be; returns
  /// last_checkpoint_status(). Safe to call with none due.
  Status wait_for_checkpoint();

  /// How many times commit() tries the next version before giving up with Conflict.
  static constexpr int kMaxCommitAttempts = 1000;

 private:
  friend class Transaction;
  DeltaTable(std::shared_ptr<FileSystem> fs, std::string path);
  static Status check_compatible(const MetadataAction& existing, const TableCreateOptions& opts,
                                 const std::string& where);
  /// schema_ and pending_metadata_ from state_.metadata (and the writer's schema when merging).
  Status adopt_metadata();

  std::shared_ptr<FileSystem> fs_;
  std::string path_;
  LogState state_;
  Schema schema_;
  std::optional<TableCreateOptions> create_;  ///< set while the table does not exist
  /// The writer's schema when it may widen the table's (merge_schema).
  std::optional<Schema> merge_writer_schema_;
  /// The schema merge the next commit makes, as the metaData it carries.
  std::optional<MetadataAction> pending_metadata_;
  /// The table's schemaString that schema_ and pending_metadata_ were made from.
  std::string adopted_schema_string_;
  /// Started at the first due checkpoint.
  std::unique_ptr<CheckpointWorker> checkpoints_;
};

/// A set of actions committed atomically as the next version. Move-only; holds a pointer to its
/// table, which must outlive it.
class Transaction {
 public:
  void add_file(AddFile add) { adds_.push_back(std::move(add)); }
  void remove_file(RemoveFile remove) { removes_.push_back(std::move(remove)); }
  /// Record that `app_id` has committed up to `version` (for exactly-once replays). Committing
  /// fails with Conflict if the table already holds a version >= this for the app id.
  void set_txn(std::string app_id, int64_t version);
  /// The identity values this commit's files hold were assigned by `identity` (the allocator
  /// of DeltaTableWriterOptions::identity): the commit carries the metaData that moves the
  /// identity columns' high-water marks, and fails with Conflict when another writer moved
  /// them meanwhile.
  void set_identity(std::shared_ptr<IdentityAllocator> identity) {
    identity_ = std::move(identity);
  }
  /// commitInfo.operationMetrics of this commit (Spark's names, string values).
  void set_operation_metrics(std::vector<std::pair<std::string, std::string>> metrics) {
    operation_metrics_ = std::move(metrics);
  }
  /// Commit as the next version; returns it. `operation` is commitInfo.operation ("WRITE",
  /// "STREAMING UPDATE"); parameters are its operationParameters (string values).
  Result<int64_t> commit(std::string operation,
                         std::vector<std::pair<std::string, std::string>> parameters = {});

  int64_t read_version() const { return read_version_; }

 private:
  friend class DeltaTable;
  explicit Transaction(DeltaTable* table) : table_(table), read_version_(table->version()) {}
  /// Why the commit at `version` (by another writer) conflicts with ours, or OK.
  Status check_conflict(int64_t version, const CommitActions& winner) const;
  /// True when the winner's metaData changes only the schema and this writer merges schemas:
  /// commit() then merges again instead of giving up.
  bool absorbs_schema_change(const MetadataAction& theirs) const;

  DeltaTable* table_;
  int64_t read_version_;
  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::vector<TxnAction> txns_;
  std::vector<std::pair<std::string, std::string>> operation_metrics_;
  std::shared_ptr<IdentityAllocator> identity_;
};

}  // namespace lakestream
