// Writing Parquet checkpoints. The general Parquet writer takes flat schemas only; a checkpoint
// needs structs, maps and lists, so this file shreds the actions straight into the leaf
// columns' level and value buffers (Dremel repetition/definition levels), writes each row group
// (uncompressed PLAIN data pages v1 with RLE levels) to the output stream as soon as it is
// full, and ends with the Thrift footer listing every row group, through parquet/thrift_compact.
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/partition.h"
#include "lakestream/version.h"
#include "parquet/thrift_compact.h"

namespace lakestream {
namespace {

using parquet::CompactType;
using parquet::ThriftCompactWriter;

enum class Kind : uint8_t { kGroup, kList, kMap, kString, kLong, kInt, kBool };

/// A node of the checkpoint's Parquet schema.
struct Node {
  std::string name;
  Kind kind;
  bool required = false;       ///< only map keys
  std::vector<Node> children;  ///< group: fields; list: {element}; map: {key, value}
  int first_leaf = 0;
  int num_leaves = 0;
};

Node leaf(std::string name, Kind kind) { return Node{std::move(name), kind, false, {}, 0, 0}; }
Node grp(std::string name, std::vector<Node> children) {
  return Node{std::move(name), Kind::kGroup, false, std::move(children), 0, 0};
}
Node list_of_strings(std::string name) {
  return Node{std::move(name), Kind::kList, false, {leaf("element", Kind::kString)}, 0, 0};
}
Node map_of_strings(std::string name) {
  Node key = leaf("key", Kind::kString);
  key.required = true;
  return Node{std::move(name), Kind::kMap, false, {key, leaf("value", Kind::kString)}, 0, 0};
}

/// The columns of a checkpoint, as Delta's PROTOCOL.md lists them (the fields we write).
Node checkpoint_schema() {
  return grp(
      "spark_schema",
      {grp("txn", {leaf("appId", Kind::kString), leaf("version", Kind::kLong),
                   leaf("lastUpdated", Kind::kLong)}),
       grp("add", {leaf("path", Kind::kString), map_of_strings("partitionValues"),
                   leaf("size", Kind::kLong), leaf("modificationTime", Kind::kLong),
                   leaf("dataChange", Kind::kBool), leaf("stats", Kind::kString),
                   grp("deletionVector",
                       {leaf("storageType", Kind::kString), leaf("pathOrInlineDv", Kind::kString),
                        leaf("offset", Kind::kInt), leaf("sizeInBytes", Kind::kInt),
                        leaf("cardinality", Kind::kLong)})}),
       grp("remove", {leaf("path", Kind::kString), leaf("deletionTimestamp", Kind::kLong),
                      leaf("dataChange", Kind::kBool)}),
       grp("metaData", {leaf("id", Kind::kString), leaf("name", Kind::kString),
                        leaf("description", Kind::kString),
                        grp("format", {leaf("provider", Kind::kString), map_of_strings("options")}),
                        leaf("schemaString", Kind::kString), list_of_strings("partitionColumns"),
                        map_of_strings("configuration"), leaf("createdTime", Kind::kLong)}),
       grp("protocol", {leaf("minReaderVersion", Kind::kInt), leaf("minWriterVersion", Kind::kInt),
                        list_of_strings("readerFeatures"), list_of_strings("writerFeatures")})});
}

/// A leaf column: its place in the schema, and its levels and values in the current row group.
struct Leaf {
  const Node* node = nullptr;
  std::vector<std::string> path;
  int max_def = 0;
  int max_rep = 0;
  std::vector<uint8_t> defs;
  std::vector<uint8_t> reps;
  std::string values;  ///< PLAIN; booleans one byte each, packed into bits when written
};

void collect_leaves(Node& n, std::vector<std::string>& path, int def, int rep,
                    std::vector<Leaf>& leaves) {
  n.first_leaf = static_cast<int>(leaves.size());
  switch (n.kind) {
    case Kind::kGroup:
      for (Node& c : n.children) {
        path.push_back(c.name);
        collect_leaves(c, path, def + 1, rep, leaves);
        path.pop_back();
      }
      break;
    case Kind::kList:
      path.push_back("list");
      path.push_back("element");
      collect_leaves(n.children[0], path, def + 2, rep + 1, leaves);
      path.resize(path.size() - 2);
      break;
    case Kind::kMap:
      path.push_back("key_value");
      for (Node& c : n.children) {
        path.push_back(c.name);
        collect_leaves(c, path, c.required ? def + 1 : def + 2, rep + 1, leaves);
        path.pop_back();
      }
      path.pop_back();
      break;
    default: {
      Leaf l;
      l.node = &n;
      l.path = path;
      l.max_def = def;
      l.max_rep = rep;
      leaves.push_back(std::move(l));
    }
  }
  n.num_leaves = static_cast<int>(leaves.size()) - n.first_leaf;
}

int bit_width(int max_level) {
  int w = 0;
  while ((1 << w) <= max_level) ++w;
  return w;
}

/// RLE runs of `levels`, prefixed with their byte length (data page v1), appended to `out`.
void append_levels(std::string& out, const std::vector<uint8_t>& levels, int max_level) {
  const size_t start = out.size();
  out.append(4, '\0');
  const int bytes = (bit_width(max_level) + 7) / 8;
  for (size_t i = 0; i < levels.size();) {
    size_t j = i;
    while (j < levels.size() && levels[j] == levels[i]) ++j;
    parquet::append_uvarint(&out, static_cast<uint64_t>(j - i) << 1);
    for (int b = 0; b < bytes; ++b) out.push_back(static_cast<char>(levels[i] >> (8 * b)));
    i = j;
  }
  const uint32_t len = static_cast<uint32_t>(out.size() - start - 4);
  std::memcpy(out.data() + start, &len, 4);
}

int32_t physical_type(Kind k) {
  switch (k) {
    case Kind::kBool:
      return 0;
    case Kind::kInt:
      return 1;
    case Kind::kLong:
      return 2;
    default:
      return 6;  // BYTE_ARRAY
  }
}

void write_schema(ThriftCompactWriter& w, const Node& n, bool root) {
  auto element = [&](const std::string& name, int repetition, int children, int converted,
                     int type) {
    w.struct_begin();
    if (type >= 0) w.field_i32(1, type);
    if (repetition >= 0) w.field_i32(3, repetition);
    w.field_binary(4, name);
    if (children >= 0) w.field_i32(5, children);
    if (converted >= 0) w.field_i32(6, converted);
    w.struct_end();
  };
  const int rep = root ? -1 : (n.required ? 0 : 1);
  switch (n.kind) {
    case Kind::kGroup:
      element(n.name, rep, static_cast<int>(n.children.size()), -1, -1);
      for (const Node& c : n.children) write_schema(w, c, false);
      break;
    case Kind::kList:
      element(n.name, rep, 1, 3 /*LIST*/, -1);
      element("list", 2, 1, -1, -1);
      write_schema(w, n.children[0], false);
      break;
    case Kind::kMap:
      element(n.name, rep, 1, 1 /*MAP*/, -1);
      element("key_value", 2, 2, 2 /*MAP_KEY_VALUE*/, -1);
      write_schema(w, n.children[0], false);
      write_schema(w, n.children[1], false);
      break;
    default:
      element(n.name, rep, -1, n.kind == Kind::kString ? 0 /*UTF8*/ : -1, physical_type(n.kind));
  }
}

int count_schema_elements(const Node& n) {
  int count = 1;
  if (n.kind == Kind::kList) count += 1;
  if (n.kind == Kind::kMap) count += 1;
  for (const Node& c : n.children) count += count_schema_elements(c);
  return count;
}

/// The checkpoint's schema and leaves, built once.
struct CheckpointSchema {
  Node root;
  std::vector<Leaf> leaves;  ///< buffers unused: a template the writers copy
  CheckpointSchema() : root(checkpoint_schema()) {
    std::vector<std::string> path;
    for (Node& c : root.children) {
      path.assign(1, c.name);
      collect_leaves(c, path, 1, 0, leaves);
    }
    root.first_leaf = 0;
    root.num_leaves = static_cast<int>(leaves.size());
  }
};

const CheckpointSchema& schema_of_checkpoints() {
  static const CheckpointSchema schema;
  return schema;
}

/// Writes one checkpoint file to `out`: add actions one at a time, finish() once. Each action
/// is shredded into the leaves at once; a full row group is written out and its buffers reused.
class CheckpointFileWriter {
 public:
  enum Column { kTxn, kAdd, kRemove, kMeta, kProtocol };

