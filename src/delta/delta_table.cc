#include "lakestream/delta/delta_table.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "common/log_fmt.h"
#include "lakestream/common/coalescing_worker.h"
#include "lakestream/common/metrics.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/clustering.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/constraints.h"
#include "lakestream/delta/row_tracking.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_features.h"
#include "lakestream/delta/table_properties.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/delta/uuid.h"
#include "lakestream/delta/vacuum.h"
#include "lakestream/schema/schema_merge.h"
#include "lakestream/version.h"

namespace lakestream {
namespace {

DataTypePtr without_delta_metadata(const DataTypePtr& type);

/// A field's metadata without the keys Delta owns ("delta.*": column mapping, invariants,
/// generation and identity expressions): a writer's schema (from JSON or DDL) never has them,
/// and they do not change what the writer's rows are.
Field without_delta_metadata(const Field& f) {
  Field out = f;
  out.type = without_delta_metadata(f.type);
  if (f.metadata.find("\"delta.") != std::string::npos) {
    auto j = nlohmann::json::parse(f.metadata, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end();) {
        it = it.key().rfind("delta.", 0) == 0 ? j.erase(it) : std::next(it);
      }
      out.metadata = j.dump();
    }
  }
  return out;
}

DataTypePtr without_delta_metadata(const DataTypePtr& type) {
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<Field> fields;
      for (const Field& f : type->fields()) fields.push_back(without_delta_metadata(f));
      return DataType::struct_(std::move(fields));
    }
    case TypeId::kArray:
      return DataType::array(without_delta_metadata(type->element()), type->contains_null());
    case TypeId::kMap:
      return DataType::map(without_delta_metadata(type->key()),
                           without_delta_metadata(type->value()), type->contains_null());
    default:
      return type;
  }
}

/// Whether a writer with schema `writer` writes the table's columns as they are, Delta's own
/// field metadata aside; generated columns it lacks are computed by its DeltaTableWriter.
bool writes_table_columns(const Schema& table, const Schema& writer) {
  Schema t, w;
  for (const Field& f : table.fields()) {
    // Generated and identity columns: the writer computes them, so its input may lack them or
    // have them nullable.
    const bool computed = f.metadata.find("\"delta.generationExpression\"") != std::string::npos ||
                          f.metadata.find("\"delta.identity.start\"") != std::string::npos;
    if (computed && !writer.has_field(f.name)) continue;
    Field plain = without_delta_metadata(f);
    if (computed) plain.nullable = true;
    t.add(std::move(plain));
  }
  for (const Field& f : writer.fields()) {
    Field plain = without_delta_metadata(f);
    const auto index = table.index_of(f.name);
    if (index &&
        (table.field(*index).metadata.find("\"delta.generationExpression\"") != std::string::npos ||
         table.field(*index).metadata.find("\"delta.identity.start\"") != std::string::npos)) {
      plain.nullable = true;
    }
    w.add(std::move(plain));
  }
  return t == w;
}

/// The top-level columns of a schemaString whose type is, or holds, Spark's variant type.
std::vector<std::string> variant_columns(const std::string& schema_string) {
  const auto schema = nlohmann::json::parse(schema_string, nullptr, false);
  auto holds_variant = [](const nlohmann::json& type, const auto& self) -> bool {
    if (type.is_string()) return type.get<std::string>() == "variant";
    if (!type.is_object()) return false;
    for (const char* key : {"type", "elementType", "keyType", "valueType"}) {
      if (auto it = type.find(key); it != type.end() && self(*it, self)) return true;
    }
    if (auto it = type.find("fields"); it != type.end() && it->is_array()) {
      for (const auto& f : *it) {
        if (self(f, self)) return true;
      }
    }
    return false;
  };
  std::vector<std::string> out;
  if (!schema.is_object() || !schema.contains("fields") || !schema["fields"].is_array()) return out;
  for (const auto& f : schema["fields"]) {
    if (holds_variant(f, holds_variant) && f.contains("name") && f["name"].is_string()) {
      out.push_back(f["name"].get<std::string>());
    }
  }
  return out;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out + "]";
}

