#include "lakestream/delta/column_mapping.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "lakestream/common/strings.h"
#include "lakestream/delta/uuid.h"
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

namespace {

Result<DataTypePtr> physical_file_type(const DataTypePtr& type, const DataTypePtr& table_type,
                                       ColumnMappingMode mode, const std::string& where) {
  if (type->id() != table_type->id()) {
    return Status::InvalidArgument("column '" + where + "' has type " + type->simple_string() +
                                   " here, " + table_type->simple_string() + " in the table");
  }
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<Field> fields;
      fields.reserve(type->fields().size());
      for (const Field& f : type->fields()) {
        const Field* match = nullptr;
        for (const Field& t : table_type->fields()) {
          if (t.name == f.name) match = &t;
        }
        for (const Field& t : table_type->fields()) {
          if (match == nullptr && equals_ignore_case_ascii(t.name, f.name)) match = &t;
        }
        if (match == nullptr) {
          return Status::InvalidArgument("column '" + where + "." + f.name +
                                         "' is not in the table's schema");
        }
        LS_ASSIGN_OR_RAISE(Field p, physical_file_field(f, *match, mode));
        fields.push_back(std::move(p));
      }
      return DataType::struct_(std::move(fields));
    }
    case TypeId::kArray: {
      LS_ASSIGN_OR_RAISE(DataTypePtr element,
                         physical_file_type(type->element(), table_type->element(), mode, where));
      return DataType::array(std::move(element), type->contains_null());
    }
    case TypeId::kMap: {
      LS_ASSIGN_OR_RAISE(DataTypePtr key,
                         physical_file_type(type->key(), table_type->key(), mode, where));
      LS_ASSIGN_OR_RAISE(DataTypePtr value,
                         physical_file_type(type->value(), table_type->value(), mode, where));
      return DataType::map(std::move(key), std::move(value), type->contains_null());
    }
    default:
      return type;
  }
}

/// Copy `from` (buffers and children, recursively) into `to`, a fresh column of the same layout.
void copy_tree(const Column& from, Column& to) {
  copy_buffers(from, to);
  for (size_t i = 0; i < from.children().size(); ++i) {
    copy_tree(*from.child(i), to.mutable_child(i));
  }
}

int64_t max_column_id(const DataType& type) {
  int64_t max = 0;
  switch (type.id()) {
    case TypeId::kStruct:
      for (const Field& f : type.fields()) {
        max = std::max(max, column_mapping_id(f).value_or(0));
        max = std::max(max, max_column_id(*f.type));
      }
      return max;
    case TypeId::kArray:
      return max_column_id(*type.element());
    case TypeId::kMap:
      return std::max(max_column_id(*type.key()), max_column_id(*type.value()));
    default:
      return 0;
  }
}

Result<DataTypePtr> assign_type(const DataTypePtr& type, int64_t* next, bool* assigned);

Result<Field> assign_field(const Field& f, int64_t* next, bool* assigned) {
  Field out = f;
  LS_ASSIGN_OR_RAISE(out.type, assign_type(f.type, next, assigned));
  auto j = nlohmann::json::parse(f.metadata.empty() ? "{}" : f.metadata, nullptr, false);
  if (!j.is_object()) {
    return Status::Corrupt("the metadata of field '" + f.name + "' is not a JSON object");
  }
  bool changed = false;
  if (!j.contains(kIdKey)) {
    j[kIdKey] = ++*next;
    changed = true;
  }
  if (!j.contains(kPhysicalNameKey)) {
    j[kPhysicalNameKey] = "col-" + uuid_v4();
    changed = true;
  }
  if (changed) {
    out.metadata = j.dump();
    *assigned = true;
  }
  return out;
}

Result<DataTypePtr> assign_type(const DataTypePtr& type, int64_t* next, bool* assigned) {
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<Field> fields;
      for (const Field& f : type->fields()) {
        LS_ASSIGN_OR_RAISE(Field a, assign_field(f, next, assigned));
        fields.push_back(std::move(a));
      }
      return DataType::struct_(std::move(fields));
    }
    case TypeId::kArray: {
      LS_ASSIGN_OR_RAISE(DataTypePtr element, assign_type(type->element(), next, assigned));
      return DataType::array(std::move(element), type->contains_null());
    }
    case TypeId::kMap: {
      LS_ASSIGN_OR_RAISE(DataTypePtr key, assign_type(type->key(), next, assigned));
      LS_ASSIGN_OR_RAISE(DataTypePtr value, assign_type(type->value(), next, assigned));
      return DataType::map(std::move(key), std::move(value), type->contains_null());
    }
    default:
      return type;
  }
}

}  // namespace

Result<Field> physical_file_field(const Field& field, const Field& table_field,
                                  ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone) return field;
  Field out;
  LS_ASSIGN_OR_RAISE(out.name, physical_name(table_field, mode));
  LS_ASSIGN_OR_RAISE(out.type, physical_file_type(field.type, table_field.type, mode, field.name));
  out.nullable = field.nullable;
  const auto id = column_mapping_id(table_field);
  if (!id && mode == ColumnMappingMode::kId) {
    return Status::InvalidArgument("field '" + field.name +
                                   "' has no delta.columnMapping.id, which column mapping mode "
                                   "id needs");
  }
  out.metadata =
      id ? "{\"" + std::string(kParquetFieldIdKey) + "\":" + std::to_string(*id) + "}" : "{}";
  return out;
}

ColumnPtr with_physical_type(const ColumnPtr& column, const DataTypePtr& physical) {
  if (same_type(column->type(), physical)) return column;
  ColumnPtr out = Column::make(physical);
  copy_tree(*column, *out);
  return out;
}

Result<bool> assign_column_mapping(Schema* schema,
                                   std::map<std::string, std::string>* configuration) {
  int64_t max = 0;
  for (const Field& f : schema->fields()) {
    max = std::max(max, column_mapping_id(f).value_or(0));
    max = std::max(max, max_column_id(*f.type));
  }
  auto it = configuration->find("delta.columnMapping.maxColumnId");
  if (it != configuration->end()) {
    int64_t configured = 0;
    const std::string_view text = trim(it->second);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), configured);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Status::Corrupt("delta.columnMapping.maxColumnId '" + it->second +
                             "' is not an integer");
    }
    max = std::max(max, configured);
  }
  bool assigned = false;
  Schema out;
  for (const Field& f : schema->fields()) {
    LS_ASSIGN_OR_RAISE(Field a, assign_field(f, &max, &assigned));
    out.add(std::move(a));
  }
  if (assigned) {
    *schema = std::move(out);
    (*configuration)["delta.columnMapping.maxColumnId"] = std::to_string(max);
  }
  return assigned;
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
