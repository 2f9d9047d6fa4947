#pragma once
// parquet/reader_schema: turns a file's flat list of SchemaElements into what the reader
// needs: the leaf columns (physical type, max definition/repetition levels, lakestream type and
// value conversion), the lakestream Schema of the readable top-level columns, the assembly
// tree that rebuilds nested values from levels, and the columns that cannot be read (with the
// reason). Follows parquet-format's LogicalTypes.md, including its backward-compatibility
// rules for legacy 2-level lists and MAP_KEY_VALUE maps, and VariantShredding.md for the
// shapes of VARIANT groups (read as JSON text by the record assembler).

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

/// What a typed_value leaf of a shredded variant holds (VariantShredding.md, "Shredded Value
/// Types"), i.e. how its column values become JSON. Timestamps and times keep their raw ticks
/// (a long column), so nanoseconds survive.
enum class VariantScalar : uint8_t {
  kNone,  ///< not a typed_value leaf
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kDecimal,
  kDate,
  kTime,               ///< long: microseconds since midnight
  kTimestamp,          ///< long: microseconds, adjusted to UTC
  kTimestampNtz,       ///< long: microseconds, local
  kTimestampNanos,     ///< long: nanoseconds, adjusted to UTC
  kTimestampNtzNanos,  ///< long: nanoseconds, local
  kBinary,
  kString,
  kUuid,  ///< string: canonical text
};

/// A node of the value assembly tree (Dremel record assembly). Levels are absolute.
///
/// A VARIANT group is a kVariant node {metadata leaf, kVariantPair}; a pair is the {value,
/// typed_value} fields of a group (the variant itself, a shredded object field, an array
/// element); a typed_value is a kPrimitive (with `scalar`), a kList whose element is a pair,
/// or a kVariantObject whose children are the pairs of its shredded fields.
struct AssemblyNode {
  enum class Kind : uint8_t {
    kPrimitive,
    kStruct,
    kList,
    kMap,
    kVariant,
    kVariantPair,
    kVariantObject,
  };
  Kind kind = Kind::kPrimitive;
  DataTypePtr type;
  int16_t def = 0;       ///< a slot whose definition level is below this is null
  int16_t elem_def = 0;  ///< list/map: a present slot below this level is empty
  int16_t rep = 0;       ///< list/map: the repetition level of a further element
  int leaf = -1;         ///< primitive: its leaf index
  int leaf_begin = 0;    ///< leaves under this node: [leaf_begin, leaf_end)
  int leaf_end = 0;
  std::vector<AssemblyNode> children;           ///< struct fields; list {element}; map {key, value}
  VariantScalar scalar = VariantScalar::kNone;  ///< a typed_value leaf of a variant
  int8_t value_child = -1;         ///< kVariantPair: index of the `value` leaf in children, if any
  int8_t typed_child = -1;         ///< kVariantPair: index of `typed_value` in children, if any
  std::vector<std::string> names;  ///< kVariantObject: the shredded fields' names
  std::vector<uint32_t> sorted_names;  ///< kVariantObject: indices of `names` in byte order
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