/// Read and parse one commit; NotFound when it does not exist (yet).
Result<CommitActions> read_commit(FileSystem& fs, const std::string& table_path, int64_t version) {
  std::string path = join_path(table_path, commit_file_path(version));
  LS_ASSIGN_OR_RAISE(std::string text, fs.read_file(path));
  return parse_commit(text, fs.describe(path));
}

Status validate_create_options(const TableCreateOptions& options) {
  if (options.schema.size() == 0) {
    return Status::InvalidArgument("cannot create a Delta table with an empty schema");
  }
  std::set<std::string> seen;
  for (const std::string& column : options.partition_columns) {
    auto index = options.schema.index_of(column);
    if (!index) {
      return Status::InvalidArgument("partition column '" + column + "' is not in the schema");
    }
    if (!seen.insert(column).second) {
      return Status::InvalidArgument("partition column '" + column + "' is listed twice");
    }
    TypeId id = options.schema.field(*index).type->id();
    if (id == TypeId::kBinary || id == TypeId::kStruct || id == TypeId::kArray ||
        id == TypeId::kMap) {
      return Status::InvalidArgument("partition column '" + column + "' has type " +
                                     options.schema.field(*index).type->simple_string() +
                                     ", which cannot partition a table");
    }
  }
  if (!options.partition_columns.empty() &&
      options.partition_columns.size() == options.schema.size()) {
    return Status::InvalidArgument(
        "all columns are partition columns: at least one column must hold data");
  }
  // Unknown or unsupported delta.* properties are refused before anything is written, whether
  // or not the table exists yet (a typo would otherwise pass silently on an existing table).
  return new_table_protocol(options.schema, options.configuration).status();
}

/// The commit conflicts of the table `where` (fs.describe of its path) for /metrics: created at
/// zero by a writer's open, so a scrape sees the series before the first conflict.
Counter& commit_conflicts(const std::string& where) {
  return MetricsRegistry::global().counter(
      "lakestream_delta_commit_conflicts_total",
      "Delta commits that found their version taken by another writer (each is checked, then "
      "retried at the next version or refused)",
      {{"table", where}});
}

}  // namespace

/// A due checkpoint, and what the log cleanup after it needs to know of the table.
struct CheckpointJob {
  int64_t version = 0;
  bool clean_up_log = true;  ///< delta.enableExpiredLogCleanup
  int64_t log_retention_ms = kDefaultLogRetentionMs;
};

/// Writes a DeltaTable's checkpoints on one thread, one at a time: a due version replaces an
/// older one not started yet; destruction writes what is pending. After a checkpoint, the log
/// files older than the retention that it makes unnecessary are deleted (delta/vacuum.h); a
/// failed cleanup is only logged (the next checkpoint tries again).
class CheckpointWorker : public CoalescingWorker<CheckpointJob> {
 public:
  CheckpointWorker(std::shared_ptr<FileSystem> fs, std::string path)
      : CoalescingWorker<CheckpointJob>(
            [fs = std::move(fs), path = std::move(path)](const CheckpointJob& job) {
              Status st = write_checkpoint_at(fs, path, job.version);
              if (!st.ok()) {
                return st.with_context("checkpoint of version " + std::to_string(job.version));
              }
              if (job.clean_up_log) {
                auto cleaned = cleanup_log_files(*fs, path, job.log_retention_ms, wall_clock_ms());
                if (!cleaned.ok()) {
                  log_warn("delta", "{}", cleaned.status().to_string());
                } else if (cleaned->files_deleted > 0) {
                  log_info("delta", "log cleanup of {}: {} files before version {} deleted",
                           fs->describe(path), cleaned->files_deleted, cleaned->oldest_version);
                }
              }
              return Status::OK();
            },
            OnStop::kFinishPending) {}
};

DeltaTable::DeltaTable(std::shared_ptr<FileSystem> fs, std::string path)
    : fs_(std::move(fs)), path_(std::move(path)) {}
DeltaTable::DeltaTable(DeltaTable&&) noexcept = default;
DeltaTable& DeltaTable::operator=(DeltaTable&&) noexcept = default;
DeltaTable::~DeltaTable() = default;  // ~CheckpointWorker waits

Status DeltaTable::last_checkpoint_status() const {
  return checkpoints_ ? checkpoints_->last() : Status::OK();
}

