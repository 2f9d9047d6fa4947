// Writing Parquet checkpoints. The general Parquet writer takes flat schemas only; a checkpoint
// needs structs, maps and lists, so this file shreds the actions into leaf columns itself
// (Dremel repetition/definition levels) and writes one row group of uncompressed PLAIN data
// pages v1 with RLE levels, and the Thrift footer, through parquet/thrift_compact.
#include <nlohmann/json.hpp>

#include "lakestream/delta/checkpoint.h"
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

/// A value to shred: present or null; scalars in s/i; groups in `items` per field, lists and
/// maps in `items` per element (a map entry is a two-field group {key, value}).
struct Value {
  bool present = false;
  std::string s;
  int64_t i = 0;
  std::vector<Value> items;
};

Value null_value() { return Value{}; }
Value str(std::string_view s) { return Value{true, std::string(s), 0, {}}; }
Value opt_str(std::string_view s) { return s.empty() ? null_value() : str(s); }
Value num(int64_t v) { return Value{true, {}, v, {}}; }
Value opt_num(const std::optional<int64_t>& v) { return v ? num(*v) : null_value(); }
Value group(std::vector<Value> fields) { return Value{true, {}, 0, std::move(fields)}; }
Value string_list(const std::vector<std::string>& items) {
  Value v{true, {}, 0, {}};
  for (const std::string& s : items) v.items.push_back(str(s));
  return v;
}
template <typename Pairs>
Value string_map(const Pairs& pairs) {
  Value v{true, {}, 0, {}};
  for (const auto& [k, value] : pairs) {
    Value entry = group({str(k), null_value()});
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::optional<std::string>>) {
      if (value) entry.items[1] = str(*value);
    } else {
      entry.items[1] = str(value);
    }
    v.items.push_back(std::move(entry));
  }
  return v;
}

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
                   leaf("dataChange", Kind::kBool), leaf("stats", Kind::kString)}),
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

