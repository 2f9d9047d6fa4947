#include "lakestream/delta/actions.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace lakestream {
namespace {

using Json = nlohmann::ordered_json;

Json to_json(const CommitInfoAction& c) {
  Json j;
  // First, as the protocol asks: a reader finds it without parsing the rest.
  if (c.in_commit_timestamp) j["inCommitTimestamp"] = *c.in_commit_timestamp;
  j["timestamp"] = c.timestamp;
  j["operation"] = c.operation;
  Json params = Json::object();
  for (const auto& [k, v] : c.operation_parameters) params[k] = v;
  j["operationParameters"] = std::move(params);
  if (c.read_version) j["readVersion"] = *c.read_version;
  j["isBlindAppend"] = c.is_blind_append;
  if (!c.operation_metrics.empty()) {
    Json metrics = Json::object();
    for (const auto& [k, v] : c.operation_metrics) metrics[k] = v;
    j["operationMetrics"] = std::move(metrics);
  }
  if (!c.engine_info.empty()) j["engineInfo"] = c.engine_info;
  if (!c.txn_id.empty()) j["txnId"] = c.txn_id;
  return j;
}

Json to_json(const MetadataAction& m) {
  Json j;
  j["id"] = m.id;
  if (!m.name.empty()) j["name"] = m.name;
  if (!m.description.empty()) j["description"] = m.description;
  j["format"] = Json{{"provider", m.format_provider}, {"options", Json::object()}};
  j["schemaString"] = m.schema_string;
  j["partitionColumns"] = m.partition_columns;
  Json conf = Json::object();
  for (const auto& [k, v] : m.configuration) conf[k] = v;
  j["configuration"] = std::move(conf);
  if (m.created_time) j["createdTime"] = *m.created_time;
  return j;
}

Json partition_values_json(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& values) {
  Json pv = Json::object();
  for (const auto& [k, v] : values) {
    if (v) {
      pv[k] = *v;
    } else {
      pv[k] = nullptr;
    }
  }
  return pv;
}

Json to_json(const AddFile& a) {
  Json j;
  j["path"] = a.path;
  j["partitionValues"] = partition_values_json(a.partition_values);
  j["size"] = a.size;
  j["modificationTime"] = a.modification_time;
  j["dataChange"] = a.data_change;
  if (!a.stats.empty()) j["stats"] = a.stats;
  if (a.base_row_id) j["baseRowId"] = *a.base_row_id;
  if (a.default_row_commit_version) j["defaultRowCommitVersion"] = *a.default_row_commit_version;
  if (!a.clustering_provider.empty()) j["clusteringProvider"] = a.clustering_provider;
  return j;
}

Json string_map_json(const std::map<std::string, std::string>& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

/// Dump one action line; invalid UTF-8 in strings is replaced rather than throwing.
void append_line(std::string& out, const char* key, Json value) {
  Json line;
  line[key] = std::move(value);
  out += line.dump(-1, ' ', false, Json::error_handler_t::replace);
  out.push_back('\n');
}

/// A JSON number as the integer type T, or nullopt when it is not an integer T can hold.
/// nlohmann's get<T>() converts a float or a wider integer without a check (a float out of
/// range is undefined behaviour, 4294967297 would read as minReaderVersion 1). An integral
/// float (1.0, 1e3) is accepted: some writers spell integers that way.
template <typename T>
std::optional<T> json_integer(const Json& value) {
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
    return static_cast<T>(u);
  }
  if (value.is_number_integer()) {
    const int64_t i = value.get<int64_t>();
    if (i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        i > static_cast<int64_t>(std::numeric_limits<T>::max())) {
      return std::nullopt;
    }
    return static_cast<T>(i);
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // -2^63 and 2^63 are exact doubles; every integral double in [-2^63, 2^63) fits int64_t.
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != std::trunc(d)) {
      return std::nullopt;
    }
    Json as_integer = static_cast<int64_t>(d);
    return json_integer<T>(as_integer);
  }
  return std::nullopt;
}

