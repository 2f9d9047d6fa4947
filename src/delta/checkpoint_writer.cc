// Writing Parquet checkpoints: the actions become rows of a nested RecordBatch (the struct
// columns txn, add, remove, metaData, protocol, domainMetadata and, in a v2-spec checkpoint,
// checkpointMetadata; one action per row, the other columns null)
// written by the project's Parquet writer. The batch is cut every ~1024 actions (or about
// 2 MiB of text) and handed to an encoder thread that writes it as one row group, while the
// next batch fills a second set of columns; each set is emptied and reused. What a checkpoint
// holds in memory is two row groups, whatever the table's size.
#include <algorithm>
#include <array>
#include <future>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "lakestream/common/time.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/partition.h"
#include "lakestream/delta/uuid.h"
#include "lakestream/parquet/parquet_writer.h"

namespace lakestream {
namespace {

DataTypePtr string_map() { return DataType::map(DataType::string(), DataType::string()); }
DataTypePtr string_list() { return DataType::array(DataType::string()); }

/// The checkpoint schema of PROTOCOL.md ("Checkpoint Schema"), the fields lakestream models;
/// `v2` adds the checkpointMetadata column of a v2-spec checkpoint. Every field is nullable, as
/// Spark writes them; map keys are required (Parquet's MAP).
Schema make_checkpoint_schema(bool v2) {
  auto f = [](std::string name, DataTypePtr type) {
    return Field{std::move(name), std::move(type)};
  };
  Schema schema =
      Schema()
          .add("txn",
               DataType::struct_({f("appId", DataType::string()), f("version", DataType::long_()),
                                  f("lastUpdated", DataType::long_())}))
          .add("add",
               DataType::struct_(
                   {f("path", DataType::string()), f("partitionValues", string_map()),
                    f("size", DataType::long_()), f("modificationTime", DataType::long_()),
                    f("dataChange", DataType::boolean()), f("stats", DataType::string()),
                    f("deletionVector", DataType::struct_({f("storageType", DataType::string()),
                                                           f("pathOrInlineDv", DataType::string()),
                                                           f("offset", DataType::int_()),
                                                           f("sizeInBytes", DataType::int_()),
                                                           f("cardinality", DataType::long_())})),
                    f("baseRowId", DataType::long_()),
                    f("defaultRowCommitVersion", DataType::long_()),
                    f("clusteringProvider", DataType::string())}))
          .add("remove",
               DataType::struct_({f("path", DataType::string()),
                                  f("deletionTimestamp", DataType::long_()),
                                  f("dataChange", DataType::boolean()),
                                  f("extendedFileMetadata", DataType::boolean()),
                                  f("partitionValues", string_map()), f("size", DataType::long_()),
                                  f("baseRowId", DataType::long_()),
                                  f("defaultRowCommitVersion", DataType::long_())}))
          .add("metaData",
               DataType::struct_(
                   {f("id", DataType::string()), f("name", DataType::string()),
                    f("description", DataType::string()),
                    f("format", DataType::struct_({f("provider", DataType::string()),
                                                   f("options", string_map())})),
                    f("schemaString", DataType::string()), f("partitionColumns", string_list()),
                    f("configuration", string_map()), f("createdTime", DataType::long_())}))
          .add("protocol", DataType::struct_({f("minReaderVersion", DataType::int_()),
                                              f("minWriterVersion", DataType::int_()),
                                              f("readerFeatures", string_list()),
                                              f("writerFeatures", string_list())}))
          .add("domainMetadata", DataType::struct_({f("domain", DataType::string()),
                                                    f("configuration", DataType::string()),
                                                    f("removed", DataType::boolean())}));
  if (v2) {
    schema.add("checkpointMetadata",
               DataType::struct_({f("version", DataType::long_()), f("tags", string_map())}));
  }
  return schema;
}

const Schema& checkpoint_schema(bool v2) {
  static const Schema classic = make_checkpoint_schema(false);
  static const Schema with_metadata = make_checkpoint_schema(true);
  return v2 ? with_metadata : classic;
}

/// Append `n` null rows to `c` at once (a struct's members too, keeping the batch invariant).
/// Each row holds one action, so the other four columns take a null row per action: done one
/// at a time, that was the writer's largest cost.
void append_nulls(Column& c, int64_t n) {
  if (n == 0) return;
  const auto rows = static_cast<size_t>(n);
  c.mutable_validity().resize(c.mutable_validity().size() + rows, 0);
  switch (c.type()->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap: {
      std::vector<int32_t>& offsets = c.mutable_offsets();
      offsets.resize(offsets.size() + rows, offsets.back());
      break;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < c.children().size(); ++i) append_nulls(c.mutable_child(i), n);
      break;
    default:
      c.mutable_values().resize(
          c.mutable_values().size() + rows * static_cast<size_t>(c.type()->fixed_width()), 0);
      break;
  }
}

// Appending one field of an action. Each returns the bytes of text it appended, for the row
// group's byte bound.
size_t put_string(Column& c, std::string_view s) {
  c.append_string(s);
  return s.size();
}
/// An optional string: "" is absent (null).
size_t put_opt_string(Column& c, std::string_view s) {
  if (s.empty()) {
    c.append_null();
    return 0;
  }
  return put_string(c, s);
}
void put_opt_long(Column& c, const std::optional<int64_t>& v) {
  if (v) {
    c.append<int64_t>(*v);
  } else {
    c.append_null();
  }
}
/// A list<string>; null instead of empty when `null_when_empty` (protocol features).
size_t put_list(Column& c, const std::vector<std::string>& items, bool null_when_empty) {
  if (items.empty() && null_when_empty) {
    c.append_null();
    return 0;
  }
  size_t bytes = 0;
  for (const std::string& s : items) bytes += put_string(c.mutable_child(0), s);
  c.append_list_end();
  return bytes;
}
/// A map<string, string>, present (empty when it has no entry). Values are strings, or
/// optional strings (nullopt is a null value: a null partition value).
template <typename Pairs>
size_t put_map(Column& c, const Pairs& pairs) {
  size_t bytes = 0;
  Column& keys = c.mutable_child(0);
  Column& values = c.mutable_child(1);
  for (const auto& [key, value] : pairs) {
    bytes += put_string(keys, key);
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::optional<std::string>>) {
      if (value) {
        bytes += put_string(values, *value);
      } else {
        values.append_null();
      }
    } else {
      bytes += put_string(values, value);
    }
  }
  c.append_list_end();
  return bytes;
}

/// Writes one checkpoint file: actions one at a time, then finish() once. Each action is
/// appended to the open batch; a full batch is written as one row group and its columns reused.
class CheckpointFileWriter {
 public:
  enum Column_ { kTxn, kAdd, kRemove, kMeta, kProtocol, kDomain, kCheckpointMeta };