struct Leaf {
  const Node* node = nullptr;
  std::vector<std::string> path;
  int max_def = 0;
  int max_rep = 0;
  std::vector<uint8_t> defs;
  std::vector<uint8_t> reps;
  std::string values;  ///< PLAIN
  std::vector<bool> bools;
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

void emit_null(const Node& n, int rep, int def, std::vector<Leaf>& leaves) {
  for (int i = n.first_leaf; i < n.first_leaf + n.num_leaves; ++i) {
    leaves[i].reps.push_back(static_cast<uint8_t>(rep));
    leaves[i].defs.push_back(static_cast<uint8_t>(def));
  }
}

/// Shred `v` of node `n`; `def` is the definition level reached by the parent, `depth` the
/// repetition level of the innermost enclosing repeated field.
void shred(const Node& n, const Value& v, int rep, int def, int depth, std::vector<Leaf>& leaves) {
  if (!v.present && !n.required) {
    emit_null(n, rep, def, leaves);
    return;
  }
  const int here = n.required ? def : def + 1;
  switch (n.kind) {
    case Kind::kGroup:
      for (size_t i = 0; i < n.children.size(); ++i) {
        shred(n.children[i], i < v.items.size() ? v.items[i] : Value{}, rep, here, depth, leaves);
      }
      return;
    case Kind::kList:
    case Kind::kMap:
      if (v.items.empty()) {
        emit_null(n, rep, here, leaves);
        return;
      }
      for (size_t k = 0; k < v.items.size(); ++k) {
        const int r = k == 0 ? rep : depth + 1;
        if (n.kind == Kind::kList) {
          shred(n.children[0], v.items[k], r, here + 1, depth + 1, leaves);
        } else {
          const Value& entry = v.items[k];
          shred(n.children[0], entry.items[0], r, here + 1, depth + 1, leaves);
          shred(n.children[1], entry.items[1], r, here + 1, depth + 1, leaves);
        }
      }
      return;
    default: {
      Leaf& l = leaves[n.first_leaf];
      l.reps.push_back(static_cast<uint8_t>(rep));
      l.defs.push_back(static_cast<uint8_t>(here));
      switch (n.kind) {
        case Kind::kString: {
          const uint32_t len = static_cast<uint32_t>(v.s.size());
          l.values.append(reinterpret_cast<const char*>(&len), 4);
          l.values += v.s;
          break;
        }
        case Kind::kLong:
          l.values.append(reinterpret_cast<const char*>(&v.i), 8);
          break;
        case Kind::kInt: {
          const int32_t i32 = static_cast<int32_t>(v.i);
          l.values.append(reinterpret_cast<const char*>(&i32), 4);
          break;
        }
        case Kind::kBool:
          l.bools.push_back(v.i != 0);
          break;
        default:
          break;
      }
    }
  }
}

int bit_width(int max_level) {
  int w = 0;
  while ((1 << w) <= max_level) ++w;
  return w;
}

/// RLE runs of the levels, prefixed with their byte length (data page v1).
void append_levels(std::string& out, const std::vector<uint8_t>& levels, int max_level) {
  std::string runs;
  const int bytes = (bit_width(max_level) + 7) / 8;
  for (size_t i = 0; i < levels.size();) {
    size_t j = i;
    while (j < levels.size() && levels[j] == levels[i]) ++j;
    parquet::append_uvarint(&runs, static_cast<uint64_t>(j - i) << 1);
    for (int b = 0; b < bytes; ++b) runs.push_back(static_cast<char>(levels[i] >> (8 * b)));
    i = j;
  }
  const uint32_t len = static_cast<uint32_t>(runs.size());
  out.append(reinterpret_cast<const char*>(&len), 4);
  out += runs;
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

}  // namespace

Status write_checkpoint(const Snapshot& snapshot) {
  Node schema = checkpoint_schema();
  std::vector<Leaf> leaves;
  std::vector<std::string> path;
  schema.first_leaf = 0;
  for (Node& c : schema.children) {
    path.assign(1, c.name);
    collect_leaves(c, path, 1, 0, leaves);
  }
  schema.num_leaves = static_cast<int>(leaves.size());
  // One row per action; the other columns of the row are null.
  enum Column { kTxn, kAdd, kRemove, kMeta, kProtocol };
  int64_t num_rows = 0;
  auto add_row = [&](int column, Value v) {
    for (int c = 0; c < 5; ++c) {
      shred(schema.children[c], c == column ? v : Value{}, 0, 0, 0, leaves);
    }
    ++num_rows;
  };
  const ProtocolAction& p = snapshot.protocol();
  add_row(kProtocol,
          group({num(p.min_reader_version), num(p.min_writer_version),
                 p.reader_features.empty() ? null_value() : string_list(p.reader_features),
                 p.writer_features.empty() ? null_value() : string_list(p.writer_features)}));
  const MetadataAction& m = snapshot.metadata();
  add_row(kMeta,
          group({str(m.id), opt_str(m.name), opt_str(m.description),
                 group({str(m.format_provider), string_map(std::map<std::string, std::string>{})}),
                 str(m.schema_string), string_list(m.partition_columns),
                 string_map(m.configuration), opt_num(m.created_time)}));
  for (const auto& [app, version] : snapshot.txn_versions()) {
    add_row(kTxn, group({str(app), num(version), null_value()}));
  }
  for (const LiveFile& f : snapshot.files()) {
    const AddFile& a = f.add;
    add_row(kAdd, group({str(a.path), string_map(a.partition_values), num(a.size),
                         num(a.modification_time), num(a.data_change ? 1 : 0), opt_str(a.stats)}));
  }
  for (const RemoveFile& r : snapshot.tombstones()) {
    add_row(kRemove, group({str(r.path), opt_num(r.deletion_timestamp), num(r.data_change)}));
  }

  // ---- the file -----------------------------------------------------------------------
  std::string file = "PAR1";
  struct ChunkMeta {
    int64_t offset, size, num_values;
  };
  std::vector<ChunkMeta> chunks;
  for (Leaf& l : leaves) {
    std::string page;
    if (l.max_rep > 0) append_levels(page, l.reps, l.max_rep);
    if (l.max_def > 0) append_levels(page, l.defs, l.max_def);
    if (l.node->kind == Kind::kBool) {
      std::string bits((l.bools.size() + 7) / 8, '\0');
      for (size_t i = 0; i < l.bools.size(); ++i) {
        if (l.bools[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
      }
      page += bits;
    } else {
      page += l.values;
    }
    std::string header;
    ThriftCompactWriter w(&header);
    w.struct_begin();
    w.field_i32(1, 0);  // DATA_PAGE
    w.field_i32(2, static_cast<int32_t>(page.size()));
    w.field_i32(3, static_cast<int32_t>(page.size()));
    w.field_struct_begin(5);
    w.field_i32(1, static_cast<int32_t>(l.defs.size()));
    w.field_i32(2, 0);  // PLAIN
    w.field_i32(3, 3);  // RLE
    w.field_i32(4, 3);  // RLE
    w.struct_end();
    w.struct_end();
    chunks.push_back({static_cast<int64_t>(file.size()),
                      static_cast<int64_t>(header.size() + page.size()),
                      static_cast<int64_t>(l.defs.size())});
    file += header;
    file += page;
  }
  std::string footer;
  ThriftCompactWriter w(&footer);
  w.struct_begin();
  w.field_i32(1, 1);
  w.field_list_begin(2, CompactType::kStruct, count_schema_elements(schema));
  write_schema(w, schema, true);
  w.field_i64(3, num_rows);
  w.field_list_begin(4, CompactType::kStruct, 1);
  w.struct_begin();
  w.field_list_begin(1, CompactType::kStruct, static_cast<int32_t>(leaves.size()));
  int64_t total = 0;
  for (size_t i = 0; i < leaves.size(); ++i) {
    const Leaf& l = leaves[i];
    total += chunks[i].size;
    w.struct_begin();
    w.field_i64(2, chunks[i].offset);
    w.field_struct_begin(3);
    w.field_i32(1, physical_type(l.node->kind));
    w.field_list_begin(2, CompactType::kI32, 2);
    w.write_i32(0);
    w.write_i32(3);
    w.field_list_begin(3, CompactType::kBinary, static_cast<int32_t>(l.path.size()));
    for (const std::string& part : l.path) w.write_binary(part);
    w.field_i32(4, 0);  // UNCOMPRESSED
    w.field_i64(5, chunks[i].num_values);
    w.field_i64(6, chunks[i].size);
    w.field_i64(7, chunks[i].size);
    w.field_i64(9, chunks[i].offset);
    w.struct_end();
    w.struct_end();
  }
  w.field_i64(2, total);
  w.field_i64(3, num_rows);
  w.struct_end();
  w.field_binary(6, std::string("lakestream version ") + kVersion);
  w.struct_end();
  file += footer;
  const uint32_t footer_len = static_cast<uint32_t>(footer.size());
  file.append(reinterpret_cast<const char*>(&footer_len), 4);
  file += "PAR1";

  FileSystem& fs = snapshot.file_system();
  const std::string path_out =
      join_path(snapshot.table_path(), checkpoint_file_path(snapshot.version()));
  LS_ASSIGN_OR_RAISE(auto out, fs.open_output_stream(path_out));
  Status written = out->write(file);
  if (written.ok()) written = out->close();
  if (!written.ok()) {
    out->abort();
    return written.with_context("writing checkpoint " + fs.describe(path_out));
  }
  nlohmann::ordered_json last{{"version", snapshot.version()},
                              {"size", num_rows},
                              {"sizeInBytes", static_cast<int64_t>(file.size())},
                              {"numOfAddFiles", static_cast<int64_t>(snapshot.files().size())}};
  const std::string last_path = join_path(snapshot.table_path(), "_delta_log/_last_checkpoint");
  Status st = fs.write_file(last_path, last.dump());
  if (!st.ok()) return st.with_context("writing " + fs.describe(last_path));
  return Status::OK();
}

Status checkpoint_if_due(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                         int64_t version, const MetadataAction& metadata) {
  const int64_t interval = checkpoint_interval(metadata);
  if (version <= 0 || version % interval != 0) return Status::OK();
  LS_ASSIGN_OR_RAISE(Snapshot snapshot, Snapshot::load(fs, table_path, version));
  return write_checkpoint(snapshot);
}

}  // namespace lakestream
