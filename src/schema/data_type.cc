#include "lakestream/schema/data_type.h"

#include <cassert>

namespace lakestream {

bool Field::operator==(const Field& other) const {
  return name == other.name && nullable == other.nullable && metadata == other.metadata &&
         same_type(type, other.type);
}

bool same_type(const DataTypePtr& a, const DataTypePtr& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return *a == *b;
}

// Primitive types are singletons: comparing them is a pointer compare in the common case.
#define LS_PRIMITIVE(fn, id)                                  \
  DataTypePtr DataType::fn() {                                \
    static const DataTypePtr kType(new DataType(TypeId::id)); \
    return kType;                                             \
  }
LS_PRIMITIVE(string, kString)
LS_PRIMITIVE(boolean, kBoolean)
LS_PRIMITIVE(byte, kByte)
LS_PRIMITIVE(short_, kShort)
LS_PRIMITIVE(int_, kInt)
LS_PRIMITIVE(long_, kLong)
LS_PRIMITIVE(float_, kFloat)
LS_PRIMITIVE(double_, kDouble)
LS_PRIMITIVE(date, kDate)
LS_PRIMITIVE(timestamp, kTimestamp)
LS_PRIMITIVE(timestamp_ntz, kTimestampNtz)
LS_PRIMITIVE(binary, kBinary)
LS_PRIMITIVE(null_, kNull)
#undef LS_PRIMITIVE

DataTypePtr DataType::decimal(int precision, int scale) {
  assert(precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision);
  auto* t = new DataType(TypeId::kDecimal);
  t->precision_ = precision;
  t->scale_ = scale;
  return DataTypePtr(t);
}

DataTypePtr DataType::struct_(std::vector<Field> fields) {
  auto* t = new DataType(TypeId::kStruct);
  t->fields_ = std::move(fields);
  return DataTypePtr(t);
}

DataTypePtr DataType::array(DataTypePtr element, bool contains_null) {
  auto* t = new DataType(TypeId::kArray);
  t->element_ = std::move(element);
  t->contains_null_ = contains_null;
  return DataTypePtr(t);
}

DataTypePtr DataType::map(DataTypePtr key, DataTypePtr value, bool value_contains_null) {
  auto* t = new DataType(TypeId::kMap);
  t->key_ = std::move(key);
  t->value_ = std::move(value);
  t->contains_null_ = value_contains_null;
  return DataTypePtr(t);
}

int DataType::fixed_width() const {
  switch (id_) {
    case TypeId::kBoolean:
    case TypeId::kByte:
      return 1;
    case TypeId::kShort:
      return 2;
    case TypeId::kInt:
    case TypeId::kFloat:
    case TypeId::kDate:
      return 4;
    case TypeId::kLong:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return 8;
    case TypeId::kDecimal:
      return 16;
    default:
      return 0;
  }
}

std::string DataType::simple_string() const {
  switch (id_) {
    case TypeId::kString:
      return "string";
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kByte:
      return "tinyint";
    case TypeId::kShort:
      return "smallint";
    case TypeId::kInt:
      return "int";
    case TypeId::kLong:
      return "bigint";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDouble:
      return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kTimestampNtz:
      return "timestamp_ntz";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) out += ",";
        out += fields_[i].name + ":" + fields_[i].type->simple_string();
      }
      return out + ">";
    }
    case TypeId::kArray:
      return "array<" + element_->simple_string() + ">";
    case TypeId::kMap:
      return "map<" + key_->simple_string() + "," + value_->simple_string() + ">";
    case TypeId::kNull:
      return "void";
  }
  return "unknown";
}

std::string DataType::json_type_name() const {
  switch (id_) {
    case TypeId::kByte:
      return "byte";
    case TypeId::kShort:
      return "short";
    case TypeId::kInt:
      return "integer";
    case TypeId::kLong:
      return "long";
    case TypeId::kStruct:
      return "struct";
    case TypeId::kArray:
      return "array";
    case TypeId::kMap:
      return "map";
    default:
      return simple_string();
  }
}

bool DataType::operator==(const DataType& other) const {
  if (this == &other) return true;
  if (id_ != other.id_) return false;
  switch (id_) {
    case TypeId::kDecimal:
      return precision_ == other.precision_ && scale_ == other.scale_;
    case TypeId::kStruct:
      return fields_ == other.fields_;
    case TypeId::kArray:
      return contains_null_ == other.contains_null_ && same_type(element_, other.element_);
    case TypeId::kMap:
      return contains_null_ == other.contains_null_ && same_type(key_, other.key_) &&
             same_type(value_, other.value_);
    default:
      return true;
  }
}

}  // namespace lakestream
