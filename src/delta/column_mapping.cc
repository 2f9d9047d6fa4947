#include "lakestream/delta/column_mapping.h"

#include <nlohmann/json.hpp>

#include "lakestream/common/strings.h"
#include "lakestream/parquet/parquet_writer.h"

namespace lakestream {
namespace {

constexpr const char* kPhysicalNameKey = "delta.columnMapping.physicalName";
constexpr const char* kIdKey = "delta.columnMapping.id";

/// Whether `type` has a struct anywhere (only then do names inside it need mapping).
bool has_struct(const DataType& type) {
  switch (type.id()) {
    case TypeId::kStruct:
      return true;
    case TypeId::kArray:
      return has_struct(*type.element());
    case TypeId::kMap:
      return has_struct(*type.key()) || has_struct(*type.value());
    default:
      return false;
  }
}

/// Copy the row-level buffers of `from` into `to` (same layout: validity, values, offsets,
/// data). Copied, not moved: the batch read from the file may hand out `from` twice (a column
/// asked for twice).
void copy_buffers(const Column& from, Column& to) {
  to.mutable_validity() = from.validity();
  to.mutable_values() = from.values();
  to.mutable_offsets() = from.offsets();
  to.mutable_data() = from.data();
}

}  // namespace

Result<ColumnMappingMode> column_mapping_mode(const MetadataAction& metadata) {
  auto it = metadata.configuration.find("delta.columnMapping.mode");
  if (it == metadata.configuration.end() || it->second == "none") return ColumnMappingMode::kNone;
  if (it->second == "name") return ColumnMappingMode::kName;
  if (it->second == "id") return ColumnMappingMode::kId;
  return Status::NotImplemented("delta.columnMapping.mode '" + it->second +
                                "' (lakestream reads none, name and id)");
}

Result<std::string> physical_name(const Field& field, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone || field.metadata.empty() || field.metadata == "{}") {
    return field.name;
  }
  auto j = nlohmann::json::parse(field.metadata, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Corrupt("the metadata of field '" + field.name + "' is not a JSON object");
  }
  auto it = j.find(kPhysicalNameKey);
  if (it == j.end() || it->is_null()) return field.name;
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Status::Corrupt("field '" + field.name + "' has a " + kPhysicalNameKey +
                           " that is not a non-empty string");
  }
  return it->get<std::string>();
}

std::optional<int64_t> column_mapping_id(const Field& field) {
  if (field.metadata.empty() || field.metadata == "{}") return std::nullopt;
  auto j = nlohmann::json::parse(field.metadata, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(kIdKey);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

Result<DataTypePtr> physical_type(const DataTypePtr& type, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone || !has_struct(*type)) return type;
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<Field> fields;
      fields.reserve(type->fields().size());
      for (const Field& f : type->fields()) {
        Field p;
        LS_ASSIGN_OR_RAISE(p.name, physical_name(f, mode));
        LS_ASSIGN_OR_RAISE(p.type, physical_type(f.type, mode));
        p.nullable = f.nullable;
        fields.push_back(std::move(p));
      }
      return DataType::struct_(std::move(fields));
    }
    case TypeId::kArray: {
      LS_ASSIGN_OR_RAISE(DataTypePtr element, physical_type(type->element(), mode));
      return DataType::array(std::move(element), type->contains_null());
    }
    case TypeId::kMap: {
      LS_ASSIGN_OR_RAISE(DataTypePtr key, physical_type(type->key(), mode));
      LS_ASSIGN_OR_RAISE(DataTypePtr value, physical_type(type->value(), mode));
      return DataType::map(std::move(key), std::move(value), type->contains_null());
    }
    default:
      return type;
  }
}

