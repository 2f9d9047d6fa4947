// show(): golden layouts checked against what Spark 3.x Dataset.show() prints.
#include "lakestream/batch/show.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace lakestream {
namespace {

/// A one-column batch built by `fill`.
template <typename Fill>
RecordBatch one_column(const std::string& name, DataTypePtr type, Fill fill) {
  Schema schema;
  schema.add(name, type);
  auto col = Column::make(type);
  fill(*col);
  return RecordBatch(schema, {col});
}

/// The meter reading message, nested, with n rows following the generator mapping.
RecordBatch meter_batch(int n) {
  auto measurement = Schema()
                         .add("Value", DataType::decimal(10, 0), false)
                         .add("Unit", DataType::string())
                         .as_struct();
  Schema schema;
  schema.add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string(), false)
      .add("Measurement", measurement, false)
      .add("ObservationTime", DataType::timestamp(), false);
  RecordBatch batch = RecordBatch::make_empty(schema);
  for (int i = 0; i < n; ++i) {
    const int64_t v = static_cast<int64_t>(i) * 3019;
    batch.mutable_column(0).append_string(std::to_string(v % 127));
    batch.mutable_column(1).append_string(std::to_string(v % 23));
    Column& m = batch.mutable_column(2);
    m.append_struct_valid();
    m.mutable_child(0).append_decimal(v % 59);
    m.mutable_child(1).append_string("kWH");
    // 2021-01-19T10:33:00Z plus i seconds
    batch.mutable_column(3).append<int64_t>((1611052380LL + i) * 1000000LL);
  }
  return batch;
}

TEST(ShowTest, MeterBatchMatchesSparkLayout) {
  EXPECT_EQ(show_string(meter_batch(3)),
            "+-------+----------+-----------+-------------------+\n"
            "|MeterId|SupplierId|Measurement|    ObservationTime|\n"
            "+-------+----------+-----------+-------------------+\n"
            "|      0|         0|   {0, kWH}|2021-01-19 10:33:00|\n"
            "|     98|         6|  {10, kWH}|2021-01-19 10:33:01|\n"
            "|     69|        12|  {20, kWH}|2021-01-19 10:33:02|\n"
            "+-------+----------+-----------+-------------------+\n");
}

TEST(ShowTest, FooterWhenMoreRowsThanShownSingular) {
  EXPECT_EQ(show_string(meter_batch(2), 1),
            "+-------+----------+-----------+-------------------+\n"
            "|MeterId|SupplierId|Measurement|    ObservationTime|\n"
            "+-------+----------+-----------+-------------------+\n"
            "|      0|         0|   {0, kWH}|2021-01-19 10:33:00|\n"
            "+-------+----------+-----------+-------------------+\n"
            "only showing top 1 row\n");
}

TEST(ShowTest, FooterPluralAndNoFooterWhenAllShown) {
  const RecordBatch batch = meter_batch(25);
  const std::string twenty = show_string(batch);
  EXPECT_NE(twenty.find("\nonly showing top 20 rows\n"), std::string::npos);
  EXPECT_EQ(twenty.substr(twenty.size() - 25), "only showing top 20 rows\n");
  // 3 separators + header + 20 rows + footer
  EXPECT_EQ(std::count(twenty.begin(), twenty.end(), '\n'), 25);
  const std::string all = show_string(batch, 25);
  EXPECT_EQ(all.find("only showing"), std::string::npos);
  EXPECT_EQ(show_string(batch, 0).substr(show_string(batch, 0).find("only")),
            "only showing top 0 rows\n");
}

TEST(ShowTest, NegativeRowCountShowsNone) {
  EXPECT_EQ(show_string(meter_batch(1), -5), show_string(meter_batch(1), 0));
}

TEST(ShowTest, EmptyBatchPrintsHeaderAndBorders) {
  Schema schema;
  schema.add("a", DataType::int_()).add("LongerName", DataType::string());
  EXPECT_EQ(show_string(RecordBatch::make_empty(schema)),
            "+---+----------+\n"
            "|  a|LongerName|\n"
            "+---+----------+\n"
            "+---+----------+\n");
}

