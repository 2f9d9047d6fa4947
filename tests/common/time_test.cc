#include "lakestream/common/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace lakestream {
namespace {

// Gtest parameter names may hold only [A-Za-z0-9_].
std::string test_name(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += c;
    } else if (c == '+') {
      out += "plus";
    } else {
      out += '_';
    }
  }
  return out.empty() ? "empty" : out;
}

// ---- days_from_civil / civil_from_days ----

struct CivilCase {
  const char* name;
  int64_t year;
  int month;
  int day;
  int32_t days;  // expected days since the epoch (from Python's datetime.date)
};

class CivilTest : public ::testing::TestWithParam<CivilCase> {};

TEST_P(CivilTest, DaysFromCivilAndBack) {
  const auto& c = GetParam();
  auto days = days_from_civil(c.year, c.month, c.day);
  ASSERT_TRUE(days.has_value());
  EXPECT_EQ(*days, c.days);
  int64_t y = 0;
  int m = 0;
  int d = 0;
  civil_from_days(c.days, &y, &m, &d);
  EXPECT_EQ(y, c.year);
  EXPECT_EQ(m, c.month);
  EXPECT_EQ(d, c.day);
}

INSTANTIATE_TEST_SUITE_P(Dates, CivilTest,
                         ::testing::Values(CivilCase{"Epoch", 1970, 1, 1, 0},
                                           CivilCase{"DayBeforeEpoch", 1969, 12, 31, -1},
                                           CivilCase{"LeapDay2024", 2024, 2, 29, 19782},
                                           CivilCase{"Feb28Of1900", 1900, 2, 28, -25509},
                                           CivilCase{"LeapDay1600", 1600, 2, 29, -135081},
                                           CivilCase{"Mar1Of2000", 2000, 3, 1, 11017},
                                           CivilCase{"Year1", 1, 1, 1, -719162},
                                           CivilCase{"Year9999", 9999, 12, 31, 2932896}),
                         [](const auto& info) { return std::string(info.param.name); });

struct InvalidDateCase {
  const char* name;
  int64_t year;
  int month;
  int day;
};

class InvalidCivilTest : public ::testing::TestWithParam<InvalidDateCase> {};

TEST_P(InvalidCivilTest, IsRejected) {
  const auto& c = GetParam();
  EXPECT_FALSE(days_from_civil(c.year, c.month, c.day).has_value());
}

