#include "lakestream/delta/row_tracking.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "lakestream/common/strings.h"
#include "lakestream/delta/snapshot.h"

namespace lakestream {

bool row_tracking_supported(const ProtocolAction& protocol, const MetadataAction& metadata) {
  if (protocol.min_writer_version < 7) return false;
  const auto& features = protocol.writer_features;
  if (std::find(features.begin(), features.end(), "rowTracking") == features.end()) return false;
  auto it = metadata.configuration.find("delta.rowTrackingSuspended");
  return it == metadata.configuration.end() || !parse_bool_text(it->second).value_or(false);
}

bool row_tracking_enabled(const MetadataAction& metadata) {
  auto it = metadata.configuration.find("delta.enableRowTracking");
  return it != metadata.configuration.end() && parse_bool_text(it->second).value_or(false);
}

Result<std::optional<int64_t>> row_id_high_water_mark(
    const std::map<std::string, DomainMetadataAction>& domains) {
  auto it = domains.find(kRowTrackingDomain);
  if (it == domains.end()) return std::optional<int64_t>();
  const auto config = nlohmann::json::parse(it->second.configuration, nullptr, false);
  if (config.is_object()) {
    auto mark = config.find("rowIdHighWaterMark");
    if (mark != config.end() && mark->is_number_integer()) {
      return std::optional<int64_t>(mark->get<int64_t>());
    }
  }
  return Status::Corrupt("the domainMetadata of " + std::string(kRowTrackingDomain) +
                         " has no integer rowIdHighWaterMark: '" + it->second.configuration + "'");
}

Result<std::optional<DomainMetadataAction>> assign_row_ids(std::vector<AddFile>& adds,
                                                           std::optional<int64_t> high_water_mark,
                                                           int64_t version,
                                                           const std::string& where) {
  int64_t next = high_water_mark.value_or(-1) + 1;
  const int64_t first = next;
  for (AddFile& add : adds) {
    const std::optional<int64_t> rows = stats_num_records(add.stats);
    if (!rows || *rows < 0) {
      return Status::InvalidArgument("the Delta table at " + where +
                                     " tracks row ids (rowTracking), and the file " + add.path +
                                     " has no numRecords in its statistics to number its rows");
    }
    if (*rows > std::numeric_limits<int64_t>::max() - next) {
      return Status::InvalidArgument("row ids of the Delta table at " + where + " overflow");
    }
    add.base_row_id = next;
    add.default_row_commit_version = version;
    next += *rows;
  }
  if (next == first) return std::optional<DomainMetadataAction>();
  DomainMetadataAction mark;
  mark.domain = kRowTrackingDomain;
  mark.configuration = "{\"rowIdHighWaterMark\":" + std::to_string(next - 1) + "}";
  return std::optional<DomainMetadataAction>(std::move(mark));
}

}  // namespace lakestream
