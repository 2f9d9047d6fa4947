#pragma once
// delta/table_features: whether lakestream may write to a table, by the protocol's writer
// version and table features (PROTOCOL.md "Table Features") and what the table actually uses.
// A feature lakestream's writers do not honour is refused by name before anything is written:
// appending as if it were absent would leave a table its other writers consider corrupt (rows
// without row ids, a checkpoint without the domain metadata, a value violating a constraint).
// New tables get their protocol from delta/table_properties.h.
//
//   LS_RETURN_NOT_OK(check_writable(*state.protocol, *state.metadata, schema, "file:///t"));

#include <string>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

/// OK when lakestream's writers (appends, OPTIMIZE's and VACUUM's commits, checkpoints, log
/// cleanup) may write the table; NotImplemented naming the feature (and the column or property
/// that makes it active) otherwise. Legacy writer versions 2-6 are read as the features they
/// imply (2: appendOnly, invariants; 3: checkConstraints; 4: changeDataFeed, generatedColumns;
/// 5: columnMapping; 6: identityColumns), version 7 by its writerFeatures list.
///
/// Honoured: appendOnly (removes that change data are refused, see is_append_only),
/// inCommitTimestamp (commits carry a monotonic one when enabled),
/// changeDataFeed (appends need no change files), deletionVectors (new files carry none),
/// timestampNtz, typeWidening (files are written in the current type), vacuumProtocolCheck,
/// domainMetadata (checkpoints keep every domain), rowTracking (new files get baseRowId and
/// defaultRowCommitVersion and the delta.rowTracking high-water mark advances,
/// delta/row_tracking.h; OPTIMIZE keeps stable row ids in materialized columns), clustering
/// (files are appended unclustered, with statistics for the clustering columns,
/// delta/clustering.h), v2Checkpoint (checkpoints are UUID-named v2-spec ones,
/// delta/checkpoint.h), columnMapping in modes none/name/id (DeltaTableWriter writes physical
/// names and field ids), and invariants / checkConstraints / generatedColumns /
/// identityColumns when every rule is one DeltaTableWriter enforces (delta/constraints.h:
/// expressions within delta/expression.h, top-level generated columns, top-level bigint
/// identity columns); a rule beyond that refuses its feature naming the rule. Refused:
/// variantType, icebergCompat*, checkpointProtection, and any feature not named here.
Status check_writable(const ProtocolAction& protocol, const MetadataAction& metadata,
                      const Schema& schema, const std::string& where);

/// Whether every commit must carry commitInfo.inCommitTimestamp (delta.enableInCommitTimestamps):
/// Transaction::commit then writes one, monotonic across the table's commits.
bool in_commit_timestamps_enabled(const MetadataAction& metadata);

/// Whether the table is append-only (delta.appendOnly=true): no commit may remove data
/// (a remove with dataChange=true); compaction's removes (dataChange=false) are allowed.
bool is_append_only(const MetadataAction& metadata);

}  // namespace lakestream