  CheckpointFileWriter(OutputStream& out, const CheckpointWriteOptions& options)
      : out_(out), options_(options), schema_(schema_of_checkpoints()), leaves_(schema_.leaves) {}

  Status begin() { return out_.write("PAR1"); }

  Status add_protocol(const ProtocolAction& p) {
    const Node& n = start_row(kProtocol);
    put_int(n.children[0], 1, p.min_reader_version);
    put_int(n.children[1], 1, p.min_writer_version);
    put_list(n.children[2], 1, p.reader_features, /*null_when_empty=*/true);
    put_list(n.children[3], 1, p.writer_features, /*null_when_empty=*/true);
    return end_row();
  }

  Status add_metadata(const MetadataAction& m) {
    const Node& n = start_row(kMeta);
    put_string(n.children[0], 1, m.id);
    put_opt_string(n.children[1], 1, m.name);
    put_opt_string(n.children[2], 1, m.description);
    const Node& format = n.children[3];
    put_string(format.children[0], 2, m.format_provider);
    put_map(format.children[1], 2, std::vector<std::pair<std::string, std::string>>{});
    put_string(n.children[4], 1, m.schema_string);
    put_list(n.children[5], 1, m.partition_columns, /*null_when_empty=*/false);
    put_map(n.children[6], 1, m.configuration);
    put_opt_long(n.children[7], 1, m.created_time);
    return end_row();
  }