template <typename T>
Result<T> get_field(const Json& obj, const char* name, std::string_view where) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    return Status::Corrupt(std::string(where) + ": missing field '" + name + "'");
  }
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (auto v = json_integer<T>(*it)) return *v;
    return Status::Corrupt(std::string(where) + ": field '" + name +
                           "' is not an integer in range");
  } else {
    try {
      return it->get<T>();
    } catch (const std::exception&) {
      return Status::Corrupt(std::string(where) + ": field '" + name + "' has the wrong type");
    }
  }
}

template <typename T>
std::optional<T> get_optional(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return json_integer<T>(*it);
  } else {
    try {
      return it->get<T>();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
}

/// A map<string,string> member (tags): string values only.
std::map<std::string, std::string> read_string_map(const Json& action, const char* name) {
  std::map<std::string, std::string> out;
  if (auto m = action.find(name); m != action.end() && m->is_object()) {
    for (const auto& [k, v] : m->items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
  }
  return out;
}

/// An add's or remove's partitionValues (a JSON null value is nullopt).
std::vector<std::pair<std::string, std::optional<std::string>>> read_partition_values(
    const Json& action) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (auto pv = action.find("partitionValues"); pv != action.end() && pv->is_object()) {
    for (const auto& [pk, pval] : pv->items()) {
      out.emplace_back(pk, pval.is_string() ? std::optional<std::string>(pval.get<std::string>())
                                            : std::nullopt);
    }
  }
  return out;
}

Status parse_action(const Json& line, const std::string& where, CommitActions& out) {
  if (!line.is_object()) return Status::Corrupt(where + ": not a JSON object");
  for (const auto& [key, value] : line.items()) {
    if (!value.is_object()) continue;
    std::string at = where + " (" + key + ")";
    if (key == "protocol") {
      ProtocolAction p;
      LS_ASSIGN_OR_RAISE(p.min_reader_version, get_field<int32_t>(value, "minReaderVersion", at));
      LS_ASSIGN_OR_RAISE(p.min_writer_version, get_field<int32_t>(value, "minWriterVersion", at));
      p.reader_features = get_optional<std::vector<std::string>>(value, "readerFeatures")
                              .value_or(std::vector<std::string>{});
      p.writer_features = get_optional<std::vector<std::string>>(value, "writerFeatures")
                              .value_or(std::vector<std::string>{});
      out.protocol = p;
    } else if (key == "metaData") {
      MetadataAction m;
      LS_ASSIGN_OR_RAISE(m.id, get_field<std::string>(value, "id", at));
      m.name = get_optional<std::string>(value, "name").value_or("");
      m.description = get_optional<std::string>(value, "description").value_or("");
      if (auto f = value.find("format"); f != value.end() && f->is_object()) {
        m.format_provider = get_optional<std::string>(*f, "provider").value_or("parquet");
      }
      LS_ASSIGN_OR_RAISE(m.schema_string, get_field<std::string>(value, "schemaString", at));
      m.partition_columns = get_optional<std::vector<std::string>>(value, "partitionColumns")
                                .value_or(std::vector<std::string>{});
      if (auto c = value.find("configuration"); c != value.end() && c->is_object()) {
        for (const auto& [ck, cv] : c->items()) {
          if (cv.is_string()) m.configuration[ck] = cv.get<std::string>();
        }
      }
      m.created_time = get_optional<int64_t>(value, "createdTime");
      out.metadata = std::move(m);
    } else if (key == "txn") {
      TxnAction t;
      LS_ASSIGN_OR_RAISE(t.app_id, get_field<std::string>(value, "appId", at));
      LS_ASSIGN_OR_RAISE(t.version, get_field<int64_t>(value, "version", at));
      t.last_updated = get_optional<int64_t>(value, "lastUpdated");
      out.txns.push_back(std::move(t));
    } else if (key == "add") {
      AddFile a;
      LS_ASSIGN_OR_RAISE(a.path, get_field<std::string>(value, "path", at));
      a.partition_values = read_partition_values(value);
      a.size = get_optional<int64_t>(value, "size").value_or(0);
      a.modification_time = get_optional<int64_t>(value, "modificationTime").value_or(0);
      a.data_change = get_optional<bool>(value, "dataChange").value_or(true);
      a.stats = get_optional<std::string>(value, "stats").value_or("");
      if (auto dv = value.find("deletionVector"); dv != value.end() && !dv->is_null()) {
        if (!dv->is_object()) return Status::Corrupt(at + ": deletionVector is not an object");
        std::string dv_at = at + " deletionVector";
        DeletionVectorDescriptor d;
        LS_ASSIGN_OR_RAISE(std::string type, get_field<std::string>(*dv, "storageType", dv_at));
        if (type.size() != 1) {
          return Status::Corrupt(dv_at + ": unknown storageType '" + type + "'");
        }
        d.storage_type = type[0];
        LS_ASSIGN_OR_RAISE(d.path_or_inline_dv,
                           get_field<std::string>(*dv, "pathOrInlineDv", dv_at));
        d.offset = get_optional<int32_t>(*dv, "offset");
        LS_ASSIGN_OR_RAISE(d.size_in_bytes, get_field<int32_t>(*dv, "sizeInBytes", dv_at));
        LS_ASSIGN_OR_RAISE(d.cardinality, get_field<int64_t>(*dv, "cardinality", dv_at));
        a.deletion_vector = std::move(d);
      }
      a.base_row_id = get_optional<int64_t>(value, "baseRowId");
      a.default_row_commit_version = get_optional<int64_t>(value, "defaultRowCommitVersion");
      a.clustering_provider = get_optional<std::string>(value, "clusteringProvider").value_or("");
      out.adds.push_back(std::move(a));
    } else if (key == "remove") {
      RemoveFile r;
      LS_ASSIGN_OR_RAISE(r.path, get_field<std::string>(value, "path", at));
      r.deletion_timestamp = get_optional<int64_t>(value, "deletionTimestamp");
      r.data_change = get_optional<bool>(value, "dataChange").value_or(true);
      r.extended_file_metadata = get_optional<bool>(value, "extendedFileMetadata").value_or(false);
      r.partition_values = read_partition_values(value);
      r.size = get_optional<int64_t>(value, "size");
      r.base_row_id = get_optional<int64_t>(value, "baseRowId");
      r.default_row_commit_version = get_optional<int64_t>(value, "defaultRowCommitVersion");
      out.removes.push_back(std::move(r));
    } else if (key == "domainMetadata") {
      DomainMetadataAction d;
      LS_ASSIGN_OR_RAISE(d.domain, get_field<std::string>(value, "domain", at));
      LS_ASSIGN_OR_RAISE(d.configuration, get_field<std::string>(value, "configuration", at));
      d.removed = get_optional<bool>(value, "removed").value_or(false);
      out.domain_metadata.push_back(std::move(d));
    } else if (key == "checkpointMetadata") {
      CheckpointMetadataAction c;
      LS_ASSIGN_OR_RAISE(c.version, get_field<int64_t>(value, "version", at));
      c.tags = read_string_map(value, "tags");
      out.checkpoint_metadata = std::move(c);
    } else if (key == "sidecar") {
      SidecarAction sc;
      LS_ASSIGN_OR_RAISE(sc.path, get_field<std::string>(value, "path", at));
      LS_ASSIGN_OR_RAISE(sc.size_in_bytes, get_field<int64_t>(value, "sizeInBytes", at));
      sc.modification_time = get_optional<int64_t>(value, "modificationTime").value_or(0);
      sc.tags = read_string_map(value, "tags");
      out.sidecars.push_back(std::move(sc));
    } else if (key == "commitInfo") {
      CommitInfoAction c;
      c.timestamp = get_optional<int64_t>(value, "timestamp").value_or(0);
      c.operation = get_optional<std::string>(value, "operation").value_or("");
      if (auto p = value.find("operationParameters"); p != value.end() && p->is_object()) {
        for (const auto& [pk, pval] : p->items()) {
          c.operation_parameters.emplace_back(
              pk, pval.is_string() ? pval.get<std::string>() : pval.dump());
        }
      }
      if (auto m = value.find("operationMetrics"); m != value.end() && m->is_object()) {
        for (const auto& [mk, mval] : m->items()) {
          c.operation_metrics.emplace_back(
              mk, mval.is_string() ? mval.get<std::string>() : mval.dump());
        }
      }
      c.read_version = get_optional<int64_t>(value, "readVersion");
      c.is_blind_append = get_optional<bool>(value, "isBlindAppend").value_or(false);
      c.engine_info = get_optional<std::string>(value, "engineInfo").value_or("");
      c.txn_id = get_optional<std::string>(value, "txnId").value_or("");
      c.in_commit_timestamp = get_optional<int64_t>(value, "inCommitTimestamp");
      out.commit_info = std::move(c);
    }
    // Other actions (cdc, ...) do not change the table state.
  }
  return Status::OK();
}

}  // namespace

