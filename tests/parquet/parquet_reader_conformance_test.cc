// Conformance: every file in testdata/parquet/ (written by Impala, parquet-mr, pyarrow,
// parquet-rs and DuckDB) reads with the column types and values DuckDB reports in
// testdata/parquet-expected/<file>.duckdb.json, column by column and row by row.
//
// Documented differences from DuckDB (asserted, not skipped):
//  - TIME columns: lakestream has no TIME type and reads them as long microseconds since
//    midnight; DuckDB shows "HH:MM:SS[+00]". The comparison formats our value the same way.
//  - TIMESTAMP: DuckDB shows "TIMESTAMP" for both UTC-adjusted and local timestamps; we
//    distinguish timestamp and timestamp_ntz, both compared as "TIMESTAMP".
//  - The expected JSON went through JavaScript numbers: longs beyond 2^53 are compared as
//    doubles, decimals as the double nearest their exact text.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lakestream/common/decimal.h"
#include "lakestream/common/time.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/storage/local_file_system.h"
#include "support/test_data.h"

namespace lakestream {
namespace {

using Json = nlohmann::ordered_json;

const std::string kDataDir = testing::test_data_dir() + "/parquet";
const std::string kExpectedDir = testing::test_data_dir() + "/parquet-expected";

const std::vector<std::string>& conformance_files() {
  static const std::vector<std::string> files = {
      "alltypes_plain.parquet",
      "alltypes_plain.snappy.parquet",
      "bug3734.parquet",
      "data-types.parquet",
      "data_index_bloom_encoding_with_length.parquet",
      "data_page=1_GZIP.parquet",
      "data_page=1_NONE.parquet",
      "data_page=1_SNAPPY.parquet",
      "date_stats.parquet",
      "int32_decimal.parquet",
      "int64_decimal.parquet",
      "issue6630_1.parquet",
      "lineitem-arrow.parquet",
      "nested_lists.snappy.parquet",
      "nested_maps.snappy.parquet",
  };
  return files;
}

/// DuckDB's name of our type.
std::string duckdb_type(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return "\"NULL\"";
    case TypeId::kString:
      return "VARCHAR";
    case TypeId::kBinary:
      return "BLOB";
    case TypeId::kBoolean:
      return "BOOLEAN";
    case TypeId::kByte:
      return "TINYINT";
    case TypeId::kShort:
      return "SMALLINT";
    case TypeId::kInt:
      return "INTEGER";
    case TypeId::kLong:
      return "BIGINT";
    case TypeId::kFloat:
      return "FLOAT";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return "TIMESTAMP";
    case TypeId::kStruct: {
      std::string s = "STRUCT(";
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (i) s += ", ";
        s += t.fields()[i].name + " " + duckdb_type(*t.fields()[i].type);
      }
      return s + ")";
    }
    case TypeId::kArray:
      return duckdb_type(*t.element()) + "[]";
    case TypeId::kMap:
      return "MAP(" + duckdb_type(*t.key()) + ", " + duckdb_type(*t.value()) + ")";
  }
  return "?";
}

std::string normalize_duckdb_type(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '"') out += c;
  }
  if (out == "TIMESTAMP WITH TIME ZONE") return "TIMESTAMP";
  return out;
}

std::string format_time_of_day(int64_t micros) {
  char buf[32];
  const int64_t secs = micros / 1000000, frac = micros % 1000000;
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string s = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    s += buf;
    while (s.back() == '0') s.pop_back();
  }
  return s;
}

std::string duckdb_blob(std::string_view b) {
  std::string s;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : b) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && c != '\\' && c != '\'') {
      s += c;
    } else {
      s += "\\x";
      s += kHex[u >> 4];
      s += kHex[u & 15];
    }
  }
  return s;
}

bool close_double(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-15 * std::max(std::fabs(a), std::fabs(b));
}

