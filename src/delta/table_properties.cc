#include "lakestream/delta/table_properties.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

#include "lakestream/common/strings.h"
#include "lakestream/delta/uuid.h"
#include "lakestream/delta/vacuum.h"

namespace lakestream {
namespace {

/// How a property's value is checked.
enum class Value { kBool, kPositiveLong, kIndexedColumns, kRetention, kText, kCheckpointPolicy };

/// A table feature a property turns on when its value is true (or "v2" for the policy).
struct Property {
  const char* key;
  Value value;
  const char* feature;  ///< nullptr: none
};

// The delta.* properties lakestream's writers honour (or that only concern other engines'
// table services and change nothing in what we write). Spark knows more; those are refused
// with a reason below rather than stored and ignored.
constexpr Property kProperties[] = {
    {"delta.appendOnly", Value::kBool, "appendOnly"},
    {"delta.enableChangeDataFeed", Value::kBool, "changeDataFeed"},
    {"delta.enableDeletionVectors", Value::kBool, "deletionVectors"},
    {"delta.enableRowTracking", Value::kBool, "rowTracking"},
    {"delta.enableInCommitTimestamps", Value::kBool, "inCommitTimestamp"},
    {"delta.enableTypeWidening", Value::kBool, "typeWidening"},
    {"delta.checkpointPolicy", Value::kCheckpointPolicy, "v2Checkpoint"},
    {"delta.checkpointInterval", Value::kPositiveLong, nullptr},
    {"delta.dataSkippingNumIndexedCols", Value::kIndexedColumns, nullptr},
    {"delta.logRetentionDuration", Value::kRetention, nullptr},
    {"delta.deletedFileRetentionDuration", Value::kRetention, nullptr},
    {"delta.enableExpiredLogCleanup", Value::kBool, nullptr},
    {"delta.targetFileSize", Value::kText, nullptr},
    {"delta.tuneFileSizesForRewrites", Value::kBool, nullptr},
    {"delta.autoOptimize.optimizeWrite", Value::kBool, nullptr},
    {"delta.autoOptimize.autoCompact", Value::kText, nullptr},
    {"delta.isolationLevel", Value::kText, nullptr},
    {"delta.setTransactionRetentionDuration", Value::kRetention, nullptr},
    {"delta.rowTracking.materializedRowIdColumnName", Value::kText, nullptr},
    {"delta.rowTracking.materializedRowCommitVersionColumnName", Value::kText, nullptr},
};

/// Known delta.* properties that lakestream's writers would not honour, and why.
constexpr std::pair<const char*, const char*> kRefused[] = {
    {"delta.columnMapping.mode", "lakestream does not create column-mapped tables"},
    {"delta.dataSkippingStatsColumns",
     "lakestream's statistics follow delta.dataSkippingNumIndexedCols only"},
    {"delta.checkpoint.writeStatsAsStruct", "lakestream's checkpoints hold stats as JSON only"},
    {"delta.checkpoint.writeStatsAsJson", "lakestream's checkpoints always hold JSON stats"},
    {"delta.randomizeFilePrefixes", "lakestream names data files by partition folder"},
    {"delta.compatibility.symlinkFormatManifest.enabled",
     "lakestream does not write symlink manifests"},
    {"delta.enableIcebergCompatV1", "lakestream does not write Iceberg metadata"},
    {"delta.enableIcebergCompatV2", "lakestream does not write Iceberg metadata"},
    {"delta.universalFormat.enabledFormats", "lakestream does not write Iceberg metadata"},
    {"delta.rowTrackingSuspended", "row tracking is turned on or off with delta.enableRowTracking"},
    {"delta.minReaderVersion", "lakestream chooses the lowest protocol the table needs"},
    {"delta.minWriterVersion", "lakestream chooses the lowest protocol the table needs"},
};

/// The features a delta.feature.<name>=supported property may add: those our writers honour.
const std::set<std::string>& addable_features() {
  static const std::set<std::string> features = {
      "appendOnly",     "invariants",   "changeDataFeed",     "deletionVectors",
      "domainMetadata", "rowTracking",  "inCommitTimestamp",  "v2Checkpoint",
      "timestampNtz",   "typeWidening", "vacuumProtocolCheck"};
  return features;
}

/// Reader-writer features (listed in readerFeatures too); the others are writer-only.
bool is_reader_writer(const std::string& feature) {
  return feature == "deletionVectors" || feature == "timestampNtz" || feature == "v2Checkpoint" ||
         feature == "typeWidening" || feature == "vacuumProtocolCheck" ||
         feature == "columnMapping";
}

/// The writer version that implies `feature` before table features (0: none does).
int legacy_writer_version(const std::string& feature) {
  if (feature == "appendOnly" || feature == "invariants") return 2;
  if (feature == "checkConstraints") return 3;
  if (feature == "changeDataFeed" || feature == "generatedColumns") return 4;
  return 0;
}

bool holds_timestamp_ntz(const DataType& type) {
  switch (type.id()) {
    case TypeId::kTimestampNtz:
      return true;
    case TypeId::kStruct:
      return std::any_of(type.fields().begin(), type.fields().end(),
                         [](const Field& f) { return holds_timestamp_ntz(*f.type); });
    case TypeId::kArray:
      return holds_timestamp_ntz(*type.element());
    case TypeId::kMap:
      return holds_timestamp_ntz(*type.key()) || holds_timestamp_ntz(*type.value());
    default:
      return false;
  }
}

Status bad_value(const std::string& key, const std::string& value, const std::string& expected) {
  return Status::InvalidArgument("table property " + key + "='" + value + "': expected " +
                                 expected);
}

/// Check `value` for `p`; whether it turns p's feature on.
Result<bool> check_value(const Property& p, const std::string& value) {
  const std::string key = p.key;
  switch (p.value) {
    case Value::kBool: {
      auto b = parse_bool_text(value);
      if (!b) return bad_value(key, value, "true or false");
      return *b;
    }
    case Value::kPositiveLong: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || v <= 0) {
        return bad_value(key, value, "a positive whole number");
      }
      return false;
    }
    case Value::kIndexedColumns: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || end != value.data() + value.size() || v < -1 || v > 1000000) {
        return bad_value(key, value, "a whole number >= -1");
      }
      return false;
    }
    case Value::kRetention: {
      MetadataAction m;
      m.configuration["delta.logRetentionDuration"] = value;
      auto ms = log_retention_ms(m);
      if (!ms.ok()) return bad_value(key, value, "an interval such as 'interval 30 days'");
      return false;
    }
    case Value::kCheckpointPolicy: {
      const std::string v = to_lower_ascii(value);
      if (v != "classic" && v != "v2") return bad_value(key, value, "classic or v2");
      return v == "v2";
    }
    case Value::kText:
      return false;
  }
  return false;
}

}  // namespace

