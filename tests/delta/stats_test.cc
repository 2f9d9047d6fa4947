#include "lakestream/delta/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "lakestream/common/decimal.h"
#include "lakestream/common/time.h"

namespace lakestream {
namespace {

ParquetColumnStats col(std::string name, DataTypePtr type, int64_t nulls,
                       std::optional<ParquetStatValue> min, std::optional<ParquetStatValue> max) {
  return ParquetColumnStats{std::move(name), std::move(type), nulls, std::move(min),
                            std::move(max)};
}

TEST(StatsJson, EveryType) {
  std::vector<ParquetColumnStats> cols = {
      col("s", DataType::string(), 1, std::string("apple"), std::string("pear")),
      col("b", DataType::boolean(), 0, true, true),
      col("i8", DataType::byte(), 0, int32_t{-128}, int32_t{127}),
      col("i16", DataType::short_(), 0, int32_t{-5}, int32_t{5}),
      col("i32", DataType::int_(), 2, int32_t{-2147483647 - 1}, int32_t{2147483647}),
      col("i64", DataType::long_(), 0, int64_t{-9007199254740993LL},
          int64_t{9223372036854775807LL}),
      col("f", DataType::float_(), 0, 0.1f, 3.0f),
      col("d", DataType::double_(), 0, -1.5, 1e300),
      col("dec", DataType::decimal(38, 2), 0,
          *parse_decimal("-12345678901234567890123456.78", 38, 2), *parse_decimal("0.05", 38, 2)),
      col("dt", DataType::date(), 0, *parse_date_days("2021-01-19"),
          *parse_date_days("2021-12-31")),
      col("ts", DataType::timestamp(), 0, *parse_timestamp_micros("2021-01-19T10:33:00.123456Z"),
          *parse_timestamp_micros("2021-01-19T10:34:00Z")),
      col("ntz", DataType::timestamp_ntz(), 0, *parse_timestamp_micros("2021-01-19 10:33:00"),
          *parse_timestamp_micros("2021-01-19 10:33:00")),
      col("bin", DataType::binary(), 3, std::string("\x01"), std::string("\x02")),
      col("allnull", DataType::int_(), 7, std::nullopt, std::nullopt),
  };
  std::string json = stats_json(7, cols);
  EXPECT_EQ(json,
            "{\"numRecords\":7,"
            "\"minValues\":{\"s\":\"apple\",\"i8\":-128,\"i16\":-5,\"i32\":-2147483648,"
            "\"i64\":-9007199254740993,\"f\":0.1,\"d\":-1.5,"
            "\"dec\":-12345678901234567890123456.78,\"dt\":\"2021-01-19\","
            "\"ts\":\"2021-01-19T10:33:00.123Z\",\"ntz\":\"2021-01-19T10:33:00.000\"},"
            "\"maxValues\":{\"s\":\"pear\",\"i8\":127,\"i16\":5,\"i32\":2147483647,"
            "\"i64\":9223372036854775807,\"f\":3.0,\"d\":1.0E300,\"dec\":0.05,"
            "\"dt\":\"2021-12-31\",\"ts\":\"2021-01-19T10:34:00.000Z\","
            "\"ntz\":\"2021-01-19T10:33:00.000\"},"
            "\"nullCount\":{\"s\":1,\"b\":0,\"i8\":0,\"i16\":0,\"i32\":2,\"i64\":0,\"f\":0,\"d\":0,"
            "\"dec\":0,\"dt\":0,\"ts\":0,\"ntz\":0,\"bin\":3,\"allnull\":7}}");
  // Valid JSON, and the big decimal survives as a number token.
  auto parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["nullCount"]["allnull"], 7);
  EXPECT_TRUE(parsed["minValues"]["dec"].is_number());
}

TEST(StatsJson, NonFiniteBoundsAreLeftOut) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<ParquetColumnStats> cols = {
      col("d", DataType::double_(), 0, -inf, std::nan("")),
      col("f", DataType::float_(), 0, 1.0f, std::numeric_limits<float>::infinity()),
  };
  EXPECT_EQ(stats_json(2, cols),
            "{\"numRecords\":2,\"minValues\":{\"f\":1.0},\"maxValues\":{},"
            "\"nullCount\":{\"d\":0,\"f\":0}}");
}

