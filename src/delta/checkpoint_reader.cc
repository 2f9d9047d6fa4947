// Reading checkpoints of the Delta log. A Parquet checkpoint row holds one action in one of the
// struct columns txn, add, remove, metaData, protocol, domainMetadata, and for v2-spec
// checkpoints checkpointMetadata and sidecar (the others are null in that row). A UUID-named
// checkpoint may also be JSON (one action a line, as a commit); the add and remove actions of a
// v2-spec checkpoint may live in sidecar Parquet files in _delta_log/_sidecars/ instead.
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/partition.h"
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

std::map<std::string, std::string> get_string_map(const Column* c, int64_t row) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : get_map(c, row)) {
    if (v) out[k] = std::move(*v);
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
  const ColumnPtr domain = batch.column_by_name("domainMetadata");
  const ColumnPtr checkpoint_meta = batch.column_by_name("checkpointMetadata");
  const ColumnPtr sidecar = batch.column_by_name("sidecar");
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
      a.base_row_id = get_int(child(*add, "baseRowId"), row);
      a.default_row_commit_version = get_int(child(*add, "defaultRowCommitVersion"), row);
      a.clustering_provider = get_string(child(*add, "clusteringProvider"), row).value_or("");
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
      r.base_row_id = get_int(child(*remove, "baseRowId"), row);
      r.default_row_commit_version = get_int(child(*remove, "defaultRowCommitVersion"), row);
      out.removes.push_back(std::move(r));
    }
    if (domain && domain->is_valid(row)) {
      DomainMetadataAction d;
      auto name = get_string(child(*domain, "domain"), row);
      auto configuration = get_string(child(*domain, "configuration"), row);
      if (!name || !configuration) {
        return Status::Corrupt(at() + ": domainMetadata without domain/configuration");
      }
      d.domain = std::move(*name);
      d.configuration = std::move(*configuration);
      d.removed = get_bool(child(*domain, "removed"), row).value_or(false);
      out.domain_metadata.push_back(std::move(d));
    }
    if (checkpoint_meta && checkpoint_meta->is_valid(row)) {
      CheckpointMetadataAction c;
      auto version = get_int(child(*checkpoint_meta, "version"), row);
      if (!version) return Status::Corrupt(at() + ": checkpointMetadata without a version");
      c.version = *version;
      c.tags = get_string_map(child(*checkpoint_meta, "tags"), row);
      out.checkpoint_metadata = std::move(c);
    }
    if (sidecar && sidecar->is_valid(row)) {
      SidecarAction sc;
      auto path = get_string(child(*sidecar, "path"), row);
      auto size = get_int(child(*sidecar, "sizeInBytes"), row);
      if (!path || !size) return Status::Corrupt(at() + ": sidecar without path/sizeInBytes");
      sc.path = std::move(*path);
      sc.size_in_bytes = *size;
      sc.modification_time = get_int(child(*sidecar, "modificationTime"), row).value_or(0);
      sc.tags = get_string_map(child(*sidecar, "tags"), row);
      out.sidecars.push_back(std::move(sc));
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
    return CheckpointRef{version, 1, ""};
  }
  // UUID-named (v2 spec): <uuid>.json or <uuid>.parquet, the UUID without dots.
  for (std::string_view ext : {std::string_view(".json"), std::string_view(".parquet")}) {
    if (rest.size() > ext.size() && rest.ends_with(ext)) {
      std::string_view uuid = rest.substr(0, rest.size() - ext.size());
      if (uuid.find('.') != std::string_view::npos) break;
      if (uuid.find_first_not_of("0123456789abcdefABCDEF-") != std::string_view::npos) break;
      if (part) *part = 1;
      return CheckpointRef{version, 1, std::string(name)};
    }
  }
  // <part:010>.<parts:010>.parquet
  if (rest.size() != 10 + 1 + 10 + 8 || rest[10] != '.' || rest.substr(21) != ".parquet") {
    return std::nullopt;
  }
  int64_t p = 0, n = 0;
  if (!digits(rest.substr(0, 10), &p) || !digits(rest.substr(11, 10), &n)) return std::nullopt;
  if (n < 1 || p < 1 || p > n || n > 1000000) return std::nullopt;
  if (part) *part = static_cast<int>(p);
  return CheckpointRef{version, static_cast<int>(n), ""};
}

