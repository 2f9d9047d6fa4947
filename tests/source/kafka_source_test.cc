// KafkaSource against librdkafka's mock cluster started in-process (MockHub), with events
// produced by a real librdkafka producer. Each test uses its own topic and consumer group.
#include "lakestream/source/kafka_source.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lakestream/source/mock_hub.h"

namespace lakestream {
namespace {

using std::chrono::milliseconds;

std::string body_of(int i) { return "{\"MeterId\":" + std::to_string(i) + "}"; }

// Produce `counts[p]` events into each partition p; event i of the whole run has body
// body_of(i) and key "k<i>", in producer batches of `batch_messages` events at most (0: as
// many as librdkafka groups). Returns the bodies per partition in offset order.
std::map<int32_t, std::vector<std::string>> produce(const MockHub& hub, const std::string& topic,
                                                    const std::vector<int>& counts,
                                                    int batch_messages = 0) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  EXPECT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", hub.bootstrap_servers().c_str(), err,
                              sizeof(err)),
            RD_KAFKA_CONF_OK);
  rd_kafka_conf_set(conf, "linger.ms", "5", err, sizeof(err));
  if (batch_messages > 0) {
    rd_kafka_conf_set(conf, "batch.num.messages", std::to_string(batch_messages).c_str(), err,
                      sizeof(err));
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  EXPECT_NE(rk, nullptr) << err;
  std::map<int32_t, std::vector<std::string>> bodies;
  int i = 0;
  bool more = true;
  for (int round = 0; more; ++round) {
    more = false;
    for (int32_t p = 0; p < static_cast<int32_t>(counts.size()); ++p) {
      if (round >= counts[static_cast<size_t>(p)]) continue;
      more = true;
      std::string body = body_of(i);
      std::string key = std::to_string(i);
      key.insert(key.begin(), 'k');  // not "k" + ...: GCC 12 -Wrestrict false positive
      ++i;
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(p),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(body.data(), body.size()),
          RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_END);
      EXPECT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR);
      bodies[p].push_back(body);
    }
  }
  EXPECT_EQ(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);
  return bodies;
}

class RecordingListener : public PartitionAssignmentListener {
 public:
  std::map<int32_t, std::optional<int64_t>> answers;  // partitions not listed: nullopt
  std::vector<int32_t> assigned;
  std::vector<int32_t> revoked;

  Result<std::optional<int64_t>> start_offset(const std::string& topic,
                                              int32_t partition) override {
    EXPECT_FALSE(topic.empty());
    assigned.push_back(partition);
    auto it = answers.find(partition);
    return it == answers.end() ? std::optional<int64_t>() : it->second;
  }
  void on_revoked(const std::string&, const std::vector<int32_t>& partitions) override {
    revoked.insert(revoked.end(), partitions.begin(), partitions.end());
  }
};

class KafkaSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto hub = MockHub::start({});
    ASSERT_TRUE(hub.ok()) << hub.status().to_string();
    hub_ = std::move(hub).value().release();
  }
  static void TearDownTestSuite() {
    delete hub_;
    hub_ = nullptr;
  }

  static std::unique_ptr<KafkaSource> make_source(const std::string& topic,
                                                  const std::string& group,
                                                  KafkaSourceOptions base = {}) {
    auto ep = parse_connection(hub_->connection_string(topic));
    EXPECT_TRUE(ep.ok()) << ep.status().to_string();
    base.endpoint = *ep;
    base.consumer_group = group;
    auto source = KafkaSource::create(base);
    EXPECT_TRUE(source.ok()) << source.status().to_string();
    return std::move(source).value();
  }

  // Poll until `want` events arrived (or 20 s passed); the batches are kept alive.
  static std::vector<RawBatch> drain(KafkaSource& source, size_t want,
                                     const PollLimits& limits = {}) {
    std::vector<RawBatch> batches;
    size_t got = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (got < want && std::chrono::steady_clock::now() < deadline) {
      auto batch = source.poll_batch(limits, milliseconds(500));
      EXPECT_TRUE(batch.ok()) << batch.status().to_string();
      if (!batch.ok()) break;
      got += batch->size();
      if (!batch->empty()) batches.push_back(std::move(batch).value());
    }
    return batches;
  }

  // Poll both members until each owns 2 of the topic's 4 partitions, together all of them.
  // The rebalance gets its own 30 s: on a loaded machine it can take most of 15 s by itself.
  static void wait_for_split(KafkaSource& a, KafkaSource& b) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while ((a.assignment().size() != 2 || b.assignment().size() != 2) &&
           std::chrono::steady_clock::now() < deadline) {
      ASSERT_TRUE(a.poll_batch({}, milliseconds(50)).ok());
      ASSERT_TRUE(b.poll_batch({}, milliseconds(50)).ok());
    }
    ASSERT_EQ(a.assignment().size(), 2u);
    ASSERT_EQ(b.assignment().size(), 2u);
    std::set<int32_t> all;
    for (int32_t p : a.assignment()) all.insert(p);
    for (int32_t p : b.assignment()) all.insert(p);
    EXPECT_EQ(all, (std::set<int32_t>{0, 1, 2, 3}));
  }

  static MockHub* hub_;
};

MockHub* KafkaSourceTest::hub_ = nullptr;

