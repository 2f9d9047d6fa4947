#pragma once
// Fixtures for the engine's tests: a temp folder, a meter topic in memory, and a reader of what
// landed in a Delta table (rows via the Parquet reader, txn versions via the log).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/partition.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/source/memory_source.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/stream/session.h"
#include "support/message_factory.h"

namespace lakestream::testing {

/// What a table holds: the values of one column per row, the txn versions, the data files.
struct TableContent {
  std::vector<std::string> values;  ///< `column` of every row, as text
  std::map<std::string, int64_t> txns;
  int64_t versions = 0;
  std::set<std::string> files;  ///< relative paths of the added files
};

inline std::string cell_text(const Column& c, int64_t row) {
  switch (c.type()->id()) {
    case TypeId::kInt:
      return std::to_string(c.value<int32_t>(row));
    case TypeId::kLong:
      return std::to_string(c.value<int64_t>(row));
    default:
      return std::string(c.string_value(row));
  }
}

inline TableContent read_table(const std::string& path, const std::string& column) {
  TableContent out;
  auto fs = std::make_shared<LocalFileSystem>("/");
  auto log = read_log(*fs, path);
  EXPECT_TRUE(log.ok()) << log.status().to_string();
  if (!log.ok()) return out;
  out.txns = log->txn_versions;
  out.versions = log->version + 1;
  for (int64_t v = 0; v <= log->version; ++v) {
    auto text = fs->read_file(join_path(path, commit_file_path(v)));
    EXPECT_TRUE(text.ok());
    auto commit = parse_commit(*text, "commit");
    EXPECT_TRUE(commit.ok());
    for (const AddFile& add : commit->adds) {
      auto rel = decode_add_path(add.path);
      out.files.insert(*rel);
      auto file = fs->open_input_file(join_path(path, *rel));
      EXPECT_TRUE(file.ok()) << add.path;
      auto reader = ParquetReader::open(std::move(*file));
      EXPECT_TRUE(reader.ok()) << reader.status().to_string();
      for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
        auto batch = (*reader)->read_row_group(g, std::vector<std::string>{column});
        EXPECT_TRUE(batch.ok()) << batch.status().to_string();
        const Column& c = *batch->column(0);
        for (int64_t r = 0; r < c.length(); ++r) out.values.push_back(cell_text(c, r));
      }
    }
  }
  return out;
}

/// Parquet files under `path` (recursively), as paths relative to it; temp files excluded.
inline std::set<std::string> parquet_files_on_disk(const std::string& path) {
  std::set<std::string> out;
  if (!std::filesystem::exists(path)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") {
      out.insert(std::filesystem::relative(e.path(), path).string());
    }
  }
  return out;
}

class StreamFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lakestream-stream-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    topic_ = std::make_shared<MemoryTopic>("meters", 3);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string table() const { return dir_ + "/table"; }
  std::string dead_letter_table() const { return dir_ + "/table_dead_letter"; }
  std::string checkpoint() const { return dir_ + "/checkpoint"; }

  /// A valid meter message whose MeterId names its partition and offset ("p1-17").
  void produce_valid(int32_t partition, int count) {
    for (int i = 0; i < count; ++i) {
      const int64_t offset = topic_->end_offset(partition);
      MeterMessage m;
      m.meter_id = json_string(std::string("p")
                                   .append(std::to_string(partition))
                                   .append("-")
                                   .append(std::to_string(offset)));
      m.supplier_id = json_string(std::to_string(offset % 4));
      topic_->produce(partition, m.json(), "", 1'600'000'000'000 + offset);
    }
  }
  void produce_each(int count) {
    for (int32_t p = 0; p < topic_->num_partitions(); ++p) produce_valid(p, count);
  }

  DataStream stream(int64_t max_events, JsonDecodeOptions options = {}) const {
    auto topic = topic_;
    DataStream raw =
        session_.read_stream()
            .source([topic]() -> Result<std::unique_ptr<StreamSource>> {
              return std::unique_ptr<StreamSource>(std::make_unique<MemorySource>(topic));
            })
            .option("max-events-per-trigger", max_events)
            .load();
    return event_hub_parse(raw, meter_schema(), options).flatten();
  }

  DataStreamWriter writer(const DataStream& s, Trigger trigger = Trigger::available_now()) const {
    return s.write_stream()
        .format("delta")
        .partition_by("SupplierId")
        .trigger(std::move(trigger))
        .option("checkpoint-location", checkpoint())
        .option("progress-log", "none");
  }

  /// Run an available-now query to its end; the error when it failed.
  Status drain(int64_t max_events, StreamTestHook hook = {}) {
    auto q = writer(stream(max_events)).test_hook(std::move(hook)).start(table());
    if (!q.ok()) return q.status();
    auto done = q->await_termination(30);
    if (!done.ok()) return done.status();
    if (!*done) return Status::Internal("query did not end in 30 s");
    last_progress_count_ = static_cast<int64_t>(q->recent_progress().size());
    query_id_ = q->id();
    return Status::OK();
  }

  /// MeterIds that should have landed: p<p>-<o> for every valid offset.
  static std::multiset<std::string> as_set(const std::vector<std::string>& v) {
    return {v.begin(), v.end()};
  }

  Session session_;
  std::string dir_;
  std::shared_ptr<MemoryTopic> topic_;
  int64_t last_progress_count_ = 0;
  std::string query_id_;
};

}  // namespace lakestream::testing