  Status add_txn(const std::string& app_id, int64_t version) {
    const Node& n = start_row(kTxn);
    put_string(n.children[0], 1, app_id);
    put_long(n.children[1], 1, version);
    put_opt_long(n.children[2], 1, std::nullopt);
    return end_row();
  }

  Status add_file(const AddFile& a) {
    const Node& n = start_row(kAdd);
    put_string(n.children[0], 1, a.path);
    put_map(n.children[1], 1, a.partition_values);
    put_long(n.children[2], 1, a.size);
    put_long(n.children[3], 1, a.modification_time);
    put_bool(n.children[4], 1, a.data_change);
    put_opt_string(n.children[5], 1, a.stats);
    const Node& dv = n.children[6];
    if (a.deletion_vector) {
      const DeletionVectorDescriptor& d = *a.deletion_vector;
      put_string(dv.children[0], 2, std::string(1, d.storage_type));
      put_string(dv.children[1], 2, d.path_or_inline_dv);
      if (d.offset) {
        put_int(dv.children[2], 2, *d.offset);
      } else {
        put_null(dv.children[2], 0, 2);
      }
      put_int(dv.children[3], 2, d.size_in_bytes);
      put_long(dv.children[4], 2, d.cardinality);
    } else {
      put_null(dv, 0, 1);
    }
    ++num_adds_;
    return end_row();
  }

  Status add_remove(const RemoveFile& r) {
    const Node& n = start_row(kRemove);
    put_string(n.children[0], 1, r.path);
    put_opt_long(n.children[1], 1, r.deletion_timestamp);
    put_bool(n.children[2], 1, r.data_change);
    return end_row();
  }

  /// Write the last row group and the footer (the stream is left open).
  Status finish() {
    LS_RETURN_NOT_OK(flush_row_group());
    std::string footer;
    ThriftCompactWriter w(&footer);
    w.struct_begin();
    w.field_i32(1, 1);
    w.field_list_begin(2, CompactType::kStruct, count_schema_elements(schema_.root));
    write_schema(w, schema_.root, true);
    w.field_i64(3, num_rows_);
    w.field_list_begin(4, CompactType::kStruct, static_cast<int32_t>(row_groups_.size()));
    for (const RowGroup& rg : row_groups_) {
      w.struct_begin();
      w.field_list_begin(1, CompactType::kStruct, static_cast<int32_t>(leaves_.size()));
      int64_t total = 0;
      for (size_t i = 0; i < leaves_.size(); ++i) {
        const Leaf& l = leaves_[i];
        const Chunk& c = rg.chunks[i];
        total += c.size;
        w.struct_begin();
        w.field_i64(2, c.offset);
        w.field_struct_begin(3);
        w.field_i32(1, physical_type(l.node->kind));
        w.field_list_begin(2, CompactType::kI32, 2);
        w.write_i32(0);
        w.write_i32(3);
        w.field_list_begin(3, CompactType::kBinary, static_cast<int32_t>(l.path.size()));
        for (const std::string& part : l.path) w.write_binary(part);
        w.field_i32(4, 0);  // UNCOMPRESSED
        w.field_i64(5, c.num_values);
        w.field_i64(6, c.size);
        w.field_i64(7, c.size);
        w.field_i64(9, c.offset);
        w.struct_end();
        w.struct_end();
      }
      w.field_i64(2, total);
      w.field_i64(3, rg.num_rows);
      w.struct_end();
    }
    w.field_binary(6, std::string("lakestream version ") + kVersion);
    w.struct_end();
    const uint32_t footer_len = static_cast<uint32_t>(footer.size());
    footer.append(reinterpret_cast<const char*>(&footer_len), 4);
    footer += "PAR1";
    return out_.write(footer);
  }

