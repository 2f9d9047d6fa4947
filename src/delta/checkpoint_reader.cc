// Reading Parquet checkpoints of the Delta log: each row holds one action in one of the
// struct columns txn, add, remove, metaData, protocol (the others are null in that row).
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "lakestream/delta/checkpoint.h"
#include "lakestream/parquet/parquet_reader.h"

namespace lakestream {
namespace {

/// A named child of a struct column, or nullptr.
const Column* child(const Column& c, std::string_view name) {
  const auto& fields = c.type()->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return c.child(i).get();
  }
  return nullptr;
}

std::optional<std::string> get_string(const Column* c, int64_t row) {
  if (!c || c->is_null(row)) return std::nullopt;
  if (c->type()->id() != TypeId::kString && c->type()->id() != TypeId::kBinary) {
    return std::nullopt;
  }
  return std::string(c->string_value(row));
}

std::optional<int64_t> get_int(const Column* c, int64_t row) {
  if (!c || c->is_null(row)) return std::nullopt;
  switch (c->type()->id()) {
    case TypeId::kLong:
      return c->value<int64_t>(row);
    case TypeId::kInt:
      return c->value<int32_t>(row);
    case TypeId::kShort:
      return c->value<int16_t>(row);
    case TypeId::kByte:
      return c->value<int8_t>(row);
    default:
      return std::nullopt;
  }
}

std::optional<bool> get_bool(const Column* c, int64_t row) {
  if (!c || c->is_null(row) || c->type()->id() != TypeId::kBoolean) return std::nullopt;
  return c->bool_value(row);
}

/// map<string,string> row as (key, value) pairs.
std::vector<std::pair<std::string, std::optional<std::string>>> get_map(const Column* c,
                                                                        int64_t row) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (!c || c->is_null(row) || c->type()->id() != TypeId::kMap) return out;
  const Column& keys = *c->child(0);
  const Column& values = *c->child(1);
  for (int32_t i = c->offset(row); i < c->offset(row + 1); ++i) {
    auto k = get_string(&keys, i);
    if (!k) continue;
    out.emplace_back(std::move(*k), get_string(&values, i));
  }
  return out;
}

std::vector<std::string> get_string_list(const Column* c, int64_t row) {
  std::vector<std::string> out;
  if (!c || c->is_null(row) || c->type()->id() != TypeId::kArray) return out;
  const Column& elements = *c->child(0);
  for (int32_t i = c->offset(row); i < c->offset(row + 1); ++i) {
    if (auto s = get_string(&elements, i)) out.push_back(std::move(*s));
  }
  return out;
}