Status DeltaTable::wait_for_checkpoint() {
  return checkpoints_ ? checkpoints_->wait() : Status::OK();
}

Status LogState::apply(int64_t commit_version, const CommitActions& commit) {
  if (commit_version != version + 1) {
    return Status::Internal("applying commit " + std::to_string(commit_version) +
                            " on top of version " + std::to_string(version));
  }
  if (commit.protocol) protocol = commit.protocol;
  if (commit.metadata) metadata = commit.metadata;
  for (const TxnAction& t : commit.txns) txn_versions[t.app_id] = t.version;
  for (const DomainMetadataAction& d : commit.domain_metadata) {
    if (d.removed) {
      domains.erase(d.domain);
    } else {
      domains[d.domain] = d;
    }
  }
  if (commit.commit_info && commit.commit_info->in_commit_timestamp) {
    last_in_commit_timestamp = commit.commit_info->in_commit_timestamp;
  }
  version = commit_version;
  return Status::OK();
}

Result<LogState> read_log(FileSystem& fs, const std::string& table_path) {
  // Start from the newest checkpoint (H13): start-up cost does not grow with the commits.
  LS_ASSIGN_OR_RAISE(LogSegment segment, find_log_segment(fs, table_path));
  LogState state;
  if (segment.version < 0) return state;
  if (segment.checkpoint) {
    LS_ASSIGN_OR_RAISE(CommitActions base, read_checkpoint(fs, table_path, *segment.checkpoint));
    state.version = segment.checkpoint->version - 1;
    LS_RETURN_NOT_OK(state.apply(segment.checkpoint->version, base));
  }
  for (int64_t v : segment.commits) {
    LS_ASSIGN_OR_RAISE(CommitActions commit, read_commit(fs, table_path, v));
    LS_RETURN_NOT_OK(state.apply(v, commit));
  }
  return state;
}

Status update_log(FileSystem& fs, const std::string& table_path, LogState& state) {
  if (state.version < 0) {
    LS_ASSIGN_OR_RAISE(state, read_log(fs, table_path));
    return Status::OK();
  }
  // Probe the next versions directly: cheaper than listing a long log, and a commit file that
  // exists is complete (put_if_absent publishes whole files).
  while (true) {
    auto commit = read_commit(fs, table_path, state.version + 1);
    if (!commit.ok()) {
      if (commit.status().code() == StatusCode::kNotFound) return Status::OK();
      return commit.status();
    }
    LS_RETURN_NOT_OK(state.apply(state.version + 1, *commit));
  }
}

Result<DeltaTable> DeltaTable::open(std::shared_ptr<FileSystem> fs, std::string path) {
  DeltaTable table(std::move(fs), std::move(path));
  LS_ASSIGN_OR_RAISE(table.state_, read_log(*table.fs_, table.path_));
  if (table.state_.version < 0) {
    return Status::NotFound("no Delta table at " + table.fs_->describe(table.path_) +
                            " (no commit in _delta_log)");
  }
  if (!table.state_.metadata) {
    return Status::Corrupt("the Delta table at " + table.fs_->describe(table.path_) +
                           " has no metaData action");
  }
  // Variant columns read as JSON text; writing that text back would put strings where the
  // table declares variants (and OPTIMIZE would rewrite variant files as strings).
  if (auto variants = variant_columns(table.state_.metadata->schema_string); !variants.empty()) {
    return Status::NotImplemented("writing to the Delta table at " +
                                  table.fs_->describe(table.path_) + ", whose column(s) " +
                                  list_text(variants) +
                                  " have the variant type: lakestream reads variant columns (as "
                                  "JSON text) but does not write them");
  }
  auto schema = Schema::from_json(table.state_.metadata->schema_string);
  if (!schema.ok()) {
    return schema.status().with_context("schemaString of " + table.fs_->describe(table.path_));
  }
  table.schema_ = std::move(*schema);
  table.adopted_schema_string_ = table.state_.metadata->schema_string;
  if (table.state_.protocol) {
    LS_RETURN_NOT_OK(check_writable(*table.state_.protocol, *table.state_.metadata, table.schema_,
                                    table.fs_->describe(table.path_)));
  }
  return table;
}

