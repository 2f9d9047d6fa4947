#pragma once
// schema/schema: a record schema (Spark's StructType): build it in code, parse it from Spark
// DDL text, read and write Spark's StructType JSON (Delta's schemaString), print it as Spark's
// printSchema() tree, and flatten nested structs into top-level columns.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/schema/data_type.h"

namespace lakestream {

/// An ordered list of top-level fields. Value type; cheap to copy for the sizes schemas have.
///
///   auto schema = Schema()
///       .add("MeterId", DataType::string(), false)
///       .add("Measurement", Schema().add("Value", DataType::decimal(10, 0), false)
///                                   .add("Unit", DataType::string()).as_struct(), false);
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  /// Append a field (fluent, like Spark's StructType.add).
  Schema& add(std::string name, DataTypePtr type, bool nullable = true);
  Schema& add(Field field);

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const Field& field(size_t i) const { return fields_[i]; }
  /// Index of the top-level field named `name` (exact match), if any.
  std::optional<size_t> index_of(std::string_view name) const;
  bool has_field(std::string_view name) const { return index_of(name).has_value(); }

  /// This schema as a struct data type (for nesting schemas).
  DataTypePtr as_struct() const;

  /// Parse Spark DDL: "MeterId STRING NOT NULL, Measurement STRUCT<Value: DECIMAL(10,0) NOT NULL,
  /// Unit: STRING>". Type names are case-insensitive and accept Spark's aliases (INT/INTEGER,
  /// BIGINT/LONG, TINYINT/BYTE, SMALLINT/SHORT, REAL/FLOAT, DEC/NUMERIC); names may be
  /// back-quoted; COMMENT 'text' is accepted and kept in metadata ({"comment":"text"}).
  /// A single STRUCT<...> type is accepted too. A schema needs a column: blank text and STRUCT<>
  /// are refused, as is text that is not UTF-8. Errors give the 1-based text column and the
  /// token found.
  static Result<Schema> from_ddl(std::string_view ddl);
  /// Spark DDL text (as StructType.toDDL writes it: "a INT NOT NULL,b STRUCT<c: STRING>") that
  /// from_ddl parses back into an equal schema, except for what DDL cannot say: arrays/maps
  /// with non-null elements/values, metadata keys other than "comment", and the schema without
  /// fields (its DDL is "", which from_ddl refuses).
  std::string to_ddl() const;

  /// Parse Spark's StructType JSON ({"type":"struct","fields":[...]}). Each field's metadata is
  /// kept as compact JSON in its original key order (floating-point numbers in metadata may be
  /// re-spelled, e.g. 1E3 -> 1000.0). Errors give the JSON path ("$.fields[2] ('x').type").
  static Result<Schema> from_json(std::string_view json);
  /// Spark's StructType JSON, compact, field order and metadata preserved; from_json(to_json())
  /// gives an equal schema and to_json() of that gives the same text.
  std::string to_json() const;

  /// Spark's printSchema() text: "root\n |-- MeterId: string (nullable = false)\n ...".
  std::string tree_string() const;

  /// Nested struct fields become top-level columns named Parent_Child, recursively, in field
  /// order. A child is nullable if it or any enclosing struct is. Arrays and maps stay single
  /// columns. A name collision is an InvalidArgument error naming both paths.
  Result<Schema> flatten() const;

  bool operator==(const Schema& other) const { return fields_ == other.fields_; }

 private:
  std::vector<Field> fields_;
};

/// How a flattened column maps back to the nested schema: the path of field indices from the
/// top level down (e.g. {2, 0} for Measurement.Value).
struct FlattenedColumn {
  std::string name;          ///< "Measurement_Value"
  std::vector<size_t> path;  ///< field indices from the top of the nested schema
  std::string dotted_path;   ///< "Measurement.Value", for messages
};

/// The flattening plan behind Schema::flatten(), shared with RecordBatch flattening.
Result<std::vector<FlattenedColumn>> plan_flatten(const Schema& schema);

}  // namespace lakestream