namespace {

/// The integer width of `id` in bytes (0: not an integer type).
int integer_width(TypeId id) {
  switch (id) {
    case TypeId::kByte:
      return 1;
    case TypeId::kShort:
      return 2;
    case TypeId::kInt:
      return 4;
    case TypeId::kLong:
      return 8;
    default:
      return 0;
  }
}

int64_t integer_at(const Column& c, int64_t row) {
  switch (c.type()->id()) {
    case TypeId::kByte:
      return c.value<int8_t>(row);
    case TypeId::kShort:
      return c.value<int16_t>(row);
    case TypeId::kInt:
      return c.value<int32_t>(row);
    default:
      return c.value<int64_t>(row);
  }
}

/// Delta's type widening (the typeWidening feature): the values of a file written before the
/// table's type was widened, in the table's type. Null when `from` -> `to` is not a widening
/// Delta allows: byte/short/int to a wider integer or to double, float to double, a decimal to
/// one with at least as many digits on each side of the point, date to timestamp_ntz.
ColumnPtr widen(const Column& from, const DataTypePtr& to) {
  const TypeId f = from.type()->id();
  const TypeId t = to->id();
  const int64_t rows = from.length();
  const int fw = integer_width(f);
  const int tw = integer_width(t);
  const bool ints = fw > 0 && tw > fw;
  const bool int_to_double = fw > 0 && fw < 8 && t == TypeId::kDouble;
  const bool float_to_double = f == TypeId::kFloat && t == TypeId::kDouble;
  const bool date_to_ntz = f == TypeId::kDate && t == TypeId::kTimestampNtz;
  bool decimals = false;
  int128_t scale_by = 1;
  if (f == TypeId::kDecimal && t == TypeId::kDecimal) {
    const int fs = from.type()->scale(), ts = to->scale();
    decimals = ts >= fs && to->precision() - ts >= from.type()->precision() - fs;
    for (int i = fs; i < ts; ++i) scale_by *= 10;
  }
  if (!ints && !int_to_double && !float_to_double && !date_to_ntz && !decimals) return nullptr;
  ColumnPtr out = Column::make(to);
  out->reserve(rows);
  for (int64_t r = 0; r < rows; ++r) {
    if (from.is_null(r)) {
      out->append_null();
    } else if (ints) {
      const int64_t v = integer_at(from, r);
      switch (t) {
        case TypeId::kShort:
          out->append<int16_t>(static_cast<int16_t>(v));
          break;
        case TypeId::kInt:
          out->append<int32_t>(static_cast<int32_t>(v));
          break;
        default:
          out->append<int64_t>(v);
          break;
      }
    } else if (int_to_double) {
      out->append<double>(static_cast<double>(integer_at(from, r)));
    } else if (float_to_double) {
      out->append<double>(static_cast<double>(from.value<float>(r)));
    } else if (date_to_ntz) {
      out->append<int64_t>(int64_t{from.value<int32_t>(r)} * 86'400'000'000);
    } else {
      out->append_decimal(from.decimal_value(r) * scale_by);
    }
  }
  return out;
}

}  // namespace

Result<ColumnPtr> to_logical_column(ColumnPtr physical, const DataTypePtr& logical,
                                    ColumnMappingMode mode, const std::string& where) {
  if (!logical->is_nested() && !(*physical->type() == *logical)) {
    if (ColumnPtr widened = widen(*physical, logical)) return widened;
    return Status::InvalidArgument(where + " has type " + physical->type()->simple_string() +
                                   " in the data file, the table says " + logical->simple_string() +
                                   " (not a widening Delta allows)");
  }
  if (!has_struct(*logical)) return physical;
  if (physical->type()->id() != logical->id()) {
    return Status::InvalidArgument(where + " has type " + physical->type()->simple_string() +
                                   " in the data file, the table says " + logical->simple_string());
  }
  ColumnPtr out = Column::make(logical);
  const int64_t rows = physical->length();
  switch (logical->id()) {
    case TypeId::kStruct: {
      const auto& file_fields = physical->type()->fields();
      const auto& table_fields = logical->fields();
      for (size_t i = 0; i < table_fields.size(); ++i) {
        const Field& field = table_fields[i];
        LS_ASSIGN_OR_RAISE(std::string name, physical_name(field, mode));
        size_t j = file_fields.size();
        // Id mode: the member with the field's id, when the file has ids; else by name.
        if (mode == ColumnMappingMode::kId) {
          if (auto id = column_mapping_id(field)) {
            for (size_t k = 0; k < file_fields.size() && j == file_fields.size(); ++k) {
              if (parquet_field_id(file_fields[k]) == id) j = k;
            }
          }
        }
        if (j == file_fields.size()) {
          j = 0;
          while (j < file_fields.size() && file_fields[j].name != name) ++j;
        }
        if (j == file_fields.size()) {  // Delta's names compare ignoring case
          j = 0;
          while (j < file_fields.size() && !equals_ignore_case_ascii(file_fields[j].name, name))
            ++j;
        }
        if (j == file_fields.size()) {
          Column& missing = out->mutable_child(i);
          missing.reserve(rows);
          for (int64_t r = 0; r < rows; ++r) missing.append_null();
          continue;
        }
        LS_ASSIGN_OR_RAISE(ColumnPtr child, to_logical_column(physical->child(j), field.type, mode,
                                                              where + "." + field.name));
        out->mutable_child(i) = *child;
      }
      break;
    }
    case TypeId::kArray: {
      LS_ASSIGN_OR_RAISE(
          ColumnPtr element,
          to_logical_column(physical->child(0), logical->element(), mode, where + ".element"));
      out->mutable_child(0) = *element;
      break;
    }
    case TypeId::kMap: {
      LS_ASSIGN_OR_RAISE(ColumnPtr key, to_logical_column(physical->child(0), logical->key(), mode,
                                                          where + ".key"));
      LS_ASSIGN_OR_RAISE(ColumnPtr value, to_logical_column(physical->child(1), logical->value(),
                                                            mode, where + ".value"));
      out->mutable_child(0) = *key;
      out->mutable_child(1) = *value;
      break;
    }
    default:
      return physical;
  }
  copy_buffers(*physical, *out);
  return out;
}

}  // namespace lakestream