Result<DeltaTable> DeltaTable::open_or_create(std::shared_ptr<FileSystem> fs, std::string path,
                                              TableCreateOptions options) {
  commit_conflicts(fs->describe(path));
  auto opened = open(fs, path);
  // The options are checked as a table's only where they create one: an existing table's
  // partition column may be a generated column the writer's schema lacks. Unknown or
  // unsupported delta.* properties are refused either way (a typo would otherwise pass
  // silently on an existing table).
  if (!opened.ok() || options.schema.size() == 0) {
    LS_RETURN_NOT_OK(validate_create_options(options));
  } else {
    LS_RETURN_NOT_OK(new_table_protocol(options.schema, options.configuration).status());
  }
  if (opened.ok()) {
    LS_RETURN_NOT_OK(
        check_compatible(*opened->state_.metadata, options, opened->fs_->describe(opened->path_)));
    if (options.merge_schema) {
      opened->merge_writer_schema_ = std::move(options.schema);
      opened->adopted_schema_string_.clear();  // merge it now
      LS_RETURN_NOT_OK(opened->adopt_metadata());
    }
    return opened;
  }
  if (opened.status().code() != StatusCode::kNotFound) return opened.status();
  DeltaTable table(std::move(fs), std::move(path));
  table.schema_ = options.schema;
  if (options.merge_schema) table.merge_writer_schema_ = options.schema;
  table.create_ = std::move(options);
  return table;
}

Status DeltaTable::check_compatible(const MetadataAction& existing, const TableCreateOptions& opts,
                                    const std::string& where) {
  auto schema = Schema::from_json(existing.schema_string);
  if (!schema.ok()) return schema.status().with_context("schemaString of " + where);
  if (!(*schema == opts.schema) && !writes_table_columns(*schema, opts.schema)) {
    auto merge = merge_schema_for_append(*schema, opts.schema);
    if (!merge.ok()) {
      return Status::InvalidArgument("the Delta table at " + where + " has schema " +
                                     schema->to_ddl() + "; this writer's schema is " +
                                     opts.schema.to_ddl() + ": " + merge.status().message());
    }
    if (!opts.merge_schema) {
      if (merge->changed()) {
        return Status::InvalidArgument("this writer's schema adds columns " +
                                       quoted_column_list(merge->added) + " not in the table at " +
                                       where + "; set mergeSchema (--merge-schema) to add them");
      }
      // The same columns in another order, case or (stricter) nullability: accepted only when
      // merging.
      return Status::InvalidArgument("the Delta table at " + where + " has schema " +
                                     schema->to_ddl() + "; this writer's schema is " +
                                     opts.schema.to_ddl() +
                                     " (the same columns in another order, case or nullability; "
                                     "set mergeSchema (--merge-schema) to accept it)");
    }
  }
  if (existing.partition_columns != opts.partition_columns) {
    return Status::InvalidArgument("the Delta table at " + where + " is partitioned by " +
                                   list_text(existing.partition_columns) +
                                   "; this writer partitions by " +
                                   list_text(opts.partition_columns));
  }
  return Status::OK();
}

Status DeltaTable::adopt_metadata() {
  const MetadataAction& table_metadata = *state_.metadata;
  if (table_metadata.schema_string == adopted_schema_string_) return Status::OK();
  const std::string where = fs_->describe(path_);
  auto table_schema = Schema::from_json(table_metadata.schema_string);
  if (!table_schema.ok()) return table_schema.status().with_context("schemaString of " + where);
  pending_metadata_.reset();
  if (merge_writer_schema_) {
    auto merge = merge_schema_for_append(*table_schema, *merge_writer_schema_);
    if (!merge.ok()) {
      return merge.status().with_context("merging this writer's schema into the table at " + where);
    }
    if (merge->changed()) {
      MetadataAction widened = table_metadata;
      // Columns added to a column-mapped table get their ids and physical names now, as
      // Spark's schema evolution gives them (and maxColumnId moves on).
      LS_ASSIGN_OR_RAISE(const ColumnMappingMode mode, column_mapping_mode(table_metadata));
      if (mode != ColumnMappingMode::kNone) {
        LS_RETURN_NOT_OK(assign_column_mapping(&merge->schema, &widened.configuration).status());
      }
      widened.schema_string = merge->schema.to_json();
      pending_metadata_ = std::move(widened);
    }
    schema_ = std::move(merge->schema);
  } else {
    schema_ = std::move(*table_schema);
  }
  adopted_schema_string_ = table_metadata.schema_string;
  return Status::OK();
}

