// NDJSON files through the engine (reader format "ndjson", available-now): every valid line
// lands once, bad lines go to the dead-letter table with their byte position, and a restart
// with the same checkpoint reads only what was appended (to a file, or as a new file).
#include <fstream>

#include "stream_test_util.h"

namespace lakestream::testing {
namespace {

class NdjsonStreamTest : public StreamFixture {
 protected:
  /// Lines `first`..`first + count - 1` of a file; MeterId is "<name>-<n>".
  void append_lines(const std::string& name, int first, int count, bool bad_every_7 = false) {
    std::ofstream out(dir_ + "/in/" + name, std::ios::app | std::ios::binary);
    for (int n = first; n < first + count; ++n) {
      MeterMessage m;
      m.meter_id = json_string(name + "-" + std::to_string(n));
      m.supplier_id = json_string(std::to_string(n % 3));
      if (bad_every_7 && n % 7 == 0) m.observation_time = json_string("not a time");
      out << m.json() << "\n";
      if (n % 10 == 0) out << "\n";  // blank lines are skipped
    }
  }
  Status ingest(int64_t max_bytes = 64 << 20) {
    DataStream files = session_.read_stream()
                           .format("ndjson")
                           .option("path", dir_ + "/in/*.ndjson")
                           .option("max-bytes-per-trigger", max_bytes)
                           .load();
    auto q = writer(json_parse(files, meter_schema()).flatten()).start(table());
    if (!q.ok()) return q.status();
    auto done = q->await_termination(30);
    if (!done.ok()) return done.status();
    return *done ? Status::OK() : Status::Internal("query did not end in 30 s");
  }
};

TEST_F(NdjsonStreamTest, FilesLandOnceAndARestartReadsOnlyWhatWasAppended) {
  std::filesystem::create_directories(dir_ + "/in");
  append_lines("a.ndjson", 0, 500, /*bad_every_7=*/true);
  append_lines("b.ndjson", 0, 300);
  Status first = ingest(/*max_bytes=*/16 << 10);  // several batches
  ASSERT_TRUE(first.ok()) << first.to_string();
  std::multiset<std::string> want;
  for (int n = 0; n < 500; ++n) {
    if (n % 7 != 0) want.insert("a.ndjson-" + std::to_string(n));
  }
  for (int n = 0; n < 300; ++n) want.insert("b.ndjson-" + std::to_string(n));
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(as_set(t.values), want);
  EXPECT_GT(t.versions, 2);
  // The schema has no enqueued-time column: json_parse adds nothing.
  LocalFileSystem fs("/");
  auto log = read_log(fs, table());
  ASSERT_TRUE(log.ok() && log->metadata.has_value());
  EXPECT_EQ(log->metadata->schema_string.find("EventHubEnqueueTime"), std::string::npos);
  EXPECT_NE(log->metadata->schema_string.find("Measurement_Value"), std::string::npos);
  // Dead letters: each bad line's bytes at its byte position in a.ndjson.
  TableContent dl = read_table(dead_letter_table(), "raw");
  EXPECT_EQ(dl.values.size(), 72u);  // n = 0, 7, ..., 497
  TableContent dl_offsets = read_table(dead_letter_table(), "offset");
  std::ifstream a(dir_ + "/in/a.ndjson", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  for (size_t i = 0; i < dl.values.size(); ++i) {
    const auto at = static_cast<size_t>(std::stoll(dl_offsets.values[i]));
    EXPECT_EQ(text.substr(at, dl.values[i].size()), dl.values[i]);
    EXPECT_NE(dl.values[i].find("not a time"), std::string::npos);
  }

  // A second run finds nothing new.
  ASSERT_TRUE(ingest().ok());
  EXPECT_EQ(read_table(table(), "MeterId").values.size(), want.size());

  // Lines appended to a file and a new file: only they are read.
  append_lines("b.ndjson", 300, 40);
  append_lines("c.ndjson", 0, 25);
  ASSERT_TRUE(ingest().ok());
  for (int n = 300; n < 340; ++n) want.insert("b.ndjson-" + std::to_string(n));
  for (int n = 0; n < 25; ++n) want.insert("c.ndjson-" + std::to_string(n));
  EXPECT_EQ(as_set(read_table(table(), "MeterId").values), want);
  EXPECT_EQ(read_table(dead_letter_table(), "raw").values.size(), 72u);
}

TEST_F(NdjsonStreamTest, ALargeBatchDecodesInParallelChunksAndMissingPathsFail) {
  std::filesystem::create_directories(dir_ + "/in");
  append_lines("big.ndjson", 0, 40000);
  ASSERT_TRUE(ingest().ok());
  TableContent t = read_table(table(), "MeterId");
  EXPECT_EQ(t.values.size(), 40000u);
  EXPECT_EQ(as_set(t.values).size(), 40000u);

  DataStream none =
      session_.read_stream().format("ndjson").option("path", dir_ + "/nothing/*.ndjson").load();
  auto q = writer(json_parse(none, meter_schema())).start(dir_ + "/other");
  Status st = q.ok() ? q->await_termination(10).status() : q.status();
  if (st.ok() && q.ok()) st = q->exception();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("matches no file"), std::string::npos) << st.to_string();
  EXPECT_FALSE(session_.read_stream().format("ndjson").load().status().ok());
}

}  // namespace
}  // namespace lakestream::testing
