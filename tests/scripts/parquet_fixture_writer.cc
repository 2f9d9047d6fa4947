// parquet_fixture_writer: writes Parquet files with lakestream's writer for the independent
// readers check (tests/tools/check_parquet.mjs), each with <name>.expected.json beside it:
// the schema, every value in a reader-neutral text form, what the writer reported (rows,
// row groups, typed statistics) and which physical layout the file must show.
//
//   parquet_fixture_writer <output-dir>
//
// Value forms in the JSON: string as is; binary as lowercase hex; boolean; byte/short/int and
// date (days) as numbers; long and timestamps (microseconds) as decimal strings; float/double
// as numbers or "NaN"/"Infinity"/"-Infinity"; decimal as its exact plain text ("-1.50").
//
// Files named nested_*.parquet hold struct, array and map columns ("nested": true in their
// JSON): values in the canonical JSON of tests/parquet/nested_values.h (structs as objects,
// arrays as arrays, maps as [key, value] pairs), each column's type as a JSON tree (with the
// nullability of every member), and the writer's statistics per leaf.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lakestream/parquet/parquet_writer.h"
#include "parquet/nested_values.h"

namespace ls = lakestream;
using nlohmann::ordered_json;

namespace {

__extension__ using u128 = unsigned __int128;

/// A plain local file; the fixtures do not depend on the storage module's LocalFileSystem.
class FileOutputStream : public ls::OutputStream {
 public:
  explicit FileOutputStream(std::string path) : path_(std::move(path)) {
    file_ = std::fopen(path_.c_str(), "wb");
  }
  ~FileOutputStream() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool ok() const { return file_ != nullptr; }
  ls::Status write(const void* data, size_t size) override {
    if (std::fwrite(data, 1, size, file_) != size) return ls::Status::IOError("write " + path_);
    pos_ += static_cast<int64_t>(size);
    return ls::Status::OK();
  }
  int64_t tell() const override { return pos_; }
  ls::Status close() override {
    const int rc = std::fclose(file_);
    file_ = nullptr;
    return rc == 0 ? ls::Status::OK() : ls::Status::IOError("close " + path_);
  }
  void abort() override {
    if (file_ != nullptr) std::fclose(file_);
    file_ = nullptr;
    std::remove(path_.c_str());
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  int64_t pos_ = 0;
};

std::string i128_to_string(ls::int128_t v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  u128 u = neg ? static_cast<u128>(-(v + 1)) + 1 : static_cast<u128>(v);
  std::string s;
  while (u != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

std::string decimal_text(ls::int128_t unscaled, int scale) {
  const bool neg = unscaled < 0;
  std::string digits = i128_to_string(unscaled);
  if (neg) digits.erase(0, 1);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return neg ? "-" + digits : digits;
}

std::string hex(std::string_view b) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

ordered_json float_json(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

ls::int128_t pow10(int n) {
  ls::int128_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Appends one value of `type` for row `i` (or a null) to the column and its JSON form.
void append_value(ls::Column& col, const ls::DataType& type, int64_t i, bool null,
                  ordered_json* values) {
  if (null) {
    col.append_null();
    values->push_back(nullptr);
    return;
  }
  const uint64_t h = mix(static_cast<uint64_t>(i) * 31 + static_cast<uint64_t>(type.id()));
  switch (type.id()) {
    case ls::TypeId::kString: {
      static const char* kWords[] = {"",
                                     "a",
                                     "kWH",
                                     "h\xC3\xA9llo",
                                     "\xE6\x97\xA5\xE6\x9C\xAC",
                                     "\xF0\x9F\x98\x80 emoji",
                                     "Z",
                                     "zz top",
                                     "with \"quotes\"",
                                     "tab\there"};
      std::string s = kWords[i % 10];
      if (i % 17 == 0) s += "-" + std::to_string(i);  // some high-cardinality values
      if (i % 101 == 0) s += std::string(300, 'x');   // some long ones
      col.append_string(s);
      values->push_back(s);
      break;
    }
    case ls::TypeId::kBinary: {
      std::string b;
      for (int k = 0; k < static_cast<int>(i % 6); ++k)
        b.push_back(static_cast<char>((h >> (8 * k)) & 0xFF));
      if (i % 4 == 0) b.push_back('\0');
      col.append_string(b);
      values->push_back(hex(b));
      break;
    }
    case ls::TypeId::kBoolean:
      col.append_bool(i % 3 == 0);
      values->push_back(i % 3 == 0);
      break;
    case ls::TypeId::kByte: {
      const auto v = static_cast<int8_t>(static_cast<int>(i * 37 % 256) - 128);
      col.append<int8_t>(v);
      values->push_back(v);
      break;
    }
    case ls::TypeId::kShort: {
      const auto v = static_cast<int16_t>(static_cast<int>(i * 1237 % 65536) - 32768);
      col.append<int16_t>(v);
      values->push_back(v);
      break;
    }
    case ls::TypeId::kInt: {
      int32_t v = static_cast<int32_t>(static_cast<uint32_t>(h));
      if (i % 50 == 1) v = std::numeric_limits<int32_t>::min();
      if (i % 50 == 2) v = std::numeric_limits<int32_t>::max();
      if (i % 5 == 3) v = static_cast<int32_t>(i % 20) - 10;  // repeats: dictionary hits
      col.append<int32_t>(v);
      values->push_back(v);
      break;
    }
    case ls::TypeId::kLong: {
      auto v = static_cast<int64_t>(h);
      if (i % 50 == 1) v = std::numeric_limits<int64_t>::min();
      if (i % 50 == 2) v = std::numeric_limits<int64_t>::max();
      col.append<int64_t>(v);
      values->push_back(std::to_string(v));
      break;
    }
    case ls::TypeId::kFloat: {
      float v = static_cast<float>(static_cast<int64_t>(i) - 2500) * 0.375f;
      if (i % 97 == 5) v = std::numeric_limits<float>::quiet_NaN();
      if (i % 97 == 6) v = std::numeric_limits<float>::infinity();
      if (i % 97 == 7) v = -std::numeric_limits<float>::infinity();
      if (i % 97 == 8) v = -0.0f;
      if (i % 97 == 9) v = std::numeric_limits<float>::denorm_min();
      if (i % 97 == 10) v = 1.1f;  // not exact in binary: checks float32 is kept as float32
      col.append<float>(v);
      values->push_back(float_json(v));
      break;
    }
    case ls::TypeId::kDouble: {
      double v = static_cast<double>(static_cast<int64_t>(h % 2000001) - 1000000) / 1024.0;
      if (i % 89 == 5) v = std::numeric_limits<double>::quiet_NaN();
      if (i % 89 == 6) v = std::numeric_limits<double>::max();
      if (i % 89 == 7) v = -std::numeric_limits<double>::infinity();
      if (i % 89 == 8) v = 0.1;
      col.append<double>(v);
      values->push_back(float_json(v));
      break;
    }
    case ls::TypeId::kDecimal: {
      const ls::int128_t limit = pow10(type.precision());
      const u128 wide = (static_cast<u128>(h) << 64) | mix(h);
      ls::int128_t v = static_cast<ls::int128_t>(wide % static_cast<u128>(limit));
      if (h & 1) v = -v;
      if (i % 50 == 1) v = limit - 1;
      if (i % 50 == 2) v = -(limit - 1);
      if (i % 7 == 3) v = static_cast<ls::int128_t>(i % 11) - 5;  // small values, repeats
      col.append_decimal(v);
      values->push_back(decimal_text(v, type.scale()));
      break;
    }
    case ls::TypeId::kDate: {
      int32_t v = static_cast<int32_t>((i - 2500) * 13);
      if (i % 50 == 1) v = -719162;  // 0001-01-01
      if (i % 50 == 2) v = 2932896;  // 9999-12-31
      col.append<int32_t>(v);
      values->push_back(v);
      break;
    }
    case ls::TypeId::kTimestamp:
    case ls::TypeId::kTimestampNtz: {
      int64_t v = 1611052380000000LL + (i - 2500) * 1000003LL * 3600;
      if (i % 50 == 1) v = -62135596800000000LL;  // 0001-01-01T00:00:00Z
      if (i % 50 == 2) v = 253402300799999999LL;  // 9999-12-31T23:59:59.999999Z
      if (i % 50 == 3) v = -1;                    // just before the epoch
      col.append<int64_t>(v);
      values->push_back(std::to_string(v));
      break;
    }
    default:
      break;
  }
}

ordered_json stat_json(const ls::ParquetStatValue& v, const ls::DataType& type) {
  return std::visit(
      [&](const auto& x) -> ordered_json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return type.id() == ls::TypeId::kBinary ? ordered_json(hex(x)) : ordered_json(x);
        } else if constexpr (std::is_same_v<T, ls::int128_t>) {
          return decimal_text(x, type.scale());
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          return float_json(static_cast<double>(x));
        } else {
          return x;
        }
      },
      v);
}

ls::Schema all_types_schema(bool nullable) {
  ls::Schema s;
  s.add("id", ls::DataType::long_(), false);
  s.add("c_string", ls::DataType::string(), nullable);
  s.add("c_binary", ls::DataType::binary(), nullable);
  s.add("c_boolean", ls::DataType::boolean(), nullable);
  s.add("c_byte", ls::DataType::byte(), nullable);
  s.add("c_short", ls::DataType::short_(), nullable);
  s.add("c_int", ls::DataType::int_(), nullable);
  s.add("c_long", ls::DataType::long_(), nullable);
  s.add("c_float", ls::DataType::float_(), nullable);
  s.add("c_double", ls::DataType::double_(), nullable);
  s.add("c_dec_5_2", ls::DataType::decimal(5, 2), nullable);
  s.add("c_dec_18_4", ls::DataType::decimal(18, 4), nullable);
  s.add("c_dec_20_0", ls::DataType::decimal(20, 0), nullable);
  s.add("c_dec_38_6", ls::DataType::decimal(38, 6), nullable);
  s.add("c_date", ls::DataType::date(), nullable);
  s.add("c_timestamp", ls::DataType::timestamp(), nullable);
  s.add("c_timestamp_ntz", ls::DataType::timestamp_ntz(), nullable);
  return s;
}

struct Fixture {
  std::string name;
  ls::Schema schema;
  int64_t rows = 0;
  int64_t batch_rows = 1000;
  /// Row i of column c is null when this says so.
  std::function<bool(size_t, int64_t)> is_null;
  ls::ParquetWriterOptions options;
  /// Columns whose chunks must show both RLE_DICTIONARY and PLAIN data pages.
  std::vector<std::string> expect_fallback;
  int64_t min_row_groups = 1;
};

int write_fixture(const std::filesystem::path& dir, const Fixture& f) {
  const std::string path = (dir / (f.name + ".parquet")).string();
  auto stream = std::make_unique<FileOutputStream>(path);
  if (!stream->ok()) {
    std::cerr << "cannot create " << path << "\n";
    return 1;
  }
  auto writer = ls::ParquetWriter::open(std::move(stream), f.schema, f.options);
  if (!writer.ok()) {
    std::cerr << path << ": " << writer.status().to_string() << "\n";
    return 1;
  }
  ordered_json values = ordered_json::object();
  for (const auto& field : f.schema.fields()) values[field.name] = ordered_json::array();
  for (int64_t start = 0; start < f.rows; start += f.batch_rows) {
    auto batch = ls::RecordBatch::make_empty(f.schema);
    const int64_t end = std::min(f.rows, start + f.batch_rows);
    for (size_t c = 0; c < f.schema.size(); ++c) {
      const auto& field = f.schema.field(c);
      for (int64_t i = start; i < end; ++i) {
        const bool null = field.nullable && f.is_null(c, i);
        if (field.name == "id") {
          batch.mutable_column(c).append<int64_t>(i);
          values[field.name].push_back(std::to_string(i));
        } else {
          append_value(batch.mutable_column(c), *field.type, i, null, &values[field.name]);
        }
      }
    }
    if (auto st = (*writer)->write(batch); !st.ok()) {
      std::cerr << path << ": " << st.to_string() << "\n";
      return 1;
    }
  }
  auto info = (*writer)->close();
  if (!info.ok()) {
    std::cerr << path << ": " << info.status().to_string() << "\n";
    return 1;
  }
  ordered_json doc;
  doc["file"] = f.name + ".parquet";
  doc["compression"] = std::string(ls::parquet_compression_name(f.options.compression));
  doc["num_rows"] = info->num_rows;
  doc["file_size"] = info->file_size;
  doc["num_row_groups"] = info->num_row_groups;
  doc["min_row_groups"] = f.min_row_groups;
  doc["expect_fallback"] = f.expect_fallback;
  doc["key_value_metadata"] = ordered_json::object();
  for (const auto& [k, v] : f.options.key_value_metadata) doc["key_value_metadata"][k] = v;
  ordered_json columns = ordered_json::array();
  for (size_t c = 0; c < f.schema.size(); ++c) {
    const auto& field = f.schema.field(c);
    const auto& st = info->columns[c];
    ordered_json col;
    col["name"] = field.name;
    col["type"] = field.type->simple_string();
    col["nullable"] = field.nullable;
    col["null_count"] = st.null_count;
    col["min"] = st.min ? stat_json(*st.min, *field.type) : ordered_json(nullptr);
    col["max"] = st.max ? stat_json(*st.max, *field.type) : ordered_json(nullptr);
    columns.push_back(std::move(col));
  }
  doc["columns"] = std::move(columns);
  doc["values"] = std::move(values);
  std::ofstream out(dir / (f.name + ".expected.json"));
  out << doc.dump() << "\n";
  if (!out) {
    std::cerr << "cannot write the expected JSON of " << f.name << "\n";
    return 1;
  }
  std::cout << f.name << ".parquet: " << info->num_rows << " rows, " << info->num_row_groups
            << " row groups, " << info->file_size << " bytes\n";
  return 0;
}

// ---- nested fixtures ------------------------------------------------------------------------

ordered_json type_json(const ls::DataType& t) {
  ordered_json j;
  switch (t.id()) {
    case ls::TypeId::kStruct: {
      j["type"] = "struct";
      j["fields"] = ordered_json::array();
      for (const auto& f : t.fields()) {
        j["fields"].push_back(
            {{"name", f.name}, {"type", type_json(*f.type)}, {"nullable", f.nullable}});
      }
      return j;
    }
    case ls::TypeId::kArray:
      j["type"] = "array";
      j["element"] = type_json(*t.element());
      j["contains_null"] = t.contains_null();
      return j;
    case ls::TypeId::kMap:
      j["type"] = "map";
      j["key"] = type_json(*t.key());
      j["value"] = type_json(*t.value());
      j["value_contains_null"] = t.contains_null();
      return j;
    default:
      return t.simple_string();
  }
}

struct NestedFixture {
  std::string name;
  ls::Schema schema;
  int64_t rows = 0;
  int64_t batch_rows = 500;
  uint64_t seed = 1;
  ls::ParquetWriterOptions options;
  /// Prepared batches (a random case); empty: `rows` rows generated from `seed`.
  std::vector<ls::RecordBatch> batches;
};

int write_nested_fixture(const std::filesystem::path& dir, const NestedFixture& f) {
  const std::string path = (dir / (f.name + ".parquet")).string();
  auto stream = std::make_unique<FileOutputStream>(path);
  if (!stream->ok()) {
    std::cerr << "cannot create " << path << "\n";
    return 1;
  }
  auto writer = ls::ParquetWriter::open(std::move(stream), f.schema, f.options);
  if (!writer.ok()) {
    std::cerr << path << ": " << writer.status().to_string() << "\n";
    return 1;
  }
  ls::testing::NestedRandom rnd(f.seed);
  ordered_json values = ordered_json::object();
  for (const auto& field : f.schema.fields()) values[field.name] = ordered_json::array();
  std::vector<ls::RecordBatch> batches = f.batches;
  for (int64_t start = 0; f.batches.empty() && start < f.rows; start += f.batch_rows) {
    auto batch = ls::RecordBatch::make_empty(f.schema);
    const int64_t end = std::min(f.rows, start + f.batch_rows);
    for (int64_t i = start; i < end; ++i) {
      for (size_t c = 0; c < f.schema.size(); ++c) {
        const auto& field = f.schema.field(c);
        rnd.append(batch.mutable_column(c), *field.type, field.nullable);
      }
    }
    batches.push_back(std::move(batch));
  }
  for (const ls::RecordBatch& batch : batches) {
    for (size_t c = 0; c < f.schema.size(); ++c) {
      for (int64_t i = 0; i < batch.num_rows(); ++i) {
        values[f.schema.field(c).name].push_back(
            ordered_json::parse(ls::testing::value_json(*batch.column(c), i)));
      }
    }
    if (auto st = (*writer)->write(batch); !st.ok()) {
      std::cerr << path << ": " << st.to_string() << "\n";
      return 1;
    }
  }
  auto info = (*writer)->close();
  if (!info.ok()) {
    std::cerr << path << ": " << info.status().to_string() << "\n";
    return 1;
  }
  ordered_json doc;
  doc["file"] = f.name + ".parquet";
  doc["nested"] = true;
  doc["compression"] = std::string(ls::parquet_compression_name(f.options.compression));
  doc["num_rows"] = info->num_rows;
  doc["file_size"] = info->file_size;
  doc["num_row_groups"] = info->num_row_groups;
  ordered_json columns = ordered_json::array();
  for (size_t c = 0; c < f.schema.size(); ++c) {
    const auto& field = f.schema.field(c);
    columns.push_back({{"name", field.name},
                       {"type", type_json(*field.type)},
                       {"nullable", field.nullable},
                       {"null_count", info->columns[c].null_count}});
  }
  ordered_json leaves = ordered_json::array();
  for (const auto& st : info->leaves) {
    leaves.push_back({{"path", st.name},
                      {"null_count", st.null_count},
                      {"min", st.min ? stat_json(*st.min, *st.type) : ordered_json(nullptr)},
                      {"max", st.max ? stat_json(*st.max, *st.type) : ordered_json(nullptr)}});
  }
  doc["columns"] = std::move(columns);
  doc["leaves"] = std::move(leaves);
  doc["values"] = std::move(values);
  std::ofstream out(dir / (f.name + ".expected.json"));
  out << doc.dump() << "\n";
  if (!out) {
    std::cerr << "cannot write the expected JSON of " << f.name << "\n";
    return 1;
  }
  std::cout << f.name << ".parquet: " << info->num_rows << " rows, " << info->num_row_groups
            << " row groups, " << info->file_size << " bytes\n";
  return 0;
}

ls::DataTypePtr struct_of(std::vector<ls::Field> fields) {
  return ls::DataType::struct_(std::move(fields));
}

/// One column per case of issue 12's list: list of struct of list, map of struct, map with
/// null values, empty and null lists, null elements, structs with null members, nested
/// decimals / timestamps / dates / binary, and required nested columns.
ls::Schema nested_cases_schema() {
  using ls::DataType;
  ls::Schema s;
  s.add("list_of_struct_of_list",
        DataType::array(struct_of({{"id", DataType::int_(), false, "{}"},
                                   {"xs", DataType::array(DataType::string()), true, "{}"}})));
  s.add("map_of_struct", DataType::map(DataType::string(),
                                       struct_of({{"n", DataType::long_(), true, "{}"},
                                                  {"d", DataType::decimal(20, 4), true, "{}"}})));
  s.add("map_null_values", DataType::map(DataType::int_(), DataType::string(), true));
  s.add("lists_of_lists", DataType::array(DataType::array(DataType::int_())));
  s.add("null_elements", DataType::array(DataType::boolean(), true));
  s.add("struct_null_members",
        struct_of({{"a", DataType::string(), true, "{}"},
                   {"req", DataType::int_(), false, "{}"},
                   {"in", struct_of({{"x", DataType::double_(), true, "{}"}}), true, "{}"}}));
  s.add("typed", DataType::array(struct_of({{"d9", DataType::decimal(9, 2), true, "{}"},
                                            {"d18", DataType::decimal(18, 0), true, "{}"},
                                            {"d38", DataType::decimal(38, 10), true, "{}"},
                                            {"ts", DataType::timestamp(), true, "{}"},
                                            {"ntz", DataType::timestamp_ntz(), true, "{}"},
                                            {"day", DataType::date(), true, "{}"},
                                            {"bin", DataType::binary(), true, "{}"},
                                            {"i8", DataType::byte(), true, "{}"},
                                            {"i16", DataType::short_(), true, "{}"},
                                            {"f", DataType::float_(), true, "{}"}})));
  s.add("required_list", DataType::array(DataType::long_(), false), false);
  s.add("required_map", DataType::map(DataType::date(), DataType::double_(), false), false);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: parquet_fixture_writer <output-dir>\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  std::vector<Fixture> fixtures;

  auto sparse_nulls = [](size_t c, int64_t i) { return (i + static_cast<int64_t>(c)) % 7 == 0; };
  for (auto codec : {ls::ParquetCompression::kNone, ls::ParquetCompression::kSnappy,
                     ls::ParquetCompression::kZstd, ls::ParquetCompression::kGzip}) {
    Fixture f;
    f.name = "all_types_" + std::string(ls::parquet_compression_name(codec));
    f.schema = all_types_schema(true);
    f.rows = 5000;
    f.is_null = sparse_nulls;
    f.options.compression = codec;
    f.options.key_value_metadata = {{"org.apache.spark.version", "3.5.0"},
                                    {"lakestream.fixture", f.name}};
    fixtures.push_back(std::move(f));
  }
  {
    Fixture f;  // every column NOT NULL: REQUIRED repetition, no definition levels
    f.name = "all_types_required";
    f.schema = all_types_schema(false);
    f.rows = 3000;
    f.is_null = [](size_t, int64_t) { return false; };
    fixtures.push_back(std::move(f));
  }
  {
    Fixture f;
    f.name = "all_null";
    f.schema = all_types_schema(true);
    f.rows = 1500;
    f.is_null = [](size_t, int64_t) { return true; };
    f.options.compression = ls::ParquetCompression::kZstd;
    fixtures.push_back(std::move(f));
  }
  {
    Fixture f;
    f.name = "empty";
    f.schema = all_types_schema(true);
    f.rows = 0;
    f.min_row_groups = 0;
    f.is_null = sparse_nulls;
    fixtures.push_back(std::move(f));
  }
  {
    // Small limits so one modest file has several row groups, several pages per chunk and
    // high-cardinality columns that outgrow their dictionary mid-chunk.
    Fixture f;
    f.name = "pages_row_groups_fallback";
    f.schema = all_types_schema(true);
    f.rows = 120000;
    f.batch_rows = 7001;
    f.is_null = [](size_t c, int64_t i) {
      return c % 3 == 0 ? (i / 4000) % 5 == 0 : (i * 7 + c) % 11 == 0;
    };
    f.options.page_target_bytes = 16 << 10;
    f.options.row_group_target_bytes = 1 << 20;
    f.options.dictionary_page_limit_bytes = 24 << 10;
    f.expect_fallback = {"c_long", "c_double", "c_dec_38_6"};
    f.min_row_groups = 3;
    fixtures.push_back(std::move(f));
  }
  for (const auto& f : fixtures) {
    if (write_fixture(dir, f) != 0) return 1;
  }

  std::vector<NestedFixture> nested;
  for (auto codec : {ls::ParquetCompression::kNone, ls::ParquetCompression::kSnappy,
                     ls::ParquetCompression::kZstd}) {
    NestedFixture f;  // small pages and row groups: levels across many pages and chunks
    f.name = "nested_cases_" + std::string(ls::parquet_compression_name(codec));
    f.schema = nested_cases_schema();
    f.rows = 4000;
    f.seed = 12 + static_cast<uint64_t>(codec);
    f.options.compression = codec;
    f.options.page_target_bytes = 2048;
    f.options.row_group_target_bytes = 96 << 10;
    f.options.dictionary_page_limit_bytes = 1500;
    nested.push_back(std::move(f));
  }
  // A sample of the random cases of tests/parquet/parquet_nested_writer_test.cc (seeds
  // 1..400 there, checked by our reader): every tenth seed, checked here by DuckDB and hyparquet.
  for (uint64_t seed = 5; seed <= 400; seed += 10) {
    ls::testing::RandomCase c = ls::testing::random_case(seed);
    NestedFixture f;
    f.name = "nested_random_seed_" + std::to_string(seed);
    f.schema = c.schema;
    f.options = c.options;
    f.batches = std::move(c.batches);
    nested.push_back(std::move(f));
  }
  for (const auto& f : nested) {
    if (write_nested_fixture(dir, f) != 0) return 1;
  }
  return 0;
}