const std::vector<std::string>& DeltaTable::partition_columns() const {
  if (state_.metadata) return state_.metadata->partition_columns;
  return create_->partition_columns;
}

Status DeltaTable::configure_writer(DeltaTableWriterOptions* options) const {
  LS_ASSIGN_OR_RAISE(options->constraints, constraints());
  options->column_mapping = ColumnMappingMode::kNone;
  if (state_.metadata) {
    LS_ASSIGN_OR_RAISE(options->column_mapping, column_mapping_mode(*state_.metadata));
  }
  options->table_schema = schema_;
  LS_ASSIGN_OR_RAISE(options->identity, IdentityAllocator::make(schema_, fs_->describe(path_)));
  return Status::OK();
}

Result<std::shared_ptr<const TableConstraints>> DeltaTable::constraints() const {
  if (!state_.metadata) return std::shared_ptr<const TableConstraints>();
  LS_ASSIGN_OR_RAISE(auto rules,
                     TableConstraints::make(*state_.metadata, schema_, fs_->describe(path_)));
  if (rules->empty()) return std::shared_ptr<const TableConstraints>();
  return rules;
}

std::optional<int64_t> DeltaTable::txn_version(const std::string& app_id) const {
  auto it = state_.txn_versions.find(app_id);
  if (it == state_.txn_versions.end()) return std::nullopt;
  return it->second;
}

Status DeltaTable::refresh() {
  LS_RETURN_NOT_OK(update_log(*fs_, path_, state_));
  if (create_ && state_.metadata) {
    // Someone else created the table meanwhile.
    LS_RETURN_NOT_OK(check_compatible(*state_.metadata, *create_, fs_->describe(path_)));
    create_.reset();
  }
  // Another writer may have changed the schema (merged columns): the next commit's metaData
  // is merged into the newest one.
  if (state_.metadata) LS_RETURN_NOT_OK(adopt_metadata());
  // Another writer may have upgraded the protocol or turned on a feature meanwhile.
  if (state_.protocol && state_.metadata) {
    LS_RETURN_NOT_OK(
        check_writable(*state_.protocol, *state_.metadata, schema_, fs_->describe(path_)));
  }
  return Status::OK();
}

Transaction DeltaTable::begin() { return Transaction(this); }

void Transaction::set_txn(std::string app_id, int64_t version) {
  for (TxnAction& t : txns_) {
    if (t.app_id == app_id) {
      t.version = version;
      return;
    }
  }
  txns_.push_back(TxnAction{std::move(app_id), version, std::nullopt});
}

bool Transaction::absorbs_schema_change(const MetadataAction& theirs) const {
  const DeltaTable& table = *table_;
  if (!table.merge_writer_schema_ || !table.state_.metadata) return false;
  const MetadataAction& ours = *table.state_.metadata;
  // Anything but the schema (a new table id, partitioning, configuration such as column
  // mapping) changes how our files must be written: a real conflict.
  return theirs.id == ours.id && theirs.partition_columns == ours.partition_columns &&
         theirs.configuration == ours.configuration &&
         theirs.format_provider == ours.format_provider;
}

Status Transaction::check_conflict(int64_t version, const CommitActions& winner) const {
  const std::string where = table_->fs_->describe(table_->path_);
  const bool schema_only =
      !winner.protocol && winner.metadata && absorbs_schema_change(*winner.metadata);
  if (version > 0 && (winner.protocol || winner.metadata) && !schema_only) {
    return Status::Conflict(
        "a concurrent commit (version " + std::to_string(version) + ") of " + where +
        " changed the table's " + (winner.metadata ? "metadata" : "protocol") +
        " after this transaction read version " + std::to_string(read_version_));
  }
  for (const TxnAction& theirs : winner.txns) {
    for (const TxnAction& ours : txns_) {
      if (theirs.app_id == ours.app_id) {
        return Status::Conflict("a concurrent commit (version " + std::to_string(version) +
                                ") of " + where + " recorded app id '" + ours.app_id +
                                "' at version " + std::to_string(theirs.version) +
                                " (this transaction writes version " +
                                std::to_string(ours.version) + "): another writer owns it");
      }
    }
  }
  for (const RemoveFile& theirs : winner.removes) {
    for (const RemoveFile& ours : removes_) {
      if (theirs.path == ours.path) {
        return Status::Conflict("a concurrent commit (version " + std::to_string(version) +
                                ") of " + where + " already removed " + ours.path);
      }
    }
  }
  return Status::OK();
}

