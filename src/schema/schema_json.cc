// Schema::from_json / to_json: Spark's StructType JSON, the form Delta stores as schemaString.
// Field metadata is opaque to us but must survive a round trip byte for byte, so it is kept
// as compact JSON text in the order Spark wrote its keys (nlohmann::ordered_json).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lakestream/schema/schema.h"

namespace lakestream {

namespace {

using OrderedJson = nlohmann::ordered_json;

std::string compact(const OrderedJson& value) {
  // replace: invalid UTF-8 must not throw out of a schema conversion.
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

Status json_error(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("invalid schema JSON at " + path + ": " + what);
}

/// What a JSON value is, for messages.
std::string kind_of(const OrderedJson& v) {
  if (v.is_string()) return "the string " + compact(v);
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "the number " + compact(v);
  return "null";
}

/// Digits at s[*pos..] as an int (at most 9 of them); false when there are none.
bool read_int(std::string_view s, size_t* pos, int* out) {
  size_t i = *pos;
  int v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - *pos < 9) v = v * 10 + (s[i++] - '0');
  if (i == *pos) return false;
  *pos = i;
  *out = v;
  return true;
}

void skip_spaces(std::string_view s, size_t* pos) {
  while (*pos < s.size() && s[*pos] == ' ') ++*pos;
}

/// "name(n)" or "name(n, m)" with Spark's tolerance for spaces; false when `s` is not that shape.
bool parse_parameterized(std::string_view s, std::string_view name, int* a, int* b, bool* has_b) {
  if (s.substr(0, name.size()) != name) return false;
  size_t pos = name.size();
  if (pos >= s.size() || s[pos] != '(') return false;
  ++pos;
  skip_spaces(s, &pos);
  if (!read_int(s, &pos, a)) return false;
  skip_spaces(s, &pos);
  *has_b = false;
  if (pos < s.size() && s[pos] == ',') {
    ++pos;
    skip_spaces(s, &pos);
    if (!read_int(s, &pos, b)) return false;
    skip_spaces(s, &pos);
    *has_b = true;
  }
  return pos + 1 == s.size() && s[pos] == ')';
}

Result<DataTypePtr> primitive_from_name(const std::string& name, const std::string& path) {
  if (name == "string") return DataType::string();
  if (name == "boolean") return DataType::boolean();
  if (name == "byte") return DataType::byte();
  if (name == "short") return DataType::short_();
  if (name == "integer") return DataType::int_();
  if (name == "long") return DataType::long_();
  if (name == "float") return DataType::float_();
  if (name == "double") return DataType::double_();
  if (name == "date") return DataType::date();
  if (name == "timestamp") return DataType::timestamp();
  if (name == "timestamp_ntz") return DataType::timestamp_ntz();
  if (name == "binary") return DataType::binary();
  if (name == "void") return DataType::null_();  // Spark's NullType
  // Spark 4's VariantType. lakestream has no variant type: a variant column reads as its JSON
  // text (the Parquet reader turns VARIANT groups into strings, docs/parquet.md), and the Delta
  // writers refuse tables that hold one (delta_table.cc).
  if (name == "variant") return DataType::string();
  if (name == "decimal") return DataType::decimal(10, 0);  // Spark's USER_DEFAULT
  int a = 0;
  int b = 0;
  bool has_b = false;
  if (parse_parameterized(name, "decimal", &a, &b, &has_b) && has_b) {
    if (a < 1 || a > 38) {
      return json_error(path, "decimal precision " + std::to_string(a) + " is out of range 1..38");
    }
    if (b > a) {
      return json_error(path, "decimal scale " + std::to_string(b) + " exceeds the precision " +
                                  std::to_string(a));
    }
    return DataType::decimal(a, b);
  }
  if ((parse_parameterized(name, "varchar", &a, &b, &has_b) ||
       parse_parameterized(name, "char", &a, &b, &has_b)) &&
      !has_b) {
    return DataType::string();  // Spark reads char/varchar as string
  }
  return json_error(path, "unknown type '" + name + "'");
}

Result<DataTypePtr> type_from_json(const OrderedJson& j, const std::string& path);

/// A required member of an object, with the path in the error when it is missing.
Result<const OrderedJson*> member(const OrderedJson& obj, const char* key,
                                  const std::string& path) {
  const auto it = obj.find(key);
  if (it == obj.end()) return json_error(path, std::string("missing \"") + key + "\"");
  return &*it;
}

Result<bool> bool_member(const OrderedJson& obj, const char* key, const std::string& path) {
  LS_ASSIGN_OR_RAISE(const OrderedJson* v, member(obj, key, path));
  if (!v->is_boolean()) {
    return json_error(path + "." + key, "expected true or false, found " + kind_of(*v));
  }
  return v->get<bool>();
}

Result<std::vector<Field>> fields_from_json(const OrderedJson& obj, const std::string& path) {
  LS_ASSIGN_OR_RAISE(const OrderedJson* fields, member(obj, "fields", path));
  const std::string fields_path = path + ".fields";
  if (!fields->is_array()) {
    return json_error(fields_path, "expected an array, found " + kind_of(*fields));
  }
  std::vector<Field> out;
  out.reserve(fields->size());
  for (size_t i = 0; i < fields->size(); ++i) {
    const OrderedJson& f = (*fields)[i];
    const std::string f_path = fields_path + "[" + std::to_string(i) + "]";
    if (!f.is_object()) return json_error(f_path, "expected an object, found " + kind_of(f));
    Field field;
    LS_ASSIGN_OR_RAISE(const OrderedJson* name, member(f, "name", f_path));
    if (!name->is_string()) {
      return json_error(f_path + ".name", "expected a string, found " + kind_of(*name));
    }
    field.name = name->get<std::string>();
    const std::string named_path = f_path + " ('" + field.name + "')";
    LS_ASSIGN_OR_RAISE(const OrderedJson* type, member(f, "type", named_path));
    LS_ASSIGN_OR_RAISE(field.type, type_from_json(*type, named_path + ".type"));
    LS_ASSIGN_OR_RAISE(field.nullable, bool_member(f, "nullable", named_path));
    const auto metadata = f.find("metadata");
    if (metadata != f.end()) {
      if (!metadata->is_object()) {
        return json_error(named_path + ".metadata",
                          "expected an object, found " + kind_of(*metadata));
      }
      field.metadata = compact(*metadata);
    }
    out.push_back(std::move(field));
  }
  return out;
}

Result<DataTypePtr> type_from_json(const OrderedJson& j, const std::string& path) {
  if (j.is_string()) return primitive_from_name(j.get<std::string>(), path);
  if (!j.is_object()) {
    return json_error(path, "expected a type name or object, found " + kind_of(j));
  }
  LS_ASSIGN_OR_RAISE(const OrderedJson* kind, member(j, "type", path));
  if (!kind->is_string()) {
    return json_error(path + ".type", "expected a string, found " + kind_of(*kind));
  }
  const std::string& name = kind->get_ref<const std::string&>();
  if (name == "struct") {
    LS_ASSIGN_OR_RAISE(auto fields, fields_from_json(j, path));
    return DataType::struct_(std::move(fields));
  }
  if (name == "array") {
    LS_ASSIGN_OR_RAISE(const OrderedJson* element, member(j, "elementType", path));
    LS_ASSIGN_OR_RAISE(DataTypePtr element_type, type_from_json(*element, path + ".elementType"));
    LS_ASSIGN_OR_RAISE(bool contains_null, bool_member(j, "containsNull", path));
    return DataType::array(std::move(element_type), contains_null);
  }
  if (name == "map") {
    LS_ASSIGN_OR_RAISE(const OrderedJson* key, member(j, "keyType", path));
    LS_ASSIGN_OR_RAISE(DataTypePtr key_type, type_from_json(*key, path + ".keyType"));
    LS_ASSIGN_OR_RAISE(const OrderedJson* value, member(j, "valueType", path));
    LS_ASSIGN_OR_RAISE(DataTypePtr value_type, type_from_json(*value, path + ".valueType"));
    LS_ASSIGN_OR_RAISE(bool value_contains_null, bool_member(j, "valueContainsNull", path));
    return DataType::map(std::move(key_type), std::move(value_type), value_contains_null);
  }
  return json_error(path + ".type", "unsupported type '" + name + "'");
}

/// Records where nlohmann's parser gave up, without exceptions.
struct SyntaxErrorFinder : nlohmann::json_sax<OrderedJson> {
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    message = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep "parse error at line..".
    const size_t tag_end = message.find("] ");
    if (tag_end != std::string::npos) message.erase(0, tag_end + 2);
    return false;
  }
};

void append_json_string(std::string& out, const std::string& s) { out += compact(OrderedJson(s)); }

void append_type(std::string& out, const DataType& type);

void append_fields(std::string& out, const std::vector<Field>& fields) {
  out += "{\"type\":\"struct\",\"fields\":[";
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    if (i) out += ',';
    out += "{\"name\":";
    append_json_string(out, f.name);
    out += ",\"type\":";
    append_type(out, *f.type);
    out += f.nullable ? ",\"nullable\":true" : ",\"nullable\":false";
    out += ",\"metadata\":";
    out += f.metadata.empty() ? "{}" : f.metadata;
    out += '}';
  }
  out += "]}";
}