  int64_t num_rows() const { return num_rows_; }
  int64_t num_adds() const { return num_adds_; }
  int64_t num_row_groups() const { return static_cast<int64_t>(row_groups_.size()); }

 private:
  struct Chunk {
    int64_t offset, size, num_values;
  };
  struct RowGroup {
    int64_t num_rows = 0;
    std::vector<Chunk> chunks;
  };

  /// Begin a row holding an action in top-level column `column` (the others are null in it);
  /// returns that column's node. The column's fields are then put with definition level 1.
  const Node& start_row(int column) {
    for (size_t c = 0; c < schema_.root.children.size(); ++c) {
      if (static_cast<int>(c) != column) put_null(schema_.root.children[c], 0, 0);
    }
    return schema_.root.children[column];
  }

  Status end_row() {
    ++num_rows_;
    ++rows_in_group_;
    buffered_ += static_cast<int64_t>(leaves_.size()) * 2;  // the levels
    if (rows_in_group_ >= options_.max_rows_per_row_group ||
        buffered_ >= options_.max_bytes_per_row_group) {
      return flush_row_group();
    }
    return Status::OK();
  }

  // The put_ functions write a field of node `n` whose parent is present at definition level
  // `def`, in a row (or map/list entry) starting at repetition level `rep`.
  void level(Leaf& l, int rep, int def) {
    l.reps.push_back(static_cast<uint8_t>(rep));
    l.defs.push_back(static_cast<uint8_t>(def));
  }
  void put_null(const Node& n, int rep, int def) {
    for (int i = n.first_leaf; i < n.first_leaf + n.num_leaves; ++i) level(leaves_[i], rep, def);
  }
  void put_string(const Node& n, int def, std::string_view s, int rep = 0) {
    Leaf& l = leaves_[n.first_leaf];
    level(l, rep, n.required ? def : def + 1);
    const uint32_t len = static_cast<uint32_t>(s.size());
    l.values.append(reinterpret_cast<const char*>(&len), 4);
    l.values.append(s);
    buffered_ += static_cast<int64_t>(s.size()) + 4;
  }
  /// An optional string field: "" is null.
  void put_opt_string(const Node& n, int def, const std::string& s) {
    if (s.empty()) {
      put_null(n, 0, def);
    } else {
      put_string(n, def, s);
    }
  }
  template <typename T>
  void put_fixed(const Node& n, int def, T v) {
    Leaf& l = leaves_[n.first_leaf];
    level(l, 0, def + 1);
    l.values.append(reinterpret_cast<const char*>(&v), sizeof v);
    buffered_ += sizeof v;
  }
  void put_long(const Node& n, int def, int64_t v) { put_fixed<int64_t>(n, def, v); }
  void put_int(const Node& n, int def, int32_t v) { put_fixed<int32_t>(n, def, v); }
  void put_bool(const Node& n, int def, bool v) {
    put_fixed<uint8_t>(n, def, static_cast<uint8_t>(v ? 1 : 0));
  }
  void put_opt_long(const Node& n, int def, const std::optional<int64_t>& v) {
    if (v) {
      put_long(n, def, *v);
    } else {
      put_null(n, 0, def);
    }
  }
  /// A list<string> at the top of the row's repetition (its elements repeat at level 1):
  /// present and empty, or null when empty and `null_when_empty`.
  void put_list(const Node& n, int def, const std::vector<std::string>& items,
                bool null_when_empty) {
    if (items.empty()) {
      put_null(n, 0, null_when_empty ? def : def + 1);
      return;
    }
    // list (def + 1) > repeated "list" (def + 2) > optional element (def + 3)
    for (size_t k = 0; k < items.size(); ++k)
      put_string(n.children[0], def + 2, items[k], k ? 1 : 0);
  }
  /// A map<string, string> (never null: empty when it has no entry). Values are strings or
  /// optional strings (nullopt is a null value).
  template <typename Pairs>
  void put_map(const Node& n, int def, const Pairs& pairs) {
    if (pairs.empty()) {
      put_null(n, 0, def + 1);
      return;
    }
    // map (def + 1) > repeated key_value (def + 2) > required key (def + 2), optional value
    int rep = 0;
    for (const auto& [key, value] : pairs) {
      put_string(n.children[0], def + 2, key, rep);
      const Node& v = n.children[1];
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::optional<std::string>>) {
        if (value) {
          put_string(v, def + 2, *value, rep);
        } else {
          put_null(v, rep, def + 2);
        }
      } else {
        put_string(v, def + 2, value, rep);
      }
      rep = 1;
    }
  }