namespace {

/// Where a sidecar action's file is: its path is URI-encoded and, as the protocol encourages,
/// usually the bare file name in _delta_log/_sidecars/; an absolute path or file: URI is taken
/// as it is (resolve_log_path).
Result<std::string> sidecar_location(const std::string& table_path, const SidecarAction& sc) {
  LS_ASSIGN_OR_RAISE(std::string decoded, decode_add_path(sc.path));
  if (decoded.empty()) return Status::Corrupt("a sidecar action with an empty path");
  const size_t colon = decoded.find(':');
  const bool has_scheme = colon != std::string::npos && decoded.find('/') > colon;
  if (has_scheme || decoded.starts_with('/')) return resolve_log_path(table_path, decoded);
  return resolve_log_path(table_path, "_delta_log/_sidecars/" + decoded);
}

/// Read one Parquet file of the log (a checkpoint or a sidecar), one row group at a time.
/// A sidecar holds add and remove actions only.
Status for_each_parquet_batch(FileSystem& fs, const std::string& path, bool sidecar,
                              const std::function<Status(CommitActions&)>& fn) {
  const std::string where = fs.describe(path);
  const char* kind = sidecar ? "checkpoint sidecar " : "checkpoint ";
  LS_ASSIGN_OR_RAISE(auto file, fs.open_input_file(path));
  auto reader = ParquetReader::open(std::move(file));
  if (!reader.ok()) return reader.status().with_context(kind + where);
  std::vector<std::string> projection;
  static const char* const kCheckpointColumns[] = {
      "txn",    "add", "remove", "metaData", "protocol", "domainMetadata", "checkpointMetadata",
      "sidecar"};
  static const char* const kSidecarColumns[] = {"add", "remove"};
  auto take = [&](const auto& names) {
    for (const char* name : names) {
      if ((*reader)->schema().has_field(name)) projection.emplace_back(name);
    }
  };
  if (sidecar) {
    take(kSidecarColumns);
  } else {
    take(kCheckpointColumns);
  }
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    auto batch = (*reader)->read_row_group(rg, projection);
    if (!batch.ok()) return batch.status().with_context(kind + where);
    CommitActions actions;
    LS_RETURN_NOT_OK(read_rows(*batch, where + " row group " + std::to_string(rg), actions));
    LS_RETURN_NOT_OK(fn(actions));
  }
  return Status::OK();
}

}  // namespace