TEST_F(KafkaSourceTest, ConsumesEveryEventOnceWithOffsetsPartitionsBodies) {
  ASSERT_TRUE(hub_->create_topic({"every", 4}).ok());
  const std::vector<int> counts = {300, 250, 250, 200};
  auto bodies = produce(*hub_, "every", counts);

  auto source = make_source("every", "every-group");
  RecordingListener listener;
  ASSERT_TRUE(source->start(&listener, {}).ok());
  auto batches = drain(*source, 1000);

  std::map<int32_t, std::vector<int64_t>> offsets;
  std::map<int32_t, std::vector<std::string>> seen;
  size_t total = 0;
  for (const RawBatch& b : batches) {
    EXPECT_EQ(b.topic(), "every");
    int64_t bytes = 0;
    for (const RawEvent& e : b.events()) {
      offsets[e.partition].push_back(e.offset);
      seen[e.partition].emplace_back(e.body);
      EXPECT_EQ(e.key.substr(0, 1), "k");
      EXPECT_GT(e.enqueued_time_ms, 1600000000000);  // a real broker/producer time
      bytes += static_cast<int64_t>(e.body.size() + e.key.size());
    }
    EXPECT_EQ(b.bytes(), bytes);
    for (const auto& [p, r] : b.ranges()) {
      EXPECT_EQ(r.last_offset - r.first_offset + 1, r.count) << "partition " << p;
    }
    total += b.size();
  }
  EXPECT_EQ(total, 1000u);
  ASSERT_EQ(seen.size(), 4u);
  for (int32_t p = 0; p < 4; ++p) {
    EXPECT_EQ(seen[p], bodies[p]) << "partition " << p;
    std::vector<int64_t> expected(static_cast<size_t>(counts[static_cast<size_t>(p)]));
    for (size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int64_t>(i);
    EXPECT_EQ(offsets[p], expected) << "partition " << p;
  }
  std::sort(listener.assigned.begin(), listener.assigned.end());
  EXPECT_EQ(listener.assigned, (std::vector<int32_t>{0, 1, 2, 3}));

  const std::map<int32_t, int64_t> ends = {{0, 300}, {1, 250}, {2, 250}, {3, 200}};
  EXPECT_EQ(source->positions(), ends);
  auto latest = source->latest_offsets();
  ASSERT_TRUE(latest.ok()) << latest.status().to_string();
  EXPECT_EQ(*latest, ends);

  // Nothing more: an empty batch after the timeout.
  auto empty = source->poll_batch({}, milliseconds(200));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  // Group offsets: committed for lag tools, visible through the group.
  ASSERT_TRUE(source->commit(ends).ok());
  auto committed = source->committed();
  ASSERT_TRUE(committed.ok()) << committed.status().to_string();
  EXPECT_EQ(*committed, ends);

  source->close();
  std::sort(listener.revoked.begin(), listener.revoked.end());
  EXPECT_EQ(listener.revoked, (std::vector<int32_t>{0, 1, 2, 3}));
  // Batches outlive the source: their views still read the bodies.
  EXPECT_EQ(batches.front().events().front().body.substr(0, 10), "{\"MeterId\"");
}

TEST_F(KafkaSourceTest, ListenerOffsetsWinThenExplicitOffsetsThenStartingPositionAndDataLoss) {
  ASSERT_TRUE(hub_->create_topic({"starts", 4}).ok());
  produce(*hub_, "starts", {100, 100, 100, 10});
  KafkaSourceOptions base;
  base.starting_offsets = {{0, 10}, {1, 90}};  // partition 0's is overridden by the listener
  auto source = make_source("starts", "starts-group", base);
  RecordingListener listener;
  listener.answers[0] = 40;    // the table's txn version + 1, say
  listener.answers[3] = 1000;  // a table ahead of the hub, e.g. after the hub restarted
  ASSERT_TRUE(source->start(&listener, {}).ok());
  // partition 0: 40..99, partition 1: 90..99, partition 2: earliest 0..99; partition 3 fails.
  std::map<int32_t, std::pair<int64_t, int64_t>> span;  // first, count
  Status loss;
  int64_t total = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((total < 170 || loss.ok()) && std::chrono::steady_clock::now() < deadline) {
    auto b = source->poll_batch({}, milliseconds(500));
    if (!b.ok()) {
      EXPECT_TRUE(loss.ok()) << "a second error: " << b.status().to_string();
      loss = b.status();
      continue;
    }
    for (const auto& [p, r] : b->ranges()) {
      if (!span.count(p)) span[p] = {r.first_offset, 0};
      span[p].second += r.count;
      total += r.count;
    }
  }
  EXPECT_EQ(span[0], (std::pair<int64_t, int64_t>{40, 60}));
  EXPECT_EQ(span[1], (std::pair<int64_t, int64_t>{90, 10}));
  EXPECT_EQ(span[2], (std::pair<int64_t, int64_t>{0, 100}));
  EXPECT_EQ(span.count(3), 0u);
  ASSERT_FALSE(loss.ok());
  EXPECT_EQ(loss.code(), StatusCode::kNotFound);
  EXPECT_NE(loss.message().find("data loss in partition 3 of starts"), std::string::npos)
      << loss.to_string();
  EXPECT_NE(loss.message().find("next offset 1000"), std::string::npos) << loss.to_string();
  EXPECT_NE(loss.message().find("offsets 0 to 9"), std::string::npos) << loss.to_string();
}

TEST_F(KafkaSourceTest, FairShareSeekEndOffsetsAndByteLimit) {
  ASSERT_TRUE(hub_->create_topic({"fair", 4}).ok());
  produce(*hub_, "fair", {1000, 10, 500, 0});
  auto source = make_source("fair", "fair-group");
  ASSERT_TRUE(source->start(nullptr, {}).ok());
  // Let everything arrive without taking any of it: every partition's end offset is 0.
  PollLimits hold;
  hold.end_offsets = {{0, 0}, {1, 0}, {2, 0}, {3, 0}};
  const std::map<int32_t, int64_t> produced = {{0, 1000}, {1, 10}, {2, 500}, {3, 0}};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (source->buffered_events() != produced && std::chrono::steady_clock::now() < deadline) {
    auto none = source->poll_batch(hold, milliseconds(100));
    ASSERT_TRUE(none.ok()) << none.status().to_string();
    EXPECT_TRUE(none->empty());
  }
  ASSERT_EQ(source->buffered_events(), produced);

  // 100 events shared: the 10-event partition gets all of its 10, the others 45 each.
  PollLimits limits;
  limits.max_events = 100;
  auto b1 = source->poll_batch(limits, milliseconds(1000));
  ASSERT_TRUE(b1.ok()) << b1.status().to_string();
  EXPECT_EQ(b1->size(), 100u);
  EXPECT_EQ(b1->ranges().at(1).count, 10);
  EXPECT_EQ(b1->ranges().at(0).count, 45);
  EXPECT_EQ(b1->ranges().at(2).count, 45);
  EXPECT_EQ(b1->ranges().count(3), 0u);

  // Seek partition 0 back to 5: the next events of partition 0 start there.
  ASSERT_TRUE(source->seek(0, 5).ok());
  EXPECT_EQ(source->positions().at(0), 5);
  limits.max_events = 20;
  limits.end_offsets = {{2, 50}};  // partition 2 stops before offset 50
  std::map<int32_t, int64_t> first;
  std::map<int32_t, int64_t> last;
  for (int i = 0; i < 10; ++i) {
    auto b = source->poll_batch(limits, milliseconds(2000));
    ASSERT_TRUE(b.ok()) << b.status().to_string();
    for (const auto& [p, r] : b->ranges()) {
      if (!first.count(p)) first[p] = r.first_offset;
      last[p] = r.last_offset;
    }
  }
  EXPECT_EQ(first.at(0), 5);
  EXPECT_EQ(first.at(2), 45);
  EXPECT_EQ(last.at(2), 49);

  // Bytes: at most 3 bodies of this size, but never less than one event.
  PollLimits by_bytes;
  by_bytes.max_bytes = 3 * static_cast<int64_t>(body_of(100).size() + 4);
  auto b3 = source->poll_batch(by_bytes, milliseconds(1000));
  ASSERT_TRUE(b3.ok());
  EXPECT_GE(b3->size(), 1u);
  EXPECT_LE(b3->bytes(), by_bytes.max_bytes);
  by_bytes.max_bytes = 1;
  auto b4 = source->poll_batch(by_bytes, milliseconds(1000));
  ASSERT_TRUE(b4.ok());
  EXPECT_EQ(b4->size(), 1u);
}

TEST_F(KafkaSourceTest, SecondGroupMemberTakesHalfThePartitionsThroughTheListener) {
  ASSERT_TRUE(hub_->create_topic({"split", 4}).ok());
  KafkaSourceOptions fast;
  fast.overrides = {{"session.timeout.ms", "4000"}, {"heartbeat.interval.ms", "500"}};
  auto a = make_source("split", "split-group", fast);
  auto b = make_source("split", "split-group", fast);
  RecordingListener la;
  RecordingListener lb;
  ASSERT_TRUE(a->start(&la, {}).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (a->assignment().size() < 4 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(a->poll_batch({}, milliseconds(100)).ok());
  }
  ASSERT_EQ(a->assignment().size(), 4u);
  ASSERT_TRUE(b->start(&lb, {}).ok());
  ASSERT_NO_FATAL_FAILURE(wait_for_split(*a, *b));
  // The engine heard about every change: a gave partitions back, b was asked where to start.
  EXPECT_FALSE(la.revoked.empty());
  std::set<int32_t> asked_b(lb.assigned.begin(), lb.assigned.end());
  for (int32_t p : b->assignment()) EXPECT_TRUE(asked_b.count(p)) << "partition " << p;
  b->close();
  a->close();
}

TEST_F(KafkaSourceTest, CooperativeRebalanceMovesOnlyThePartitionsThatChangeOwner) {
  // cooperative-sticky: the first member gives up two partitions and keeps two, without a
  // moment where it owns none (the eager protocol revokes everything first).
  ASSERT_TRUE(hub_->create_topic({"coop", 4}).ok());
  produce(*hub_, "coop", {20, 20, 20, 20});
  KafkaSourceOptions coop;
  coop.assignment = PartitionAssignment::kGroup;
  coop.overrides = {{"session.timeout.ms", "4000"},
                    {"heartbeat.interval.ms", "500"},
                    {"partition.assignment.strategy", "cooperative-sticky"}};
  auto a = make_source("coop", "coop-group", coop);
  auto b = make_source("coop", "coop-group", coop);
  RecordingListener la;
  RecordingListener lb;
  ASSERT_TRUE(a->start(&la, {}).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  size_t seen_a = 0;
  while ((a->assignment().size() < 4 || seen_a < 80) &&
         std::chrono::steady_clock::now() < deadline) {
    auto batch = a->poll_batch({}, milliseconds(100));
    ASSERT_TRUE(batch.ok()) << batch.status().to_string();
    seen_a += batch->size();
  }
  ASSERT_EQ(a->assignment().size(), 4u);
  EXPECT_EQ(seen_a, 80u);
  ASSERT_TRUE(b->start(&lb, {}).ok());
  ASSERT_NO_FATAL_FAILURE(wait_for_split(*a, *b));
  // Only what moved was revoked, and a was asked where to start each partition once.
  std::set<int32_t> revoked(la.revoked.begin(), la.revoked.end());
  const std::vector<int32_t> b_parts = b->assignment();  // a copy: one vector for both ends
  std::set<int32_t> to_b(b_parts.begin(), b_parts.end());
  EXPECT_EQ(revoked, to_b);
  EXPECT_EQ(la.revoked.size(), 2u);
  EXPECT_EQ(la.assigned.size(), 4u);
  // b was asked where to start each partition it took over (the engine answers from the table).
  std::set<int32_t> asked_b(lb.assigned.begin(), lb.assigned.end());
  EXPECT_EQ(asked_b, to_b);
  b->close();
  a->close();
}

TEST_F(KafkaSourceTest, ReadingAllPartitionsSkipsTheGroupAndStillCommitsToIt) {
  ASSERT_TRUE(hub_->create_topic({"all", 4}).ok());
  const std::vector<int> counts = {50, 40, 30, 20};
  produce(*hub_, "all", counts);
  // Available-now with partition-assignment auto reads every partition itself.
  auto a = make_source("all", "all-group");
  RecordingListener la;
  la.answers[1] = 35;  // the table says partition 1 continues at 35
  ASSERT_TRUE(a->start(&la, {.available_now = true}).ok());
  EXPECT_TRUE(a->reads_all_partitions());
  // A second reader in the same group set to `all` also gets every partition: no sharing.
  KafkaSourceOptions all;
  all.assignment = PartitionAssignment::kAll;
  auto b = make_source("all", "all-group", all);
  RecordingListener lb;
  ASSERT_TRUE(b->start(&lb, {}).ok());
  // Group mode stays the default for other queries.
  auto c = make_source("all", "all-group-c");
  ASSERT_TRUE(c->start(nullptr, {}).ok());
  EXPECT_FALSE(c->reads_all_partitions());
  c->close();

  auto batches_a = drain(*a, 50 + 5 + 30 + 20);
  auto batches_b = drain(*b, 140);
  const std::vector<int32_t> every = {0, 1, 2, 3};
  EXPECT_EQ(a->assignment(), every);
  EXPECT_EQ(b->assignment(), every);
  EXPECT_EQ(la.assigned, every);  // asked once per partition, in order
  EXPECT_EQ(lb.assigned, every);
  std::map<int32_t, std::pair<int64_t, int64_t>> span_a;  // first offset, count
  for (const RawBatch& batch : batches_a) {
    for (const auto& [p, r] : batch.ranges()) {
      if (!span_a.count(p)) span_a[p] = {r.first_offset, 0};
      span_a[p].second += r.count;
    }
  }
  EXPECT_EQ(span_a[0], (std::pair<int64_t, int64_t>{0, 50}));
  EXPECT_EQ(span_a[1], (std::pair<int64_t, int64_t>{35, 5}));
  EXPECT_EQ(span_a[2], (std::pair<int64_t, int64_t>{0, 30}));
  EXPECT_EQ(span_a[3], (std::pair<int64_t, int64_t>{0, 20}));
  size_t total_b = 0;
  for (const RawBatch& batch : batches_b) total_b += batch.size();
  EXPECT_EQ(total_b, 140u);

  // Offsets still reach the group for lag tools, without a group member.
  const std::map<int32_t, int64_t> ends = {{0, 50}, {1, 40}, {2, 30}, {3, 20}};
  ASSERT_TRUE(a->commit(ends).ok());
  auto committed = b->committed();
  ASSERT_TRUE(committed.ok()) << committed.status().to_string();
  EXPECT_EQ(*committed, ends);
  a->close();
  b->close();
  EXPECT_TRUE(la.revoked.empty());  // nothing was ever taken away
}

TEST_F(KafkaSourceTest, DrainsABacklogFarBeyondLibrdkafkasQueueLimit) {
  // librdkafka 2.0.2 stops fetching once its queue holds queued.min.messages and, unless
  // something wakes it, looks again only after 1 s. A consumer slower than the fetches (like
  // the engine, busy writing the previous batch) finds the queue full at every poll: 12,000
  // events in polls of 300 would take ~40 such pauses (40 s). The source wakes the fetcher as
  // it takes events, so this drains well within drain()'s 20 s.
  ASSERT_TRUE(hub_->create_topic({"backlog", 2}).ok());
  // Small producer batches: a fetch returns whole batches, so these keep fetches small.
  produce(*hub_, "backlog", {6000, 6000}, 50);
  KafkaSourceOptions small_queue;
  small_queue.assignment = PartitionAssignment::kAll;
  small_queue.overrides = {{"queued.min.messages", "300"},
                           {"fetch.max.bytes", "1048576"},
                           {"max.partition.fetch.bytes", "8192"}};
  auto source = make_source("backlog", "backlog-group", small_queue);
  ASSERT_TRUE(source->start(nullptr, {}).ok());
  PollLimits limits;
  limits.max_events = 300;
  size_t total = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (total < 12000 && std::chrono::steady_clock::now() < deadline) {
    auto b = source->poll_batch(limits, milliseconds(500));
    ASSERT_TRUE(b.ok()) << b.status().to_string();
    total += b->size();
    std::this_thread::sleep_for(milliseconds(20));  // writing the batch
  }
  EXPECT_EQ(total, 12000u);
  source->close();
}

TEST(MockHubTest, ParsesHubArguments) {
  auto t = HubTopic::parse("input:4");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "input");
  EXPECT_EQ(t->partitions, 4);
  EXPECT_EQ(HubTopic::parse("solo")->partitions, 1);
  EXPECT_FALSE(HubTopic::parse("input:0").ok());
  EXPECT_FALSE(HubTopic::parse("input:x").ok());
  EXPECT_FALSE(HubTopic::parse("in put:2").ok());
  EXPECT_FALSE(HubTopic::parse(":2").ok());
}

TEST(MockHubTest, ConnectionStringParsesToTheHub) {
  auto hub = MockHub::start({{"input", 2}});
  ASSERT_TRUE(hub.ok()) << hub.status().to_string();
  EXPECT_GT((*hub)->port(), 0);
  EXPECT_EQ((*hub)->bootstrap_servers(), "127.0.0.1:" + std::to_string((*hub)->port()));
  auto ep = parse_connection((*hub)->connection_string("input"));
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->bootstrap_servers, (*hub)->bootstrap_servers());
  EXPECT_EQ(ep->topic, "input");
  EXPECT_FALSE((*hub)->create_topic({"input", 3}).ok());
}

}  // namespace
}  // namespace lakestream
