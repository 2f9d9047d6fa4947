#include "lakestream/source/stream_source.h"

#include <gtest/gtest.h>

#include <thread>

#include "lakestream/source/memory_source.h"
#include "lakestream/source/rate_source.h"

namespace lakestream {
namespace {

using Offsets = std::map<int32_t, int64_t>;

TEST(FairShareTest, EqualSharesWhenAllHaveEnough) {
  EXPECT_EQ(fair_share(90, {{0, 100}, {1, 100}, {2, 100}}), (Offsets{{0, 30}, {1, 30}, {2, 30}}));
}

TEST(FairShareTest, SmallPartitionLeavesItsRestToOthers) {
  EXPECT_EQ(fair_share(100, {{0, 10}, {1, 1000}, {2, 1000}}), (Offsets{{0, 10}, {1, 45}, {2, 45}}));
}

TEST(FairShareTest, RemainderGoesOneEachAndTotalIsExact) {
  auto s = fair_share(10, {{0, 100}, {1, 100}, {2, 100}});
  EXPECT_EQ(s[0] + s[1] + s[2], 10);
  for (const auto& [p, n] : s) EXPECT_TRUE(n == 3 || n == 4) << p << ": " << n;
}

TEST(FairShareTest, NoLimitGivesEverything) {
  EXPECT_EQ(fair_share(0, {{0, 7}, {1, 0}}), (Offsets{{0, 7}, {1, 0}}));
}

TEST(FairShareTest, LessAvailableThanLimit) {
  EXPECT_EQ(fair_share(1000, {{0, 7}, {1, 3}}), (Offsets{{0, 7}, {1, 3}}));
}

TEST(RawBatchTest, ViewsSurviveArenaGrowthAndRangesTrackPartitions) {
  RawBatch b("t");
  const std::string big(700 * 1024, 'x');
  b.append(1, 5, 10, "k", "first");
  b.append(1, 6, 11, "", big);
  b.append(0, 9, 12, "", big);
  b.append(1, 7, 13, "", "last");
  EXPECT_EQ(b.events()[0].body, "first");
  EXPECT_EQ(b.events()[0].key, "k");
  EXPECT_EQ(b.events()[3].body, "last");
  EXPECT_EQ(b.events()[2].body.size(), big.size());
  EXPECT_EQ(b.ranges().at(1).first_offset, 5);
  EXPECT_EQ(b.ranges().at(1).last_offset, 7);
  EXPECT_EQ(b.ranges().at(1).count, 3);
  EXPECT_EQ(b.ranges().at(0).count, 1);
  EXPECT_EQ(b.bytes(), static_cast<int64_t>(1 + 5 + 2 * big.size() + 4));
}

class NoTable : public PartitionAssignmentListener {
 public:
  Offsets starts;
  Result<std::optional<int64_t>> start_offset(const std::string&, int32_t p) override {
    auto it = starts.find(p);
    if (it == starts.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }
  void on_revoked(const std::string&, const std::vector<int32_t>&) override {}
};

TEST(MemorySourceTest, PollIsFairAndBoundedAndStartsWhereTheListenerSays) {
  auto topic = std::make_shared<MemoryTopic>("meters", 2);
  for (int i = 0; i < 50; ++i) topic->produce(0, std::string("a").append(std::to_string(i)));
  for (int i = 0; i < 5; ++i) topic->produce(1, std::string("b").append(std::to_string(i)));
  MemorySource src(topic);
  NoTable listener;
  listener.starts[0] = 10;
  ASSERT_TRUE(src.start(&listener, SourceStart{}).ok());
  auto b = src.poll_batch({.max_events = 20, .end_offsets = {}}, std::chrono::milliseconds(0));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->size(), 20u);
  EXPECT_EQ(b->ranges().at(0).first_offset, 10);
  EXPECT_EQ(b->ranges().at(0).count, 15);
  EXPECT_EQ(b->ranges().at(1).count, 5);
  EXPECT_EQ(src.positions(), (Offsets{{0, 25}, {1, 5}}));
  auto bounded =
      src.poll_batch({.max_events = 0, .end_offsets = {{0, 30}}}, std::chrono::milliseconds(0));
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->ranges().at(0).last_offset, 29);
  ASSERT_TRUE(src.seek(0, 3).ok());
  auto again = src.poll_batch({.max_events = 1, .end_offsets = {}}, std::chrono::milliseconds(0));
  EXPECT_EQ(again->events().at(0).body, "a3");
  ASSERT_TRUE(src.commit({{0, 4}}).ok());
  EXPECT_EQ(topic->committed("$Default"), (Offsets{{0, 4}}));
  EXPECT_EQ(*src.latest_offsets(), (Offsets{{0, 50}, {1, 5}}));
}

TEST(RateSourceTest, ProducesCounterRowsAtTheRate) {
  RateSource src(1000);
  NoTable listener;
  listener.starts[0] = 100;
  ASSERT_TRUE(src.start(&listener, SourceStart{}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto b = src.poll_batch({.max_events = 10, .end_offsets = {}}, std::chrono::milliseconds(500));
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 10u);
  EXPECT_EQ(b->events().front().offset, 100);
  EXPECT_EQ(b->events().back().offset, 109);
  EXPECT_LE(b->events().front().enqueued_time_ms, b->events().back().enqueued_time_ms);
  EXPECT_EQ(src.positions().at(0), 110);
}

}  // namespace
}  // namespace lakestream
