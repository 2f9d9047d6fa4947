#pragma once
// schema/schema_merge: additive schema evolution as Delta's mergeSchema does it for appends.
// Owns the rules of what an append may change in a table's schema (new nullable columns, at the
// top or inside structs); must not know about the log, files or options.

#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

/// The schema a table gets when a writer with a wider schema appends to it.
struct SchemaMerge {
  /// The table's columns in the table's order and spelling (type, nullability and metadata
  /// kept), then the writer's new columns; new struct members go after a struct's existing ones.
  Schema schema;
  /// The new columns as dotted paths in the merged schema's spelling, in the order they were
  /// found: "a", "s.b", "list.element.c", "map.value.d".
  std::vector<std::string> added;
  /// True when the writer adds columns (the table needs a new metaData).
  bool changed() const { return !added.empty(); }
};

/// Merge the schema a writer appends with (`writer`) into the table's (`table`). Names compare
/// ignoring ASCII case, as Delta's do; where they differ in case only, the table's spelling
/// wins. Order does not matter: a writer may list the table's columns in any order.
///
/// InvalidArgument, naming the column's dotted path:
/// - a table column the writer lacks ("dropped": appends cannot drop columns);
/// - a type change ("`s.x` is int in the table, string in the writer's schema"), including
///   struct to anything else; array element and map key/value types are compared recursively;
/// - a new column that is NOT NULL (files written before it cannot have values for it);
/// - a table column that is NOT NULL (or an array/map that holds no nulls) while the writer's
///   allows nulls;
/// - two writer columns of one struct whose names differ in case only.
///
/// With no new column the result's schema is `table` itself and `added` is empty.
Result<SchemaMerge> merge_schema_for_append(const Schema& table, const Schema& writer);

/// "`a`, `s.b`" for messages.
std::string quoted_column_list(const std::vector<std::string>& paths);

}  // namespace lakestream
