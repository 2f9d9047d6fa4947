// common/strings: the small text helpers the modules share.
#include "lakestream/common/strings.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

TEST(KebabCaseOptionTest, SparkSpellingsBecomeOurs) {
  EXPECT_EQ(kebab_case_option("maxEventsPerTrigger"), "max-events-per-trigger");
  EXPECT_EQ(kebab_case_option("max_events_per_trigger"), "max-events-per-trigger");
  EXPECT_EQ(kebab_case_option("checkpoint-location"), "checkpoint-location");
  EXPECT_EQ(kebab_case_option("Path"), "path");
  EXPECT_EQ(kebab_case_option(""), "");
}

}  // namespace
}  // namespace lakestream