Result<int64_t> Transaction::commit(std::string operation,
                                    std::vector<std::pair<std::string, std::string>> parameters) {
  DeltaTable& table = *table_;
  FileSystem& fs = *table.fs_;
  const std::string where = fs.describe(table.path_);
  if (table.state_.metadata && is_append_only(*table.state_.metadata)) {
    for (const RemoveFile& r : removes_) {
      if (r.data_change) {
        return Status::InvalidArgument("the Delta table at " + where +
                                       " is append-only (delta.appendOnly=true): this " +
                                       operation + " would remove " + r.path);
      }
    }
  }
  const int64_t now = wall_clock_ms();

  CommitActions actions;
  CommitInfoAction info;
  info.timestamp = now;
  info.operation = std::move(operation);
  info.operation_parameters = std::move(parameters);
  if (read_version_ >= 0) info.read_version = read_version_;
  info.is_blind_append = removes_.empty();
  info.operation_metrics = operation_metrics_;
  info.engine_info = kEngineInfo;
  info.txn_id = uuid_v4();
  actions.commit_info = std::move(info);
  for (const TxnAction& t : txns_) actions.txns.push_back({t.app_id, t.version, now});
  actions.adds = adds_;
  actions.removes = removes_;

  for (int attempt = 0; attempt < DeltaTable::kMaxCommitAttempts; ++attempt) {
    const int64_t version = table.state_.version + 1;
    for (const TxnAction& t : txns_) {
      auto known = table.txn_version(t.app_id);
      if (known && *known >= t.version) {
        return Status::Conflict(
            "app id '" + t.app_id + "' is already at version " + std::to_string(*known) + " in " +
            where + "; refusing to commit version " + std::to_string(t.version) + " again");
      }
    }
    if (version == 0) {
      if (!table.create_) return Status::Internal("no create options for a new table " + where);
      // The lowest protocol the schema and the table properties need (table_properties.h).
      LS_ASSIGN_OR_RAISE(NewTableProtocol created,
                         new_table_protocol(table.create_->schema, table.create_->configuration));
      actions.protocol = std::move(created.protocol);
      MetadataAction m;
      m.id = uuid_v4();
      m.schema_string = table.create_->schema.to_json();
      m.partition_columns = table.create_->partition_columns;
      m.configuration = std::move(created.configuration);
      m.created_time = now;
      actions.metadata = std::move(m);
    } else {
      actions.protocol.reset();
      actions.metadata = table.pending_metadata_;  // a schema merge, once
      if (identity_ && table.state_.metadata) {
        // The identity columns' new high-water marks, on top of a schema merge if any.
        LS_ASSIGN_OR_RAISE(std::optional<MetadataAction> marked,
                           identity_->updated_metadata(actions.metadata ? *actions.metadata
                                                                        : *table.state_.metadata));
        if (marked) actions.metadata = std::move(marked);
      }
    }
    // What this commit is written under: the new table's protocol and metaData at version 0.
    const ProtocolAction* protocol = actions.protocol        ? &*actions.protocol
                                     : table.state_.protocol ? &*table.state_.protocol
                                                             : nullptr;
    const MetadataAction* metadata = actions.metadata        ? &*actions.metadata
                                     : table.state_.metadata ? &*table.state_.metadata
                                                             : nullptr;
    // Row tracking: fresh row ids above the table's high-water mark, assigned again at every
    // attempt (a winner may have raised the mark), and the new mark in the same commit.
    std::erase_if(actions.domain_metadata,
                  [](const DomainMetadataAction& d) { return d.domain == kRowTrackingDomain; });
    if (protocol && metadata && row_tracking_supported(*protocol, *metadata)) {
      LS_ASSIGN_OR_RAISE(std::optional<int64_t> mark, row_id_high_water_mark(table.state_.domains));
      LS_ASSIGN_OR_RAISE(std::optional<DomainMetadataAction> new_mark,
                         assign_row_ids(actions.adds, mark, version, where));
      if (new_mark) actions.domain_metadata.push_back(std::move(*new_mark));
    }
    // Clustered tables: every added file has statistics for the clustering columns.
    if (protocol && is_clustered(*protocol)) {
      LS_ASSIGN_OR_RAISE(auto columns, clustering_columns(table.state_.domains));
      LS_RETURN_NOT_OK(check_clustering_stats(actions.adds, columns, where));
    }
    if (metadata && in_commit_timestamps_enabled(*metadata)) {
      // Monotonic: after the previous commit's, whatever this machine's clock says.
      if (!table.state_.last_in_commit_timestamp && version > 0) {
        LS_ASSIGN_OR_RAISE(CommitActions previous, read_commit(fs, table.path_, version - 1));
        if (previous.commit_info) {
          table.state_.last_in_commit_timestamp = previous.commit_info->in_commit_timestamp;
        }
      }
      actions.commit_info->in_commit_timestamp =
          std::max(wall_clock_ms(), table.state_.last_in_commit_timestamp.value_or(0) + 1);
    }
    const std::string path = join_path(table.path_, commit_file_path(version));
    Status put = fs.put_if_absent(path, serialize_commit(actions));
    if (put.ok()) {
      LS_RETURN_NOT_OK(table.state_.apply(version, actions));
      table.create_.reset();
      if (actions.metadata) {
        table.adopted_schema_string_ = actions.metadata->schema_string;
        table.pending_metadata_.reset();
        if (identity_) identity_->committed(*actions.metadata);
      }
      // Every delta.checkpointInterval commits (H13), written by the table's worker: the
      // commit stands whatever happens there, and a missing checkpoint only costs the next
      // reader a longer replay.
      if (table.state_.metadata && checkpoint_due(version, *table.state_.metadata)) {
        if (!table.checkpoints_) {
          table.checkpoints_ = std::make_unique<CheckpointWorker>(table.fs_, table.path_);
        }
        CheckpointJob job;
        job.version = version;
        job.clean_up_log = expired_log_cleanup_enabled(*table.state_.metadata);
        if (auto retention = log_retention_ms(*table.state_.metadata); retention.ok()) {
          job.log_retention_ms = *retention;
        } else {
          job.clean_up_log = false;  // an unreadable retention never deletes anything
        }
        table.checkpoints_->submit(job);
      }
      return version;
    }
    if (put.code() != StatusCode::kAlreadyExists) {
      return put.with_context("committing version " + std::to_string(version));
    }
    // Another writer took this version: see what it did before trying the next one.
    commit_conflicts(where).inc();
    LS_ASSIGN_OR_RAISE(CommitActions winner, read_commit(fs, table.path_, version));
    if (version == 0) {
      if (!winner.metadata) {
        return Status::Corrupt("version 0 of " + where + " has no metaData action");
      }
      Status same = DeltaTable::check_compatible(*winner.metadata, *table.create_, where);
      if (!same.ok()) {
        return Status::Conflict("another writer created the table first, differently: " +
                                same.message());
      }
      table.create_.reset();
    }
    LS_RETURN_NOT_OK(check_conflict(version, winner));
    LS_RETURN_NOT_OK(table.state_.apply(version, winner));
    if (winner.metadata) {
      // Version 0, or a schema change we may absorb (check_conflict): merge into the winner's.
      Status merged = table.adopt_metadata();
      if (!merged.ok()) {
        return Status::Conflict("a concurrent commit (version " + std::to_string(version) +
                                ") of " + where +
                                " changed the table's schema: " + merged.message());
      }
    }
  }
  return Status::Conflict("gave up committing to " + where + " after " +
                          std::to_string(DeltaTable::kMaxCommitAttempts) +
                          " versions were taken by other writers");
}

}  // namespace lakestream
