#include "lakestream/delta/partition.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lakestream/common/decimal.h"
#include "lakestream/common/time.h"

namespace lakestream {
namespace {

struct EscapeCase {
  std::string name;
  std::string input;
  std::string escaped;
};

class EscapeTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(EscapeTest, EscapesLikeSparkAndRoundTrips) {
  const EscapeCase& c = GetParam();
  EXPECT_EQ(escape_partition_path_name(c.input), c.escaped);
  EXPECT_EQ(unescape_partition_path_name(c.escaped), c.input);
}

INSTANTIATE_TEST_SUITE_P(
    SparkEscapePathName, EscapeTest,
    ::testing::Values(EscapeCase{"Plain", "abc-XYZ_09.+,;@!~()&$", "abc-XYZ_09.+,;@!~()&$"},
                      EscapeCase{"Slash", "A/A", "A%2FA"}, EscapeCase{"DotDot", "..", ".."},
                      EscapeCase{"DotDotSlash", "../../etc", "..%2F..%2Fetc"},
                      EscapeCase{"Percent", "100%", "100%25"},
                      EscapeCase{"SpaceKept", "B B", "B B"},
                      EscapeCase{"Colon", "11:11:11", "11%3A11%3A11"},
                      EscapeCase{"Specials", "\"#'*=?\\{[]^", "%22%23%27%2A%3D%3F%5C%7B%5B%5D%5E"},
                      EscapeCase{"NotEscapedBySpark", "}|<>`", "}|<>`"},
                      EscapeCase{"Controls", std::string("a\x01\n\x1f\x7f", 5), "a%01%0A%1F%7F"},
                      EscapeCase{"Nul", std::string("a\0b", 3), "a%00b"},
                      EscapeCase{"Utf8Kept", "Z\xC3\xBCrich", "Z\xC3\xBCrich"},
                      EscapeCase{"Empty", "", ""}),
    [](const auto& info) { return info.param.name; });

TEST(Unescape, LeavesBadEscapesAlone) {
  EXPECT_EQ(unescape_partition_path_name("50%"), "50%");
  EXPECT_EQ(unescape_partition_path_name("%zz%4"), "%zz%4");
  EXPECT_EQ(unescape_partition_path_name("%2f"), "/");
}

TEST(PartitionFolder, BuildsHiveSegments) {
  auto f = partition_folder({{"x", "A/A"}, {"y", std::nullopt}, {"z", ""}, {"a=b", "1"}});
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  EXPECT_EQ(*f, "x=A%2FA/y=__HIVE_DEFAULT_PARTITION__/z=__HIVE_DEFAULT_PARTITION__/a%3Db=1");
  EXPECT_EQ(*partition_folder({}), "");
}

TEST(PartitionFolder, NoValueLeavesTheTable) {
  for (const std::string& v :
       std::vector<std::string>{"..", ".", "/", "../..", "/etc/passwd", "a/../../b", "%2F..",
                                "\\..", std::string("\0..", 3), " .. ", "\n"}) {
    auto f = partition_folder({{"c", v}});
    ASSERT_TRUE(f.ok()) << v;
    EXPECT_EQ(f->find('/'), std::string::npos) << v << " -> " << *f;
    EXPECT_EQ(f->find('\\'), std::string::npos) << *f;
    EXPECT_EQ(f->find('\0'), std::string::npos) << *f;
    EXPECT_TRUE(f->starts_with("c=")) << *f;
    EXPECT_EQ(unescape_partition_path_name(f->substr(2)), v);
  }
}

TEST(PartitionFolder, RefusesFolderNamesOver255Bytes) {
  std::string fits(253, 'v');  // "c=" + 253 = 255 bytes
  ASSERT_TRUE(partition_folder({{"c", fits}}).ok());
  auto too_long = partition_folder({{"c", fits + "v"}});
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.status().message().find("'c'"), std::string::npos);
  EXPECT_NE(too_long.status().message().find("256 bytes"), std::string::npos)
      << too_long.status().message();
  // Escaping triples a byte: 100 slashes are 300 bytes on disk.
  EXPECT_FALSE(partition_folder({{"c", std::string(100, '/')}}).ok());
  EXPECT_FALSE(partition_folder({{"", "x"}}).ok());
}

TEST(DataFileName, LikeSpark) {
  std::string uuid = "b350e235-2832-45df-9918-6cab4f7578f7";
  EXPECT_EQ(data_file_name(7, uuid, ParquetCompression::kSnappy),
            "part-00007-b350e235-2832-45df-9918-6cab4f7578f7.c000.snappy.parquet");
  EXPECT_EQ(data_file_name(0, uuid, ParquetCompression::kNone),
            "part-00000-b350e235-2832-45df-9918-6cab4f7578f7.c000.parquet");
  EXPECT_EQ(data_file_name(123456, uuid, ParquetCompression::kZstd),
            "part-123456-b350e235-2832-45df-9918-6cab4f7578f7.c000.zstd.parquet");
}

struct AddPathCase {
  std::string name;
  std::string relative;
  std::string encoded;
};

class AddPathTest : public ::testing::TestWithParam<AddPathCase> {};

TEST_P(AddPathTest, EncodesAsDeltaAndRoundTrips) {
  const AddPathCase& c = GetParam();
  EXPECT_EQ(encode_add_path(c.relative), c.encoded);
  auto back = decode_add_path(c.encoded);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c.relative);
}