  /// `v2`: a v2-spec checkpoint (with a checkpointMetadata column).
  CheckpointFileWriter(const CheckpointWriteOptions& options, bool v2)
      : options_(options), schema_(checkpoint_schema(v2)) {
    for (auto& set : sets_) {
      for (const Field& f : schema_.fields()) set.push_back(Column::make(f.type));
    }
  }
  ~CheckpointFileWriter() { (void)wait_encoder(); }

  Status open(std::unique_ptr<OutputStream> out) {
    ParquetWriterOptions po;
    // Uncompressed and without dictionaries, as the checkpoints were before this writer took
    // them over: paths and stats are unique per row, and on local disk snappy cost about as
    // much time as the I/O it saved (bench/checkpoint_bench.cc; it makes files ~4x smaller).
    // Row groups are ended by flush_row_group() below.
    po.compression = ParquetCompression::kNone;
    po.enable_dictionary = false;
    // One page per column per row group, as before: a row group is bounded by
    // CheckpointWriteOptions already, and a chunk of one page goes to the stream directly.
    po.page_target_bytes = std::max<int64_t>(options_.max_bytes_per_row_group, 1) * 4;
    po.page_row_limit = std::max<int64_t>(options_.max_rows_per_row_group, 1) + 1;
    LS_ASSIGN_OR_RAISE(writer_, ParquetWriter::open(std::move(out), schema_, std::move(po)));
    return Status::OK();
  }

  Status add_protocol(const ProtocolAction& p) {
    Column& c = start_row(kProtocol);
    c.mutable_child(0).append<int32_t>(p.min_reader_version);
    c.mutable_child(1).append<int32_t>(p.min_writer_version);
    size_t bytes = put_list(c.mutable_child(2), p.reader_features, /*null_when_empty=*/true);
    bytes += put_list(c.mutable_child(3), p.writer_features, /*null_when_empty=*/true);
    return end_row(bytes);
  }

