#pragma once
// delta/table_properties: the table properties a table is created with (TableCreateOptions::
// configuration; `--table-property delta.X=Y` on `lakestream ingest` and `lakestream stream`,
// `delta.*` write options of a stream) and the protocol they need. A new table gets the lowest
// protocol its schema and properties need: reader 1 / writer 2 by default; legacy writer
// versions for legacy features (appendOnly 2, changeDataFeed 4); reader 3 / writer 7 with table
// features as soon as one is needed (timestamp_ntz columns, deletion vectors, row tracking,
// in-commit timestamps, v2 checkpoints, type widening). As Spark does, an unknown `delta.*` key
// is refused by name before anything is written; other keys are kept as they are.
//
//   LS_ASSIGN_OR_RAISE(NewTableProtocol p, new_table_protocol(schema, {{"delta.enableRowTracking",
//                                                                        "true"}}));
//   // p.protocol: {1, 7, writerFeatures [appendOnly, invariants, domainMetadata, rowTracking]}

#include <map>
#include <string>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

/// What a new table's version 0 carries.
struct NewTableProtocol {
  ProtocolAction protocol;
  /// metaData.configuration: the properties without the delta.feature.* keys (they only add
  /// features), with what an enabled feature needs added (row tracking's materialized column
  /// names).
  std::map<std::string, std::string> configuration;
};

/// The protocol and configuration of a new table with `schema` and `properties`.
/// InvalidArgument naming the key for an unknown delta.* key, a value of the wrong form
/// (delta.appendOnly=maybe), or a property lakestream's writers would not honour
/// (delta.columnMapping.mode=name, delta.dataSkippingStatsColumns, ...).
Result<NewTableProtocol> new_table_protocol(const Schema& schema,
                                            const std::map<std::string, std::string>& properties);

/// Parse "delta.X=Y" (a --table-property value) into its key and value; InvalidArgument for
/// text without '=' or with an empty key.
Result<std::pair<std::string, std::string>> parse_table_property(const std::string& text);

}  // namespace lakestream