// The first two are the paths Spark/Delta wrote in testdata/delta (delta-0.8.0-special-partition
// and data-reader-partition-values).
INSTANTIATE_TEST_SUITE_P(
    DeltaAddPath, AddPathTest,
    ::testing::Values(AddPathCase{"EscapedSlash", "x=A%2FA/part-00007-b350e235.c000.snappy.parquet",
                                  "x=A%252FA/part-00007-b350e235.c000.snappy.parquet"},
                      AddPathCase{"Timestamp", "as_timestamp=2021-09-08 11%3A11%3A11/p.parquet",
                                  "as_timestamp=2021-09-08%2011%253A11%253A11/p.parquet"},
                      AddPathCase{"Plain", "part-00000-x.c000.snappy.parquet",
                                  "part-00000-x.c000.snappy.parquet"},
                      AddPathCase{"UriIllegal", "c=a}|<>`/f", "c=a%7D%7C%3C%3E%60/f"},
                      AddPathCase{"Utf8Kept", "c=\xC3\xBC/f", "c=\xC3\xBC/f"},
                      AddPathCase{"Default", "c=__HIVE_DEFAULT_PARTITION__/f",
                                  "c=__HIVE_DEFAULT_PARTITION__/f"}),
    [](const auto& info) { return info.param.name; });

TEST(AddPath, DecodeRefusesBadEscapes) {
  EXPECT_EQ(decode_add_path("a%2").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(decode_add_path("a%zz").status().code(), StatusCode::kCorrupt);
}

TEST(AddPath, FullPipelineFromValueToLogAndBack) {
  std::string value = "A/A %?";
  auto folder = partition_folder({{"x", value}});
  ASSERT_TRUE(folder.ok());
  std::string relative = *folder + "/part-00000-u.c000.snappy.parquet";
  std::string in_log = encode_add_path(relative);
  EXPECT_EQ(in_log, "x=A%252FA%20%2525%253F/part-00000-u.c000.snappy.parquet");
  auto decoded = decode_add_path(in_log);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, relative);
  std::string segment = decoded->substr(0, decoded->find('/'));
  EXPECT_EQ(unescape_partition_path_name(segment.substr(2)), value);
}

template <typename T>
ColumnPtr column_of(DataTypePtr type, T v) {
  auto c = Column::make(std::move(type));
  c->append<T>(v);
  c->append_null();
  return c;
}

struct ValueCase {
  std::string name;
  ColumnPtr column;
  std::string text;
};

class PartitionValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(PartitionValueTest, SparkText) {
  const ValueCase& c = GetParam();
  auto v = partition_value_text(*c.column, 0);
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, c.text);
  auto null = partition_value_text(*c.column, 1);
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->has_value());
}

ColumnPtr string_column(std::string_view s) {
  auto c = Column::make(DataType::string());
  c->append_string(s);
  c->append_null();
  return c;
}

ColumnPtr bool_column(bool b) {
  auto c = Column::make(DataType::boolean());
  c->append_bool(b);
  c->append_null();
  return c;
}

ColumnPtr decimal_column(std::string_view text, int p, int s) {
  auto c = Column::make(DataType::decimal(p, s));
  c->append_decimal(*parse_decimal(text, p, s));
  c->append_null();
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    EveryType, PartitionValueTest,
    ::testing::Values(
        ValueCase{"String", string_column("A/A"), "A/A"},
        ValueCase{"BooleanTrue", bool_column(true), "true"},
        ValueCase{"BooleanFalse", bool_column(false), "false"},
        ValueCase{"Byte", column_of<int8_t>(DataType::byte(), -128), "-128"},
        ValueCase{"Short", column_of<int16_t>(DataType::short_(), 32767), "32767"},
        ValueCase{"Int", column_of<int32_t>(DataType::int_(), -42), "-42"},
        ValueCase{"Long", column_of<int64_t>(DataType::long_(), 9007199254740993LL),
                  "9007199254740993"},
        ValueCase{"FloatWhole", column_of<float>(DataType::float_(), 1.0f), "1.0"},
        ValueCase{"Float", column_of<float>(DataType::float_(), 0.1f), "0.1"},
        ValueCase{"Double", column_of<double>(DataType::double_(), 0.0), "0.0"},
        ValueCase{"DoubleExp", column_of<double>(DataType::double_(), 1e10), "1.0E10"},
        ValueCase{"Decimal", decimal_column("-12.50", 10, 2), "-12.50"},
        ValueCase{"DecimalScale0", decimal_column("123", 38, 0), "123"},
        ValueCase{"Date", column_of<int32_t>(DataType::date(), *parse_date_days("2021-09-08")),
                  "2021-09-08"},
        ValueCase{"Timestamp",
                  column_of<int64_t>(DataType::timestamp(),
                                     *parse_timestamp_micros("2021-09-08 11:11:11")),
                  "2021-09-08 11:11:11"},
        ValueCase{"TimestampFraction",
                  column_of<int64_t>(DataType::timestamp(),
                                     *parse_timestamp_micros("2021-09-08T11:11:11.123456Z")),
                  "2021-09-08 11:11:11.123456"}),
    [](const auto& info) { return info.param.name; });

TEST(PartitionValue, EmptyStringIsNullAndBinaryIsRefused) {
  auto empty = string_column("");
  auto v = partition_value_text(*empty, 0);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
  auto bin = Column::make(DataType::binary());
  bin->append_string("x");
  EXPECT_EQ(partition_value_text(*bin, 0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakestream
