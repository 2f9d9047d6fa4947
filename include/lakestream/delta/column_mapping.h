#pragma once
// delta/column_mapping: tables with `delta.columnMapping.mode` = name or id (PROTOCOL.md
// "Column Mapping"). Each field of the schema, nested struct fields too, has a logical name
// (what users see: results, filters, partitionColumns) and a physical name
// (`delta.columnMapping.physicalName` in its metadata: the column's name in data files and the
// key of partitionValues and stats). In mode none both are the logical name. Owns the
// logical <-> physical translation of names, schemas and columns read from data files; must not
// know how files are scanned.
//
// In id mode a column (top-level or a struct member) is the one whose Parquet field id is the
// field's `delta.columnMapping.id` when the file has field ids, else the one with its physical
// name (Spark writes both); in name mode, the one with its physical name.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "lakestream/batch/column.h"
#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

enum class ColumnMappingMode : uint8_t { kNone, kName, kId };

/// The table's mode from its configuration (absent: none). NotImplemented naming the mode for
/// anything but none, name and id.
Result<ColumnMappingMode> column_mapping_mode(const MetadataAction& metadata);

/// A field's physical name: its `delta.columnMapping.physicalName` under name/id mode, else (and
/// when absent, as Spark does) its logical name. Corrupt naming the field when the metadata is
/// not a JSON object or the physical name is not a string.
Result<std::string> physical_name(const Field& field, ColumnMappingMode mode);
/// A field's `delta.columnMapping.id`, if it has one.
std::optional<int64_t> column_mapping_id(const Field& field);

/// `type` with every struct field (at any depth, through arrays and maps) renamed to its
/// physical name; metadata dropped. What the data files hold.
Result<DataTypePtr> physical_type(const DataTypePtr& type, ColumnMappingMode mode);

/// The data files' field for a writer's field `field` (logical names, its layout), for writers:
/// the physical names of `table_field` (the table's field of that name, with its column mapping
/// metadata) at every level (struct members matched by name, also inside arrays and maps) and,
/// where a field has a delta.columnMapping.id, that id as its Parquet field id
/// (parquet.field.id), in both modes as Spark writes them. InvalidArgument naming the field
/// when a struct member is not in the table's field, or (id mode) has no id. Mode none: `field`.
Result<Field> physical_file_field(const Field& field, const Field& table_field,
                                  ColumnMappingMode mode);

/// `column` (of a logical type) as a column of `physical`, the same type with other struct
/// member names: `column` itself when the types are equal, else a copy under the new type.
ColumnPtr with_physical_type(const ColumnPtr& column, const DataTypePtr& physical);

/// Give every field of `schema` (at any depth) that lacks them a delta.columnMapping.id (after
/// the largest in use and delta.columnMapping.maxColumnId) and a physicalName ("col-<uuid>"),
/// as Spark does for columns added to a column-mapped table, and set maxColumnId in
/// `configuration`. Returns whether anything was assigned.
Result<bool> assign_column_mapping(Schema* schema,
                                   std::map<std::string, std::string>* configuration);

/// A column read from a data file under its physical type, as a column of `logical` (the
/// table's type): struct fields are matched by field id (id mode) or physical name, in the
/// table's order; a nested field the file lacks (added later) reads as null. A column without
/// a struct inside is returned as is; one with a struct is copied (`physical` is left intact).
/// InvalidArgument naming `where` when a type does not match.
Result<ColumnPtr> to_logical_column(ColumnPtr physical, const DataTypePtr& logical,
                                    ColumnMappingMode mode, const std::string& where);

}  // namespace lakestream
