#include "lakestream/delta/table_features.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "lakestream/common/strings.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/constraints.h"

namespace lakestream {

namespace {

/// The dotted path of the first field (at any depth) whose metadata holds a key starting with
/// `key_prefix`.
[[maybe_unused]] std::optional<std::string> field_with_metadata(const std::vector<Field>& fields,
                                                                const std::string& key_prefix,
                                                                const std::string& parent = "") {
  for (const Field& f : fields) {
    const std::string path = parent.empty() ? f.name : parent + "." + f.name;
    if (f.metadata.size() > 2) {
      auto j = nlohmann::json::parse(f.metadata, nullptr, /*allow_exceptions=*/false);
      if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
          if (key.rfind(key_prefix, 0) == 0) return path;
        }
      }
    }
    // Struct members, also inside arrays and maps.
    const DataType* t = f.type.get();
    while (t != nullptr && (t->id() == TypeId::kArray || t->id() == TypeId::kMap)) {
      t = t->id() == TypeId::kArray ? t->element().get() : t->value().get();
    }
    if (t != nullptr && t->id() == TypeId::kStruct) {
      if (auto found = field_with_metadata(t->fields(), key_prefix, path)) return found;
    }
  }
  return std::nullopt;
}

bool config_true(const MetadataAction& metadata, const std::string& key) {
  auto it = metadata.configuration.find(key);
  if (it == metadata.configuration.end()) return false;
  return parse_bool_text(it->second).value_or(false);
}

Status refuse(const std::string& where, const std::string& feature, const std::string& why) {
  return Status::NotImplemented("writing to the Delta table at " + where +
                                ", which uses the table feature " + feature + " (" + why +
                                "): lakestream reads such tables but does not write them");
}

/// Whether `feature` (active in the table) lets lakestream write; the refusal otherwise.
Status check_feature(const std::string& feature, const MetadataAction& metadata,
                     const Schema& schema, const std::string& where) {
  if (feature == "appendOnly" || feature == "changeDataFeed" || feature == "deletionVectors" ||
      feature == "timestampNtz" || feature == "typeWidening" || feature == "typeWidening-preview" ||
      feature == "vacuumProtocolCheck") {
    return Status::OK();
  }
  if (feature == "invariants" || feature == "checkConstraints" || feature == "generatedColumns") {
    // Honoured: DeltaTableWriter enforces the rules (delta/constraints.h) when they are within
    // the expression evaluator's subset; one outside it is refused by name here.
    const TableRule::Kind kind = feature == "invariants"         ? TableRule::Kind::kInvariant
                                 : feature == "checkConstraints" ? TableRule::Kind::kCheck
                                                                 : TableRule::Kind::kGenerated;
    auto rules = TableConstraints::make(metadata, schema, where, kind);
    if (!rules.ok()) {
      return refuse(where, feature, rules.status().message());
    }
    return Status::OK();
  }
  if (feature == "identityColumns") {
    // Honoured: writers assign the values and commits move the high-water mark
    // (IdentityAllocator) for top-level bigint identity columns; others are refused.
    auto allocator = IdentityAllocator::make(schema, where);
    if (!allocator.ok()) return refuse(where, feature, allocator.status().message());
    auto rules = TableConstraints::make(metadata, schema, where, TableRule::Kind::kIdentity);
    if (!rules.ok()) return refuse(where, feature, rules.status().message());
    return Status::OK();
  }
  if (feature == "columnMapping") {
    // Honoured: DeltaTableWriter writes physical names and field ids (delta/column_mapping.h).
    auto mode = column_mapping_mode(metadata);
    if (mode.ok()) return Status::OK();
    return refuse(where, feature, mode.status().message());
  }
  if (feature == "inCommitTimestamp" || feature == "inCommitTimestamp-preview") {
    // Honoured: every commit carries a monotonic commitInfo.inCommitTimestamp when enabled.
    return Status::OK();
  }
  if (feature == "variantType" || feature == "variantType-preview") {
    return refuse(where, feature, "variant columns would be written as strings");
  }
  // Honoured: commits assign baseRowId/defaultRowCommitVersion and advance the delta.rowTracking
  // high-water mark (delta/row_tracking.h); checkpoints keep every domain; on v2Checkpoint
  // tables checkpoints are UUID-named v2-spec ones (delta/checkpoint.h).
  if (feature == "rowTracking" || feature == "domainMetadata" || feature == "v2Checkpoint") {
    return Status::OK();
  }
  // Honoured: appended files are left unclustered (allowed) and carry statistics for the
  // clustering columns (delta/clustering.h).
  if (feature == "clustering") return Status::OK();
  if (feature == "checkpointProtection") {
    return refuse(where, feature, "log cleanup must keep protected checkpoints");
  }
  return refuse(where, feature, "a feature lakestream does not know");
}

}  // namespace

Status check_writable(const ProtocolAction& protocol, const MetadataAction& metadata,
                      const Schema& schema, const std::string& where) {
  const int32_t version = protocol.min_writer_version;
  if (version < 1 || version > 7) {
    return Status::NotImplemented("writing to the Delta table at " + where +
                                  ", which needs writer version " + std::to_string(version) +
                                  ": lakestream writes versions 1 to 7");
  }
  std::vector<std::string> features;
  if (version == 7) {
    features = protocol.writer_features;
  } else {
    // Legacy versions: every feature up to the version is supported (and so active where the
    // table uses it).
    if (version >= 2) features.insert(features.end(), {"appendOnly", "invariants"});
    if (version >= 3) features.emplace_back("checkConstraints");
    if (version >= 4) features.insert(features.end(), {"changeDataFeed", "generatedColumns"});
    if (version >= 5) features.emplace_back("columnMapping");
    if (version >= 6) features.emplace_back("identityColumns");
  }
  for (const std::string& feature : features) {
    LS_RETURN_NOT_OK(check_feature(feature, metadata, schema, where));
  }
  return Status::OK();
}

bool in_commit_timestamps_enabled(const MetadataAction& metadata) {
  return config_true(metadata, "delta.enableInCommitTimestamps") ||
         config_true(metadata, "delta.enableInCommitTimestamps-preview");
}

bool is_append_only(const MetadataAction& metadata) {
  return config_true(metadata, "delta.appendOnly");
}

}  // namespace lakestream