TEST(StatsJson, EscapesNamesAndValues) {
  std::vector<ParquetColumnStats> cols = {
      col("a\"b", DataType::string(), 0, std::string("x\n\"\\"), std::string("\x01")),
  };
  std::string json = stats_json(1, cols);
  auto parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["minValues"]["a\"b"], "x\n\"\\");
  EXPECT_EQ(parsed["maxValues"]["a\"b"], "\x01");
}

TEST(StatsJson, OnlyTheFirstIndexedColumns) {
  std::vector<ParquetColumnStats> cols;
  for (int i = 0; i < 40; ++i) {
    std::string name = "c";
    name += std::to_string(i);
    cols.push_back(col(std::move(name), DataType::int_(), 0, int32_t{i}, int32_t{i}));
  }
  auto parsed = nlohmann::json::parse(stats_json(1, cols));
  EXPECT_EQ(parsed["nullCount"].size(), 32u);
  EXPECT_TRUE(parsed["minValues"].contains("c31"));
  EXPECT_FALSE(parsed["minValues"].contains("c32"));
  EXPECT_EQ(nlohmann::json::parse(stats_json(1, cols, 2))["maxValues"].size(), 2u);
}

TEST(StringTruncation, ShortStringsAreKept) {
  std::string s32(32, 'a');
  EXPECT_EQ(truncate_min_string(s32), s32);
  EXPECT_EQ(*truncate_max_string(s32), s32);
}

TEST(StringTruncation, AsciiMaxGetsDelTieBreaker) {
  std::string s = std::string(32, 'a') + "bcd";
  EXPECT_EQ(truncate_min_string(s), std::string(32, 'a'));
  EXPECT_EQ(*truncate_max_string(s), std::string(32, 'a') + "\x7F");
  EXPECT_LT(s, *truncate_max_string(s));
}

TEST(StringTruncation, NonAsciiNextCharGetsMaxCodePoint) {
  std::string s = std::string(32, 'a') + "\xC3\xBC" + "zz";  // next char is ü (U+00FC)
  EXPECT_EQ(*truncate_max_string(s), std::string(32, 'a') + "\xF4\x8F\xBF\xBF");
  EXPECT_LT(s, *truncate_max_string(s));  // UTF-8 byte order
}

TEST(StringTruncation, CountsJavaUnitsAndKeepsSurrogatePairsWhole) {
  // 31 ASCII then U+1F600 (two UTF-16 units, four UTF-8 bytes) then more.
  std::string emoji = "\xF0\x9F\x98\x80";
  std::string s = std::string(31, 'a') + emoji + "tail";
  EXPECT_EQ(truncate_min_string(s), std::string(31, 'a') + emoji);
  // Multi-byte characters count one unit each: 32 'ü' fit exactly.
  std::string u32;
  for (int i = 0; i < 32; ++i) u32 += "\xC3\xBC";
  EXPECT_EQ(truncate_min_string(u32 + "x"), u32);
  EXPECT_EQ(*truncate_max_string(u32 + "x"), u32 + "\x7F");
}

TEST(StringTruncation, MaxCodePointsAreSkippedAndLongRunsGiveNoMax) {
  std::string maxcp = "\xF4\x8F\xBF\xBF";
  std::string s = std::string(32, 'a') + maxcp + "b";
  EXPECT_EQ(*truncate_max_string(s), std::string(32, 'a') + maxcp + "\x7F");
  std::string run;
  for (int i = 0; i < 40; ++i) run += maxcp;  // 80 units, all U+10FFFF
  EXPECT_FALSE(truncate_max_string(run).has_value());
  std::vector<ParquetColumnStats> cols = {col("s", DataType::string(), 0, run, run)};
  auto parsed = nlohmann::json::parse(stats_json(1, cols));
  EXPECT_TRUE(parsed["minValues"].contains("s"));
  EXPECT_FALSE(parsed["maxValues"].contains("s"));
}

}  // namespace
}  // namespace lakestream
