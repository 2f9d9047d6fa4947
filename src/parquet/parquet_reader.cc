#include "lakestream/parquet/parquet_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "lakestream/common/strings.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/parquet_types.h"
#include "parquet/reader_schema.h"
#include "parquet/thrift_compact.h"
#include "parquet/value_decoder.h"
#include "parquet/variant.h"

namespace lakestream {

using parquet::AssemblyNode;
using parquet::Conversion;
using parquet::LeafColumn;
using parquet::LeafData;

namespace {

constexpr std::string_view kMagic = "PAR1";

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

template <typename T>
std::optional<T> load(std::string_view b) {
  if (b.size() < sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

/// A statistics bound (PLAIN bytes of the physical type) as a value of the leaf's type.
std::optional<ParquetStatValue> decode_stat(const LeafColumn& leaf, std::string_view b) {
  switch (leaf.conversion) {
    case Conversion::kBool:
      if (b.empty()) return std::nullopt;
      return ParquetStatValue(b[0] != 0);
    case Conversion::kInt32:
    case Conversion::kInt32ToInt8:
    case Conversion::kInt32ToInt16:
      if (auto v = load<int32_t>(b)) return ParquetStatValue(*v);
      return std::nullopt;
    case Conversion::kUint8ToInt16:
    case Conversion::kUint16ToInt32:
      if (auto v = load<uint32_t>(b); v && *v <= 65535)
        return ParquetStatValue(static_cast<int32_t>(*v));
      return std::nullopt;
    case Conversion::kUint32ToInt64:
      if (auto v = load<uint32_t>(b)) return ParquetStatValue(static_cast<int64_t>(*v));
      return std::nullopt;
    case Conversion::kInt64:
      if (auto v = load<int64_t>(b)) return ParquetStatValue(*v);
      return std::nullopt;
    case Conversion::kUint64ToDecimal:
      if (auto v = load<uint64_t>(b)) return ParquetStatValue(static_cast<int128_t>(*v));
      return std::nullopt;
    case Conversion::kMillisToMicros:
      if (auto v = load<int64_t>(b)) {
        int64_t r = 0;
        if (__builtin_mul_overflow(*v, int64_t{1000}, &r)) return std::nullopt;
        return ParquetStatValue(r);
      }
      return std::nullopt;
    case Conversion::kNanosToMicros:
      if (auto v = load<int64_t>(b)) return ParquetStatValue(floor_div(*v, 1000));
      return std::nullopt;
    case Conversion::kTimeMillisToMicros:
      if (auto v = load<int32_t>(b)) return ParquetStatValue(static_cast<int64_t>(*v) * 1000);
      return std::nullopt;
    case Conversion::kInt32ToDecimal:
      if (auto v = load<int32_t>(b)) return ParquetStatValue(static_cast<int128_t>(*v));
      return std::nullopt;
    case Conversion::kInt64ToDecimal:
      if (auto v = load<int64_t>(b)) return ParquetStatValue(static_cast<int128_t>(*v));
      return std::nullopt;
    case Conversion::kBytesToDecimal: {
      int128_t v = 0;
      if (b.empty() || !parquet::decimal_from_big_endian(b, &v)) return std::nullopt;
      return ParquetStatValue(v);
    }
    case Conversion::kFloat:
      if (auto v = load<float>(b); v && !std::isnan(*v)) return ParquetStatValue(*v);
      return std::nullopt;
    case Conversion::kDouble:
      if (auto v = load<double>(b); v && !std::isnan(*v)) return ParquetStatValue(*v);
      return std::nullopt;
    case Conversion::kBytes:
      return ParquetStatValue(std::string(b));
    // INT96 has no defined sort order; FLOAT16 and UUID bounds are not worth decoding.
    case Conversion::kInt96ToMicros:
    case Conversion::kFloat16ToFloat:
    case Conversion::kUuidToString:
      return std::nullopt;
  }
  return std::nullopt;
}

/// Whether the deprecated min/max (written in signed order by old writers) fit this leaf.
bool deprecated_stats_usable(Conversion c) {
  switch (c) {
    case Conversion::kBool:
    case Conversion::kInt32:
    case Conversion::kInt32ToInt8:
    case Conversion::kInt32ToInt16:
    case Conversion::kInt64:
    case Conversion::kMillisToMicros:
    case Conversion::kNanosToMicros:
    case Conversion::kTimeMillisToMicros:
    case Conversion::kInt32ToDecimal:
    case Conversion::kInt64ToDecimal:
    case Conversion::kFloat:
    case Conversion::kDouble:
      return true;
    default:
      return false;
  }
}

/// Append row `i` of `src` to `dst` (same primitive type).
inline void append_from(const Column& src, int64_t i, Column* dst) {
  const TypeId id = src.type()->id();
  if (id == TypeId::kString || id == TypeId::kBinary) {
    dst->append_string(src.string_value(i));
    return;
  }
  switch (src.type()->fixed_width()) {
    case 1:
      dst->append<uint8_t>(src.value<uint8_t>(i));
      break;
    case 2:
      dst->append<int16_t>(src.value<int16_t>(i));
      break;
    case 4:
      dst->append<int32_t>(src.value<int32_t>(i));
      break;
    case 8:
      dst->append<int64_t>(src.value<int64_t>(i));
      break;
    case 16:
      dst->append<int128_t>(src.value<int128_t>(i));
      break;
    default:
      break;
  }
}

/// Dremel record assembly over the decoded leaves of one top-level column: every leaf has a
/// cursor into its levels; building one value of a node consumes that value's level entries
/// from each leaf beneath it. A null or empty struct/list/map consumes exactly one entry of
/// each of its leaves.
class Assembler {
 public:
  Assembler(const std::vector<LeafColumn>& leaves, std::vector<LeafData>& data, int base)
      : leaves_(leaves),
        data_(data),
        base_(base),
        cursor_(data.size(), 0),
        vcursor_(data.size(), 0) {}

  Status build_rows(const AssemblyNode& node, int64_t rows, Column* out) {
    // rows comes from the footer: reserve no more than the levels actually decoded.
    out->reserve(std::min(rows, data_[0].num_levels));
    for (int64_t r = 0; r < rows; ++r) {
      row_ = r;
      if (!build(node, out)) return Status(error_code_, error_);
      const size_t l = slot(node.leaf_begin);
      if (cursor_[l] < data_[l].num_levels && rep_at(l, cursor_[l]) != 0) {
        return Status::Corrupt("repetition level " + std::to_string(rep_at(l, cursor_[l])) +
                               " where a new row should start, at level entry " +
                               std::to_string(cursor_[l]));
      }
    }
    for (size_t l = 0; l < data_.size(); ++l) {
      if (cursor_[l] != data_[l].num_levels || vcursor_[l] != data_[l].values->length()) {
        return Status::Corrupt("leaf '" + leaves_[static_cast<size_t>(base_) + l].path +
                               "' holds " + std::to_string(data_[l].num_levels) +
                               " level entries and " + std::to_string(data_[l].values->length()) +
                               " values, more than its " + std::to_string(rows) + " rows use");
      }
    }
    return Status::OK();
  }

 private:
  size_t slot(int leaf) const { return static_cast<size_t>(leaf - base_); }
  int16_t def_at(size_t l, int64_t i) const {
    return data_[l].def.empty() ? 0 : data_[l].def[static_cast<size_t>(i)];
  }
  int16_t rep_at(size_t l, int64_t i) const {
    return data_[l].rep.empty() ? 0 : data_[l].rep[static_cast<size_t>(i)];
  }
  bool fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return false;
  }
  /// A variant that cannot be read: the status's code is kept, the row is named.
  bool fail_variant(const Status& st) {
    if (error_.empty()) {
      error_code_ = st.code();
      error_ = "row " + std::to_string(row_) + ": " + st.message();
    }
    return false;
  }
  /// Consume one entry of every leaf under `node` (a null or empty value).
  bool skip(const AssemblyNode& node) {
    for (int leaf = node.leaf_begin; leaf < node.leaf_end; ++leaf) {
      const size_t l = slot(leaf);
      if (cursor_[l] >= data_[l].num_levels)
        return fail("leaf '" + leaves_[static_cast<size_t>(leaf)].path + "' ends early");
      ++cursor_[l];
    }
    return true;
  }

  bool build(const AssemblyNode& node, Column* out) {
    const size_t l = slot(node.leaf_begin);
    if (cursor_[l] >= data_[l].num_levels) {
      return fail("leaf '" + leaves_[static_cast<size_t>(node.leaf_begin)].path +
                  "' has fewer level entries than its rows need");
    }
    const int16_t d = def_at(l, cursor_[l]);
    switch (node.kind) {
      case AssemblyNode::Kind::kPrimitive: {
        if (d < node.def) {
          out->append_null();
        } else {
          const int64_t v = vcursor_[l]++;
          if (v >= data_[l].values->length())
            return fail("a leaf has fewer values than its levels say");
          append_from(*data_[l].values, v, out);
        }
        ++cursor_[l];
        return true;
      }
      case AssemblyNode::Kind::kStruct: {
        if (d < node.def) {
          out->append_null();
          return skip(node);
        }
        out->append_struct_valid();
        for (size_t c = 0; c < node.children.size(); ++c) {
          if (!build(node.children[c], &out->mutable_child(c))) return false;
        }
        return true;
      }
      case AssemblyNode::Kind::kList:
      case AssemblyNode::Kind::kMap: {
        if (d < node.def) {
          out->append_null();
          return skip(node);
        }
        if (d < node.elem_def) {
          if (!skip(node)) return false;
          out->append_list_end();
          return true;
        }
        while (true) {
          for (size_t c = 0; c < node.children.size(); ++c) {
            if (!build(node.children[c], &out->mutable_child(c))) return false;
          }
          if (cursor_[l] >= data_[l].num_levels) break;
          const int16_t r = rep_at(l, cursor_[l]);
          if (r < node.rep) break;
          if (r > node.rep) {
            return fail("repetition level " + std::to_string(r) +
                        " deeper than the list at level " + std::to_string(node.rep) +
                        " expects, at level entry " + std::to_string(cursor_[l]));
          }
        }
        out->append_list_end();
        return true;
      }
      case AssemblyNode::Kind::kVariant: {
        if (d < node.def) {
          out->append_null();
          return skip(node);
        }
        return build_variant(node, out);
      }
      case AssemblyNode::Kind::kVariantPair:
      case AssemblyNode::Kind::kVariantObject:
        break;  // only ever reached through their kVariant node
    }
    return fail("unknown assembly node");
  }

  // ---- VARIANT: one JSON text per value, rebuilt from the shredded columns as
  // VariantShredding.md's construct_variant does, straight into text ----

  bool build_variant(const AssemblyNode& node, Column* out) {
    std::string_view md_bytes;
    bool present = false;
    if (!take_bytes(node.children[0], &md_bytes, &present)) return false;
    if (!present) return fail_variant(Status::Corrupt("the variant's metadata is null"));
    parquet::VariantMetadata md;
    if (Status st = parquet::VariantMetadata::parse(md_bytes, &md); !st.ok()) {
      return fail_variant(st);
    }
    json_.clear();
    if (!variant_pair(node.children[1], md, &present)) return false;
    // Missing where a value is required: a variant null (VariantShredding.md).
    if (!present) json_ = "null";
    if (out->data().size() + json_.size() > static_cast<size_t>(INT32_MAX)) {
      return fail_variant(Status::NotImplemented(
          "the JSON text of the column's variants passes 2 GiB in one row group"));
    }
    out->append_string(json_);
    return true;
  }

  /// Consume one entry of binary leaf `node`: its bytes when defined.
  bool take_bytes(const AssemblyNode& node, std::string_view* bytes, bool* present) {
    const size_t l = slot(node.leaf);
    if (cursor_[l] >= data_[l].num_levels) {
      return fail("leaf '" + leaves_[static_cast<size_t>(node.leaf)].path + "' ends early");
    }
    *present = def_at(l, cursor_[l]++) >= node.def;
    if (!*present) return true;
    const int64_t v = vcursor_[l]++;
    if (v >= data_[l].values->length()) return fail("a leaf has fewer values than its levels say");
    *bytes = data_[l].values->string_value(v);
    return true;
  }

  /// The definition level at the next entry of `node`'s first leaf.
  bool peek_def(const AssemblyNode& node, int16_t* d) {
    const size_t l = slot(node.leaf_begin);
    if (cursor_[l] >= data_[l].num_levels) {
      return fail("leaf '" + leaves_[static_cast<size_t>(node.leaf_begin)].path + "' ends early");
    }
    *d = def_at(l, cursor_[l]);
    return true;
  }

  /// Append the JSON of a {value, typed_value} pair to json_; `*present` false (nothing
  /// appended) when the pair holds no value (a missing object field).
  bool variant_pair(const AssemblyNode& pair, const parquet::VariantMetadata& md, bool* present) {
    *present = false;
    int16_t d = 0;
    if (!peek_def(pair.children[0], &d)) return false;
    if (d < pair.def) {  // an optional field group that is null: the field is missing
      for (const auto& c : pair.children) {
        if (!skip(c)) return false;
      }
      return true;
    }
    std::string_view value;
    bool has_value = false;
    if (pair.value_child >= 0) {
      if (!take_bytes(pair.children[static_cast<size_t>(pair.value_child)], &value, &has_value))
        return false;
    }
    if (pair.typed_child >= 0) {
      const AssemblyNode& t = pair.children[static_cast<size_t>(pair.typed_child)];
      if (!peek_def(t, &d)) return false;
      if (d >= t.def) {
        *present = true;
        if (t.kind == AssemblyNode::Kind::kVariantObject) {
          if (has_value && !parquet::VariantDecoder::is_object(value)) {
            return fail_variant(
                Status::Corrupt("invalid variant: a non-object value with shredded object fields"));
          }
          return typed_object(t, md, has_value ? value : std::string_view());
        }
        if (has_value) {
          return fail_variant(Status::Corrupt(
              "invalid variant: both value and typed_value are set for a non-object value"));
        }
        return t.kind == AssemblyNode::Kind::kList ? typed_array(t, md) : typed_scalar(t);
      }
      if (!skip(t)) return false;
    }
    if (!has_value) return true;
    *present = true;
    if (Status st = decoder_.to_json(md, value, &json_); !st.ok()) return fail_variant(st);
    return true;
  }

  bool typed_scalar(const AssemblyNode& t) {
    using parquet::VariantScalar;
    const size_t l = slot(t.leaf);
    ++cursor_[l];
    const int64_t v = vcursor_[l]++;
    const Column& c = *data_[l].values;
    if (v >= c.length()) return fail("a leaf has fewer values than its levels say");
    Status st;
    switch (t.scalar) {
      case VariantScalar::kBoolean:
        json_ += c.bool_value(v) ? "true" : "false";
        break;
      case VariantScalar::kInt8:
        json_ += std::to_string(c.value<int8_t>(v));
        break;
      case VariantScalar::kInt16:
        json_ += std::to_string(c.value<int16_t>(v));
        break;
      case VariantScalar::kInt32:
        json_ += std::to_string(c.value<int32_t>(v));
        break;
      case VariantScalar::kInt64:
        json_ += std::to_string(c.value<int64_t>(v));
        break;
      case VariantScalar::kFloat:
        parquet::append_json_float(c.value<float>(v), &json_);
        break;
      case VariantScalar::kDouble:
        parquet::append_json_double(c.value<double>(v), &json_);
        break;
      case VariantScalar::kDecimal:
        parquet::append_json_decimal(c.decimal_value(v), t.type->scale(), &json_);
        break;
      case VariantScalar::kDate:
        parquet::append_json_date(c.value<int32_t>(v), &json_);
        break;
      case VariantScalar::kTime:
        st = parquet::append_json_time_micros(c.value<int64_t>(v), &json_);
        break;
      case VariantScalar::kTimestamp:
      case VariantScalar::kTimestampNtz:
      case VariantScalar::kTimestampNanos:
      case VariantScalar::kTimestampNtzNanos:
        parquet::append_json_timestamp(
            c.value<int64_t>(v),
            t.scalar == VariantScalar::kTimestampNanos ||
                t.scalar == VariantScalar::kTimestampNtzNanos,
            t.scalar == VariantScalar::kTimestamp || t.scalar == VariantScalar::kTimestampNanos,
            &json_);
        break;
      case VariantScalar::kBinary:
        parquet::append_json_binary(c.string_value(v), &json_);
        break;
      case VariantScalar::kString:
        st = parquet::append_json_utf8(c.string_value(v), &json_);
        break;
      case VariantScalar::kUuid:
        append_json_string(json_, c.string_value(v));
        break;
      case VariantScalar::kNone:
        return fail("a typed_value leaf without a variant type");
    }
    return st.ok() || fail_variant(st);
  }

  bool typed_array(const AssemblyNode& t, const parquet::VariantMetadata& md) {
    const size_t l = slot(t.leaf_begin);
    json_.push_back('[');
    if (def_at(l, cursor_[l]) < t.elem_def) {  // empty
      json_.push_back(']');
      return skip(t);
    }
    for (bool first = true;; first = false) {
      if (!first) json_.push_back(',');
      bool present = false;
      if (!variant_pair(t.children[0], md, &present)) return false;
      // Elements cannot be missing; one stored as such reads as a variant null.
      if (!present) json_ += "null";
      if (cursor_[l] >= data_[l].num_levels) break;
      const int16_t r = rep_at(l, cursor_[l]);
      if (r < t.rep) break;
      if (r > t.rep) {
        return fail("repetition level " + std::to_string(r) + " deeper than the list at level " +
                    std::to_string(t.rep) + " expects, at level entry " +
                    std::to_string(cursor_[l]));
      }
    }
    json_.push_back(']');
    return true;
  }

  /// A shredded object: its shredded fields, then the fields of `value` (a partially shredded
  /// object) that are not shredded, written in key order as an unshredded object would be.
  bool typed_object(const AssemblyNode& t, const parquet::VariantMetadata& md,
                    std::string_view value) {
    json_.push_back('{');
    const size_t start = json_.size();
    const size_t base = members_.size();
    auto begin_member = [&](std::string_view key) {
      if (members_.size() > base) json_.push_back(',');
      members_.push_back({key, json_.size(), 0});
    };
    for (size_t i = 0; i < t.children.size(); ++i) {
      const size_t mark = json_.size();
      begin_member(t.names[i]);
      append_json_string(json_, t.names[i]);
      json_.push_back(':');
      bool present = false;
      if (!variant_pair(t.children[i], md, &present)) return false;
      if (present) {
        members_.back().end = json_.size();
      } else {
        members_.pop_back();
        json_.resize(mark);
      }
    }
    if (!value.empty()) {
      Status st = decoder_.for_each_field(md, value, [&](const parquet::VariantField& f) {
        // A field both shredded and in value breaks the spec; the shredded one wins.
        if (std::binary_search(
                t.sorted_names.begin(), t.sorted_names.end(), f.key,
                [&](const auto& a, const auto& b) { return name_of(t, a) < name_of(t, b); })) {
          return Status::OK();
        }
        begin_member(f.key);
        LS_RETURN_NOT_OK(parquet::append_json_utf8(f.key, &json_));
        json_.push_back(':');
        LS_RETURN_NOT_OK(decoder_.to_json(md, f.value, &json_));
        members_.back().end = json_.size();
        return Status::OK();
      });
      if (!st.ok()) return fail_variant(st);
    }
    bool sorted = true;
    for (size_t k = base + 1; k < members_.size() && sorted; ++k) {
      sorted = members_[k - 1].key < members_[k].key;
    }
    if (!sorted) {
      // Same members, same commas: the object keeps its length, so the spans of the members
      // of enclosing objects stay valid.
      scratch_.assign(json_, start, std::string::npos);
      std::sort(members_.begin() + static_cast<std::ptrdiff_t>(base), members_.end(),
                [](const Member& a, const Member& b) { return a.key < b.key; });
      json_.resize(start);
      for (size_t k = base; k < members_.size(); ++k) {
        if (k > base) json_.push_back(',');
        json_.append(scratch_, members_[k].begin - start, members_[k].end - members_[k].begin);
      }
    }
    members_.resize(base);
    json_.push_back('}');
    return true;
  }

  static std::string_view name_of(const AssemblyNode& t, uint32_t i) { return t.names[i]; }
  static std::string_view name_of(const AssemblyNode&, std::string_view key) { return key; }

  const std::vector<LeafColumn>& leaves_;
  std::vector<LeafData>& data_;
  int base_;
  std::vector<int64_t> cursor_;
  std::vector<int64_t> vcursor_;
  std::string error_;
  StatusCode error_code_ = StatusCode::kCorrupt;
  int64_t row_ = 0;
  // Variant scratch, reused from row to row.
  struct Member {
    std::string_view key;
    size_t begin;
    size_t end;
  };
  std::string json_;
  std::string scratch_;
  std::vector<Member> members_;
  parquet::VariantDecoder decoder_;
};

enum class StatKind { kBool, kInteger, kFloating, kBytes };

StatKind stat_kind(const ParquetStatValue& v) {
  switch (v.index()) {
    case 0:
      return StatKind::kBool;
    case 1:
    case 2:
    case 5:
      return StatKind::kInteger;
    case 3:
    case 4:
      return StatKind::kFloating;
    default:
      return StatKind::kBytes;
  }
}

int128_t as_int(const ParquetStatValue& v) {
  if (const auto* p = std::get_if<int32_t>(&v)) return *p;
  if (const auto* p = std::get_if<int64_t>(&v)) return *p;
  return std::get<int128_t>(v);
}

double as_double(const ParquetStatValue& v) {
  if (const auto* p = std::get_if<float>(&v)) return *p;
  return std::get<double>(v);
}

/// <0, 0, >0 as a compares to b; both of the same kind.
int compare_stat(const ParquetStatValue& a, const ParquetStatValue& b) {
  switch (stat_kind(a)) {
    case StatKind::kBool:
      return static_cast<int>(std::get<bool>(a)) - static_cast<int>(std::get<bool>(b));
    case StatKind::kInteger: {
      const int128_t x = as_int(a), y = as_int(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case StatKind::kFloating: {
      const double x = as_double(a), y = as_double(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case StatKind::kBytes: {
      // std::string compares bytes as unsigned char: the order Parquet defines for binary.
      const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
  }
  return 0;
}

}  // namespace

// ---- ParquetPredicate ------------------------------------------------------------------------

ParquetPredicate ParquetPredicate::equal(std::string column, ParquetStatValue value) {
  return ParquetPredicate{std::move(column), value, value};
}

ParquetPredicate ParquetPredicate::between(std::string column,
                                           std::optional<ParquetStatValue> lower,
                                           std::optional<ParquetStatValue> upper) {
  return ParquetPredicate{std::move(column), std::move(lower), std::move(upper)};
}

// ---- ParquetReader ---------------------------------------------------------------------------

class ParquetReader::Impl {
 public:
  std::unique_ptr<RandomAccessFile> file;
  std::string path;
  int64_t size = 0;
  parquet::FileMetaData meta;
  parquet::FileSchema schema;
  std::vector<ParquetRowGroupInfo> row_groups;
  std::string created_by;
  std::vector<std::pair<std::string, std::string>> key_values;

  Status fail_context(const Status& s) const { return s.with_context(path); }

  Status load_footer(const ParquetReaderOptions& options) {
    LS_ASSIGN_OR_RAISE(size, file->size());
    if (size < 12) {
      return Status::Corrupt("file of " + std::to_string(size) +
                             " bytes is too small to be Parquet (at least 12 needed)");
    }
    const int64_t tail_len = std::min(size, std::max<int64_t>(options.footer_read_size, 8));
    std::string tail(static_cast<size_t>(tail_len), '\0');
    LS_RETURN_NOT_OK(file->read_at(size - tail_len, tail_len, tail.data()));
    const std::string_view end_magic(tail.data() + tail.size() - 4, 4);
    if (end_magic == "PARE") {
      return Status::NotImplemented(
          "the file is encrypted (Parquet modular encryption, encrypted footer: magic PARE); "
          "reading encrypted Parquet is not supported");
    }
    if (end_magic != kMagic) {
      return Status::Corrupt("bad magic at the end of the file (not a Parquet file, or truncated)");
    }
    uint32_t footer_len = 0;
    std::memcpy(&footer_len, tail.data() + tail.size() - 8, 4);
    if (static_cast<int64_t>(footer_len) > size - 12) {
      return Status::Corrupt("footer length " + std::to_string(footer_len) +
                             " is beyond the file size " + std::to_string(size));
    }
    std::string head(4, '\0');
    if (tail_len == size) {
      head.assign(tail.data(), 4);
    } else {
      LS_RETURN_NOT_OK(file->read_at(0, 4, head.data()));
    }
    if (head != kMagic) return Status::Corrupt("bad magic at the start of the file");
    std::string_view footer;
    std::string big;
    if (static_cast<int64_t>(footer_len) + 8 <= tail_len) {
      footer = std::string_view(tail).substr(tail.size() - 8 - footer_len, footer_len);
    } else {
      big.resize(footer_len);
      LS_RETURN_NOT_OK(file->read_at(size - 8 - footer_len, footer_len, big.data()));
      footer = big;
    }
    parquet::ThriftCompactReader r(footer);
    if (!parquet::read_thrift(r, &meta)) {
      return Status::Corrupt("footer (" + std::to_string(footer_len) + " bytes): " + r.error());
    }
    LS_ASSIGN_OR_RAISE(schema, parquet::build_file_schema(meta.schema));
    created_by = meta.created_by.value_or("");
    for (const auto& kv : meta.key_value_metadata) {
      key_values.emplace_back(kv.key, kv.value.value_or(""));
    }
    return index_row_groups();
  }

  Status index_row_groups() {
    const auto& leaves = schema.leaves;
    const bool orders_known = meta.column_orders.size() == leaves.size();
    for (size_t g = 0; g < meta.row_groups.size(); ++g) {
      const auto& rg = meta.row_groups[g];
      if (rg.columns.size() != leaves.size()) {
        return Status::Corrupt("row group " + std::to_string(g) + " has " +
                               std::to_string(rg.columns.size()) + " column chunks, the schema " +
                               std::to_string(leaves.size()) + " leaf columns");
      }
      if (rg.num_rows < 0) {
        return Status::Corrupt("row group " + std::to_string(g) + " has a negative row count");
      }
      for (size_t c = 0; c < leaves.size(); ++c) {
        if (rg.columns[c].encrypted) {
          return Status::NotImplemented(
              "column '" + leaves[c].path +
              "' is encrypted (Parquet modular encryption with a plaintext footer); reading "
              "encrypted Parquet is not supported");
        }
      }
      ParquetRowGroupInfo info;
      info.num_rows = rg.num_rows;
      info.total_byte_size = rg.total_byte_size;
      for (size_t c = 0; c < leaves.size(); ++c) {
        const auto& md = rg.columns[c].meta_data;
        ParquetColumnChunkInfo ci;
        ci.path = leaves[c].path;
        ci.codec = parquet::codec_name(md.codec);
        ci.num_values = md.num_values;
        ci.compressed_size = md.total_compressed_size;
        ci.uncompressed_size = md.total_uncompressed_size;
        if (md.statistics && leaves[c].readable) {
          const auto& st = *md.statistics;
          ci.null_count = st.null_count;
          const bool order_ok =
              !orders_known || meta.column_orders[c] == parquet::ColumnOrder::kTypeOrder;
          if (order_ok && st.min_value && st.max_value) {
            ci.min = decode_stat(leaves[c], *st.min_value);
            ci.max = decode_stat(leaves[c], *st.max_value);
          } else if (st.min && st.max && deprecated_stats_usable(leaves[c].conversion)) {
            ci.min = decode_stat(leaves[c], *st.min);
            ci.max = decode_stat(leaves[c], *st.max);
          }
          if (!ci.min || !ci.max) {
            ci.min.reset();
            ci.max.reset();
          }
        }
        info.columns.push_back(std::move(ci));
      }
      row_groups.push_back(std::move(info));
    }
    return Status::OK();
  }

  Result<const parquet::TopColumn*> resolve(std::string_view name) const {
    for (const auto& c : schema.columns) {
      if (c.field.name == name) return &c;
    }
    for (const auto& s : schema.skipped) {
      if (s.name == name) {
        return Status::InvalidArgument("column '" + s.name + "' of " + path +
                                       " cannot be read: " + s.reason);
      }
    }
    return Status::InvalidArgument("'" + std::string(name) + "' is not a column of " + path);
  }

  Result<ColumnPtr> read_column(int g, const parquet::TopColumn& top) const {
    const auto& rg = meta.row_groups[static_cast<size_t>(g)];
    const AssemblyNode& node = top.node;
    std::vector<LeafData> data(static_cast<size_t>(node.leaf_end - node.leaf_begin));
    for (int leaf = node.leaf_begin; leaf < node.leaf_end; ++leaf) {
      const LeafColumn& lc = schema.leaves[static_cast<size_t>(leaf)];
      const auto& md = rg.columns[static_cast<size_t>(leaf)].meta_data;
      if (lc.max_rep == 0 && md.num_values != rg.num_rows) {
        return Status::Corrupt(path + ": row group " + std::to_string(g) + ", column '" + lc.path +
                               "': the chunk holds " + std::to_string(md.num_values) +
                               " values, the row group has " + std::to_string(rg.num_rows) +
                               " rows");
      }
      Status st = parquet::read_column_chunk(*file, size, rg.columns[static_cast<size_t>(leaf)], lc,
                                             &data[static_cast<size_t>(leaf - node.leaf_begin)]);
      if (!st.ok()) {
        return st.with_context(path + ": row group " + std::to_string(g) + ", column '" + lc.path +
                               "'");
      }
    }
    const int64_t rows = rg.num_rows;
    auto context = [&](const Status& s) {
      return s.with_context(path + ": row group " + std::to_string(g) + ", column '" +
                            top.field.name + "'");
    };
    if (node.kind == AssemblyNode::Kind::kPrimitive) {
      LeafData& d = data[0];
      const LeafColumn& lc = schema.leaves[static_cast<size_t>(node.leaf)];
      if (d.num_levels != rows) {
        return context(Status::Corrupt("the chunk holds " + std::to_string(d.num_levels) +
                                       " values, the row group has " + std::to_string(rows) +
                                       " rows"));
      }
      if (lc.max_def == 0) return d.values;  // required flat column: the dense values are it
      const int64_t present = d.values->length();
      auto out = Column::make(lc.type);
      out->reserve(rows, d.values->data().size());
      int64_t v = 0;
      for (int64_t i = 0; i < rows; ++i) {
        if (d.def[static_cast<size_t>(i)] == lc.max_def) {
          if (v >= present) return context(Status::Corrupt("fewer values than definition levels"));
          append_from(*d.values, v++, out.get());
        } else {
          out->append_null();
        }
      }
      return out;
    }
    auto out = Column::make(top.field.type);
    Assembler assembler(schema.leaves, data, node.leaf_begin);
    Status st = assembler.build_rows(node, rows, out.get());
    if (!st.ok()) return context(st);
    return out;
  }
};

ParquetReader::ParquetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetReader::~ParquetReader() = default;

Result<std::unique_ptr<ParquetReader>> ParquetReader::open(std::unique_ptr<RandomAccessFile> file,
                                                           ParquetReaderOptions options) {
  if (!file) return Status::InvalidArgument("ParquetReader::open: no file");
  auto impl = std::make_unique<Impl>();
  impl->path = file->path();
  impl->file = std::move(file);
  Status st = impl->load_footer(options);
  if (!st.ok()) return impl->fail_context(st);
  return std::unique_ptr<ParquetReader>(new ParquetReader(std::move(impl)));
}

const Schema& ParquetReader::schema() const { return impl_->schema.schema; }
const std::vector<ParquetSkippedColumn>& ParquetReader::skipped_columns() const {
  return impl_->schema.skipped;
}
const std::string& ParquetReader::path() const { return impl_->path; }
int64_t ParquetReader::num_rows() const { return impl_->meta.num_rows; }
int ParquetReader::num_row_groups() const { return static_cast<int>(impl_->row_groups.size()); }
const ParquetRowGroupInfo& ParquetReader::row_group(int i) const {
  return impl_->row_groups[static_cast<size_t>(i)];
}
const std::string& ParquetReader::created_by() const { return impl_->created_by; }
const std::vector<std::pair<std::string, std::string>>& ParquetReader::key_value_metadata() const {
  return impl_->key_values;
}

const ParquetColumnChunkInfo* ParquetReader::column_stats(int i, std::string_view name) const {
  if (i < 0 || i >= num_row_groups()) return nullptr;
  for (const auto& c : impl_->schema.columns) {
    if (c.field.name == name && c.node.kind == AssemblyNode::Kind::kPrimitive) {
      return &impl_->row_groups[static_cast<size_t>(i)].columns[static_cast<size_t>(c.node.leaf)];
    }
  }
  return nullptr;
}

Result<bool> ParquetReader::row_group_may_match(
    int i, const std::vector<ParquetPredicate>& predicates) const {
  if (i < 0 || i >= num_row_groups()) {
    return Status::InvalidArgument("row group " + std::to_string(i) + " of " + impl_->path +
                                   " does not exist (" + std::to_string(num_row_groups()) + ")");
  }
  const auto& rg = impl_->row_groups[static_cast<size_t>(i)];
  for (const auto& p : predicates) {
    LS_ASSIGN_OR_RAISE(const parquet::TopColumn* top, impl_->resolve(p.column));
    if (top->node.kind != AssemblyNode::Kind::kPrimitive) {
      return Status::InvalidArgument("predicate column '" + p.column + "' of " + impl_->path +
                                     " is nested; only primitive columns have statistics");
    }
    const auto& ci = rg.columns[static_cast<size_t>(top->node.leaf)];
    // A value predicate never matches null: a row group of nulls only cannot match.
    if (ci.null_count && *ci.null_count == rg.num_rows && rg.num_rows > 0) return false;
    if (!ci.min || !ci.max) continue;
    const StatKind kind = stat_kind(*ci.min);
    for (const auto* bound : {&p.lower, &p.upper}) {
      if (*bound && stat_kind(**bound) != kind) {
        return Status::InvalidArgument("predicate on column '" + p.column + "' of " + impl_->path +
                                       " compares a value of the wrong kind for its type " +
                                       top->field.type->simple_string());
      }
    }
    if (p.lower && compare_stat(*ci.max, *p.lower) < 0) return false;
    if (p.upper && compare_stat(*ci.min, *p.upper) > 0) return false;
  }
  return true;
}

Result<RecordBatch> ParquetReader::read_row_group(
    int i, const std::optional<std::vector<std::string>>& projection) const {
  if (i < 0 || i >= num_row_groups()) {
    return Status::InvalidArgument("row group " + std::to_string(i) + " of " + impl_->path +
                                   " does not exist (" + std::to_string(num_row_groups()) + ")");
  }
  std::vector<const parquet::TopColumn*> columns;
  if (projection) {
    for (const auto& name : *projection) {
      LS_ASSIGN_OR_RAISE(const parquet::TopColumn* c, impl_->resolve(name));
      columns.push_back(c);
    }
  } else {
    for (const auto& c : impl_->schema.columns) columns.push_back(&c);
  }
  Schema schema;
  std::vector<ColumnPtr> out;
  for (const auto* c : columns) {
    LS_ASSIGN_OR_RAISE(ColumnPtr col, impl_->read_column(i, *c));
    schema.add(c->field);
    out.push_back(std::move(col));
  }
  return RecordBatch(std::move(schema), std::move(out));
}

// ---- ParquetBatchIterator ---------------------------------------------------------------------

ParquetBatchIterator::ParquetBatchIterator(const ParquetReader* reader,
                                           std::optional<std::vector<std::string>> projection,
                                           std::vector<ParquetPredicate> predicates)
    : reader_(reader), projection_(std::move(projection)), predicates_(std::move(predicates)) {}

Result<bool> ParquetBatchIterator::next(RecordBatch* out) {
  while (next_ < reader_->num_row_groups()) {
    const int g = next_++;
    if (!predicates_.empty()) {
      LS_ASSIGN_OR_RAISE(bool may, reader_->row_group_may_match(g, predicates_));
      if (!may) {
        ++skipped_;
        continue;
      }
    }
    LS_ASSIGN_OR_RAISE(*out, reader_->read_row_group(g, projection_));
    return true;
  }
  return false;
}

}  // namespace lakestream