TEST(ShowTest, MinimumColumnWidthIsThree) {
  auto batch = one_column("x", DataType::int_(), [](Column& c) {
    c.append<int32_t>(7);
    c.append_null();
  });
  EXPECT_EQ(show_string(batch),
            "+----+\n"
            "|   x|\n"
            "+----+\n"
            "|   7|\n"
            "|null|\n"
            "+----+\n");
}

// ---- truncation ---------------------------------------------------------------------------

struct TruncateCase {
  std::string name;
  std::string value;
  int truncate;
  std::string expected_cell;
};

class ShowTruncateTest : public ::testing::TestWithParam<TruncateCase> {};

TEST_P(ShowTruncateTest, CutsLikeSpark) {
  const auto& tc = GetParam();
  auto batch = one_column("s", DataType::string(), [&](Column& c) { c.append_string(tc.value); });
  const std::string out = show_string(batch, 20, tc.truncate);
  const size_t first = out.find('\n', out.find('\n', out.find('\n') + 1) + 1);
  const std::string row = out.substr(first + 1, out.find('\n', first + 1) - first - 1);
  // Right-aligned when truncating, left-aligned with truncate <= 0: strip the padding.
  std::string cell = row.substr(1, row.size() - 2);
  if (tc.truncate > 0) {
    cell = cell.substr(
        cell.find_first_not_of(' ') == std::string::npos ? 0 : cell.find_first_not_of(' '));
  } else {
    cell = cell.substr(0, cell.find_last_not_of(' ') + 1);
  }
  EXPECT_EQ(cell, tc.expected_cell);
}

INSTANTIATE_TEST_SUITE_P(
    Cells, ShowTruncateTest,
    ::testing::Values(TruncateCase{"ExactlyTwentyKept", "abcdefghijklmnopqrst", 20,
                                   "abcdefghijklmnopqrst"},
                      TruncateCase{"TwentyOneCutTo17PlusDots", "abcdefghijklmnopqrstu", 20,
                                   "abcdefghijklmnopq..."},
                      TruncateCase{"TruncateZeroKeepsAll", "abcdefghijklmnopqrstuvwxyz", 0,
                                   "abcdefghijklmnopqrstuvwxyz"},
                      TruncateCase{"TruncateFiveKeepsTwoPlusDots", "abcdefgh", 5, "ab..."},
                      TruncateCase{"TruncateBelowFourHasNoDots", "abcdefgh", 3, "abc"},
                      TruncateCase{"MultiByteCountsCharactersNotBytes", "ééééééééééééééééééééé", 20,
                                   "éééééééééééééééé\xC3\xA9..."},
                      TruncateCase{"SurrogatePairCountsTwoUnits",
                                   "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                                   "abc",
                                   5, "\xF0\x9F\x98\x80..."},
                      TruncateCase{"NewlineEscapedBeforeCounting", "a\nb\tc", 20, "a\\nb\\tc"}),
    [](const auto& info) { return info.param.name; });

TEST(ShowTest, TruncateZeroLeftAlignsHeaderAndCells) {
  auto batch = one_column("name", DataType::string(), [](Column& c) {
    c.append_string("a");
    c.append_string("abcdef");
  });
  EXPECT_EQ(show_string(batch, 20, 0),
            "+------+\n"
            "|name  |\n"
            "+------+\n"
            "|a     |\n"
            "|abcdef|\n"
            "+------+\n");
}

TEST(ShowTest, FullWidthCharactersTakeTwoColumns) {
  auto batch = one_column("city", DataType::string(), [](Column& c) {
    c.append_string("東京");    // two full-width characters: display width 4
    c.append_string("Zürich");  // ü is one column, two bytes
  });
  EXPECT_EQ(show_string(batch),
            "+------+\n"
            "|  city|\n"
            "+------+\n"
            "|  東京|\n"
            "|Zürich|\n"
            "+------+\n");
}

