#pragma once
// schema/data_type: Spark SQL data types as lakestream models them.
// Owns type identity, names (Spark's simpleString and JSON names) and equality.
// Must not know about columns, JSON decoding or Parquet.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lakestream {

enum class TypeId : uint8_t {
  kString,
  kBoolean,
  kByte,   ///< int8
  kShort,  ///< int16
  kInt,    ///< int32
  kLong,   ///< int64
  kFloat,
  kDouble,
  kDecimal,       ///< decimal(precision, scale), precision 1..38, stored as int128
  kDate,          ///< days since 1970-01-01, int32
  kTimestamp,     ///< microseconds since the epoch, UTC, int64
  kTimestampNtz,  ///< microseconds, wall-clock without time zone, int64
  kBinary,
  kStruct,
  kArray,
  kMap,
  /// Spark's NullType ("void", as `CREATE TABLE ... AS SELECT NULL` makes): every value is
  /// null; a column of it holds only its validity.
  kNull,
};

class DataType;
using DataTypePtr = std::shared_ptr<const DataType>;

/// A named, typed, nullable member of a struct (Spark's StructField).
struct Field {
  std::string name;
  DataTypePtr type;
  bool nullable = true;
  /// Spark field metadata as compact JSON text ("{}" when empty); kept verbatim for round trips.
  std::string metadata = "{}";

  bool operator==(const Field& other) const;
};

/// An immutable Spark SQL data type. Build with the factories below.
class DataType {
 public:
  static DataTypePtr string();
  static DataTypePtr boolean();
  static DataTypePtr byte();
  static DataTypePtr short_();
  static DataTypePtr int_();
  static DataTypePtr long_();
  static DataTypePtr float_();
  static DataTypePtr double_();
  /// decimal(precision, scale); precision must be 1..38 and 0 <= scale <= precision
  /// (checked by the parsers; the factory asserts).
  static DataTypePtr decimal(int precision, int scale);
  static DataTypePtr date();
  static DataTypePtr timestamp();
  static DataTypePtr timestamp_ntz();
  static DataTypePtr binary();
  /// Spark's NullType, named "void".
  static DataTypePtr null_();
  static DataTypePtr struct_(std::vector<Field> fields);
  static DataTypePtr array(DataTypePtr element, bool contains_null = true);
  static DataTypePtr map(DataTypePtr key, DataTypePtr value, bool value_contains_null = true);

  TypeId id() const { return id_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  const std::vector<Field>& fields() const { return fields_; }  ///< struct members
  const DataTypePtr& element() const { return element_; }       ///< array element
  bool contains_null() const { return contains_null_; }         ///< array / map value nullability
  const DataTypePtr& key() const { return key_; }               ///< map key
  const DataTypePtr& value() const { return value_; }           ///< map value

  bool is_nested() const {
    return id_ == TypeId::kStruct || id_ == TypeId::kArray || id_ == TypeId::kMap;
  }
  /// Bytes per value in a column's fixed-width buffer (0 for string, binary and nested types).
  int fixed_width() const;

  /// Spark's simpleString: "string", "decimal(10,0)", "struct<a:int,b:string>", "array<int>",
  /// "map<string,int>", "timestamp_ntz".
  std::string simple_string() const;
  /// Spark's typeName used in the JSON form for primitives ("integer", "long", "decimal(10,0)").
  std::string json_type_name() const;

  bool operator==(const DataType& other) const;

 private:
  explicit DataType(TypeId id) : id_(id) {}

  TypeId id_;
  int precision_ = 0;
  int scale_ = 0;
  std::vector<Field> fields_;
  DataTypePtr element_;
  bool contains_null_ = true;
  DataTypePtr key_;
  DataTypePtr value_;
};

/// Deep equality of two type pointers (null == null).
bool same_type(const DataTypePtr& a, const DataTypePtr& b);

}  // namespace lakestream