std::string serialize_commit(const CommitActions& actions) {
  std::string out;
  if (actions.checkpoint_metadata) {
    append_line(out, "checkpointMetadata",
                Json{{"version", actions.checkpoint_metadata->version},
                     {"tags", string_map_json(actions.checkpoint_metadata->tags)}});
  }
  if (actions.commit_info) append_line(out, "commitInfo", to_json(*actions.commit_info));
  if (actions.protocol) {
    Json p{{"minReaderVersion", actions.protocol->min_reader_version},
           {"minWriterVersion", actions.protocol->min_writer_version}};
    if (!actions.protocol->reader_features.empty()) {
      p["readerFeatures"] = actions.protocol->reader_features;
    }
    if (!actions.protocol->writer_features.empty()) {
      p["writerFeatures"] = actions.protocol->writer_features;
    }
    append_line(out, "protocol", std::move(p));
  }
  if (actions.metadata) append_line(out, "metaData", to_json(*actions.metadata));
  for (const DomainMetadataAction& d : actions.domain_metadata) {
    append_line(
        out, "domainMetadata",
        Json{{"domain", d.domain}, {"configuration", d.configuration}, {"removed", d.removed}});
  }
  for (const TxnAction& t : actions.txns) {
    Json j{{"appId", t.app_id}, {"version", t.version}};
    if (t.last_updated) j["lastUpdated"] = *t.last_updated;
    append_line(out, "txn", std::move(j));
  }
  for (const AddFile& a : actions.adds) append_line(out, "add", to_json(a));
  for (const RemoveFile& r : actions.removes) {
    Json j{{"path", r.path}};
    if (r.deletion_timestamp) j["deletionTimestamp"] = *r.deletion_timestamp;
    j["dataChange"] = r.data_change;
    if (r.extended_file_metadata) {
      j["extendedFileMetadata"] = true;
      j["partitionValues"] = partition_values_json(r.partition_values);
      if (r.size) j["size"] = *r.size;
    }
    if (r.base_row_id) j["baseRowId"] = *r.base_row_id;
    if (r.default_row_commit_version) j["defaultRowCommitVersion"] = *r.default_row_commit_version;
    append_line(out, "remove", std::move(j));
  }
  for (const SidecarAction& sc : actions.sidecars) {
    append_line(out, "sidecar",
                Json{{"path", sc.path},
                     {"sizeInBytes", sc.size_in_bytes},
                     {"modificationTime", sc.modification_time},
                     {"tags", string_map_json(sc.tags)}});
  }
  return out;
}

Result<CommitActions> parse_commit(std::string_view text, std::string_view where) {
  CommitActions out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    std::string at = std::string(where) + " line " + std::to_string(line_no);
    Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return Status::Corrupt(at + ": not valid JSON");
    LS_RETURN_NOT_OK(parse_action(parsed, at, out));
  }
  return out;
}

std::string commit_file_path(int64_t version) {
  char name[40];
  std::snprintf(name, sizeof name, "%020lld.json", static_cast<long long>(version));
  return std::string("_delta_log/") + name;
}

std::optional<int64_t> commit_file_version(std::string_view file_name) {
  size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  if (file_name.size() != 25 || !file_name.ends_with(".json")) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    char c = file_name[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (INT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace lakestream
