#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "stream_test_util.h"

namespace lakestream::testing {
namespace {

std::multiset<std::string> expected_ids(const std::map<int32_t, std::pair<int64_t, int64_t>>& r) {
  std::multiset<std::string> out;
  for (const auto& [p, range] : r) {
    for (int64_t o = range.first; o < range.second; ++o) {
      out.insert(std::string("p").append(std::to_string(p)).append("-").append(std::to_string(o)));
    }
  }
  return out;
}

std::multiset<std::string> joined(std::multiset<std::string> a,
                                  const std::multiset<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

using StreamingQueryTest = StreamFixture;

TEST_F(StreamingQueryTest, AvailableNowDrainsInSeveralBatchesAndLandsExactlyN) {
  produce_each(40);
  ASSERT_TRUE(drain(50).ok());
  // 120 events, at most 50 per trigger: three batches at least.
  EXPECT_GE(last_progress_count_, 3);
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(t.values), expected_ids({{0, {0, 40}}, {1, {0, 40}}, {2, {0, 40}}}));
  // One txn per source partition, at the last offset included.
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(t.txns.at(query_id_ + "-meters-" + std::to_string(p)), 39) << p;
  }
  // The consumer group got the next offsets after the commits (for lag tools).
  EXPECT_EQ(topic_->committed("$Default"), (std::map<int32_t, int64_t>{{0, 40}, {1, 40}, {2, 40}}));
  EXPECT_EQ(t.files, parquet_files_on_disk(table()));
}

TEST_F(StreamingQueryTest, MaxEventsPerTriggerIsSharedFairly) {
  produce_valid(0, 100);
  produce_valid(1, 5);
  auto q = writer(stream(30)).start(table());
  ASSERT_TRUE(q.ok()) << q.status().to_string();
  ASSERT_TRUE(*q->await_termination(30));
  auto progress = q->recent_progress();
  ASSERT_FALSE(progress.empty());
  const SourceProgress& first = progress.front().sources.at(0);
  EXPECT_EQ(progress.front().num_input_rows, 30);
  EXPECT_EQ(first.end_offset.at(0) - first.start_offset.at(0), 25);
  EXPECT_EQ(first.end_offset.at(1) - first.start_offset.at(1), 5);
  int64_t total = 0;
  for (const auto& p : progress) total += p.num_input_rows;
  EXPECT_EQ(total, 105);
}

TEST_F(StreamingQueryTest, RestartContinuesWhereTheTableSays) {
  produce_each(20);
  ASSERT_TRUE(drain(25).ok());
  const std::string first_id = query_id_;
  produce_each(15);
  ASSERT_TRUE(drain(25).ok());
  EXPECT_EQ(query_id_, first_id);  // the checkpoint keeps the query's identity
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(t.values), expected_ids({{0, {0, 35}}, {1, {0, 35}}, {2, {0, 35}}}));
  EXPECT_EQ(t.txns.at(query_id_ + "-meters-1"), 34);
}

class CrashTest : public StreamFixture, public ::testing::WithParamInterface<const char*> {};

TEST_P(CrashTest, NoCommittedDuplicatesAndARestartCompletes) {
  produce_each(30);
  topic_->produce(1, "{not json", "", 1'600'000'000'000);
  produce_each(10);
  const std::string stage = GetParam();
  bool fired = false;  // the first time a batch after the first reaches the stage
  Status crashed = drain(40, [&](std::string_view at, int64_t batch_id) {
    if (fired || at != stage || batch_id < 1) return Status::OK();
    fired = true;
    return Status::IOError("injected crash at " + stage);
  });
  ASSERT_FALSE(crashed.ok());
  EXPECT_NE(crashed.message().find("injected crash"), std::string::npos) << crashed.to_string();
  // Nothing half-done is visible: every file on disk belongs to a commit, except after the
  // commit itself (then the files are committed).
  EXPECT_EQ(read_table(table(), "MeterId").files, parquet_files_on_disk(table()));

  ASSERT_TRUE(drain(40).ok());
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(t.values), joined(expected_ids({{0, {0, 40}}, {1, {0, 30}}, {2, {0, 40}}}),
                                     expected_ids({{1, {31, 41}}})));
  TableContent dl = read_table(dead_letter_table(), "offset");
  EXPECT_EQ(dl.values, std::vector<std::string>{"30"});  // once, whatever the crash point
}

INSTANTIATE_TEST_SUITE_P(Stages, CrashTest,
                         ::testing::Values("written", "dead-letter-committed", "committed"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::erase(n, '-');
                           return n;
                         });