Result<NewTableProtocol> new_table_protocol(const Schema& schema,
                                            const std::map<std::string, std::string>& properties) {
  NewTableProtocol out;
  std::vector<std::string> features;  // in the order they are first needed
  auto need = [&](const std::string& feature) {
    if (std::find(features.begin(), features.end(), feature) == features.end()) {
      features.push_back(feature);
    }
  };
  for (const Field& f : schema.fields()) {
    if (holds_timestamp_ntz(*f.type)) need("timestampNtz");
  }
  for (const auto& [key, value] : properties) {
    if (!key.starts_with("delta.")) {
      out.configuration[key] = value;  // not Delta's: kept as it is, as Spark does
      continue;
    }
    if (to_lower_ascii(key).starts_with("delta.feature.")) {
      const std::string feature = key.substr(14);
      const std::string v = to_lower_ascii(value);
      if (v != "supported" && v != "enabled") {
        return bad_value(key, value, "supported");
      }
      if (!addable_features().count(feature)) {
        return Status::InvalidArgument("table property " + key + ": lakestream does not write " +
                                       "tables with the feature " + feature);
      }
      need(feature);
      continue;
    }
    // Keys compare ignoring case, as Spark's do; the table gets Delta's spelling.
    const std::string lower = to_lower_ascii(key);
    const Property* known = nullptr;
    for (const Property& p : kProperties) {
      if (lower == to_lower_ascii(p.key)) known = &p;
    }
    if (!known) {
      if (lower == "delta.columnmapping.mode" && to_lower_ascii(value) == "none") {
        out.configuration["delta.columnMapping.mode"] = value;  // what every table has
        continue;
      }
      for (const auto& [refused, why] : kRefused) {
        if (lower == to_lower_ascii(refused)) {
          return Status::InvalidArgument("table property " + key + ": " + why);
        }
      }
      return Status::InvalidArgument("unknown table property " + key +
                                     " (a delta.* property must be one Delta defines; other "
                                     "keys are kept as they are)");
    }
    LS_ASSIGN_OR_RAISE(const bool on, check_value(*known, value));
    out.configuration[known->key] = value;
    if (on && known->feature) need(known->feature);
  }
  const bool row_tracking =
      std::find(features.begin(), features.end(), "rowTracking") != features.end();
  if (row_tracking) {
    need("domainMetadata");  // the high-water mark lives in a domain
    if (auto it = out.configuration.find("delta.enableRowTracking");
        it != out.configuration.end() && parse_bool_text(it->second).value_or(false)) {
      // Enabling row tracking needs the (hidden) materialized column names, as Spark sets them.
      out.configuration.try_emplace("delta.rowTracking.materializedRowIdColumnName",
                                    "_row-id-col-" + uuid_v4());
      out.configuration.try_emplace("delta.rowTracking.materializedRowCommitVersionColumnName",
                                    "_row-commit-version-col-" + uuid_v4());
    }
  }
  // Legacy protocol when every feature has a legacy writer version.
  int legacy = 2;
  bool table_features = false;
  for (const std::string& f : features) {
    const int v = legacy_writer_version(f);
    if (v == 0) table_features = true;
    legacy = std::max(legacy, v);
  }
  ProtocolAction& p = out.protocol;
  if (!table_features) {
    p.min_reader_version = 1;
    p.min_writer_version = legacy;
    return out;
  }
  // Table features: what writer version 2 implies stays listed (as Spark lists it), then the
  // features needed; reader version 3 only for a reader-writer feature.
  p.min_writer_version = 7;
  p.writer_features = {"appendOnly", "invariants"};
  for (const std::string& f : features) {
    if (std::find(p.writer_features.begin(), p.writer_features.end(), f) ==
        p.writer_features.end()) {
      p.writer_features.push_back(f);
    }
    if (is_reader_writer(f)) p.reader_features.push_back(f);
  }
  p.min_reader_version = p.reader_features.empty() ? 1 : 3;
  return out;
}

Result<std::pair<std::string, std::string>> parse_table_property(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument("table property '" + text + "': expected KEY=VALUE");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace lakestream