/// "" when row `row` of `col` equals `exp`, otherwise what differs.
std::string compare(const Column& col, int64_t row, const Json& exp, const std::string& where,
                    const std::string& duck_type) {
  const DataType& t = *col.type();
  auto diff = [&](const std::string& ours) {
    return where + ": ours " + ours + ", DuckDB " + exp.dump();
  };
  if (exp.is_null()) return col.is_null(row) ? "" : diff("a value");
  if (col.is_null(row)) return diff("null");
  switch (t.id()) {
    case TypeId::kNull:  // a void column is never non-null
      return diff("null");
    case TypeId::kBoolean:
      return exp.is_boolean() && exp.get<bool>() == col.bool_value(row)
                 ? ""
                 : diff(col.bool_value(row) ? "true" : "false");
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t v = 0;
      switch (t.id()) {
        case TypeId::kByte:
          v = col.value<int8_t>(row);
          break;
        case TypeId::kShort:
          v = col.value<int16_t>(row);
          break;
        case TypeId::kInt:
          v = col.value<int32_t>(row);
          break;
        default:
          v = col.value<int64_t>(row);
          break;
      }
      if (duck_type.rfind("TIME", 0) == 0 && duck_type.rfind("TIMESTAMP", 0) != 0) {
        // A TIME column read as microseconds since midnight (see the file comment).
        std::string s = format_time_of_day(v);
        if (duck_type.find("WITH TIME ZONE") != std::string::npos) s += "+00";
        return exp.is_string() && exp.get<std::string>() == s ? "" : diff(s);
      }
      if (!exp.is_number()) return diff(std::to_string(v));
      if (std::llabs(v) < (1LL << 53) && exp.is_number_integer()) {
        return exp.get<int64_t>() == v ? "" : diff(std::to_string(v));
      }
      return static_cast<double>(v) == exp.get<double>() ? "" : diff(std::to_string(v));
    }
    case TypeId::kFloat:
      return exp.is_number() && close_double(col.value<float>(row), exp.get<double>())
                 ? ""
                 : diff(std::to_string(col.value<float>(row)));
    case TypeId::kDouble:
      return exp.is_number() && close_double(col.value<double>(row), exp.get<double>())
                 ? ""
                 : diff(std::to_string(col.value<double>(row)));
    case TypeId::kDecimal: {
      const std::string s = format_decimal(col.decimal_value(row), t.scale());
      return exp.is_number() && std::strtod(s.c_str(), nullptr) == exp.get<double>() ? "" : diff(s);
    }
    case TypeId::kDate: {
      const std::string s = format_date_days(col.value<int32_t>(row));
      return exp.is_string() && exp.get<std::string>() == s ? "" : diff(s);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      const std::string s = format_timestamp_micros(col.value<int64_t>(row));
      return exp.is_string() && exp.get<std::string>() == s ? "" : diff(s);
    }
    case TypeId::kString: {
      const std::string s(col.string_value(row));
      return exp.is_string() && exp.get<std::string>() == s ? "" : diff(s);
    }
    case TypeId::kBinary: {
      const std::string_view b = col.string_value(row);
      if (!exp.is_string()) return diff(duckdb_blob(b));
      const auto& e = exp.get_ref<const std::string&>();
      return e == b || e == duckdb_blob(b) ? "" : diff(duckdb_blob(b));
    }
    case TypeId::kStruct: {
      if (!exp.is_object() || exp.size() != t.fields().size())
        return diff("a struct of " + std::to_string(t.fields().size()) + " fields");
      for (size_t i = 0; i < t.fields().size(); ++i) {
        const auto& name = t.fields()[i].name;
        if (!exp.contains(name)) return diff("a field '" + name + "'");
        auto r = compare(*col.child(i), row, exp[name], where + "." + name, "");
        if (!r.empty()) return r;
      }
      return "";
    }
    case TypeId::kArray: {
      const int64_t b = col.offset(row), e = col.offset(row + 1);
      if (!exp.is_array() || static_cast<int64_t>(exp.size()) != e - b)
        return diff("a list of " + std::to_string(e - b));
      for (int64_t i = b; i < e; ++i) {
        auto r = compare(*col.child(0), i, exp[static_cast<size_t>(i - b)],
                         where + "[" + std::to_string(i - b) + "]", "");
        if (!r.empty()) return r;
      }
      return "";
    }
    case TypeId::kMap: {
      const int64_t b = col.offset(row), e = col.offset(row + 1);
      if (!exp.is_object() || static_cast<int64_t>(exp.size()) != e - b)
        return diff("a map of " + std::to_string(e - b));
      int64_t i = b;
      for (auto it = exp.begin(); it != exp.end(); ++it, ++i) {
        const Column& keys = *col.child(0);
        std::string key;
        switch (keys.type()->id()) {
          case TypeId::kString:
            key = std::string(keys.string_value(i));
            break;
          case TypeId::kInt:
            key = std::to_string(keys.value<int32_t>(i));
            break;
          case TypeId::kLong:
            key = std::to_string(keys.value<int64_t>(i));
            break;
          default:
            return diff("a map key type the comparison does not handle");
        }
        if (key != it.key()) return diff("map key '" + key + "' at entry " + std::to_string(i - b));
        auto r = compare(*col.child(1), i, it.value(), where + "{" + key + "}", "");
        if (!r.empty()) return r;
      }
      return "";
    }
  }
  return diff("an unknown type");
}