TEST_F(StreamingQueryTest, RebalanceRaceDropsTheBatchDeletesItsFilesAndReseeks) {
  produce_each(20);
  // The query's identity is fixed beforehand so the "other instance" can use its app ids.
  auto fs = std::make_shared<LocalFileSystem>("/");
  ASSERT_TRUE(fs->write_file(checkpoint() + "/metadata", R"({"id":"q-race"})").ok());
  bool raced = false;
  std::set<std::string> files_when_raced;
  Status s = drain(0, [&](std::string_view at, int64_t) -> Status {
    if (at != "written" || raced) return Status::OK();
    raced = true;
    files_when_raced = parquet_files_on_disk(table());
    // Another instance of the group owns partition 0 now and committed offsets 0..9 first.
    Schema schema = *meter_schema().flatten();
    schema.add("EventHubEnqueueTime", DataType::timestamp());
    LS_ASSIGN_OR_RAISE(DeltaTable other,
                       DeltaTable::open_or_create(fs, table(), {schema, {"SupplierId"}, {}}));
    Transaction tx = other.begin();
    tx.set_txn("q-race-meters-0", 9);
    return tx.commit("STREAMING UPDATE").status();
  });
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_TRUE(raced);
  EXPECT_FALSE(files_when_raced.empty());
  TableContent t = read_table(table(), "MeterId");
  // Partition 0 continues after the other writer's offsets; nothing of the dropped batch stays.
  EXPECT_EQ(as_set(t.values), expected_ids({{0, {10, 20}}, {1, {0, 20}}, {2, {0, 20}}}));
  EXPECT_EQ(t.txns.at("q-race-meters-0"), 19);
  EXPECT_EQ(t.files, parquet_files_on_disk(table()));
  for (const auto& f : files_when_raced) EXPECT_EQ(t.files.count(f), 0u) << f;
}

TEST_F(StreamingQueryTest, RebalanceRaceMidStreamDiscardsTheBatchesWrittenAhead) {
  produce_each(20);
  auto fs = std::make_shared<LocalFileSystem>("/");
  ASSERT_TRUE(fs->write_file(checkpoint() + "/metadata", R"({"id":"q-ahead"})").ok());
  bool raced = false;
  // 6 events per trigger over 3 partitions: 2 offsets of each partition per batch. While batch 2
  // waits for its commit, later batches are being polled and written ahead of it.
  Status s = drain(6, [&](std::string_view at, int64_t batch_id) -> Status {
    if (at != "written" || batch_id != 2 || raced) return Status::OK();
    raced = true;
    Schema schema = *meter_schema().flatten();
    schema.add("EventHubEnqueueTime", DataType::timestamp());
    LS_ASSIGN_OR_RAISE(DeltaTable other,
                       DeltaTable::open_or_create(fs, table(), {schema, {"SupplierId"}, {}}));
    Transaction tx = other.begin();
    tx.set_txn("q-ahead-meters-0", 14);  // another instance took partition 0 up to offset 14
    return tx.commit("STREAMING UPDATE").status();
  });
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_TRUE(raced);
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(t.values), joined(expected_ids({{0, {0, 4}}, {1, {0, 20}}, {2, {0, 20}}}),
                                     expected_ids({{0, {15, 20}}})));
  EXPECT_EQ(t.txns.at("q-ahead-meters-0"), 19);
  EXPECT_EQ(t.txns.at("q-ahead-meters-1"), 19);
  // Nothing written ahead of the dropped batch is left on disk.
  EXPECT_EQ(t.files, parquet_files_on_disk(table()));
}

TEST_F(StreamingQueryTest, DeadLetterRowsKeepReasonPositionAndBytes) {
  produce_valid(0, 3);
  topic_->produce(0, "{\"MeterId\": \"x\"}", "", 1'600'000'000'123);  // offset 3
  produce_valid(0, 2);
  MeterMessage bad_time;
  bad_time.observation_time = json_string("2021-19-01T10:33:00Z");
  topic_->produce(2, bad_time.json(), "", 1'600'000'000'456);  // partition 2 offset 0
  ASSERT_TRUE(drain(100).ok());
  TableContent main = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(main.values), joined(expected_ids({{0, {0, 3}}}), expected_ids({{0, {4, 6}}})));
  auto dl_offsets = as_set(read_table(dead_letter_table(), "offset").values);
  EXPECT_EQ(dl_offsets, (std::multiset<std::string>{"0", "3"}));
  auto dl_raw = as_set(read_table(dead_letter_table(), "raw").values);
  EXPECT_EQ(dl_raw.count("{\"MeterId\": \"x\"}"), 1u);
  EXPECT_EQ(dl_raw.count(bad_time.json()), 1u);
  auto reasons = read_table(dead_letter_table(), "reason").values;
  for (const auto& r : reasons) EXPECT_FALSE(r.empty());
  TableContent dl = read_table(dead_letter_table(), "partition");
  EXPECT_EQ(dl.txns.at(query_id_ + "-meters-0-dead-letter"), 5);
  EXPECT_EQ(dl.txns.at(query_id_ + "-meters-2-dead-letter"), 0);
  // The main table's txn covers the rejected offsets too.
  EXPECT_EQ(main.txns.at(query_id_ + "-meters-2"), 0);
}

