#include "lakestream/common/decimal.h"

#include <gtest/gtest.h>

#include <string>

namespace lakestream {
namespace {

// An int128 from plain integer text; written independently of parse_decimal so the expected
// values do not depend on the code under test.
int128_t i128(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  int128_t v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return negative ? -v : v;
}

std::string test_name(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += c;
    } else if (c == '-') {
      out += "minus";
    } else if (c == '+') {
      out += "plus";
    } else if (c == '.') {
      out += "dot";
    } else {
      out += '_';
    }
  }
  return out.empty() ? "empty" : out;
}

struct ParseCase {
  std::string_view text;
  int precision;
  int scale;
  std::string_view unscaled;  // expected unscaled value
};

class ParseDecimalTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseDecimalTest, Parses) {
  const auto& c = GetParam();
  DecimalParseError error = DecimalParseError::kMalformed;
  auto v = parse_decimal(c.text, c.precision, c.scale, &error);
  ASSERT_TRUE(v.has_value()) << c.text << " as decimal(" << c.precision << "," << c.scale << ")";
  EXPECT_TRUE(*v == i128(c.unscaled)) << c.text << " gave " << format_decimal(*v, 0);
  EXPECT_EQ(error, DecimalParseError::kNone);
}

INSTANTIATE_TEST_SUITE_P(
    Valid, ParseDecimalTest,
    ::testing::Values(ParseCase{"123", 10, 0, "123"}, ParseCase{"-123", 10, 0, "-123"},
                      ParseCase{"+123", 10, 0, "123"}, ParseCase{"0", 1, 0, "0"},
                      ParseCase{"-0", 1, 0, "0"}, ParseCase{"000123", 3, 0, "123"},
                      ParseCase{"-12.50", 4, 2, "-1250"}, ParseCase{"-12.5", 4, 2, "-1250"},
                      ParseCase{"12.500000", 4, 2, "1250"}, ParseCase{"1.5e3", 10, 0, "1500"},
                      ParseCase{"1.5E+3", 4, 0, "1500"}, ParseCase{"1E-2", 3, 2, "1"},
                      ParseCase{"1e-2", 2, 2, "1"}, ParseCase{"150e-2", 3, 2, "150"},
                      ParseCase{"0.001", 3, 3, "1"}, ParseCase{".5", 2, 1, "5"},
                      ParseCase{"5.", 2, 1, "50"}, ParseCase{"42.0", 10, 0, "42"},
                      ParseCase{"0e99999999999", 1, 0, "0"},
                      ParseCase{"0.0000000000000000000000000000000000000000000000001e49", 1, 0,
                                "1"},
                      ParseCase{"9999999999", 10, 0, "9999999999"},
                      ParseCase{"99999999999999999999999999999999999999", 38, 0,
                                "99999999999999999999999999999999999999"},
                      ParseCase{"-99999999999999999999999999999999999999", 38, 0,
                                "-99999999999999999999999999999999999999"},
                      ParseCase{"0.99999999999999999999999999999999999999", 38, 38,
                                "99999999999999999999999999999999999999"},
                      ParseCase{"-1234567890123456789012345678.9012345678", 38, 10,
                                "-12345678901234567890123456789012345678"},
                      ParseCase{"1e37", 38, 0, "10000000000000000000000000000000000000"},
                      ParseCase{"1.000000000000000000000000000000000000000000000", 1, 0, "1"}),
    [](const auto& info) {
      return test_name(info.param.text) + "_as_" + std::to_string(info.param.precision) + "_" +
             std::to_string(info.param.scale);
    });

struct RejectCase {
  std::string_view text;
  int precision;
  int scale;
  DecimalParseError why;
};

class RejectDecimalTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RejectDecimalTest, IsRejectedWithReason) {
  const auto& c = GetParam();
  DecimalParseError error = DecimalParseError::kNone;
  auto v = parse_decimal(c.text, c.precision, c.scale, &error);
  EXPECT_FALSE(v.has_value()) << c.text;
  EXPECT_EQ(error, c.why) << c.text;
}

constexpr auto kMalformed = DecimalParseError::kMalformed;
constexpr auto kOverflow = DecimalParseError::kOverflow;
constexpr auto kFraction = DecimalParseError::kTooManyFractionDigits;