TEST(ShowTest, DisplayWidth) {
  EXPECT_EQ(display_width("abc"), 3);
  EXPECT_EQ(display_width("ü"), 1);
  EXPECT_EQ(display_width("東京"), 4);
  EXPECT_EQ(display_width("\xF0\x9F\x98\x80"), 2);  // emoji: a surrogate pair in Java
  EXPECT_EQ(display_width("\xFF"), 1);              // a stray byte still counts once
}

// ---- every type -----------------------------------------------------------------------------

struct CellCase {
  std::string name;
  RecordBatch batch;
  std::string expected;  // the cell text of row 0
};

class ShowCellTest : public ::testing::TestWithParam<CellCase> {};

TEST_P(ShowCellTest, FormatsLikeSparkCast) {
  const auto& tc = GetParam();
  EXPECT_EQ(cell_string(*tc.batch.column(0), 0), tc.expected);
}

template <typename T>
CellCase fixed(std::string name, DataTypePtr type, T v, std::string expected) {
  return {std::move(name), one_column("c", type, [&](Column& c) { c.append<T>(v); }),
          std::move(expected)};
}

std::vector<CellCase> cell_cases() {
  std::vector<CellCase> cases;
  cases.push_back({"String",
                   one_column("c", DataType::string(), [](Column& c) { c.append_string("kWH"); }),
                   "kWH"});
  cases.push_back(
      {"Null", one_column("c", DataType::string(), [](Column& c) { c.append_null(); }), "null"});
  cases.push_back({"True",
                   one_column("c", DataType::boolean(), [](Column& c) { c.append_bool(true); }),
                   "true"});
  cases.push_back({"False",
                   one_column("c", DataType::boolean(), [](Column& c) { c.append_bool(false); }),
                   "false"});
  cases.push_back(fixed<int8_t>("Byte", DataType::byte(), -128, "-128"));
  cases.push_back(fixed<int16_t>("Short", DataType::short_(), 32767, "32767"));
  cases.push_back(fixed<int32_t>("Int", DataType::int_(), -217, "-217"));
  cases.push_back(
      fixed<int64_t>("Long", DataType::long_(), 9007199254740993LL, "9007199254740993"));
  cases.push_back(fixed<double>("DoubleOne", DataType::double_(), 1.0, "1.0"));
  cases.push_back(fixed<double>("DoubleTenth", DataType::double_(), 0.1, "0.1"));
  cases.push_back(fixed<float>("FloatTenth", DataType::float_(), 0.1f, "0.1"));
  cases.push_back(fixed<double>("DoubleE10", DataType::double_(), 1e10, "1.0E10"));
  cases.push_back(fixed<double>("DoubleNaN", DataType::double_(),
                                std::numeric_limits<double>::quiet_NaN(), "NaN"));
  cases.push_back(
      {"Decimal",
       one_column("c", DataType::decimal(10, 2), [](Column& c) { c.append_decimal(-1250); }),
       "-12.50"});
  cases.push_back(
      {"DecimalScaleZero",
       one_column("c", DataType::decimal(10, 0), [](Column& c) { c.append_decimal(12345); }),
       "12345"});
  cases.push_back(fixed<int32_t>("Date", DataType::date(), 18646, "2021-01-19"));
  cases.push_back(fixed<int64_t>("TimestampWhole", DataType::timestamp(), 1611052380LL * 1000000LL,
                                 "2021-01-19 10:33:00"));
  cases.push_back(fixed<int64_t>("TimestampFraction", DataType::timestamp(),
                                 1611052380LL * 1000000LL + 500000, "2021-01-19 10:33:00.5"));
  cases.push_back(fixed<int64_t>("TimestampMicros", DataType::timestamp(),
                                 1611052380LL * 1000000LL + 123456, "2021-01-19 10:33:00.123456"));
  cases.push_back(
      fixed<int64_t>("TimestampNtz", DataType::timestamp_ntz(), 0, "1970-01-01 00:00:00"));
  cases.push_back({"Binary",
                   one_column("c", DataType::binary(),
                              [](Column& c) { c.append_string(std::string("\x01\x02\xFF", 3)); }),
                   "[01 02 FF]"});
  cases.push_back({"EmptyBinary",
                   one_column("c", DataType::binary(), [](Column& c) { c.append_string(""); }),
                   "[]"});
  auto st = Schema().add("a", DataType::int_()).add("b", DataType::string()).as_struct();
  cases.push_back({"Struct",
                   one_column("c", st,
                              [](Column& c) {
                                c.append_struct_valid();
                                c.mutable_child(0).append<int32_t>(1);
                                c.mutable_child(1).append_string("x");
                              }),
                   "{1, x}"});
  cases.push_back({"StructWithNullFields",
                   one_column("c", st,
                              [](Column& c) {
                                c.append_struct_valid();
                                c.mutable_child(0).append_null();
                                c.mutable_child(1).append_null();
                              }),
                   "{null, null}"});
  cases.push_back({"NullStruct", one_column("c", st, [](Column& c) { c.append_null(); }), "null"});
  auto arr = DataType::array(DataType::int_());
  cases.push_back({"Array",
                   one_column("c", arr,
                              [](Column& c) {
                                c.mutable_child(0).append<int32_t>(1);
                                c.mutable_child(0).append_null();
                                c.mutable_child(0).append<int32_t>(2);
                                c.append_list_end();
                              }),
                   "[1, null, 2]"});
  cases.push_back(
      {"EmptyArray", one_column("c", arr, [](Column& c) { c.append_list_end(); }), "[]"});
  auto map = DataType::map(DataType::string(), DataType::long_());
  cases.push_back({"Map",
                   one_column("c", map,
                              [](Column& c) {
                                c.mutable_child(0).append_string("k");
                                c.mutable_child(1).append<int64_t>(5);
                                c.mutable_child(0).append_string("m");
                                c.mutable_child(1).append_null();
                                c.append_list_end();
                              }),
                   "{k -> 5, m -> null}"});
  auto nested = DataType::array(st);
  cases.push_back({"ArrayOfStructs",
                   one_column("c", nested,
                              [](Column& c) {
                                Column& e = c.mutable_child(0);
                                e.append_struct_valid();
                                e.mutable_child(0).append<int32_t>(1);
                                e.mutable_child(1).append_string("a");
                                e.append_null();
                                c.append_list_end();
                              }),
                   "[{1, a}, null]"});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Types, ShowCellTest, ::testing::ValuesIn(cell_cases()),
                         [](const auto& info) { return info.param.name; });