  Status add_metadata(const MetadataAction& m) {
    Column& c = start_row(kMeta);
    size_t bytes = put_string(c.mutable_child(0), m.id);
    bytes += put_opt_string(c.mutable_child(1), m.name);
    bytes += put_opt_string(c.mutable_child(2), m.description);
    Column& format = c.mutable_child(3);
    bytes += put_string(format.mutable_child(0), m.format_provider);
    put_map(format.mutable_child(1), std::vector<std::pair<std::string, std::string>>{});
    format.append_struct_valid();
    bytes += put_string(c.mutable_child(4), m.schema_string);
    bytes += put_list(c.mutable_child(5), m.partition_columns, /*null_when_empty=*/false);
    bytes += put_map(c.mutable_child(6), m.configuration);
    put_opt_long(c.mutable_child(7), m.created_time);
    return end_row(bytes);
  }

  Status add_txn(const std::string& app_id, int64_t version) {
    Column& c = start_row(kTxn);
    const size_t bytes = put_string(c.mutable_child(0), app_id);
    c.mutable_child(1).append<int64_t>(version);
    c.mutable_child(2).append_null();
    return end_row(bytes);
  }

  Status add_file(const AddFile& a) {
    Column& c = start_row(kAdd);
    size_t bytes = put_string(c.mutable_child(0), a.path);
    bytes += put_map(c.mutable_child(1), a.partition_values);
    c.mutable_child(2).append<int64_t>(a.size);
    c.mutable_child(3).append<int64_t>(a.modification_time);
    c.mutable_child(4).append_bool(a.data_change);
    bytes += put_opt_string(c.mutable_child(5), a.stats);
    Column& dv = c.mutable_child(6);
    if (a.deletion_vector) {
      const DeletionVectorDescriptor& d = *a.deletion_vector;
      dv.append_struct_valid();
      bytes += put_string(dv.mutable_child(0), std::string_view(&d.storage_type, 1));
      bytes += put_string(dv.mutable_child(1), d.path_or_inline_dv);
      if (d.offset) {
        dv.mutable_child(2).append<int32_t>(*d.offset);
      } else {
        dv.mutable_child(2).append_null();
      }
      dv.mutable_child(3).append<int32_t>(d.size_in_bytes);
      dv.mutable_child(4).append<int64_t>(d.cardinality);
    } else {
      dv.append_null();
    }
    put_opt_long(c.mutable_child(7), a.base_row_id);
    put_opt_long(c.mutable_child(8), a.default_row_commit_version);
    bytes += put_opt_string(c.mutable_child(9), a.clustering_provider);
    ++num_adds_;
    return end_row(bytes);
  }

  Status add_domain(const DomainMetadataAction& d) {
    Column& c = start_row(kDomain);
    size_t bytes = put_string(c.mutable_child(0), d.domain);
    bytes += put_string(c.mutable_child(1), d.configuration);
    c.mutable_child(2).append_bool(d.removed);
    return end_row(bytes);
  }

  Status add_checkpoint_metadata(int64_t version) {
    Column& c = start_row(kCheckpointMeta);
    c.mutable_child(0).append<int64_t>(version);
    put_map(c.mutable_child(1), std::map<std::string, std::string>{});
    return end_row(0);
  }

  Status add_remove(const RemoveFile& r) {
    Column& c = start_row(kRemove);
    size_t bytes = put_string(c.mutable_child(0), r.path);
    put_opt_long(c.mutable_child(1), r.deletion_timestamp);
    c.mutable_child(2).append_bool(r.data_change);
    if (r.extended_file_metadata) {
      c.mutable_child(3).append_bool(true);
      bytes += put_map(c.mutable_child(4), r.partition_values);
      put_opt_long(c.mutable_child(5), r.size);
    } else {
      // As Spark writes a remove without them: the extended fields are null.
      for (size_t i = 3; i <= 5; ++i) c.mutable_child(i).append_null();
    }
    put_opt_long(c.mutable_child(6), r.base_row_id);
    put_opt_long(c.mutable_child(7), r.default_row_commit_version);
    return end_row(bytes);
  }

  /// Write the last row group and the footer, and close the stream; the file's size.
  Result<int64_t> finish() {
    LS_RETURN_NOT_OK(flush());
    LS_RETURN_NOT_OK(wait_encoder());
    LS_ASSIGN_OR_RAISE(ParquetFileInfo info, writer_->close());
    return info.file_size;
  }