TEST_F(StreamingQueryTest, RescuedDataColumnKeepsWhatTheSchemaDoesNotExpect) {
  MeterMessage m;
  m.meter_id = json_string("p0-0");
  std::string body = m.json();
  body.insert(1, R"("Extra": {"a": [1]}, )");  // an unknown member first
  topic_->produce(0, body, "", 1'600'000'000'000);
  produce_valid(1, 1);
  JsonDecodeOptions options;
  options.rescued_data_column = "_rescued_data";
  const DataStream s = stream(100, options);
  ASSERT_TRUE(s.status().ok()) << s.status().to_string();
  // After the schema's (flattened) columns, before the enqueued time.
  const Schema& schema = s.schema();
  ASSERT_GE(schema.size(), 2u);
  EXPECT_EQ(schema.field(schema.size() - 2).name, "_rescued_data");
  EXPECT_EQ(schema.field(schema.size() - 1).name, "EventHubEnqueueTime");
  auto q = writer(s).start(table());
  ASSERT_TRUE(q.ok()) << q.status().to_string();
  ASSERT_TRUE(*q->await_termination(30));
  EXPECT_TRUE(q->exception().ok()) << q->exception().to_string();
  EXPECT_EQ(as_set(read_table(table(), "_rescued_data").values),
            (std::multiset<std::string>{R"({"Extra":{"a": [1]}})", ""}));  // "": null
  // A rescued-data column named like the enqueued-time column is refused up front.
  options.rescued_data_column = "EventHubEnqueueTime";
  EXPECT_EQ(stream(100, options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StreamingQueryTest, ProgressRecordsHaveSparksFieldsAndRightNumbers) {
  produce_each(10);
  topic_->produce(2, "garbage", "", 1'600'000'000'000);
  auto q = writer(stream(12)).query_name("meters_query").start(table());
  ASSERT_TRUE(q.ok()) << q.status().to_string();
  ASSERT_TRUE(*q->await_termination(30));
  auto all = q->recent_progress();
  ASSERT_GE(all.size(), 3u);
  int64_t input = 0, output = 0, dead = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].batch_id, static_cast<int64_t>(i));
    input += all[i].num_input_rows;
    output += all[i].sink.num_output_rows;
    dead += all[i].sink.num_dead_letter_rows;
    if (i > 0) {
      EXPECT_EQ(all[i].sources[0].start_offset, all[i - 1].sources[0].end_offset);
    }
  }
  EXPECT_EQ(input, 31);
  EXPECT_EQ(output, 30);
  EXPECT_EQ(dead, 1);
  auto j = nlohmann::json::parse(all.back().to_json());
  EXPECT_EQ(j["id"], q->id());
  EXPECT_EQ(j["runId"], q->run_id());
  EXPECT_EQ(j["name"], "meters_query");
  EXPECT_TRUE(j["timestamp"].get<std::string>().ends_with("Z"));
  for (const char* k :
       {"latestOffset", "getBatch", "addBatch", "walCommit", "commitOffsets", "triggerExecution"}) {
    EXPECT_TRUE(j["durationMs"].contains(k)) << k;
  }
  EXPECT_TRUE(j.contains("inputRowsPerSecond"));
  EXPECT_TRUE(j.contains("processedRowsPerSecond"));
  EXPECT_EQ(j["sources"][0]["endOffset"]["meters"]["0"], 10);
  EXPECT_EQ(j["sources"][0]["endOffset"]["meters"]["2"], 11);
  EXPECT_EQ(j["sources"][0]["latestOffset"]["meters"]["1"], 10);
  EXPECT_EQ(j["sources"][0]["description"], "MemorySource[meters]");
  EXPECT_TRUE(j["sink"]["description"].get<std::string>().starts_with("DeltaSink["));
  // The checkpoint keeps the query id and the progress records.
  auto fs = std::make_shared<LocalFileSystem>("/");
  auto meta = nlohmann::json::parse(*fs->read_file(checkpoint() + "/metadata"));
  EXPECT_EQ(meta["id"], q->id());
  auto stored =
      fs->read_file(checkpoint() + "/progress/" + std::to_string(all.back().batch_id) + ".json");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(nlohmann::json::parse(*stored)["numInputRows"], all.back().num_input_rows);
}