INSTANTIATE_TEST_SUITE_P(Dates, InvalidCivilTest,
                         ::testing::Values(InvalidDateCase{"Month19", 2021, 19, 1},
                                           InvalidDateCase{"Month0", 2021, 0, 1},
                                           InvalidDateCase{"Day0", 2021, 1, 0},
                                           InvalidDateCase{"Feb30", 2024, 2, 30},
                                           InvalidDateCase{"Feb29NonLeap", 2023, 2, 29},
                                           InvalidDateCase{"Feb29Of1900", 1900, 2, 29},
                                           InvalidDateCase{"April31", 2021, 4, 31},
                                           InvalidDateCase{"Jan32", 2021, 1, 32}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CivilRoundTrip, EveryDayFromYear1To9999) {
  // Exhaustive: ~3.65 million days, each must map back to itself and advance by one day.
  int64_t prev_year = 1;
  int prev_month = 1;
  int prev_day = 0;
  for (int32_t days = -719162; days <= 2932896; ++days) {
    int64_t y = 0;
    int m = 0;
    int d = 0;
    civil_from_days(days, &y, &m, &d);
    auto back = days_from_civil(y, m, d);
    ASSERT_TRUE(back.has_value()) << days;
    ASSERT_EQ(*back, days);
    const bool next_day = (y == prev_year && m == prev_month && d == prev_day + 1) ||
                          (y == prev_year && m == prev_month + 1 && d == 1) ||
                          (y == prev_year + 1 && m == 1 && d == 1 && prev_month == 12);
    ASSERT_TRUE(next_day) << y << "-" << m << "-" << d;
    prev_year = y;
    prev_month = m;
    prev_day = d;
  }
}

// ---- parse_timestamp_micros ----

TEST(ParseTimestampFastShape, EveryDayOfYears0To9999MatchesDaysFromCivil) {
  // The fixed yyyy-MM-ddTHH:mm:ssZ shape has its own unsigned day arithmetic: it must agree
  // with days_from_civil on every date, and refuse every day past a month's end.
  char text[] = "0000-00-00T12:34:56Z";
  const auto put2 = [&](int at, int v) {
    text[at] = static_cast<char>('0' + v / 10);
    text[at + 1] = static_cast<char>('0' + v % 10);
  };
  for (int year = 0; year <= 9999; ++year) {
    put2(0, year / 100);
    put2(2, year % 100);
    for (int month = 1; month <= 12; ++month) {
      put2(5, month);
      for (int day = 1; day <= 31; ++day) {
        put2(8, day);
        const auto days = days_from_civil(year, month, day);
        const auto micros = parse_timestamp_micros(text);
        ASSERT_EQ(days.has_value(), micros.has_value()) << text;
        if (days) {
          ASSERT_EQ(*micros, *days * 86'400'000'000LL + (12 * 3600 + 34 * 60 + 56) * 1'000'000LL)
              << text;
        }
      }
    }
  }
}

struct TimestampCase {
  std::string_view text;
  int64_t micros;  // expected, from Python's datetime
};

class ParseTimestampTest : public ::testing::TestWithParam<TimestampCase> {};

TEST_P(ParseTimestampTest, Parses) {
  auto micros = parse_timestamp_micros(GetParam().text);
  ASSERT_TRUE(micros.has_value()) << GetParam().text;
  EXPECT_EQ(*micros, GetParam().micros);
}

INSTANTIATE_TEST_SUITE_P(
    Valid, ParseTimestampTest,
    ::testing::Values(TimestampCase{"2021-01-19T10:33:00Z", 1611052380000000},
                      TimestampCase{"2021-01-19t10:33:00z", 1611052380000000},
                      TimestampCase{"2021-01-19 10:33:00", 1611052380000000},
                      TimestampCase{"2021-01-19T10:33:00", 1611052380000000},
                      TimestampCase{"2021-01-19T10:33Z", 1611052380000000},
                      TimestampCase{"2021-01-19T10:33:00+00:00", 1611052380000000},
                      TimestampCase{"2021-01-19T11:33:00+01:00", 1611052380000000},
                      TimestampCase{"2021-01-19T11:33:00+0100", 1611052380000000},
                      TimestampCase{"2021-01-19T11:33:00+01", 1611052380000000},
                      TimestampCase{"2021-01-19T05:03:00-05:30", 1611052380000000},
                      TimestampCase{"2021-01-19", 1611014400000000},
                      TimestampCase{"2021-01-19T10:33:00.123456+01:00", 1611048780123456},
                      TimestampCase{"2021-01-19T10:33:00.1Z", 1611052380100000},
                      TimestampCase{"2021-01-19T10:33:00,25Z", 1611052380250000},
                      TimestampCase{"2021-01-19T10:33:00.123456789Z", 1611052380123456},
                      TimestampCase{"2021-01-19 10:33:00.999999999", 1611052380999999},
                      TimestampCase{"1969-12-31T23:59:59.999999Z", -1},
                      TimestampCase{"1960-06-15 08:00:00.5", -301247999500000},
                      TimestampCase{"1900-03-01T00:00:00Z", -2203891200000000},
                      TimestampCase{"2000-02-29T00:00:00Z", 951782400000000},
                      TimestampCase{"2024-02-29T12:00:00-05:30", 1709227800000000},
                      TimestampCase{"0001-01-01T00:00:00Z", -62135596800000000},
                      TimestampCase{"9999-12-31T23:59:59.999999Z", 253402300799999999},
                      TimestampCase{"1970-01-01T00:00:00+18:00", -18LL * 3600 * 1000000}),
    [](const auto& info) { return test_name(info.param.text); });

class RejectTimestampTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(RejectTimestampTest, IsRejected) {
  EXPECT_FALSE(parse_timestamp_micros(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, RejectTimestampTest,
    ::testing::Values("", "2021", "2021-19-01T10:33:00Z", "2021-00-10T10:33:00Z",
                      "2021-02-30T10:33:00Z", "2023-02-29T10:33:00Z", "1900-02-29 00:00:00",
                      "2021-01-19T24:00:00Z", "2021-01-19T10:60:00Z", "2021-01-19T10:33:60Z",
                      "2021-01-19T10:33:00ZZ", "2021-01-19T10:33:00Z ", " 2021-01-19T10:33:00Z",
                      "2021-01-19T10:33:00.Z", "2021-01-19T10:33:00.1234567890Z",
                      "2021-01-19T10:33:00+1",
                      "2021-01-19T10:33:00+01:", "2021-01-19T10:33:00+01:0",
                      "2021-01-19T10:33:00+19:00", "2021-01-19T10:33:00+01:60",
                      "2021-01-19T10:33:00 UTC", "2021-01-19X10:33:00", "2021-01-19T10",
                      "2021-01-19T1:33:00", "2021-1-19T10:33:00", "21-01-19T10:33:00",
                      "2021/01/19 10:33:00", "2021-01-19T10:33:00+01:00garbage", "2021-01-19T",
                      "abcd-01-19", "2021-01-19T10:3a:00"),
    [](const auto& info) { return test_name(info.param) + "_" + std::to_string(info.index); });

// ---- parse_date_days ----

TEST(ParseDateTest, ParsesPlainDates) {
  EXPECT_EQ(parse_date_days("1970-01-01"), 0);
  EXPECT_EQ(parse_date_days("1969-12-31"), -1);
  EXPECT_EQ(parse_date_days("2024-02-29"), 19782);
  EXPECT_EQ(parse_date_days("0001-01-01"), -719162);
  EXPECT_EQ(parse_date_days("9999-12-31"), 2932896);
}

TEST(ParseDateTest, RejectsImpossibleOrMalformed) {
  for (std::string_view bad : {"2023-02-29", "2021-13-01", "2021-01-32", "2021-01-19T00:00:00",
                               "2021-01-1", "2021-01-19 ", "", "20210119"}) {
    EXPECT_FALSE(parse_date_days(bad).has_value()) << bad;
  }
}

// ---- formatting ----

struct FormatCase {
  int64_t micros;
  std::string_view show;  // format_timestamp_micros
  std::string_view iso;   // format_timestamp_iso
};

class FormatTimestampTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatTimestampTest, ShowForm) {
  EXPECT_EQ(format_timestamp_micros(GetParam().micros), GetParam().show);
}

TEST_P(FormatTimestampTest, IsoForm) {
  EXPECT_EQ(format_timestamp_iso(GetParam().micros), GetParam().iso);
}

TEST_P(FormatTimestampTest, IsoFormWithMicrosecondsKeepsEveryDigitAndParsesBack) {
  const std::string iso6 = format_timestamp_iso(GetParam().micros, 6);
  // The millisecond form with three more digits: the same up to the fraction's end.
  const std::string_view iso3 = GetParam().iso;
  EXPECT_EQ(iso6.substr(0, iso3.size() - 1), iso3.substr(0, iso3.size() - 1));
  EXPECT_EQ(iso6.size(), iso3.size() + 3);
  EXPECT_EQ(parse_timestamp_micros(iso6), GetParam().micros) << iso6;
}

TEST_P(FormatTimestampTest, ShowFormParsesBack) {
  EXPECT_EQ(parse_timestamp_micros(GetParam().show), GetParam().micros);
}

INSTANTIATE_TEST_SUITE_P(
    Values, FormatTimestampTest,
    ::testing::Values(
        FormatCase{1611052380000000, "2021-01-19 10:33:00", "2021-01-19T10:33:00.000Z"},
        FormatCase{1611052380500000, "2021-01-19 10:33:00.5", "2021-01-19T10:33:00.500Z"},
        FormatCase{1611052380123000, "2021-01-19 10:33:00.123", "2021-01-19T10:33:00.123Z"},
        FormatCase{1611052380123456, "2021-01-19 10:33:00.123456", "2021-01-19T10:33:00.123Z"},
        FormatCase{1611052380000010, "2021-01-19 10:33:00.00001", "2021-01-19T10:33:00.000Z"},
        FormatCase{0, "1970-01-01 00:00:00", "1970-01-01T00:00:00.000Z"},
        FormatCase{-1, "1969-12-31 23:59:59.999999", "1969-12-31T23:59:59.999Z"},
        FormatCase{-301247999500000, "1960-06-15 08:00:00.5", "1960-06-15T08:00:00.500Z"},
        FormatCase{-62135596800000000, "0001-01-01 00:00:00", "0001-01-01T00:00:00.000Z"},
        FormatCase{253402300799999999, "9999-12-31 23:59:59.999999", "9999-12-31T23:59:59.999Z"}),
    [](const auto& info) { return test_name(info.param.show); });

TEST(FormatDateTest, Dates) {
  EXPECT_EQ(format_date_days(0), "1970-01-01");
  EXPECT_EQ(format_date_days(-1), "1969-12-31");
  EXPECT_EQ(format_date_days(19782), "2024-02-29");
  EXPECT_EQ(format_date_days(-719162), "0001-01-01");
  EXPECT_EQ(format_date_days(2932896), "9999-12-31");
  EXPECT_EQ(format_date_days(2932897), "10000-01-01");
}

}  // namespace
}  // namespace lakestream

namespace lakestream {
namespace {

// The fixed shape's time of day (shared by parse_timestamp_micros and the JSON decoder's
// direct path): every second of a day, with and without a fraction, and the shapes it leaves
// to the general parser.
TEST(FixedShapeTimeOfDayTest, EverySecondOfADay) {
  char text[40];
  for (int s = 0; s < 86400; ++s) {
    const int64_t want = int64_t{s} * 1'000'000;
    std::snprintf(text, sizeof text, "2021-01-19T%02d:%02d:%02d.123Z", s / 3600, s / 60 % 60,
                  s % 60);
    ASSERT_EQ(fixed_shape_time_of_day(text), want + 123'000) << text;
    std::snprintf(text, sizeof text, "2021-01-19 %02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    ASSERT_EQ(fixed_shape_time_of_day(text), want) << text;
  }
  EXPECT_EQ(fixed_shape_time_of_day("2021-01-19T10:33:00.1234567Z"), 37'980'123'456);
  EXPECT_EQ(fixed_shape_time_of_day("2021-01-19t10:33:00,5z"), 37'980'500'000);
  for (const char* other :
       {"2021-01-19T24:00:00Z", "2021-01-19T10:60:00Z", "2021-01-19T10:33:60", "2021-01-19T10:33Z",
        "2021-01-19T10:33:00+01:00", "2021-01-19T10:33:00.Z", "2021-01-19T10:33:00.1234567890Z",
        "2021-01-19X10:33:00", "2021-01-19T1a:33:00"}) {
    EXPECT_EQ(fixed_shape_time_of_day(other), -1) << other;
  }
}

}  // namespace
}  // namespace lakestream