  void abort() {
    (void)wait_encoder();
    if (writer_) writer_->abort();
  }

  int64_t num_rows() const { return num_rows_; }
  int64_t num_adds() const { return num_adds_; }

 private:
  /// Begin a row holding an action in top-level column `column`: the other columns get a null
  /// row, and the caller appends one value to each of the returned struct's members.
  Column& start_row(int column) {
    // The other columns' null rows are owed until that column's next action or the batch's end.
    append_nulls(*(*columns_)[column], rows_in_batch_ - (*columns_)[column]->length());
    Column& c = *(*columns_)[column];
    c.append_struct_valid();
    return c;
  }

  Status end_row(size_t bytes) {
    ++num_rows_;
    ++rows_in_batch_;
    buffered_ += static_cast<int64_t>(bytes) + 64;  // the fixed-width values and levels
    if (rows_in_batch_ >= options_.max_rows_per_row_group ||
        buffered_ >= options_.max_bytes_per_row_group) {
      return flush();
    }
    return Status::OK();
  }

  /// Hand the open batch to the encoder thread, which writes it as one row group while the
  /// caller fills the other column set: reading the previous checkpoint and building rows
  /// overlap with encoding and writing (two row groups in memory at most).
  Status flush() {
    if (rows_in_batch_ == 0) return Status::OK();
    for (const ColumnPtr& c : *columns_) append_nulls(*c, rows_in_batch_ - c->length());
    LS_RETURN_NOT_OK(wait_encoder());  // the other set is free again
    const std::vector<ColumnPtr>* batch = columns_;
    encoder_ = std::async(std::launch::async, [this, batch]() -> Status {
      LS_RETURN_NOT_OK(writer_->write(RecordBatch(schema_, *batch)));
      LS_RETURN_NOT_OK(writer_->flush_row_group());
      for (const ColumnPtr& c : *batch) c->truncate(0);
      return Status::OK();
    });
    columns_ = columns_ == &sets_[0] ? &sets_[1] : &sets_[0];
    rows_in_batch_ = 0;
    buffered_ = 0;
    return Status::OK();
  }

  /// Wait for the row group being encoded, if any; its outcome.
  Status wait_encoder() {
    if (!encoder_.valid()) return Status::OK();
    return encoder_.get();
  }

  CheckpointWriteOptions options_;
  const Schema& schema_;
  std::array<std::vector<ColumnPtr>, 2> sets_;   ///< filled here / encoded there, in turn
  std::vector<ColumnPtr>* columns_ = &sets_[0];  ///< the set being filled
  std::future<Status> encoder_;                  ///< the row group being encoded
  std::unique_ptr<ParquetWriter> writer_;
  int64_t num_rows_ = 0;
  int64_t num_adds_ = 0;
  int64_t rows_in_batch_ = 0;
  int64_t buffered_ = 0;
};

/// Stream the actions `emit` gives a CheckpointFileWriter into the checkpoint file of `version`,
/// then write _last_checkpoint. `emit` returning an error aborts the file: nothing is visible.
/// `v2`: the table has the v2Checkpoint feature, so the checkpoint is a UUID-named v2-spec one
/// ("<v>.checkpoint.<uuid>.parquet", with its checkpointMetadata row; no sidecars: the file
/// actions stay in it), which the protocol asks of such tables instead of a v1 one.
Status write_checkpoint_file(FileSystem& fs, const std::string& table_path, int64_t version,
                             const CheckpointWriteOptions& options, bool v2,
                             const std::function<Status(CheckpointFileWriter&)>& emit) {
  std::string name = checkpoint_file_path(version);
  if (v2) {
    name =
        name.substr(0, name.size() - std::string_view("parquet").size()) + uuid_v4() + ".parquet";
  }
  const std::string path_out = join_path(table_path, name);
  LS_ASSIGN_OR_RAISE(auto out, fs.open_output_stream(path_out));
  CheckpointFileWriter writer(options, v2);
  Status written = writer.open(std::move(out));
  if (written.ok() && v2) written = writer.add_checkpoint_metadata(version);
  if (written.ok()) written = emit(writer);
  Result<int64_t> size_in_bytes = written.ok() ? writer.finish() : Result<int64_t>(written);
  if (!size_in_bytes.ok()) {
    writer.abort();
    return size_in_bytes.status().with_context("writing checkpoint " + fs.describe(path_out));
  }
  // Only now that the checkpoint is complete and visible does _last_checkpoint name it.
  nlohmann::ordered_json last{{"version", version},
                              {"size", writer.num_rows()},
                              {"sizeInBytes", *size_in_bytes},
                              {"numOfAddFiles", writer.num_adds()}};
  if (v2) {
    // As Delta's writers describe a UUID-named checkpoint, so a reader need not list to find it.
    last["v2Checkpoint"] = {{"path", name.substr(name.rfind('/') + 1)},
                            {"sizeInBytes", *size_in_bytes},
                            {"modificationTime", wall_clock_ms()}};
  }
  const std::string last_path = join_path(table_path, "_delta_log/_last_checkpoint");
  Status st = fs.write_file(last_path, last.dump());
  if (!st.ok()) return st.with_context("writing " + fs.describe(last_path));
  return Status::OK();
}

/// Whether the table's checkpoints must be v2-spec (the v2Checkpoint writer feature).
bool uses_v2_checkpoints(const ProtocolAction& protocol) {
  return protocol.min_writer_version >= 7 &&
         std::find(protocol.writer_features.begin(), protocol.writer_features.end(),
                   "v2Checkpoint") != protocol.writer_features.end();
}

/// The final action on a path among the commits replayed on top of a checkpoint.
struct Touched {
  bool live = false;  ///< an add (else a remove: a tombstone)
  AddFile add;
  RemoveFile remove;
};

}  // namespace