  Status flush_row_group() {
    if (rows_in_group_ == 0) return Status::OK();
    RowGroup rg;
    rg.num_rows = rows_in_group_;
    rg.chunks.reserve(leaves_.size());
    for (Leaf& l : leaves_) {
      levels_.clear();
      if (l.max_rep > 0) append_levels(levels_, l.reps, l.max_rep);
      if (l.max_def > 0) append_levels(levels_, l.defs, l.max_def);
      std::string_view values = l.values;
      if (l.node->kind == Kind::kBool) {
        bits_.assign((l.values.size() + 7) / 8, '\0');
        for (size_t i = 0; i < l.values.size(); ++i) {
          if (l.values[i]) bits_[i / 8] = static_cast<char>(bits_[i / 8] | (1 << (i % 8)));
        }
        values = bits_;
      }
      const int64_t page_size = static_cast<int64_t>(levels_.size() + values.size());
      if (page_size > INT32_MAX) {
        return Status::InvalidArgument("a checkpoint page would exceed 2 GiB");
      }
      header_.clear();
      ThriftCompactWriter w(&header_);
      w.struct_begin();
      w.field_i32(1, 0);  // DATA_PAGE
      w.field_i32(2, static_cast<int32_t>(page_size));
      w.field_i32(3, static_cast<int32_t>(page_size));
      w.field_struct_begin(5);
      w.field_i32(1, static_cast<int32_t>(l.defs.size()));
      w.field_i32(2, 0);  // PLAIN
      w.field_i32(3, 3);  // RLE
      w.field_i32(4, 3);  // RLE
      w.struct_end();
      w.struct_end();
      const int64_t offset = out_.tell();
      LS_RETURN_NOT_OK(out_.write(header_));
      LS_RETURN_NOT_OK(out_.write(levels_));
      LS_RETURN_NOT_OK(out_.write(values));
      rg.chunks.push_back({offset, static_cast<int64_t>(header_.size()) + page_size,
                           static_cast<int64_t>(l.defs.size())});
      l.defs.clear();
      l.reps.clear();
      l.values.clear();
    }
    row_groups_.push_back(std::move(rg));
    rows_in_group_ = 0;
    buffered_ = 0;
    return Status::OK();
  }

  OutputStream& out_;
  CheckpointWriteOptions options_;
  const CheckpointSchema& schema_;
  std::vector<Leaf> leaves_;
  std::vector<RowGroup> row_groups_;
  int64_t num_rows_ = 0;
  int64_t num_adds_ = 0;
  int64_t rows_in_group_ = 0;
  int64_t buffered_ = 0;
  std::string levels_, bits_, header_;  // scratch, reused for every page
};

/// Stream the actions `emit` gives a CheckpointFileWriter into the checkpoint file of `version`,
/// then write _last_checkpoint. `emit` returning an error aborts the file: nothing is visible.
Status write_checkpoint_file(FileSystem& fs, const std::string& table_path, int64_t version,
                             const CheckpointWriteOptions& options,
                             const std::function<Status(CheckpointFileWriter&)>& emit) {
  const std::string path_out = join_path(table_path, checkpoint_file_path(version));
  LS_ASSIGN_OR_RAISE(auto out, fs.open_output_stream(path_out));
  CheckpointFileWriter writer(*out, options);
  Status written = writer.begin();
  if (written.ok()) written = emit(writer);
  if (written.ok()) written = writer.finish();
  const int64_t size_in_bytes = out->tell();
  if (written.ok()) written = out->close();
  if (!written.ok()) {
    out->abort();
    return written.with_context("writing checkpoint " + fs.describe(path_out));
  }
  // Only now that the checkpoint is complete and visible does _last_checkpoint name it.
  nlohmann::ordered_json last{{"version", version},
                              {"size", writer.num_rows()},
                              {"sizeInBytes", size_in_bytes},
                              {"numOfAddFiles", writer.num_adds()}};
  const std::string last_path = join_path(table_path, "_delta_log/_last_checkpoint");
  Status st = fs.write_file(last_path, last.dump());
  if (!st.ok()) return st.with_context("writing " + fs.describe(last_path));
  return Status::OK();
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
                               options, [&](CheckpointFileWriter& w) -> Status {
                                 LS_RETURN_NOT_OK(w.add_protocol(snapshot.protocol()));
                                 LS_RETURN_NOT_OK(w.add_metadata(snapshot.metadata()));
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
  return write_checkpoint_file(
      fsr, table_path, version, options, [&](CheckpointFileWriter& w) -> Status {
        // 2. The base checkpoint, one row group at a time: what the commits did not touch.
        std::map<std::string, int64_t> txns;
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