Result<std::unique_ptr<ParquetReader>> open_testdata(const std::string& name) {
  static LocalFileSystem fs(kDataDir);
  LS_ASSIGN_OR_RAISE(auto file, fs.open_input_file(name));
  return ParquetReader::open(std::move(file));
}

class ParquetConformanceTest : public testing::TestDataTestWithParam<std::string> {};
class ParquetConformanceListTest : public testing::TestDataTest {};

TEST_P(ParquetConformanceTest, ReadsEveryColumnAsDuckDbDoes) {
  const std::string name = GetParam();
  std::ifstream in(kExpectedDir + "/" + name + ".duckdb.json");
  ASSERT_TRUE(in) << "no expected data for " << name;
  const Json expected = Json::parse(in);

  auto reader = open_testdata(name);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  const ParquetReader& r = **reader;
  EXPECT_EQ(r.num_rows(), expected["num_rows"].get<int64_t>());
  EXPECT_EQ(r.created_by(), expected["created_by"].get<std::string>());
  // No column of the test data is skipped: every one must be compared.
  EXPECT_TRUE(r.skipped_columns().empty())
      << r.skipped_columns()[0].name << ": " << r.skipped_columns()[0].reason;

  const auto& columns = expected["columns"];
  ASSERT_EQ(r.schema().size(), columns.size());
  std::vector<std::string> duck_types;
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& field = r.schema().field(i);
    EXPECT_EQ(field.name, columns[i]["column_name"].get<std::string>());
    const std::string duck = normalize_duckdb_type(columns[i]["column_type"].get<std::string>());
    duck_types.push_back(duck);
    if (duck.rfind("TIME", 0) == 0 && duck.rfind("TIMESTAMP", 0) != 0) {
      EXPECT_EQ(field.type->id(), TypeId::kLong) << field.name << ": TIME reads as long micros";
    } else {
      EXPECT_EQ(duckdb_type(*field.type), duck) << "column " << field.name;
    }
  }

  // Read all row groups and compare the rows DuckDB listed (all of them, or the first 50).
  const auto& rows = expected["rows"];
  size_t compared = 0;
  int64_t total = 0;
  for (int g = 0; g < r.num_row_groups(); ++g) {
    auto batch = r.read_row_group(g);
    ASSERT_TRUE(batch.ok()) << batch.status().to_string();
    ASSERT_TRUE(batch->validate().ok()) << batch->validate().to_string();
    ASSERT_EQ(batch->num_rows(), r.row_group(g).num_rows);
    for (int64_t row = 0; row < batch->num_rows() && compared < rows.size(); ++row, ++compared) {
      for (size_t c = 0; c < batch->num_columns(); ++c) {
        const std::string col_name = batch->schema().field(c).name;
        const std::string where = name + " row " + std::to_string(compared) + " " + col_name;
        ASSERT_TRUE(rows[compared].contains(col_name)) << where;
        const std::string d =
            compare(*batch->column(c), row, rows[compared][col_name], where, duck_types[c]);
        EXPECT_EQ(d, "");
      }
    }
    total += batch->num_rows();
  }
  EXPECT_EQ(compared, rows.size());
  EXPECT_EQ(total, r.num_rows());
}

INSTANTIATE_TEST_SUITE_P(TestData, ParquetConformanceTest, ::testing::ValuesIn(conformance_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n;
                           for (char c : info.param)
                             n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

TEST_F(ParquetConformanceListTest, EveryTestDataFileIsInTheConformanceList) {
  std::set<std::string> listed(conformance_files().begin(), conformance_files().end());
  size_t found = 0;
  for (const auto& e : std::filesystem::directory_iterator(kDataDir)) {
    if (e.path().extension() != ".parquet") continue;
    ++found;
    EXPECT_TRUE(listed.count(e.path().filename().string())) << e.path() << " is not compared";
  }
  EXPECT_EQ(found, listed.size());
}

}  // namespace
}  // namespace lakestream
