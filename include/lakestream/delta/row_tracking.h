#pragma once
// delta/row_tracking: the rowTracking table feature on the write side (PROTOCOL.md "Row
// Tracking"). Every add lakestream commits to a table that supports it gets a baseRowId (fresh
// row ids: the table's high-water mark + 1, consecutive over the commit's files by their
// numRecords) and a defaultRowCommitVersion (the commit's version), and the commit carries the
// new high-water mark as the domainMetadata of domain "delta.rowTracking"
// ({"rowIdHighWaterMark":N}). Transaction::commit (delta_table.cc) calls assign_row_ids at
// every attempt, so a commit that loses its version is re-assigned against the winner's mark.
// OPTIMIZE (optimize.cc) keeps rewritten rows' stable ids and commit versions in the table's
// materialized columns when row tracking is enabled; supported but not enabled, the new files
// only get fresh ids (its removes keep the old ones).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"

namespace lakestream {

/// The metadata domain holding the row id high-water mark.
inline constexpr const char* kRowTrackingDomain = "delta.rowTracking";

/// Whether writers must assign row ids: rowTracking among the writer features (writer version
/// 7) and delta.rowTrackingSuspended not true.
bool row_tracking_supported(const ProtocolAction& protocol, const MetadataAction& metadata);

/// Whether row tracking is enabled (delta.enableRowTracking=true): row ids are then stable and
/// must survive rewrites.
bool row_tracking_enabled(const MetadataAction& metadata);

/// The highest row id assigned so far (the delta.rowTracking domain's rowIdHighWaterMark);
/// nullopt when none was. Corrupt when the domain's configuration does not hold one.
Result<std::optional<int64_t>> row_id_high_water_mark(
    const std::map<std::string, DomainMetadataAction>& domains);

/// Give each of `adds` its baseRowId (from `high_water_mark` + 1, the files' numRecords
/// apart) and defaultRowCommitVersion `version`; the domainMetadata action with the new
/// high-water mark, or nullopt when no row id was assigned (no add, or only empty files).
/// InvalidArgument naming the file when an add has no numRecords in its stats.
Result<std::optional<DomainMetadataAction>> assign_row_ids(std::vector<AddFile>& adds,
                                                           std::optional<int64_t> high_water_mark,
                                                           int64_t version,
                                                           const std::string& where);

}  // namespace lakestream