INSTANTIATE_TEST_SUITE_P(
    Invalid, RejectDecimalTest,
    ::testing::Values(RejectCase{"", 10, 0, kMalformed}, RejectCase{"-", 10, 0, kMalformed},
                      RejectCase{".", 10, 0, kMalformed}, RejectCase{"abc", 10, 0, kMalformed},
                      RejectCase{"12a", 10, 0, kMalformed}, RejectCase{" 12", 10, 0, kMalformed},
                      RejectCase{"12 ", 10, 0, kMalformed}, RejectCase{"1.2.3", 10, 2, kMalformed},
                      RejectCase{"1e", 10, 0, kMalformed}, RejectCase{"1e+", 10, 0, kMalformed},
                      RejectCase{"--1", 10, 0, kMalformed}, RejectCase{"0x10", 10, 0, kMalformed},
                      RejectCase{"NaN", 10, 0, kMalformed}, RejectCase{"1", 0, 0, kMalformed},
                      RejectCase{"1", 39, 0, kMalformed}, RejectCase{"1", 5, 6, kMalformed},
                      RejectCase{"12345678901", 10, 0, kOverflow},
                      RejectCase{"100", 2, 0, kOverflow}, RejectCase{"10", 2, 1, kOverflow},
                      RejectCase{"1e10", 10, 0, kOverflow},
                      RejectCase{"1e999999999999", 38, 0, kOverflow},
                      RejectCase{"100000000000000000000000000000000000000", 38, 0, kOverflow},
                      RejectCase{"0.5", 10, 0, kFraction}, RejectCase{"1.25", 10, 1, kFraction},
                      RejectCase{"1E-2", 10, 1, kFraction},
                      RejectCase{"1e-999999999999", 38, 10, kFraction},
                      RejectCase{"-12.501", 10, 2, kFraction}),
    [](const auto& info) {
      return test_name(info.param.text) + "_as_" + std::to_string(info.param.precision) + "_" +
             std::to_string(info.param.scale) + "_" + std::to_string(info.index);
    });

struct FormatCase {
  std::string_view unscaled;
  int scale;
  std::string_view text;
};

class FormatDecimalTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatDecimalTest, PlainText) {
  EXPECT_EQ(format_decimal(i128(GetParam().unscaled), GetParam().scale), GetParam().text);
}

TEST_P(FormatDecimalTest, ParsesBack) {
  const auto& c = GetParam();
  auto v = parse_decimal(c.text, 38, c.scale);
  ASSERT_TRUE(v.has_value()) << c.text;
  EXPECT_TRUE(*v == i128(c.unscaled));
}

INSTANTIATE_TEST_SUITE_P(
    Values, FormatDecimalTest,
    ::testing::Values(FormatCase{"12345", 0, "12345"}, FormatCase{"0", 0, "0"},
                      FormatCase{"0", 2, "0.00"}, FormatCase{"-50", 2, "-0.50"},
                      FormatCase{"1", 3, "0.001"}, FormatCase{"-1", 3, "-0.001"},
                      FormatCase{"1250", 2, "12.50"}, FormatCase{"-1250", 2, "-12.50"},
                      FormatCase{"7", 0, "7"}, FormatCase{"-7", 0, "-7"},
                      FormatCase{"99999999999999999999999999999999999999", 0,
                                 "99999999999999999999999999999999999999"},
                      FormatCase{"-99999999999999999999999999999999999999", 38,
                                 "-0.99999999999999999999999999999999999999"},
                      FormatCase{"1", 38, "0.00000000000000000000000000000000000001"},
                      FormatCase{"12345678901234567890123456789012345678", 10,
                                 "1234567890123456789012345678.9012345678"}),
    [](const auto& info) {
      return test_name(info.param.text) + "_scale_" + std::to_string(info.param.scale);
    });

TEST(FormatDecimalTest, MostNegativeInt128DoesNotOverflow) {
  __extension__ using uint128 = unsigned __int128;
  const int128_t min = static_cast<int128_t>(static_cast<uint128>(1) << 127);
  EXPECT_EQ(format_decimal(min, 0), "-170141183460469231731687303715884105728");
}

TEST(Pow10Test, Table) {
  EXPECT_TRUE(pow10_i128(0) == 1);
  EXPECT_TRUE(pow10_i128(1) == 10);
  EXPECT_TRUE(pow10_i128(18) == i128("1000000000000000000"));
  EXPECT_TRUE(pow10_i128(38) == i128("100000000000000000000000000000000000000"));
}

TEST(ParseDecimalTest, ErrorPointerIsOptional) {
  EXPECT_FALSE(parse_decimal("x", 10, 0).has_value());
  EXPECT_TRUE(parse_decimal("1", 10, 0).has_value());
}

}  // namespace
}  // namespace lakestream