Status write_checkpoint(const Snapshot& snapshot, const CheckpointWriteOptions& options) {
  return write_checkpoint_file(snapshot.file_system(), snapshot.table_path(), snapshot.version(),
                               options, uses_v2_checkpoints(snapshot.protocol()),
                               [&](CheckpointFileWriter& w) -> Status {
                                 LS_RETURN_NOT_OK(w.add_protocol(snapshot.protocol()));
                                 LS_RETURN_NOT_OK(w.add_metadata(snapshot.metadata()));
                                 for (const auto& [name, d] : snapshot.domain_metadata()) {
                                   LS_RETURN_NOT_OK(w.add_domain(d));
                                 }
                                 for (const auto& [app, version] : snapshot.txn_versions()) {
                                   LS_RETURN_NOT_OK(w.add_txn(app, version));
                                 }
                                 for (const LiveFile& f : snapshot.files())
                                   LS_RETURN_NOT_OK(w.add_file(f.add));
                                 for (const RemoveFile& r : snapshot.tombstones())
                                   LS_RETURN_NOT_OK(w.add_remove(r));
                                 return Status::OK();
                               });
}

Status write_checkpoint_at(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                           int64_t version, const CheckpointWriteOptions& options) {
  FileSystem& fsr = *fs;
  const std::string where = fsr.describe(table_path);
  LS_ASSIGN_OR_RAISE(LogSegment seg, find_log_segment(fsr, table_path, version));
  if (seg.version != version) {
    return Status::Internal("no log segment for version " + std::to_string(version));
  }
  // 1. The commits after the base checkpoint, as Snapshot::load applies them (removes, then
  //    adds, of each commit in turn), keyed by decoded path: the final action per path.
  std::optional<ProtocolAction> protocol;
  std::optional<MetadataAction> metadata;
  std::map<std::string, int64_t> commit_txns;
  std::vector<DomainMetadataAction> commit_domains;  // in commit order
  std::unordered_map<std::string, Touched> touched;
  // Keyed as Snapshot::load keys files: the canonical path (snapshot.h resolve_log_path).
  auto canonical_path = [&](const std::string& uri_path) -> Result<std::string> {
    LS_ASSIGN_OR_RAISE(std::string decoded, decode_add_path(uri_path));
    return resolve_log_path(table_path, decoded);
  };
  for (int64_t v : seg.commits) {
    const std::string path = join_path(table_path, commit_file_path(v));
    LS_ASSIGN_OR_RAISE(std::string text, fsr.read_file(path));
    LS_ASSIGN_OR_RAISE(CommitActions actions, parse_commit(text, fsr.describe(path)));
    if (actions.protocol) protocol = std::move(actions.protocol);
    if (actions.metadata) metadata = std::move(actions.metadata);
    for (const TxnAction& t : actions.txns) commit_txns[t.app_id] = t.version;
    std::move(actions.domain_metadata.begin(), actions.domain_metadata.end(),
              std::back_inserter(commit_domains));
    for (RemoveFile& r : actions.removes) {
      LS_ASSIGN_OR_RAISE(std::string key, canonical_path(r.path));
      Touched& t = touched[key];
      t.live = false;
      t.add = AddFile{};
      t.remove = std::move(r);
    }
    for (AddFile& a : actions.adds) {
      LS_ASSIGN_OR_RAISE(std::string key, canonical_path(a.path));
      Touched& t = touched[key];
      t.live = true;
      t.add = std::move(a);
      t.remove = RemoveFile{};
    }
  }
  // The form of the checkpoint follows the protocol at `version`: from the commits, else the
  // base checkpoint's (a UUID-named one exists only on v2Checkpoint tables).
  bool v2 = false;
  if (protocol) {
    v2 = uses_v2_checkpoints(*protocol);
  } else if (seg.checkpoint && !seg.checkpoint->uuid_file.empty()) {
    v2 = true;
  } else if (seg.checkpoint) {
    LS_ASSIGN_OR_RAISE(std::optional<ProtocolAction> base_protocol,
                       read_checkpoint_protocol(fsr, table_path, *seg.checkpoint));
    v2 = base_protocol && uses_v2_checkpoints(*base_protocol);
  }
  return write_checkpoint_file(
      fsr, table_path, version, options, v2, [&](CheckpointFileWriter& w) -> Status {
        // 2. The base checkpoint, one row group at a time: what the commits did not touch.
        std::map<std::string, int64_t> txns;
        std::map<std::string, DomainMetadataAction> domains;
        // Whether the commits decide `path` (compared canonically: escapes and spellings of
        // one file may differ).
        auto is_touched = [&](const std::string& path) -> Result<bool> {
          if (touched.empty()) return false;
          LS_ASSIGN_OR_RAISE(std::string key, canonical_path(path));
          return touched.count(key) > 0;
        };
        if (seg.checkpoint) {
          LS_RETURN_NOT_OK(for_each_checkpoint_batch(
              fsr, table_path, *seg.checkpoint, [&](CommitActions& batch) -> Status {
                if (batch.protocol && !protocol) protocol = std::move(batch.protocol);
                if (batch.metadata && !metadata) metadata = std::move(batch.metadata);
                for (const TxnAction& t : batch.txns) txns[t.app_id] = t.version;
                apply_domain_metadata(domains, batch.domain_metadata);
                for (const RemoveFile& r : batch.removes) {
                  LS_ASSIGN_OR_RAISE(bool skip, is_touched(r.path));
                  if (!skip) LS_RETURN_NOT_OK(w.add_remove(r));
                }
                for (const AddFile& a : batch.adds) {
                  LS_ASSIGN_OR_RAISE(bool skip, is_touched(a.path));
                  if (skip) continue;
                  LS_RETURN_NOT_OK(w.add_file(a));
                }
                return Status::OK();
              }));
        }
        // 3. The touched paths, the txn versions, metaData and protocol.
        for (const auto& [key, t] : touched) {
          LS_RETURN_NOT_OK(t.live ? w.add_file(t.add) : w.add_remove(t.remove));
        }
        for (const auto& [app, v] : commit_txns) txns[app] = v;
        for (const auto& [app, v] : txns) LS_RETURN_NOT_OK(w.add_txn(app, v));
        // Every domain is kept, known or not (PROTOCOL.md "Domain Metadata"); removed ones go.
        apply_domain_metadata(domains, commit_domains);
        for (const auto& [name, d] : domains) LS_RETURN_NOT_OK(w.add_domain(d));
        if (!protocol)
          return Status::Corrupt("the Delta table at " + where + " has no protocol action");
        if (!metadata)
          return Status::Corrupt("the Delta table at " + where + " has no metaData action");
        // A table this reader refuses gets no checkpoint from us either: it could not carry
        // what such tables need.
        LS_RETURN_NOT_OK(check_reader_protocol(*protocol, &*metadata, where));
        LS_RETURN_NOT_OK(w.add_metadata(*metadata));
        return w.add_protocol(*protocol);
      });
}

Status checkpoint_if_due(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                         int64_t version, const MetadataAction& metadata) {
  if (!checkpoint_due(version, metadata)) return Status::OK();
  return write_checkpoint_at(fs, table_path, version);
}

}  // namespace lakestream
