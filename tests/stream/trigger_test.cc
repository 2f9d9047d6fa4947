#include "lakestream/stream/trigger.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

struct IntervalCase {
  const char* name;
  const char* text;
  int64_t ms;
};

class IntervalTest : public ::testing::TestWithParam<IntervalCase> {};

TEST_P(IntervalTest, ParsesSparkSyntax) {
  auto ms = parse_interval_ms(GetParam().text);
  ASSERT_TRUE(ms.ok()) << ms.status().to_string();
  EXPECT_EQ(*ms, GetParam().ms);
}

INSTANTIATE_TEST_SUITE_P(
    Trigger, IntervalTest,
    ::testing::Values(
        IntervalCase{"OneSecond", "1 second", 1000}, IntervalCase{"Seconds", "30 seconds", 30000},
        IntervalCase{"Milliseconds", "500 milliseconds", 500}, IntervalCase{"Ms", "10 ms", 10},
        IntervalCase{"MsNoSpace", "10ms", 10}, IntervalCase{"Minutes", "2 minutes", 120000},
        IntervalCase{"OneMinute", "1 minute", 60000}, IntervalCase{"Hour", "1 hour", 3600000},
        IntervalCase{"UpperCase", "5 SECONDS", 5000},
        IntervalCase{"IntervalPrefix", "interval 3 seconds", 3000},
        IntervalCase{"BareNumberIsMs", "250", 250}, IntervalCase{"Zero", "0 seconds", 0},
        IntervalCase{"Padded", "  1 second  ", 1000}),
    [](const auto& info) { return std::string(info.param.name); });

class BadIntervalTest : public ::testing::TestWithParam<const char*> {};

TEST_P(BadIntervalTest, IsRefusedQuotingTheText) {
  auto ms = parse_interval_ms(GetParam());
  ASSERT_FALSE(ms.ok());
  EXPECT_EQ(ms.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ms.status().message().find(std::string("'") + GetParam() + "'"), std::string::npos)
      << ms.status().message();
}

INSTANTIATE_TEST_SUITE_P(Trigger, BadIntervalTest,
                         ::testing::Values("", "second", "1 fortnight", "-1 second", "1.5 s",
                                           "abc"));

TEST(TriggerTest, ParseKinds) {
  auto now = Trigger::parse("available-now");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->kind(), Trigger::Kind::kAvailableNow);
  EXPECT_EQ(Trigger::parse("availableNow")->kind(), Trigger::Kind::kAvailableNow);
  EXPECT_EQ(Trigger::parse("continuous")->kind(), Trigger::Kind::kContinuous);
  auto pt = Trigger::parse("1 second");
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(pt->kind(), Trigger::Kind::kProcessingTime);
  EXPECT_EQ(pt->interval_ms(), 1000);
  EXPECT_EQ(pt->to_string(), "ProcessingTime(1000 ms)");
  EXPECT_FALSE(Trigger::parse("soon").ok());
}

TEST(TriggerTest, InvalidProcessingTimeKeepsTheError) {
  Trigger t = Trigger::processing_time("1 parsec");
  EXPECT_FALSE(t.status().ok());
  EXPECT_TRUE(Trigger::processing_time("2 minutes").status().ok());
}

}  // namespace
}  // namespace lakestream
