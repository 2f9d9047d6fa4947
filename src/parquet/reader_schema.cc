#include "parquet/reader_schema.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "lakestream/parquet/parquet_writer.h"

namespace lakestream::parquet {
namespace {

constexpr int kMaxSchemaDepth = 64;

/// A field's metadata from its schema element: its field id, as Spark keeps it, if any.
std::string field_metadata(const SchemaElement& e) {
  if (!e.field_id) return "{}";
  return "{\"" + std::string(kParquetFieldIdKey) + "\":" + std::to_string(*e.field_id) + "}";
}

struct TreeNode {
  const SchemaElement* element = nullptr;
  std::vector<int> children;
  int16_t def = 0;  // max definition level at this node, inclusive
  int16_t rep = 0;
  int leaf_begin = 0;
  int leaf_end = 0;
  std::string path;
};

struct TreeBuilder {
  const std::vector<SchemaElement>& elements;
  std::vector<TreeNode> nodes;
  std::vector<LeafColumn>* leaves;
  size_t pos = 0;

  Result<int> parse(int16_t parent_def, int16_t parent_rep, const std::string& parent_path,
                    int depth) {
    if (depth > kMaxSchemaDepth) {
      return Status::Corrupt("schema nested deeper than " + std::to_string(kMaxSchemaDepth));
    }
    if (pos >= elements.size()) {
      return Status::Corrupt("schema element " + std::to_string(pos) +
                             " is announced by num_children but missing");
    }
    const SchemaElement& e = elements[pos++];
    const int id = static_cast<int>(nodes.size());
    nodes.emplace_back();
    TreeNode node;
    node.element = &e;
    const Repetition r =
        depth == 0 ? Repetition::kRequired : e.repetition.value_or(Repetition::kOptional);
    if (r != Repetition::kRequired && r != Repetition::kOptional && r != Repetition::kRepeated) {
      return Status::Corrupt("schema element '" + e.name + "' has repetition " +
                             std::to_string(static_cast<int>(r)));
    }
    node.def = static_cast<int16_t>(parent_def + (r == Repetition::kRequired ? 0 : 1));
    node.rep = static_cast<int16_t>(parent_rep + (r == Repetition::kRepeated ? 1 : 0));
    node.path = depth <= 1 ? e.name : parent_path + "." + e.name;
    node.leaf_begin = static_cast<int>(leaves->size());
    const int32_t n = e.num_children.value_or(0);
    if (n < 0 || static_cast<size_t>(n) > elements.size() - pos) {
      return Status::Corrupt("schema element '" + e.name + "' has " + std::to_string(n) +
                             " children, more than the " + std::to_string(elements.size() - pos) +
                             " elements left");
    }
    if (depth > 0 && (!e.num_children || n == 0)) {
      if (!e.type) return Status::Corrupt("schema leaf '" + node.path + "' has no physical type");
      LeafColumn leaf;
      leaf.path = node.path;
      leaf.element = &e;
      leaf.physical = *e.type;
      leaf.type_length = e.type_length.value_or(0);
      leaf.max_def = node.def;
      leaf.max_rep = node.rep;
      leaves->push_back(std::move(leaf));
    } else {
      for (int32_t i = 0; i < n; ++i) {
        LS_ASSIGN_OR_RAISE(int child, parse(node.def, node.rep, node.path, depth + 1));
        node.children.push_back(child);
      }
    }
    node.leaf_end = static_cast<int>(leaves->size());
    nodes[static_cast<size_t>(id)] = std::move(node);
    return id;
  }
};

using LK = LogicalType::Kind;

Status unsupported(const std::string& what) { return Status::NotImplemented(what); }

const char* physical_type_name(PhysicalType t) {
  static constexpr const char* kNames[] = {
      "BOOLEAN", "INT32",  "INT64",      "INT96",
      "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  const auto i = static_cast<size_t>(t);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

/// A logical type's name as parquet.thrift spells it, for messages.
const char* logical_type_name(LK kind) {
  switch (kind) {
    case LK::kNone:
      return "none";
    case LK::kString:
      return "STRING";
    case LK::kDecimal:
      return "DECIMAL";
    case LK::kDate:
      return "DATE";
    case LK::kTimestamp:
      return "TIMESTAMP";
    case LK::kInteger:
      return "INTEGER";
    case LK::kMap:
      return "MAP";
    case LK::kList:
      return "LIST";
    case LK::kEnum:
      return "ENUM";
    case LK::kTime:
      return "TIME";
    case LK::kUnknown:
      return "UNKNOWN";
    case LK::kJson:
      return "JSON";
    case LK::kBson:
      return "BSON";
    case LK::kUuid:
      return "UUID";
    case LK::kFloat16:
      return "FLOAT16";
    case LK::kVariant:
      return "VARIANT";
    case LK::kOther:
      break;
  }
  return "a logical type this reader does not know";
}

Result<DataTypePtr> decimal_type(const SchemaElement& e, Conversion conv, LeafColumn* leaf) {
  int precision = e.precision.value_or(0), scale = e.scale.value_or(0);
  if (e.logical_type.kind == LK::kDecimal) {
    precision = e.logical_type.precision;
    scale = e.logical_type.scale;
  }
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    return unsupported("decimal(" + std::to_string(precision) + "," + std::to_string(scale) +
                       ") is outside decimal(1..38, 0..precision)");
  }
  leaf->conversion = conv;
  return DataType::decimal(precision, scale);
}

/// The lakestream type of a leaf and how its values convert.
Result<DataTypePtr> map_leaf(LeafColumn* leaf) {
  const SchemaElement& e = *leaf->element;
  const PhysicalType pt = leaf->physical;
  const LogicalType& lt = e.logical_type;
  // A logical type takes precedence; without one (or with one we do not know) the converted
  // type decides, as the spec asks of readers.
  LK kind = lt.kind;
  if (kind == LK::kOther) kind = LK::kNone;
  // (an int, not an optional: GCC 12 misreports an optional enum as maybe-uninitialized)
  const int ct = kind == LK::kNone && e.converted_type ? static_cast<int>(*e.converted_type) : -1;
  auto& conv = leaf->conversion;
  const std::string where = "'" + leaf->path + "' ";

  auto integer = [&](int bits, bool is_signed) -> Result<DataTypePtr> {
    const bool phys32 = pt == PhysicalType::kInt32;
    if ((bits <= 32 && !phys32) || (bits == 64 && pt != PhysicalType::kInt64)) {
      return unsupported(where + "INT(" + std::to_string(bits) + ") on physical type " +
                         std::to_string(static_cast<int>(pt)));
    }
    switch (bits) {
      case 8:
        conv = is_signed ? Conversion::kInt32ToInt8 : Conversion::kUint8ToInt16;
        return is_signed ? DataType::byte() : DataType::short_();
      case 16:
        conv = is_signed ? Conversion::kInt32ToInt16 : Conversion::kUint16ToInt32;
        return is_signed ? DataType::short_() : DataType::int_();
      case 32:
        conv = is_signed ? Conversion::kInt32 : Conversion::kUint32ToInt64;
        return is_signed ? DataType::int_() : DataType::long_();
      case 64:
        conv = is_signed ? Conversion::kInt64 : Conversion::kUint64ToDecimal;
        return is_signed ? DataType::long_() : DataType::decimal(20, 0);
      default:
        return unsupported(where + "INT(" + std::to_string(bits) + ") is not 8, 16, 32 or 64 bits");
    }
  };
  auto decimal = [&]() -> Result<DataTypePtr> {
    switch (pt) {
      case PhysicalType::kInt32:
        return decimal_type(e, Conversion::kInt32ToDecimal, leaf);
      case PhysicalType::kInt64:
        return decimal_type(e, Conversion::kInt64ToDecimal, leaf);
      case PhysicalType::kByteArray:
      case PhysicalType::kFixedLenByteArray:
        return decimal_type(e, Conversion::kBytesToDecimal, leaf);
      default:
        return unsupported(where + "DECIMAL on a BOOLEAN/FLOAT/DOUBLE/INT96 column");
    }
  };
  auto timestamp = [&](TimeUnit unit, bool utc) -> Result<DataTypePtr> {
    if (pt != PhysicalType::kInt64) return unsupported(where + "TIMESTAMP on a non-INT64 column");
    conv = unit == TimeUnit::kMillis  ? Conversion::kMillisToMicros
           : unit == TimeUnit::kNanos ? Conversion::kNanosToMicros
                                      : Conversion::kInt64;
    return utc ? DataType::timestamp() : DataType::timestamp_ntz();
  };
  // TIME has no Spark type: read it as a long of microseconds since midnight.
  auto time = [&](TimeUnit unit) -> Result<DataTypePtr> {
    if (unit == TimeUnit::kMillis && pt == PhysicalType::kInt32) {
      conv = Conversion::kTimeMillisToMicros;
    } else if (unit != TimeUnit::kMillis && pt == PhysicalType::kInt64) {
      conv = unit == TimeUnit::kNanos ? Conversion::kNanosToMicros : Conversion::kInt64;
    } else {
      return unsupported(where + "TIME with a unit that does not match its physical type");
    }
    return DataType::long_();
  };
  auto bytes_as = [&](DataTypePtr t) -> Result<DataTypePtr> {
    if (pt != PhysicalType::kByteArray && pt != PhysicalType::kFixedLenByteArray) {
      return unsupported(where + "a string annotation on a non-byte-array column");
    }
    conv = Conversion::kBytes;
    return t;
  };

  switch (kind) {
    case LK::kString:
    case LK::kEnum:
    case LK::kJson:
      return bytes_as(DataType::string());
    case LK::kBson:
      return bytes_as(DataType::binary());
    case LK::kDecimal:
      return decimal();
    case LK::kDate:
      if (pt != PhysicalType::kInt32) return unsupported(where + "DATE on a non-INT32 column");
      conv = Conversion::kInt32;
      return DataType::date();
    case LK::kTimestamp:
      return timestamp(lt.unit, lt.adjusted_to_utc);
    case LK::kTime:
      return time(lt.unit);
    case LK::kInteger:
      return integer(lt.bit_width, lt.is_signed);
    case LK::kUuid:
      if (pt != PhysicalType::kFixedLenByteArray || leaf->type_length != 16) {
        return unsupported(where + "UUID is not a FIXED_LEN_BYTE_ARRAY(16)");
      }
      conv = Conversion::kUuidToString;
      return DataType::string();
    case LK::kFloat16:
      if (pt != PhysicalType::kFixedLenByteArray || leaf->type_length != 2) {
        return unsupported(where + "FLOAT16 is not a FIXED_LEN_BYTE_ARRAY(2)");
      }
      conv = Conversion::kFloat16ToFloat;
      return DataType::float_();
    case LK::kUnknown:
      return unsupported(where +
                         "has the UNKNOWN (always null) logical type, which lakestream "
                         "has no type for");
    case LK::kMap:
    case LK::kList:
      return unsupported(where + "is a primitive annotated as MAP/LIST");
    case LK::kVariant:
      return unsupported(where + "is a primitive annotated as VARIANT (a variant is a group)");
    case LK::kNone:
    case LK::kOther:
      break;
  }
  if (ct >= 0) {
    switch (static_cast<ConvertedType>(ct)) {
      case ConvertedType::kUtf8:
      case ConvertedType::kEnum:
      case ConvertedType::kJson:
        return bytes_as(DataType::string());
      case ConvertedType::kBson:
        return bytes_as(DataType::binary());
      case ConvertedType::kDecimal:
        return decimal();
      case ConvertedType::kDate:
        if (pt != PhysicalType::kInt32) return unsupported(where + "DATE on a non-INT32 column");
        conv = Conversion::kInt32;
        return DataType::date();
      case ConvertedType::kTimeMillis:
        return time(TimeUnit::kMillis);
      case ConvertedType::kTimeMicros:
        return time(TimeUnit::kMicros);
      // The legacy converted timestamps are defined as UTC instants.
      case ConvertedType::kTimestampMillis:
        return timestamp(TimeUnit::kMillis, true);
      case ConvertedType::kTimestampMicros:
        return timestamp(TimeUnit::kMicros, true);
      case ConvertedType::kUint8:
        return integer(8, false);
      case ConvertedType::kUint16:
        return integer(16, false);
      case ConvertedType::kUint32:
        return integer(32, false);
      case ConvertedType::kUint64:
        return integer(64, false);
      case ConvertedType::kInt8:
        return integer(8, true);
      case ConvertedType::kInt16:
        return integer(16, true);
      case ConvertedType::kInt32:
        return integer(32, true);
      case ConvertedType::kInt64:
        return integer(64, true);
      case ConvertedType::kInterval:
        return unsupported(where + "is an INTERVAL, which lakestream has no type for");
      default:
        break;  // MAP/LIST markers on a leaf, unknown values: fall back to physical
    }
  }
  switch (pt) {
    case PhysicalType::kBoolean:
      conv = Conversion::kBool;
      return DataType::boolean();
    case PhysicalType::kInt32:
      conv = Conversion::kInt32;
      return DataType::int_();
    case PhysicalType::kInt64:
      conv = Conversion::kInt64;
      return DataType::long_();
    case PhysicalType::kInt96:
      conv = Conversion::kInt96ToMicros;
      return DataType::timestamp();
    case PhysicalType::kFloat:
      conv = Conversion::kFloat;
      return DataType::float_();
    case PhysicalType::kDouble:
      conv = Conversion::kDouble;
      return DataType::double_();
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      conv = Conversion::kBytes;
      return DataType::binary();
  }
  // Not a column this reader cannot represent but a file it cannot understand: refused whole,
  // never skipped (a reader that skipped it would silently return fewer columns).
  return Status::Corrupt(where + "has unknown physical type " +
                         std::to_string(static_cast<int>(pt)));
}

/// The lakestream type, conversion and JSON rendering of a shredded variant's typed_value leaf.
/// Only the types VariantShredding.md lists are allowed; anything else (unsigned integers,
/// TIMESTAMP(MILLIS), a bare FIXED_LEN_BYTE_ARRAY, INT96, ...) makes the column unreadable.
Result<VariantScalar> map_variant_leaf(LeafColumn* leaf) {
  const SchemaElement& e = *leaf->element;
  const PhysicalType pt = leaf->physical;
  LogicalType lt = e.logical_type;
  // A legacy writer may give only the converted type: read it as its logical equivalent.
  if (lt.kind == LK::kNone && e.converted_type) {
    switch (*e.converted_type) {
      case ConvertedType::kUtf8:
        lt.kind = LK::kString;
        break;
      case ConvertedType::kDecimal:
        lt.kind = LK::kDecimal;
        lt.precision = e.precision.value_or(0);
        lt.scale = e.scale.value_or(0);
        break;
      case ConvertedType::kDate:
        lt.kind = LK::kDate;
        break;
      case ConvertedType::kInt8:
      case ConvertedType::kInt16:
      case ConvertedType::kInt32:
      case ConvertedType::kInt64:
        lt.kind = LK::kInteger;
        lt.is_signed = true;
        lt.bit_width = *e.converted_type == ConvertedType::kInt8    ? 8
                       : *e.converted_type == ConvertedType::kInt16 ? 16
                       : *e.converted_type == ConvertedType::kInt32 ? 32
                                                                    : 64;
        break;
      case ConvertedType::kTimestampMicros:
        lt.kind = LK::kTimestamp;
        lt.adjusted_to_utc = true;
        lt.unit = TimeUnit::kMicros;
        break;
      case ConvertedType::kTimeMicros:
        lt.kind = LK::kTime;
        lt.unit = TimeUnit::kMicros;
        break;
      default:
        lt.kind = LK::kOther;
        break;
    }
  }
  auto& conv = leaf->conversion;
  auto as = [&](Conversion c, DataTypePtr t, VariantScalar v) -> Result<VariantScalar> {
    conv = c;
    leaf->type = std::move(t);
    return v;
  };
  switch (lt.kind) {
    case LK::kNone:
      switch (pt) {
        case PhysicalType::kBoolean:
          return as(Conversion::kBool, DataType::boolean(), VariantScalar::kBoolean);
        case PhysicalType::kInt32:
          return as(Conversion::kInt32, DataType::int_(), VariantScalar::kInt32);
        case PhysicalType::kInt64:
          return as(Conversion::kInt64, DataType::long_(), VariantScalar::kInt64);
        case PhysicalType::kFloat:
          return as(Conversion::kFloat, DataType::float_(), VariantScalar::kFloat);
        case PhysicalType::kDouble:
          return as(Conversion::kDouble, DataType::double_(), VariantScalar::kDouble);
        case PhysicalType::kByteArray:
          return as(Conversion::kBytes, DataType::binary(), VariantScalar::kBinary);
        default:
          break;
      }
      break;
    case LK::kString:
      if (pt == PhysicalType::kByteArray) {
        return as(Conversion::kBytes, DataType::string(), VariantScalar::kString);
      }
      break;
    case LK::kInteger:
      if (!lt.is_signed) break;
      if (pt == PhysicalType::kInt32 && lt.bit_width == 8) {
        return as(Conversion::kInt32ToInt8, DataType::byte(), VariantScalar::kInt8);
      }
      if (pt == PhysicalType::kInt32 && lt.bit_width == 16) {
        return as(Conversion::kInt32ToInt16, DataType::short_(), VariantScalar::kInt16);
      }
      if (pt == PhysicalType::kInt32 && lt.bit_width == 32) {
        return as(Conversion::kInt32, DataType::int_(), VariantScalar::kInt32);
      }
      if (pt == PhysicalType::kInt64 && lt.bit_width == 64) {
        return as(Conversion::kInt64, DataType::long_(), VariantScalar::kInt64);
      }
      break;
    case LK::kDecimal: {
      SchemaElement d = e;
      d.logical_type = lt;
      Conversion c = Conversion::kBytesToDecimal;
      if (pt == PhysicalType::kInt32) {
        c = Conversion::kInt32ToDecimal;
      } else if (pt == PhysicalType::kInt64) {
        c = Conversion::kInt64ToDecimal;
      } else if (pt != PhysicalType::kByteArray && pt != PhysicalType::kFixedLenByteArray) {
        break;
      }
      LS_ASSIGN_OR_RAISE(leaf->type, decimal_type(d, c, leaf));
      return VariantScalar::kDecimal;
    }
    case LK::kDate:
      if (pt == PhysicalType::kInt32) {
        return as(Conversion::kInt32, DataType::date(), VariantScalar::kDate);
      }
      break;
    case LK::kTime:
      if (pt == PhysicalType::kInt64 && lt.unit == TimeUnit::kMicros) {
        return as(Conversion::kInt64, DataType::long_(), VariantScalar::kTime);
      }
      break;
    case LK::kTimestamp:
      if (pt != PhysicalType::kInt64 || lt.unit == TimeUnit::kMillis) break;
      if (lt.unit == TimeUnit::kNanos) {
        return as(Conversion::kInt64, DataType::long_(),
                  lt.adjusted_to_utc ? VariantScalar::kTimestampNanos
                                     : VariantScalar::kTimestampNtzNanos);
      }
      return as(Conversion::kInt64, DataType::long_(),
                lt.adjusted_to_utc ? VariantScalar::kTimestamp : VariantScalar::kTimestampNtz);
    case LK::kUuid:
      if (pt == PhysicalType::kFixedLenByteArray && leaf->type_length == 16) {
        return as(Conversion::kUuidToString, DataType::string(), VariantScalar::kUuid);
      }
      break;
    default:
      break;
  }
  return unsupported("shredded variant field '" + leaf->path +
                     "' has a type that VariantShredding.md does not allow (physical type " +
                     physical_type_name(pt) + ", logical type " + logical_type_name(lt.kind) +
                     "; unsigned integers, TIMESTAMP(MILLIS), bare FIXED_LEN_BYTE_ARRAY, INT96 "
                     "... are not variant types)");
}

// As for leaves, an unknown logical type leaves the decision to the converted type.
bool no_known_logical_type(const SchemaElement& e) {
  return e.logical_type.kind == LK::kNone || e.logical_type.kind == LK::kOther;
}
bool is_list_annotated(const SchemaElement& e) {
  return e.logical_type.kind == LK::kList ||
         (no_known_logical_type(e) && e.converted_type == ConvertedType::kList);
}
bool is_map_annotated(const SchemaElement& e) {
  return e.logical_type.kind == LK::kMap ||
         (no_known_logical_type(e) && (e.converted_type == ConvertedType::kMap ||
                                       e.converted_type == ConvertedType::kMapKeyValue));
}

struct AssemblyBuilder {
  const std::vector<TreeNode>& nodes;
  std::vector<LeafColumn>& leaves;

  const TreeNode& at(int id) const { return nodes[static_cast<size_t>(id)]; }
  static bool repeated(const TreeNode& n) { return n.element->repetition == Repetition::kRepeated; }

  /// A field as it appears in its parent: a repeated field not inside a LIST/MAP group is a
  /// list of required elements.
  Result<AssemblyNode> field(int id, bool* nullable) {
    const TreeNode& n = at(id);
    if (repeated(n)) {
      *nullable = false;
      AssemblyNode list;
      list.kind = AssemblyNode::Kind::kList;
      list.def = static_cast<int16_t>(n.def - 1);
      list.elem_def = n.def;
      list.rep = n.rep;
      LS_ASSIGN_OR_RAISE(AssemblyNode element, value(id, n.def));
      list.type = DataType::array(element.type, false);
      finish(&list, n, std::move(element));
      return list;
    }
    *nullable = n.element->repetition.value_or(Repetition::kOptional) != Repetition::kRequired;
    return value(id, n.def);
  }

  void finish(AssemblyNode* node, const TreeNode& n, AssemblyNode child) {
    node->leaf_begin = n.leaf_begin;
    node->leaf_end = n.leaf_end;
    node->children.push_back(std::move(child));
  }

  /// The value of node `id`, present at definition level `def` (a repeated node is read as its
  /// element here).
  Result<AssemblyNode> value(int id, int16_t def) {
    const TreeNode& n = at(id);
    const SchemaElement& e = *n.element;
    AssemblyNode out;
    out.def = def;
    out.leaf_begin = n.leaf_begin;
    out.leaf_end = n.leaf_end;
    if (n.children.empty()) {
      LeafColumn& leaf = leaves[static_cast<size_t>(n.leaf_begin)];
      LS_ASSIGN_OR_RAISE(leaf.type, map_leaf(&leaf));
      out.kind = AssemblyNode::Kind::kPrimitive;
      out.type = leaf.type;
      out.leaf = n.leaf_begin;
      return out;
    }
    if (e.logical_type.kind == LK::kVariant) return variant(id, def);
    // A group is a struct only when nothing says otherwise: a logical type this reader does not
    // know (or one meant for leaves) may change what the group means, and reading it as its
    // physical struct would return a column in a shape other than its type.
    if (e.logical_type.kind != LK::kNone && e.logical_type.kind != LK::kList &&
        e.logical_type.kind != LK::kMap && !is_list_annotated(e) && !is_map_annotated(e)) {
      return unsupported("group '" + n.path + "' is annotated with " +
                         logical_type_name(e.logical_type.kind) +
                         (e.logical_type.kind == LK::kOther ? "" : ", which is not a group type"));
    }
    if (is_list_annotated(e)) {
      if (n.children.size() != 1 || !repeated(at(n.children[0]))) {
        return unsupported("LIST group '" + n.path + "' does not have exactly one repeated child");
      }
      const TreeNode& r = at(n.children[0]);
      out.kind = AssemblyNode::Kind::kList;
      out.elem_def = r.def;
      out.rep = r.rep;
      // Backward-compatibility rules of LogicalTypes.md: the repeated node is itself the
      // element when it is primitive, has several fields, or is named "array" / "<list>_tuple"
      // (2-level lists); otherwise its single child is the element (3-level lists).
      const bool two_level = r.children.empty() || r.children.size() > 1 ||
                             r.element->name == "array" || r.element->name == e.name + "_tuple";
      AssemblyNode element;
      bool contains_null = false;
      if (two_level) {
        LS_ASSIGN_OR_RAISE(element, value(n.children[0], r.def));
      } else {
        LS_ASSIGN_OR_RAISE(element, field(r.children[0], &contains_null));
      }
      out.type = DataType::array(element.type, contains_null);
      out.children.push_back(std::move(element));
      return out;
    }
    if (is_map_annotated(e)) {
      if (n.children.size() != 1 || !repeated(at(n.children[0])) ||
          at(n.children[0]).children.size() != 2) {
        return unsupported("MAP group '" + n.path +
                           "' is not a repeated key_value group of a key and a value");
      }
      const TreeNode& kv = at(n.children[0]);
      out.kind = AssemblyNode::Kind::kMap;
      out.elem_def = kv.def;
      out.rep = kv.rep;
      bool key_nullable = false, value_nullable = false;
      LS_ASSIGN_OR_RAISE(AssemblyNode key, field(kv.children[0], &key_nullable));
      LS_ASSIGN_OR_RAISE(AssemblyNode val, field(kv.children[1], &value_nullable));
      if (key_nullable) {
        return unsupported("MAP group '" + n.path + "' has an optional key");
      }
      out.type = DataType::map(key.type, val.type, value_nullable);
      out.children.push_back(std::move(key));
      out.children.push_back(std::move(val));
      return out;
    }
    out.kind = AssemblyNode::Kind::kStruct;
    std::vector<Field> fields;
    for (int c : n.children) {
      bool nullable = true;
      LS_ASSIGN_OR_RAISE(AssemblyNode child, field(c, &nullable));
      fields.push_back(
          Field{at(c).element->name, child.type, nullable, field_metadata(*at(c).element)});
      out.children.push_back(std::move(child));
    }
    out.type = DataType::struct_(std::move(fields));
    return out;
  }

  // ---- VARIANT (VariantEncoding.md, VariantShredding.md) ----

  /// The child of group `n` named `name`, or -1. Variant fields are found by name, never by
  /// position (VariantShredding.md).
  int child_named(const TreeNode& n, std::string_view name) const {
    for (int c : n.children) {
      if (at(c).element->name == name) return c;
    }
    return -1;
  }

  /// A binary leaf of a variant group (`metadata` or `value`).
  Result<AssemblyNode> variant_binary(int id) {
    const TreeNode& n = at(id);
    if (!n.children.empty() || n.element->num_children.value_or(0) > 0 || repeated(n) ||
        *n.element->type != PhysicalType::kByteArray) {
      return unsupported("variant field '" + n.path + "' is not a binary (BYTE_ARRAY) leaf");
    }
    LeafColumn& leaf = leaves[static_cast<size_t>(n.leaf_begin)];
    leaf.conversion = Conversion::kBytes;
    leaf.type = DataType::binary();
    AssemblyNode out;
    out.kind = AssemblyNode::Kind::kPrimitive;
    out.type = leaf.type;
    out.def = n.def;
    out.leaf = n.leaf_begin;
    out.leaf_begin = n.leaf_begin;
    out.leaf_end = n.leaf_end;
    return out;
  }

  /// A group annotated VARIANT, read as a string column of JSON text.
  Result<AssemblyNode> variant(int id, int16_t def) {
    const TreeNode& n = at(id);
    if (n.element->logical_type.variant_version != 1) {
      return unsupported("VARIANT group '" + n.path + "' has specification version " +
                         std::to_string(n.element->logical_type.variant_version) +
                         " (only 1 is defined)");
    }
    const int metadata = child_named(n, "metadata");
    if (metadata < 0) return unsupported("VARIANT group '" + n.path + "' has no metadata field");
    AssemblyNode out;
    out.kind = AssemblyNode::Kind::kVariant;
    out.type = DataType::string();
    out.def = def;
    out.leaf_begin = n.leaf_begin;
    out.leaf_end = n.leaf_end;
    LS_ASSIGN_OR_RAISE(AssemblyNode md, variant_binary(metadata));
    if (md.def != n.def) {
      return unsupported("VARIANT group '" + n.path + "' has an optional metadata field");
    }
    out.children.push_back(std::move(md));
    LS_ASSIGN_OR_RAISE(AssemblyNode pair, variant_pair(id, def, true));
    out.children.push_back(std::move(pair));
    return out;
  }

  /// The {value, typed_value} fields of group `id`, present at definition level `def`.
  Result<AssemblyNode> variant_pair(int id, int16_t def, bool top) {
    const TreeNode& n = at(id);
    AssemblyNode out;
    out.kind = AssemblyNode::Kind::kVariantPair;
    out.type = DataType::string();
    out.def = def;
    for (int c : n.children) {
      const std::string& name = at(c).element->name;
      if (name == "value") {
        out.value_child = static_cast<int8_t>(out.children.size());
        LS_ASSIGN_OR_RAISE(AssemblyNode v, variant_binary(c));
        out.children.push_back(std::move(v));
      } else if (name == "typed_value") {
        out.typed_child = static_cast<int8_t>(out.children.size());
        LS_ASSIGN_OR_RAISE(AssemblyNode t, typed_value(c));
        out.children.push_back(std::move(t));
      } else if (!(top && name == "metadata")) {
        return unsupported("variant group '" + n.path + "' has a field '" + name +
                           "' besides metadata, value and typed_value");
      }
    }
    if (out.children.empty()) {
      return unsupported("variant group '" + n.path + "' has neither value nor typed_value");
    }
    out.leaf_begin = out.children.front().leaf_begin;
    out.leaf_end = out.children.back().leaf_end;
    return out;
  }

  /// A typed_value: a primitive, a shredded array (3-level LIST of element pairs) or a shredded
  /// object (a group of field pairs).
  Result<AssemblyNode> typed_value(int id) {
    const TreeNode& n = at(id);
    const SchemaElement& e = *n.element;
    if (repeated(n)) return unsupported("variant field '" + n.path + "' is repeated");
    AssemblyNode out;
    out.def = n.def;
    out.leaf_begin = n.leaf_begin;
    out.leaf_end = n.leaf_end;
    out.type = DataType::string();
    if (n.children.empty()) {
      LeafColumn& leaf = leaves[static_cast<size_t>(n.leaf_begin)];
      LS_ASSIGN_OR_RAISE(out.scalar, map_variant_leaf(&leaf));
      out.kind = AssemblyNode::Kind::kPrimitive;
      out.type = leaf.type;
      out.leaf = n.leaf_begin;
      return out;
    }
    if (is_list_annotated(e)) {
      const TreeNode* list = n.children.size() == 1 ? &at(n.children[0]) : nullptr;
      if (list == nullptr || !repeated(*list) || list->children.size() != 1 ||
          at(list->children[0]).children.empty() || repeated(at(list->children[0]))) {
        return unsupported("shredded variant array '" + n.path +
                           "' is not a 3-level LIST of element groups");
      }
      out.kind = AssemblyNode::Kind::kList;
      out.elem_def = list->def;
      out.rep = list->rep;
      const int element = list->children[0];
      LS_ASSIGN_OR_RAISE(AssemblyNode pair, variant_pair(element, at(element).def, false));
      out.children.push_back(std::move(pair));
      return out;
    }
    if (e.logical_type.kind != LK::kNone || e.converted_type) {
      return unsupported("shredded variant field '" + n.path +
                         "' is an annotated group other than LIST");
    }
    out.kind = AssemblyNode::Kind::kVariantObject;
    for (int c : n.children) {
      const TreeNode& f = at(c);
      if (f.children.empty() || repeated(f)) {
        return unsupported("shredded variant object '" + n.path + "' has a field '" +
                           f.element->name + "' that is not a {value, typed_value} group");
      }
      // The spec asks for required field groups; an optional one that is null reads as a
      // missing field.
      LS_ASSIGN_OR_RAISE(AssemblyNode pair, variant_pair(c, f.def, false));
      out.names.push_back(f.element->name);
      out.children.push_back(std::move(pair));
    }
    out.sorted_names.resize(out.names.size());
    for (size_t i = 0; i < out.names.size(); ++i) out.sorted_names[i] = static_cast<uint32_t>(i);
    std::sort(out.sorted_names.begin(), out.sorted_names.end(),
              [&](uint32_t a, uint32_t b) { return out.names[a] < out.names[b]; });
    for (size_t i = 1; i < out.sorted_names.size(); ++i) {
      if (out.names[out.sorted_names[i]] == out.names[out.sorted_names[i - 1]]) {
        return unsupported("shredded variant object '" + n.path + "' has two fields named '" +
                           out.names[out.sorted_names[i]] + "'");
      }
    }
    return out;
  }
};

}  // namespace

Result<FileSchema> build_file_schema(const std::vector<SchemaElement>& elements) {
  FileSchema fs;
  if (elements.empty()) return Status::Corrupt("the footer has an empty schema");
  TreeBuilder tb{elements, {}, &fs.leaves};
  LS_ASSIGN_OR_RAISE(int root, tb.parse(0, 0, "", 0));
  if (tb.pos != elements.size()) {
    return Status::Corrupt("schema has " + std::to_string(elements.size() - tb.pos) +
                           " elements outside the root's children");
  }
  AssemblyBuilder ab{tb.nodes, fs.leaves};
  for (int c : tb.nodes[static_cast<size_t>(root)].children) {
    const TreeNode& n = tb.nodes[static_cast<size_t>(c)];
    bool nullable = true;
    auto built = ab.field(c, &nullable);
    if (!built.ok()) {
      if (built.status().code() != StatusCode::kNotImplemented) return built.status();
      fs.skipped.push_back({n.element->name, built.status().message()});
      continue;
    }
    for (int l = n.leaf_begin; l < n.leaf_end; ++l)
      fs.leaves[static_cast<size_t>(l)].readable = true;
    Field f{n.element->name, built->type, nullable, field_metadata(*n.element)};
    fs.schema.add(f);
    fs.columns.push_back({std::move(f), std::move(built).value()});
  }
  return fs;
}

}  // namespace lakestream::parquet