void append_type(std::string& out, const DataType& type) {
  switch (type.id()) {
    case TypeId::kStruct:
      append_fields(out, type.fields());
      return;
    case TypeId::kArray:
      out += "{\"type\":\"array\",\"elementType\":";
      append_type(out, *type.element());
      out += type.contains_null() ? ",\"containsNull\":true}" : ",\"containsNull\":false}";
      return;
    case TypeId::kMap:
      out += "{\"type\":\"map\",\"keyType\":";
      append_type(out, *type.key());
      out += ",\"valueType\":";
      append_type(out, *type.value());
      out +=
          type.contains_null() ? ",\"valueContainsNull\":true}" : ",\"valueContainsNull\":false}";
      return;
    default:
      out += '"' + type.json_type_name() + '"';
      return;
  }
}

}  // namespace

Result<Schema> Schema::from_json(std::string_view json) {
  const OrderedJson root = OrderedJson::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    SyntaxErrorFinder finder;
    OrderedJson::sax_parse(json, &finder);
    return Status::InvalidArgument("invalid schema JSON: " + finder.message);
  }
  if (!root.is_object()) return json_error("$", "expected an object, found " + kind_of(root));
  LS_ASSIGN_OR_RAISE(const OrderedJson* kind, member(root, "type", "$"));
  if (!kind->is_string() || kind->get_ref<const std::string&>() != "struct") {
    return json_error("$", "expected \"type\":\"struct\", found " + kind_of(*kind));
  }
  LS_ASSIGN_OR_RAISE(auto fields, fields_from_json(root, "$"));
  return Schema(std::move(fields));
}

std::string Schema::to_json() const {
  std::string out;
  append_fields(out, fields_);
  return out;
}

}  // namespace lakestream
