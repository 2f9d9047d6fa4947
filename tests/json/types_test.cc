// Every data type the decoder fills, accepted and refused values, one field "F" per case.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "json/decode_test_util.h"

namespace lakestream::testing {
namespace {

struct TypeCase {
  std::string name;
  DataTypePtr type;
  std::string value;                         ///< the JSON text of F
  std::function<void(const Column&)> check;  ///< accepted: checks on row 0
  std::string reason;                        ///< rejected: the exact reason
};

void PrintTo(const TypeCase& c, std::ostream* os) { *os << c.name; }

TypeCase ok(std::string name, DataTypePtr type, std::string value,
            std::function<void(const Column&)> check) {
  return {std::move(name), std::move(type), std::move(value), std::move(check), ""};
}
TypeCase bad(std::string name, DataTypePtr type, std::string value, std::string reason) {
  return {std::move(name), std::move(type), std::move(value), nullptr, std::move(reason)};
}

template <typename T>
std::function<void(const Column&)> is(T expected) {
  return [expected](const Column& c) {
    ASSERT_TRUE(c.is_valid(0));
    EXPECT_EQ(c.value<T>(0), expected);
  };
}
std::function<void(const Column&)> is_bool(bool expected) {
  return [expected](const Column& c) { EXPECT_EQ(c.bool_value(0), expected); };
}
std::function<void(const Column&)> is_bytes(std::string expected) {
  return [expected](const Column& c) {
    ASSERT_TRUE(c.is_valid(0));
    EXPECT_EQ(c.string_value(0), expected);
  };
}
std::function<void(const Column&)> is_decimal(int128_t expected) {
  return [expected](const Column& c) {
    EXPECT_TRUE(c.decimal_value(0) == expected) << format_decimal(c.decimal_value(0), 0);
  };
}
std::function<void(const Column&)> is_int_list(std::vector<std::optional<int32_t>> expected) {
  return [expected](const Column& c) {
    ASSERT_EQ(c.offset(1) - c.offset(0), static_cast<int32_t>(expected.size()));
    const Column& e = *c.child(0);
    for (size_t i = 0; i < expected.size(); ++i) {
      const int64_t row = c.offset(0) + static_cast<int64_t>(i);
      ASSERT_EQ(e.is_valid(row), expected[i].has_value()) << i;
      if (expected[i]) {
        EXPECT_EQ(e.value<int32_t>(row), *expected[i]) << i;
      }
    }
  };
}

DataTypePtr strukt(std::vector<Field> fields) { return DataType::struct_(std::move(fields)); }

std::vector<TypeCase> type_cases() {
  const auto i8 = DataType::byte();
  const auto i16 = DataType::short_();
  const auto i32 = DataType::int_();
  const auto i64 = DataType::long_();
  const auto f32 = DataType::float_();
  const auto f64 = DataType::double_();
  const auto d52 = DataType::decimal(5, 2);
  const auto d38 = DataType::decimal(38, 10);
  const auto date = DataType::date();
  const auto ntz = DataType::timestamp_ntz();
  const auto bin = DataType::binary();
  const auto ints = DataType::array(i32);
  const auto ints_no_null = DataType::array(i32, false);
  const auto str_int_map = DataType::map(DataType::string(), i32);
  return {
      ok("BooleanTrue", DataType::boolean(), "true", is_bool(true)),
      ok("BooleanFalse", DataType::boolean(), "false", is_bool(false)),
      bad("BooleanFromString", DataType::boolean(), "\"true\"",
          "F: expected boolean, got a string"),
      bad("BooleanFromNumber", DataType::boolean(), "1", "F: expected boolean, got a number"),
      ok("ByteMax", i8, "127", is<int8_t>(127)),
      ok("ByteMin", i8, "-128", is<int8_t>(-128)),
      bad("ByteOverflow", i8, "128", "F: 128 is out of range for tinyint"),
      ok("ShortMax", i16, "32767", is<int16_t>(32767)),
      bad("ShortUnderflow", i16, "-32769", "F: -32769 is out of range for smallint"),
      ok("IntMin", i32, "-2147483648", is<int32_t>(INT32_MIN)),
      bad("IntOverflow", i32, "2147483648", "F: 2147483648 is out of range for int"),
      ok("LongMax", i64, "9223372036854775807", is<int64_t>(INT64_MAX)),
      bad("LongOverflow", i64, "9223372036854775808",
          "F: 9223372036854775808 is out of range for bigint"),
      bad("IntegerGivenFraction", i32, "1.5", "F: 1.5 is not an integer, expected int"),
      bad("IntegerGivenExponent", i64, "1e3", "F: 1e3 is not an integer, expected bigint"),
      bad("IntegerGivenString", i32, "\"5\"", "F: expected int, got a string"),
      ok("FloatFromInteger", f32, "3", is<float>(3.0f)),
      ok("FloatFraction", f32, "1.5", is<float>(1.5f)),
      bad("FloatOverflow", f32, "1e39", "F: 1e39 is out of range for float"),
      ok("DoubleFromInteger", f64, "-42", is<double>(-42.0)),
      ok("DoubleExponent", f64, "2.5e-3", is<double>(2.5e-3)),
      ok("DoubleNaNString", f64, "\"NaN\"",
         [](const Column& c) { EXPECT_TRUE(std::isnan(c.value<double>(0))); }),
      ok("DoubleInfinityString", f64, "\"-Infinity\"",
         is<double>(-std::numeric_limits<double>::infinity())),
      bad("DoubleFromOtherString", f64, "\"1.5\"", "F: '1.5' is not a valid double"),
      bad("DoubleOutOfRange", f64, "1e400", "F: 1e400 is out of range for double"),
      ok("DecimalScaled", d52, "123.45", is_decimal(12345)),
      ok("DecimalPadsScale", d52, "-0.5", is_decimal(-50)),
      ok("DecimalFromStringWithExponent", d52, "\"1.5E2\"", is_decimal(15000)),
      bad("DecimalTooManyFractionDigits", d52, "0.001",
          "F: 0.001 has more fraction digits than decimal(5,2) holds"),
      bad("DecimalDoesNotFit", d52, "1234.5", "F: 1234.5 does not fit decimal(5,2)"),
      ok("Decimal38Exact", d38, "1234567890123456789012345678.0123456789",
         is_decimal(static_cast<int128_t>(1234567890123456789LL) * pow10_i128(19) +
                    static_cast<int128_t>(12345678LL) * pow10_i128(10) +
                    static_cast<int128_t>(123456789))),
      ok("DateLeapDay", date, "\"2024-02-29\"", is<int32_t>(19782)),
      bad("DateNotALeapYear", date, "\"2023-02-29\"",
          "F: '2023-02-29' is not a valid date (yyyy-MM-dd)"),
      bad("DateWithoutPadding", date, "\"2024-2-1\"",
          "F: '2024-2-1' is not a valid date (yyyy-MM-dd)"),
      bad("DateFromNumber", date, "19782", "F: expected date, got a number"),
      ok("TimestampNtz", ntz, "\"1970-01-02 00:00:01.5\"", is<int64_t>(86'401'500'000LL)),
      ok("BinaryBase64", bin, "\"aGVsbG8=\"", is_bytes("hello")),
      ok("BinaryBase64WithoutPadding", bin, "\"aGVsbG8\"", is_bytes("hello")),
      ok("BinaryEmpty", bin, "\"\"", is_bytes("")),
      bad("BinaryNotBase64", bin, "\"not base64!\"",
          "F: 'not base64!' is not valid base64 for binary"),
      ok("ArrayOfInts", ints, "[1, 2, 3]", is_int_list({1, 2, 3})),
      ok("ArrayEmpty", ints, "[]", is_int_list({})),
      ok("ArrayNullElement", ints, "[1, null]", is_int_list({1, std::nullopt})),
      bad("ArrayNullElementNotAllowed", ints_no_null, "[1, null]",
          "F[1]: is null and not nullable"),
      bad("ArrayBadElement", ints, "[1, \"x\"]", "F[1]: expected int, got a string"),
      bad("ArrayGivenObject", ints, "{\"a\": 1}", "F: expected array<int>, got an object"),
      ok("ArrayOfDecimalsFromMixedForms", DataType::array(d52), R"([1.5, "2.25", 3])",
         [](const Column& c) {
           const Column& e = *c.child(0);
           ASSERT_EQ(e.length(), 3);
           EXPECT_TRUE(e.decimal_value(0) == 150 && e.decimal_value(1) == 225 &&
                       e.decimal_value(2) == 300);
         }),
      ok("MapOfInts", str_int_map, R"({"a": 1, "b\u00e9": 2})",
         [](const Column& c) {
           ASSERT_EQ(c.offset(1), 2);
           EXPECT_EQ(c.child(0)->string_value(0), "a");
           EXPECT_EQ(c.child(0)->string_value(1), "b\xc3\xa9");
           EXPECT_EQ(c.child(1)->value<int32_t>(1), 2);
         }),
      bad("MapBadValue", str_int_map, R"({"a": 1, "b": true})",
          "F[b]: expected int, got a boolean"),
      ok("NestedStruct",
         strukt({{"A", strukt({{"B", i32, false}}), true}, {"C", DataType::string(), true}}),
         R"({"A": {"B": 5}})",
         [](const Column& c) {
           EXPECT_EQ(c.child(0)->child(0)->value<int32_t>(0), 5);
           EXPECT_TRUE(c.child(1)->is_null(0));
         }),
      bad("NestedStructMissingField", strukt({{"A", strukt({{"B", i32, false}}), false}}),
          R"({"A": {}})", "F.A.B: is missing and not nullable"),
      bad("ArrayOfStructsBadMember", DataType::array(strukt({{"X", i32, false}})),
          R"([{"X": 1}, {"X": "no"}])", "F[1].X: expected int, got a string"),
      ok("MapOfArrays", DataType::map(DataType::string(), DataType::array(DataType::string())),
         R"({"k": ["a", "b"], "l": []})",
         [](const Column& c) {
           ASSERT_EQ(c.offset(1), 2);
           const Column& lists = *c.child(1);
           EXPECT_EQ(lists.offset(1) - lists.offset(0), 2);
           EXPECT_EQ(lists.child(0)->string_value(1), "b");
           EXPECT_EQ(lists.offset(2) - lists.offset(1), 0);
         }),
  };
}

class TypeTest : public ::testing::TestWithParam<TypeCase> {};

TEST_P(TypeTest, DecodesOrRejects) {
  const TypeCase& c = GetParam();
  const Schema schema = Schema().add("F", c.type).add("Id", DataType::int_(), false);
  const std::string json = "{\"F\": " + c.value + ", \"Id\": 7}";
  const Decoded d = decode_lines(schema, json);
  ASSERT_TRUE(d.status.ok()) << d.status.to_string();
  expect_consistent(d.batch);
  if (c.check) {
    ASSERT_EQ(d.rejects.size(), 0u) << d.rejects[0].reason;
    ASSERT_EQ(d.batch.num_rows(), 1);
    c.check(*d.batch.column(0));
    EXPECT_EQ(d.batch.column(1)->value<int32_t>(0), 7);
  } else {
    ASSERT_EQ(d.batch.num_rows(), 0);
    ASSERT_EQ(d.rejects.size(), 1u);
    EXPECT_EQ(d.rejects[0].reason, c.reason);
  }
}

TEST_P(TypeTest, NullIsNullForEveryNullableType) {
  const Schema schema = Schema().add("F", GetParam().type);
  const Decoded d = decode_lines(schema, "{\"F\": null}\n{}");
  ASSERT_EQ(d.rejects.size(), 0u);
  ASSERT_EQ(d.batch.num_rows(), 2);
  EXPECT_TRUE(d.batch.column(0)->is_null(0));
  EXPECT_TRUE(d.batch.column(0)->is_null(1));
  expect_consistent(d.batch);
}

INSTANTIATE_TEST_SUITE_P(Types, TypeTest, ::testing::ValuesIn(type_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(TypeTest, MapWithNonStringKeysIsRefusedUpFront) {
  auto decoder =
      JsonDecoder::make(Schema().add("M", DataType::map(DataType::int_(), DataType::string())));
  ASSERT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(decoder.status().message().find("'M'"), std::string::npos);
}

}  // namespace
}  // namespace lakestream::testing