Status read_rows(const RecordBatch& batch, const std::string& where, CommitActions& out) {
  const ColumnPtr txn = batch.column_by_name("txn");
  const ColumnPtr add = batch.column_by_name("add");
  const ColumnPtr remove = batch.column_by_name("remove");
  const ColumnPtr meta = batch.column_by_name("metaData");
  const ColumnPtr protocol = batch.column_by_name("protocol");
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    auto at = [&] { return where + " row " + std::to_string(row); };  // errors only
    if (add && add->is_valid(row)) {
      AddFile a;
      auto path = get_string(child(*add, "path"), row);
      if (!path) return Status::Corrupt(at() + ": add action without a path");
      a.path = std::move(*path);
      a.partition_values = get_map(child(*add, "partitionValues"), row);
      a.size = get_int(child(*add, "size"), row).value_or(0);
      a.modification_time = get_int(child(*add, "modificationTime"), row).value_or(0);
      a.data_change = get_bool(child(*add, "dataChange"), row).value_or(false);
      a.stats = get_string(child(*add, "stats"), row).value_or("");
      if (const Column* dv = child(*add, "deletionVector"); dv && dv->is_valid(row)) {
        DeletionVectorDescriptor d;
        auto type = get_string(child(*dv, "storageType"), row);
        auto where_dv = get_string(child(*dv, "pathOrInlineDv"), row);
        auto size = get_int(child(*dv, "sizeInBytes"), row);
        auto cardinality = get_int(child(*dv, "cardinality"), row);
        if (!type || type->size() != 1 || !where_dv || !size || !cardinality) {
          return Status::Corrupt(at() + ": deletionVector of " + a.path +
                                 " without a valid storageType, pathOrInlineDv, sizeInBytes "
                                 "or cardinality");
        }
        d.storage_type = (*type)[0];
        d.path_or_inline_dv = std::move(*where_dv);
        if (auto offset = get_int(child(*dv, "offset"), row)) {
          d.offset = static_cast<int32_t>(*offset);
        }
        d.size_in_bytes = static_cast<int32_t>(*size);
        d.cardinality = *cardinality;
        a.deletion_vector = std::move(d);
      }
      out.adds.push_back(std::move(a));
    }
    if (remove && remove->is_valid(row)) {
      RemoveFile r;
      auto path = get_string(child(*remove, "path"), row);
      if (!path) return Status::Corrupt(at() + ": remove action without a path");
      r.path = std::move(*path);
      r.deletion_timestamp = get_int(child(*remove, "deletionTimestamp"), row);
      r.data_change = get_bool(child(*remove, "dataChange"), row).value_or(false);
      r.extended_file_metadata =
          get_bool(child(*remove, "extendedFileMetadata"), row).value_or(false);
      if (r.extended_file_metadata) {
        r.partition_values = get_map(child(*remove, "partitionValues"), row);
        r.size = get_int(child(*remove, "size"), row);
      }
      out.removes.push_back(std::move(r));
    }
    if (txn && txn->is_valid(row)) {
      TxnAction t;
      auto app = get_string(child(*txn, "appId"), row);
      auto version = get_int(child(*txn, "version"), row);
      if (!app || !version) return Status::Corrupt(at() + ": txn action without appId/version");
      t.app_id = std::move(*app);
      t.version = *version;
      t.last_updated = get_int(child(*txn, "lastUpdated"), row);
      out.txns.push_back(std::move(t));
    }
    if (meta && meta->is_valid(row)) {
      MetadataAction m;
      auto id = get_string(child(*meta, "id"), row);
      auto schema = get_string(child(*meta, "schemaString"), row);
      if (!id || !schema) return Status::Corrupt(at() + ": metaData without id/schemaString");
      m.id = std::move(*id);
      m.schema_string = std::move(*schema);
      m.name = get_string(child(*meta, "name"), row).value_or("");
      m.description = get_string(child(*meta, "description"), row).value_or("");
      if (const Column* format = child(*meta, "format"); format && format->is_valid(row)) {
        m.format_provider = get_string(child(*format, "provider"), row).value_or("parquet");
      }
      m.partition_columns = get_string_list(child(*meta, "partitionColumns"), row);
      for (auto& [k, v] : get_map(child(*meta, "configuration"), row)) {
        if (v) m.configuration[k] = *v;
      }
      m.created_time = get_int(child(*meta, "createdTime"), row);
      out.metadata = std::move(m);
    }
    if (protocol && protocol->is_valid(row)) {
      ProtocolAction p;
      auto reader = get_int(child(*protocol, "minReaderVersion"), row);
      auto writer = get_int(child(*protocol, "minWriterVersion"), row);
      if (!reader || !writer) return Status::Corrupt(at() + ": protocol without versions");
      p.min_reader_version = static_cast<int32_t>(*reader);
      p.min_writer_version = static_cast<int32_t>(*writer);
      p.reader_features = get_string_list(child(*protocol, "readerFeatures"), row);
      p.writer_features = get_string_list(child(*protocol, "writerFeatures"), row);
      out.protocol = std::move(p);
    }
  }
  return Status::OK();
}

}  // namespace

std::string checkpoint_file_path(int64_t version) {
  char name[64];
  std::snprintf(name, sizeof name, "%020lld.checkpoint.parquet", static_cast<long long>(version));
  return std::string("_delta_log/") + name;
}

std::string checkpoint_part_path(int64_t version, int part, int parts) {
  char name[80];
  std::snprintf(name, sizeof name, "%020lld.checkpoint.%010d.%010d.parquet",
                static_cast<long long>(version), part, parts);
  return std::string("_delta_log/") + name;
}

std::optional<CheckpointRef> checkpoint_file_ref(std::string_view name, int* part) {
  size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  auto digits = [](std::string_view s, int64_t* out) {
    if (s.empty() || s.size() > 20) return false;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      if (v > (INT64_MAX - 9) / 10) return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  constexpr std::string_view kInfix = ".checkpoint.";
  if (name.size() < 20 + kInfix.size() || name.substr(20, kInfix.size()) != kInfix) {
    return std::nullopt;
  }
  int64_t version = 0;
  if (!digits(name.substr(0, 20), &version)) return std::nullopt;
  std::string_view rest = name.substr(20 + kInfix.size());
  if (rest == "parquet") {
    if (part) *part = 1;
    return CheckpointRef{version, 1};
  }
  // <part:010>.<parts:010>.parquet
  if (rest.size() != 10 + 1 + 10 + 8 || rest[10] != '.' || rest.substr(21) != ".parquet") {
    return std::nullopt;
  }
  int64_t p = 0, n = 0;
  if (!digits(rest.substr(0, 10), &p) || !digits(rest.substr(11, 10), &n)) return std::nullopt;
  if (n < 1 || p < 1 || p > n || n > 1000000) return std::nullopt;
  if (part) *part = static_cast<int>(p);
  return CheckpointRef{version, static_cast<int>(n)};
}

Status for_each_checkpoint_batch(FileSystem& fs, const std::string& table_path,
                                 const CheckpointRef& ref,
                                 const std::function<Status(CommitActions&)>& fn) {
  for (int part = 1; part <= ref.num_parts; ++part) {
    const std::string path = join_path(
        table_path, ref.num_parts == 1 ? checkpoint_file_path(ref.version)
                                       : checkpoint_part_path(ref.version, part, ref.num_parts));
    const std::string where = fs.describe(path);
    LS_ASSIGN_OR_RAISE(auto file, fs.open_input_file(path));
    auto reader = ParquetReader::open(std::move(file));
    if (!reader.ok()) return reader.status().with_context("checkpoint " + where);
    std::vector<std::string> projection;
    for (const char* name : {"txn", "add", "remove", "metaData", "protocol"}) {
      if ((*reader)->schema().has_field(name)) projection.emplace_back(name);
    }
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto batch = (*reader)->read_row_group(rg, projection);
      if (!batch.ok()) return batch.status().with_context("checkpoint " + where);
      CommitActions actions;
      LS_RETURN_NOT_OK(read_rows(*batch, where + " row group " + std::to_string(rg), actions));
      LS_RETURN_NOT_OK(fn(actions));
    }
  }
  return Status::OK();
}

Result<CommitActions> read_checkpoint(FileSystem& fs, const std::string& table_path,
                                      const CheckpointRef& ref) {
  CommitActions out;
  LS_RETURN_NOT_OK(
      for_each_checkpoint_batch(fs, table_path, ref, [&](CommitActions& batch) -> Status {
        if (out.adds.empty()) {
          out.adds = std::move(batch.adds);
        } else {
          std::move(batch.adds.begin(), batch.adds.end(), std::back_inserter(out.adds));
        }
        std::move(batch.removes.begin(), batch.removes.end(), std::back_inserter(out.removes));
        std::move(batch.txns.begin(), batch.txns.end(), std::back_inserter(out.txns));
        if (batch.metadata) out.metadata = std::move(batch.metadata);
        if (batch.protocol) out.protocol = std::move(batch.protocol);
        return Status::OK();
      }));
  return out;
}

int64_t checkpoint_interval(const MetadataAction& metadata) {
  auto it = metadata.configuration.find("delta.checkpointInterval");
  if (it == metadata.configuration.end()) return kDefaultCheckpointInterval;
  int64_t v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9' || v > 1000000000) return kDefaultCheckpointInterval;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? v : kDefaultCheckpointInterval;
}

bool checkpoint_due(int64_t version, const MetadataAction& metadata) {
  return version > 0 && version % checkpoint_interval(metadata) == 0;
}

}  // namespace lakestream