// ---- Java's Double.toString -------------------------------------------------------------------

struct DoubleCase {
  std::string name;
  double value;
  std::string expected;
};

class JavaDoubleTest : public ::testing::TestWithParam<DoubleCase> {};

TEST_P(JavaDoubleTest, MatchesDoubleToString) {
  EXPECT_EQ(java_double_string(GetParam().value), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Values, JavaDoubleTest,
    ::testing::Values(
        DoubleCase{"Zero", 0.0, "0.0"}, DoubleCase{"NegativeZero", -0.0, "-0.0"},
        DoubleCase{"One", 1.0, "1.0"}, DoubleCase{"Hundred", 100.0, "100.0"},
        DoubleCase{"Tenth", 0.1, "0.1"}, DoubleCase{"Sum", 0.1 + 0.2, "0.30000000000000004"},
        DoubleCase{"OneThousandth", 0.001, "0.001"},
        DoubleCase{"BelowThousandth", 0.0001, "1.0E-4"}, DoubleCase{"Small", 1.5e-5, "1.5E-5"},
        DoubleCase{"JustBelowTenMillion", 9999999.0, "9999999.0"},
        DoubleCase{"TenMillion", 1e7, "1.0E7"}, DoubleCase{"TenBillion", 1e10, "1.0E10"},
        DoubleCase{"Mixed", 123456.789, "123456.789"},
        DoubleCase{"NegativeLarge", -1.2345e20, "-1.2345E20"},
        DoubleCase{"Pi", 3.141592653589793, "3.141592653589793"},
        DoubleCase{"Max", std::numeric_limits<double>::max(), "1.7976931348623157E308"},
        DoubleCase{"MinSubnormalTwoDigits", std::numeric_limits<double>::denorm_min(), "4.9E-324"},
        DoubleCase{"Infinity", std::numeric_limits<double>::infinity(), "Infinity"},
        DoubleCase{"NegativeInfinity", -std::numeric_limits<double>::infinity(), "-Infinity"}),
    [](const auto& info) { return info.param.name; });

TEST(JavaFloatTest, UsesFloatDigits) {
  EXPECT_EQ(java_float_string(0.1f), "0.1");  // not 0.10000000149011612
  EXPECT_EQ(java_float_string(1.0e10f), "1.0E10");
  EXPECT_EQ(java_float_string(3.4028235e38f), "3.4028235E38");
  EXPECT_EQ(java_float_string(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(java_float_string(-2.5f), "-2.5");
}

// ---- nested, flattened and vertical -----------------------------------------------------------

TEST(ShowTest, FlattenedMeterBatch) {
  auto flat = meter_batch(2).flatten();
  ASSERT_TRUE(flat.ok()) << flat.status().to_string();
  EXPECT_EQ(show_string(*flat),
            "+-------+----------+-----------------+----------------+-------------------+\n"
            "|MeterId|SupplierId|Measurement_Value|Measurement_Unit|    ObservationTime|\n"
            "+-------+----------+-----------------+----------------+-------------------+\n"
            "|      0|         0|                0|             kWH|2021-01-19 10:33:00|\n"
            "|     98|         6|               10|             kWH|2021-01-19 10:33:01|\n"
            "+-------+----------+-----------------+----------------+-------------------+\n");
}

TEST(ShowTest, LongNestedCellIsTruncatedAsAWhole) {
  auto arr = DataType::array(DataType::long_());
  auto batch = one_column("values", arr, [](Column& c) {
    for (int64_t i = 1000; i < 1010; ++i) c.mutable_child(0).append<int64_t>(i);
    c.append_list_end();
  });
  EXPECT_EQ(show_string(batch),
            "+--------------------+\n"
            "|              values|\n"
            "+--------------------+\n"
            "|[1000, 1001, 1002...|\n"
            "+--------------------+\n");
}

TEST(ShowTest, VerticalLayout) {
  Schema schema;
  schema.add("MeterId", DataType::string()).add("Value", DataType::int_());
  RecordBatch batch = RecordBatch::make_empty(schema);
  batch.mutable_column(0).append_string("217");
  batch.mutable_column(1).append<int32_t>(12345);
  batch.mutable_column(0).append_string("9");
  batch.mutable_column(1).append_null();
  EXPECT_EQ(show_string(batch, 20, 20, true),
            "-RECORD 0--------\n"
            " MeterId | 217   \n"
            " Value   | 12345 \n"
            "-RECORD 1--------\n"
            " MeterId | 9     \n"
            " Value   | null  \n");
  EXPECT_EQ(show_string(batch, 1, 20, true),
            "-RECORD 0--------\n"
            " MeterId | 217   \n"
            " Value   | 12345 \n"
            "only showing top 1 row\n");
  EXPECT_EQ(show_string(RecordBatch::make_empty(schema), 20, 20, true), "(0 rows)\n");
}

TEST(ShowTest, ShowPrintsTrailingBlankLine) {
  testing::internal::CaptureStdout();
  show(meter_batch(1));
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, show_string(meter_batch(1)) + "\n");
}

}  // namespace
}  // namespace lakestream