TEST_F(StreamingQueryTest, ProcessingTimeRunsUntilStopped) {
  auto q = writer(stream(1000), Trigger::processing_time("50 ms")).start(table());
  ASSERT_TRUE(q.ok()) << q.status().to_string();
  produce_each(5);
  for (int i = 0;
       i < 200 && (!q->last_progress() || read_table(table(), "MeterId").values.size() < 15); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  produce_valid(1, 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(*q->await_termination(0.01));  // still running
  EXPECT_TRUE(q->is_active());
  q->stop();
  EXPECT_TRUE(*q->await_termination(5));
  EXPECT_FALSE(q->is_active());
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(t.values), expected_ids({{0, {0, 5}}, {1, {0, 10}}, {2, {0, 5}}}));
}

TEST_F(StreamingQueryTest, LargeBatchIsWrittenInTwoParallelChunks) {
  topic_ = std::make_shared<MemoryTopic>("meters", 1);
  produce_valid(0, 20000);
  ASSERT_TRUE(drain(0).ok());
  EXPECT_EQ(last_progress_count_, 1);
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(t.values.size(), 20000u);
  EXPECT_EQ(as_set(t.values), expected_ids({{0, {0, 20000}}}));
  bool task0 = false, task1 = false;
  for (const auto& f : t.files) {
    task0 |= f.find("part-00000-") != std::string::npos;
    task1 |= f.find("part-00001-") != std::string::npos;
  }
  EXPECT_TRUE(task0 && task1);
}

TEST_F(StreamingQueryTest, FailedBatchStopsTheQueryWithTheError) {
  produce_each(3);
  topic_->produce(0, "{broken", "", 0);
  auto q = writer(stream(0, {.mode = DecodeMode::kFailFast, .max_depth = 64})).start(table());
  ASSERT_TRUE(q.ok());
  auto r = q->await_termination(30);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("offset 3"), std::string::npos) << r.status().to_string();
  EXPECT_FALSE(q->exception().ok());
  EXPECT_EQ(read_table(table(), "MeterId").values.size(), 0u);
  EXPECT_TRUE(parquet_files_on_disk(table()).empty());
}

TEST_F(StreamingQueryTest, DeltaNeedsACheckpointLocation) {
  auto q = stream(0).write_stream().format("delta").start(table());
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("checkpoint-location"), std::string::npos);
}

TEST_F(StreamingQueryTest, PreviewPrintsSchemaThenBatchesLikeSparksConsoleSink) {
  topic_ = std::make_shared<MemoryTopic>("meters", 1);
  produce_valid(0, 2);
  std::ostringstream out;
  ASSERT_TRUE(preview_stream(stream(0), 0.5, out).ok());
  const std::string text = out.str();
  const std::string dashes(43, '-');
  EXPECT_TRUE(text.starts_with("root\n |-- MeterId: string (nullable = false)\n")) << text;
  EXPECT_NE(text.find(" |-- EventHubEnqueueTime: timestamp (nullable = true)\n"),
            std::string::npos);
  const std::string header = dashes + "\nBatch: 0\n" + dashes + "\n";
  const size_t at = text.find(header);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(
      text.find("|   p0-0|         0|            12345|             kWH|2021-01-19 10:33:00|", at),
      std::string::npos)
      << text;
  EXPECT_TRUE(text.ends_with("+\n\n")) << text;
  EXPECT_FALSE(std::filesystem::exists(table()));
  EXPECT_TRUE(topic_->committed("$Default").empty());
}

}  // namespace
}  // namespace lakestream::testing

namespace lakestream::testing {
namespace {

using StopTimeoutDeathTest = StreamFixture;

// A commit that hangs (here: a test hook sleeping where the sink writes) must not hold the
// process past the stop timeout after SIGTERM: it exits 1, saying why, within the bound.
TEST_F(StopTimeoutDeathTest, AStopThatHangsExitsAfterTheTimeout) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  produce_each(50);
  EXPECT_EXIT(
      {
        std::atomic<bool> writing{false};
        auto q = writer(stream(100), Trigger::processing_time("100 ms"))
                     .test_hook([&](std::string_view stage, int64_t) {
                       if (stage == "written") {
                         writing = true;
                         std::this_thread::sleep_for(std::chrono::seconds(60));
                       }
                       return Status::OK();
                     })
                     .start(table());
        if (!q.ok()) std::_Exit(3);
        set_stop_timeout_seconds(0.5);
        stop_on_signals(*q);
        while (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        ::raise(SIGTERM);
        std::this_thread::sleep_for(std::chrono::seconds(20));
        std::_Exit(0);  // not reached when the bound holds
      },
      ::testing::ExitedWithCode(1), "did not stop within 0.5 s of the signal");
}

}  // namespace
}  // namespace lakestream::testing
