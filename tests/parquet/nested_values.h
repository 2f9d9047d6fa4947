#pragma once
// Test support for nested Parquet columns, shared by the nested writer tests and the fixture
// writer that DuckDB and hyparquet check (tests/scripts/parquet_fixture_writer.cc):
//  - random Spark types (structs, arrays, maps, every primitive) and random values for them,
//    nulls and empty lists/maps included, seeded so a failure can be replayed;
//  - a value's canonical JSON text, which is exact (floats with 17 digits, decimals and longs
//    as text), so comparing the text of two values compares them value for value;
//  - random_case(seed): the random schema, batches and writer options of one seed, the same in
//    the unit test (seeds 1..400, our reader) and in the fixture writer (a sample of those
//    seeds, DuckDB and hyparquet).

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/batch/record_batch.h"
#include "lakestream/common/decimal.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/schema/data_type.h"

namespace lakestream::testing {

/// prefix + the number (GCC 12 warns falsely, -Wrestrict, on "literal" + std::to_string()).
inline std::string tagged(const char* prefix, long long n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

class NestedRandom {
 public:
  explicit NestedRandom(uint64_t seed) : rng_(seed) {}

  uint64_t next() { return rng_(); }
  int below(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool one_in(int n) { return below(n) == 0; }

  /// A primitive type, any of lakestream's.
  DataTypePtr primitive() {
    switch (below(14)) {
      case 0:
        return DataType::string();
      case 1:
        return DataType::binary();
      case 2:
        return DataType::boolean();
      case 3:
        return DataType::byte();
      case 4:
        return DataType::short_();
      case 5:
        return DataType::int_();
      case 6:
        return DataType::long_();
      case 7:
        return DataType::float_();
      case 8:
        return DataType::double_();
      case 9: {
        static const int kPrecisions[] = {5, 12, 30, 38};
        const int p = kPrecisions[below(4)];
        return DataType::decimal(p, below(p + 1));
      }
      case 10:
        return DataType::date();
      case 11:
        return DataType::timestamp();
      case 12:
        return DataType::timestamp_ntz();
      default:
        return DataType::string();
    }
  }

  /// A map key type: the ones hyparquet can name an object member after unambiguously.
  DataTypePtr key_type() {
    switch (below(4)) {
      case 0:
        return DataType::int_();
      case 1:
        return DataType::long_();
      case 2:
        return DataType::date();
      default:
        return DataType::string();
    }
  }

  /// A type nested up to `depth` levels (0: a primitive).
  DataTypePtr type(int depth) {
    if (depth <= 0 || one_in(3)) return primitive();
    switch (below(3)) {
      case 0: {
        std::vector<Field> fields;
        const int n = 1 + below(4);
        for (int i = 0; i < n; ++i) {
          fields.push_back(Field{tagged("f", i), type(depth - 1), !one_in(4), "{}"});
        }
        return DataType::struct_(std::move(fields));
      }
      case 1:
        return DataType::array(type(depth - 1), !one_in(3));
      default:
        return DataType::map(key_type(), type(depth - 1), !one_in(3));
    }
  }

  /// Append one random value of `t` to `col` (null only when `nullable`).
  void append(Column& col, const DataType& t, bool nullable) {
    if (nullable && one_in(5)) {
      col.append_null();
      return;
    }
    switch (t.id()) {
      case TypeId::kStruct:
        col.append_struct_valid();
        for (size_t i = 0; i < t.fields().size(); ++i) {
          append(col.mutable_child(i), *t.fields()[i].type, t.fields()[i].nullable);
        }
        return;
      case TypeId::kArray: {
        const int n = one_in(4) ? 0 : below(5);
        for (int i = 0; i < n; ++i) append(col.mutable_child(0), *t.element(), t.contains_null());
        col.append_list_end();
        return;
      }
      case TypeId::kMap: {
        const int n = one_in(4) ? 0 : below(4);
        int key = below(1000) - 500;
        for (int i = 0; i < n; ++i) {
          append_key(col.mutable_child(0), *t.key(), key);
          key += 1 + below(3);  // increasing: the keys of a map are distinct
          append(col.mutable_child(1), *t.value(), t.contains_null());
        }
        col.append_list_end();
        return;
      }
      default:
        append_primitive(col, t);
        return;
    }
  }

 private:
  // Distinct keys for distinct n, as Spark maps have.
  static void append_key(Column& col, const DataType& t, int n) {
    switch (t.id()) {
      case TypeId::kInt:
      case TypeId::kDate:
        col.append<int32_t>(n);
        return;
      case TypeId::kLong:
        col.append<int64_t>(int64_t{n} * 1'000'000'007LL);
        return;
      default:
        col.append_string(tagged("key ", n));
        return;
    }
  }

  std::string text() {
    static const char* kPieces[] = {"a", "b", "Z", " ", "\"", "\\", "é", "日本", "\n", "x9", "-"};
    std::string s;
    const int n = below(8);
    for (int i = 0; i < n; ++i) s += kPieces[below(11)];
    return s;
  }

  void append_primitive(Column& col, const DataType& t) {
    switch (t.id()) {
      case TypeId::kString:
        col.append_string(text());
        return;
      case TypeId::kBinary: {
        std::string b(static_cast<size_t>(below(6)), '\0');
        for (char& c : b) c = static_cast<char>(below(256));
        col.append_string(b);
        return;
      }
      case TypeId::kBoolean:
        col.append_bool(one_in(2));
        return;
      case TypeId::kByte:
        col.append<int8_t>(static_cast<int8_t>(next()));
        return;
      case TypeId::kShort:
        col.append<int16_t>(static_cast<int16_t>(next()));
        return;
      case TypeId::kInt:
        col.append<int32_t>(one_in(2) ? below(20) : static_cast<int32_t>(next()));
        return;
      case TypeId::kLong:
        col.append<int64_t>(one_in(2) ? below(20) : static_cast<int64_t>(next()));
        return;
      case TypeId::kFloat: {
        static const float kFloats[] = {0.0f, -0.0f, 1.5f, -2.25f, 3.4e38f, 1e-30f, 0.1f};
        col.append<float>(one_in(2) ? kFloats[below(7)]
                                    : static_cast<float>(below(2000000) - 1000000) / 64.0f);
        return;
      }
      case TypeId::kDouble: {
        static const double kDoubles[] = {0.0, -0.0, 1.5, -1e300, 5e-324, 0.1, 123456.789};
        col.append<double>(one_in(2) ? kDoubles[below(7)]
                                     : static_cast<double>(static_cast<int64_t>(next())) / 3.0);
        return;
      }
      case TypeId::kDecimal: {
        const int128_t limit = pow10_i128(t.precision());
        __extension__ using u128 = unsigned __int128;
        const u128 r = (static_cast<u128>(next()) << 64) | next();
        int128_t v = static_cast<int128_t>(r % static_cast<u128>(limit));
        if (one_in(2)) v = -v;
        if (one_in(4)) v = one_in(2) ? limit - 1 : -(limit - 1);
        col.append_decimal(v);
        return;
      }
      case TypeId::kDate:
        col.append<int32_t>(below(70000) - 20000);
        return;
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        col.append<int64_t>(static_cast<int64_t>(next() % 4'000'000'000'000'000ULL) -
                            2'000'000'000'000'000LL);
        return;
      default:
        return;
    }
  }

  std::mt19937_64 rng_;
};

/// One random test case: a schema of 1..3 columns nested up to 4 deep (some NOT NULL), its
/// rows (0..160) in 1..3 batches, and writer options with random codec, dictionary use and page,
/// row-group and dictionary limits (small ones often, so pages, row groups and dictionary
/// fallback happen in a few rows).
struct RandomCase {
  Schema schema;
  std::vector<RecordBatch> batches;
  ParquetWriterOptions options;
};

inline RandomCase random_case(uint64_t seed) {
  NestedRandom rnd(seed);
  RandomCase out;
  const int columns = 1 + rnd.below(3);
  for (int c = 0; c < columns; ++c) {
    out.schema.add(tagged("c", c), rnd.type(4), !rnd.one_in(4));
  }
  const int batches = 1 + rnd.below(3);
  for (int b = 0; b < batches; ++b) {
    RecordBatch batch = RecordBatch::make_empty(out.schema);
    const int rows = rnd.one_in(10) ? 0 : rnd.below(60);
    for (int r = 0; r < rows; ++r) {
      for (size_t c = 0; c < out.schema.size(); ++c) {
        const Field& f = out.schema.field(c);
        rnd.append(batch.mutable_column(c), *f.type, f.nullable);
      }
    }
    out.batches.push_back(std::move(batch));
  }
  ParquetWriterOptions& o = out.options;
  o.compression = rnd.one_in(2) ? ParquetCompression::kSnappy : ParquetCompression::kNone;
  o.enable_dictionary = !rnd.one_in(4);
  if (rnd.one_in(2)) o.page_target_bytes = 16 + rnd.below(512);
  if (rnd.one_in(2)) o.page_row_limit = 1 + rnd.below(20);
  if (rnd.one_in(3)) o.dictionary_page_limit_bytes = rnd.below(200);
  if (rnd.one_in(2)) o.row_group_target_bytes = 1 + rnd.below(4096);
  return out;
}

inline void append_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

/// The canonical JSON of row `row` of `col`: structs as objects (field order), arrays as
/// arrays, maps as arrays of [key, value] pairs, binary as lower-case hex, longs and
/// timestamps (microseconds) as decimal text, dates as day numbers, decimals as their exact
/// text at the type's scale, floats as the double they widen to, with 17 digits.
inline void value_json(const Column& col, int64_t row, std::string* out) {
  if (col.is_null(row)) {
    *out += "null";
    return;
  }
  const DataType& t = *col.type();
  char buf[64];
  switch (t.id()) {
    case TypeId::kNull:  // all rows are null: not reached
      *out += "null";
      return;
    case TypeId::kStruct:
      out->push_back('{');
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (i > 0) out->push_back(',');
        append_json_string(t.fields()[i].name, out);
        out->push_back(':');
        value_json(*col.child(i), row, out);
      }
      out->push_back('}');
      return;
    case TypeId::kArray:
      out->push_back('[');
      for (int32_t j = col.offset(row); j < col.offset(row + 1); ++j) {
        if (j > col.offset(row)) out->push_back(',');
        value_json(*col.child(0), j, out);
      }
      out->push_back(']');
      return;
    case TypeId::kMap:
      out->push_back('[');
      for (int32_t j = col.offset(row); j < col.offset(row + 1); ++j) {
        if (j > col.offset(row)) out->push_back(',');
        out->push_back('[');
        value_json(*col.child(0), j, out);
        out->push_back(',');
        value_json(*col.child(1), j, out);
        out->push_back(']');
      }
      out->push_back(']');
      return;
    case TypeId::kString:
      append_json_string(col.string_value(row), out);
      return;
    case TypeId::kBinary: {
      out->push_back('"');
      for (const char c : col.string_value(row)) {
        std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(static_cast<uint8_t>(c)));
        *out += buf;
      }
      out->push_back('"');
      return;
    }
    case TypeId::kBoolean:
      *out += col.bool_value(row) ? "true" : "false";
      return;
    case TypeId::kByte:
      *out += std::to_string(col.value<int8_t>(row));
      return;
    case TypeId::kShort:
      *out += std::to_string(col.value<int16_t>(row));
      return;
    case TypeId::kInt:
    case TypeId::kDate:
      *out += std::to_string(col.value<int32_t>(row));
      return;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      out->push_back('"');
      *out += std::to_string(col.value<int64_t>(row));
      out->push_back('"');
      return;
    case TypeId::kFloat:
      std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(col.value<float>(row)));
      *out += buf;
      return;
    case TypeId::kDouble:
      std::snprintf(buf, sizeof buf, "%.17g", col.value<double>(row));
      *out += buf;
      return;
    case TypeId::kDecimal:
      out->push_back('"');
      *out += format_decimal(col.decimal_value(row), t.scale());
      out->push_back('"');
      return;
  }
}

inline std::string value_json(const Column& col, int64_t row) {
  std::string s;
  value_json(col, row, &s);
  return s;
}

}  // namespace lakestream::testing
