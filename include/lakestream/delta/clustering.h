#pragma once
// delta/clustering: liquid clustering (the clustering writer feature, PROTOCOL.md "Clustered
// Table"). The clustering columns are the delta.clustering domain's
// {"clusteringColumns":[["a"],["s","b"]]} (physical-name paths; a plain string is a one-name
// path, as in the protocol's example). Data reads as usual. lakestream appends without
// clustering (the protocol lets a writer leave files unclustered: no clusteringProvider), and
// every file it adds carries statistics for the clustering columns: the stats writer collects
// them whatever delta.dataSkippingNumIndexedCols says (DeltaTableWriterOptions::
// always_stats_columns), and Transaction::commit refuses an add without them.

#include <map>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"

namespace lakestream {

/// The metadata domain naming a clustered table's clustering columns.
inline constexpr const char* kClusteringDomain = "delta.clustering";

/// Whether the table is clustered: clustering among the writer features (writer version 7).
bool is_clustered(const ProtocolAction& protocol);

/// The clustering columns (physical-name paths) of the delta.clustering domain; empty without
/// it. Corrupt when its configuration is not {"clusteringColumns":[...]}.
Result<std::vector<std::vector<std::string>>> clustering_columns(
    const std::map<std::string, DomainMetadataAction>& domains);

/// OK when every add's stats hold a nullCount for each clustering column (its path nested as
/// Delta nests stats), with numRecords; InvalidArgument naming the file and the column
/// otherwise.
Status check_clustering_stats(const std::vector<AddFile>& adds,
                              const std::vector<std::vector<std::string>>& columns,
                              const std::string& where);

}  // namespace lakestream