Status for_each_checkpoint_batch(FileSystem& fs, const std::string& table_path,
                                 const CheckpointRef& ref,
                                 const std::function<Status(CommitActions&)>& fn) {
  // The v2-spec checkpoint's own rows first; its sidecars (collected meanwhile) after them.
  std::vector<SidecarAction> sidecars;
  bool has_checkpoint_metadata = false;
  std::string where;
  auto take_batch = [&](CommitActions& batch) -> Status {
    if (batch.checkpoint_metadata) {
      if (batch.checkpoint_metadata->version != ref.version) {
        return Status::Corrupt("checkpoint " + where + " of version " +
                               std::to_string(ref.version) + " has checkpointMetadata version " +
                               std::to_string(batch.checkpoint_metadata->version));
      }
      has_checkpoint_metadata = true;
    }
    std::move(batch.sidecars.begin(), batch.sidecars.end(), std::back_inserter(sidecars));
    batch.sidecars.clear();
    return fn(batch);
  };
  if (!ref.uuid_file.empty()) {
    const std::string path = join_path(table_path, "_delta_log/" + ref.uuid_file);
    where = fs.describe(path);
    if (ref.uuid_file.ends_with(".json")) {
      LS_ASSIGN_OR_RAISE(std::string text, fs.read_file(path));
      auto actions = parse_commit(text, "checkpoint " + where);
      if (!actions.ok()) return actions.status();
      actions->commit_info.reset();  // not part of a checkpoint's state
      LS_RETURN_NOT_OK(take_batch(*actions));
    } else {
      LS_RETURN_NOT_OK(for_each_parquet_batch(fs, path, /*sidecar=*/false, take_batch));
    }
    if (!has_checkpoint_metadata) {
      return Status::Corrupt("checkpoint " + where +
                             " is UUID-named (v2 spec) but has no checkpointMetadata action");
    }
  } else {
    for (int part = 1; part <= ref.num_parts; ++part) {
      const std::string path = join_path(
          table_path, ref.num_parts == 1 ? checkpoint_file_path(ref.version)
                                         : checkpoint_part_path(ref.version, part, ref.num_parts));
      where = fs.describe(path);
      LS_RETURN_NOT_OK(for_each_parquet_batch(fs, path, /*sidecar=*/false, take_batch));
    }
  }
  for (const SidecarAction& sc : sidecars) {
    auto location = sidecar_location(table_path, sc);
    if (!location.ok()) {
      return location.status().with_context("sidecar '" + sc.path + "' of checkpoint " + where);
    }
    LS_RETURN_NOT_OK(for_each_parquet_batch(fs, *location, /*sidecar=*/true,
                                            [&](CommitActions& batch) -> Status {
                                              // A sidecar holds file actions only; anything else in
                                              // it is ignored, as the protocol allows no other
                                              // action there.
                                              CommitActions files;
                                              files.adds = std::move(batch.adds);
                                              files.removes = std::move(batch.removes);
                                              return fn(files);
                                            }));
  }
  return Status::OK();
}

Result<std::optional<ProtocolAction>> read_checkpoint_protocol(FileSystem& fs,
                                                               const std::string& table_path,
                                                               const CheckpointRef& ref) {
  if (!ref.uuid_file.empty()) {
    // A v2 checkpoint's non-file actions are all in its own file: read them without sidecars.
    std::optional<ProtocolAction> protocol;
    const std::string path = join_path(table_path, "_delta_log/" + ref.uuid_file);
    auto take = [&](CommitActions& batch) -> Status {
      if (batch.protocol) protocol = std::move(batch.protocol);
      return Status::OK();
    };
    if (ref.uuid_file.ends_with(".json")) {
      LS_ASSIGN_OR_RAISE(std::string text, fs.read_file(path));
      LS_ASSIGN_OR_RAISE(CommitActions actions, parse_commit(text, fs.describe(path)));
      LS_RETURN_NOT_OK(take(actions));
    } else {
      LS_RETURN_NOT_OK(for_each_parquet_batch(fs, path, /*sidecar=*/false, take));
    }
    return protocol;
  }
  std::optional<ProtocolAction> protocol;
  for (int part = 1; part <= ref.num_parts; ++part) {
    const std::string path = join_path(
        table_path, ref.num_parts == 1 ? checkpoint_file_path(ref.version)
                                       : checkpoint_part_path(ref.version, part, ref.num_parts));
    const std::string where = fs.describe(path);
    LS_ASSIGN_OR_RAISE(auto file, fs.open_input_file(path));
    auto reader = ParquetReader::open(std::move(file));
    if (!reader.ok()) return reader.status().with_context("checkpoint " + where);
    if (!(*reader)->schema().has_field("protocol")) continue;
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto batch = (*reader)->read_row_group(rg, std::vector<std::string>{"protocol"});
      if (!batch.ok()) return batch.status().with_context("checkpoint " + where);
      CommitActions actions;
      LS_RETURN_NOT_OK(read_rows(*batch, where + " row group " + std::to_string(rg), actions));
      if (actions.protocol) protocol = std::move(actions.protocol);
    }
  }
  return protocol;
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
        std::move(batch.domain_metadata.begin(), batch.domain_metadata.end(),
                  std::back_inserter(out.domain_metadata));
        if (batch.metadata) out.metadata = std::move(batch.metadata);
        if (batch.protocol) out.protocol = std::move(batch.protocol);
        if (batch.checkpoint_metadata) {
          out.checkpoint_metadata = std::move(batch.checkpoint_metadata);
        }
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
