#pragma once
// parquet/reader_schema: turns a file's flat list of SchemaElements into what the reader
// needs: the leaf columns (physical type, max definition/repetition levels, lakestream type and
// value conversion), the lakestream Schema of the readable top-level columns, the assembly
// tree that rebuilds nested values from levels, and the columns that cannot be read (with the
// reason). Follows parquet-format's LogicalTypes.md, including its backward-compatibility
// rules for legacy 2-level lists and MAP_KEY_VALUE maps.

#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/schema/schema.h"
#include "parquet/parquet_types.h"
#include "parquet/value_decoder.h"

namespace lakestream::parquet {

/// One leaf (primitive) column of the file, in file order (= column chunk order).
struct LeafColumn {
  std::string path;  ///< dotted path, for messages and ParquetColumnChunkInfo
  const SchemaElement* element = nullptr;
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;
  int16_t max_def = 0;
  int16_t max_rep = 0;
  /// Set when the leaf belongs to a readable column.
  DataTypePtr type;
  Conversion conversion = Conversion::kInt32;
  bool readable = false;
};

/// A node of the value assembly tree (Dremel record assembly). Levels are absolute.
struct AssemblyNode {
  enum class Kind : uint8_t { kPrimitive, kStruct, kList, kMap };
  Kind kind = Kind::kPrimitive;
  DataTypePtr type;
  int16_t def = 0;       ///< a slot whose definition level is below this is null
  int16_t elem_def = 0;  ///< list/map: a present slot below this level is empty
  int16_t rep = 0;       ///< list/map: the repetition level of a further element
  int leaf = -1;         ///< primitive: its leaf index
  int leaf_begin = 0;    ///< leaves under this node: [leaf_begin, leaf_end)
  int leaf_end = 0;
  std::vector<AssemblyNode> children;  ///< struct fields; list {element}; map {key, value}
};

struct TopColumn {
  Field field;
  AssemblyNode node;
};

struct FileSchema {
  std::vector<LeafColumn> leaves;
  std::vector<TopColumn> columns;  ///< readable top-level columns, file order
  std::vector<ParquetSkippedColumn> skipped;
  Schema schema;
};

/// Build the reader's view of `elements` (which must outlive the result). A malformed tree
/// (num_children past the end, a leaf without a type) is kCorrupt; an unreadable column is
/// listed in `skipped` instead.
Result<FileSchema> build_file_schema(const std::vector<SchemaElement>& elements);

}  // namespace lakestream::parquet
