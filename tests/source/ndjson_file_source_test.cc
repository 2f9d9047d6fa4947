// NdjsonFileSource on real files in a temp folder: which files a path names, lines as events
// with their byte positions, the limits, and where a restart continues.
#include "lakestream/source/ndjson_file_source.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace lakestream {
namespace {

using Offsets = std::map<int32_t, int64_t>;
using std::chrono::milliseconds;

class Answers : public PartitionAssignmentListener {
 public:
  std::map<int32_t, int64_t> at;
  Result<std::optional<int64_t>> start_offset(const std::string& topic,
                                              int32_t partition) override {
    EXPECT_EQ(topic, "files");
    auto it = at.find(partition);
    return it == at.end() ? std::optional<int64_t>() : std::optional<int64_t>(it->second);
  }
  void on_revoked(const std::string&, const std::vector<int32_t>&) override {}
};

class NdjsonFileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lakestream-files-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text, bool append = false) {
    const std::string path = dir_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, append ? std::ios::app | std::ios::binary : std::ios::binary) << text;
    return path;
  }
  static std::vector<std::pair<int64_t, std::string>> lines(const RawBatch& b) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const RawEvent& e : b.events()) out.emplace_back(e.offset, std::string(e.body));
    return out;
  }
  std::unique_ptr<NdjsonFileSource> started(std::vector<std::string> paths,
                                            PartitionAssignmentListener* listener = nullptr,
                                            int64_t max_bytes = 64 << 20) {
    NdjsonFileSourceOptions o;
    o.paths = std::move(paths);
    o.max_bytes_per_trigger = max_bytes;
    auto s = std::make_unique<NdjsonFileSource>(o);
    Status st = s->start(listener, {});
    EXPECT_TRUE(st.ok()) << st.to_string();
    return s;
  }
  std::string dir_;
};

TEST_F(NdjsonFileSourceTest, PathsAreFilesFoldersAndGlobs) {
  const std::string a = write("in/a.ndjson", "{}\n");
  const std::string b = write("in/b.ndjson", "{}\n");
  write("in/_SUCCESS", "");
  write("in/.hidden", "{}\n");
  const std::string c = write("other/c.json", "{}\n");
  auto folder = list_ndjson_files({dir_ + "/in"});
  ASSERT_TRUE(folder.ok()) << folder.status().to_string();
  EXPECT_EQ(*folder, (std::vector<std::string>{a, b}));
  auto glob = list_ndjson_files({dir_ + "/*/*.json", dir_ + "/in/b.ndjson", a});
  ASSERT_TRUE(glob.ok()) << glob.status().to_string();
  EXPECT_EQ(*glob, (std::vector<std::string>{a, b, c}));  // sorted, each once
  auto none = list_ndjson_files({dir_ + "/*.csv"});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("*.csv' matches no file"), std::string::npos)
      << none.status().to_string();
  auto missing = list_ndjson_files({dir_ + "/nope.ndjson"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.ndjson' does not exist"), std::string::npos);
  EXPECT_EQ(ndjson_file_partition(a), ndjson_file_partition(a));
  EXPECT_NE(ndjson_file_partition(a), ndjson_file_partition(b));
  EXPECT_GE(ndjson_file_partition(a), 0);
}

TEST_F(NdjsonFileSourceTest, LinesAreEventsAtTheirBytePositionsBlankLinesSkipped) {
  // Offsets: 0 {"a":1}, 8 blank, 9 "  " blank, 12 {"b":2}\r, 21 {"c":3} without a line break.
  const std::string path = write("one.ndjson", "{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}");
  auto source = started({path});
  const int32_t p = ndjson_file_partition(path);
  auto latest = source->latest_offsets();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, (Offsets{{p, 22}}));  // the last line's start + 1
  EXPECT_EQ(source->positions(), (Offsets{{p, 0}}));
  auto batch = source->poll_batch({}, milliseconds(10));
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  EXPECT_EQ(lines(*batch), (std::vector<std::pair<int64_t, std::string>>{
                               {0, "{\"a\":1}"}, {12, "{\"b\":2}"}, {21, "{\"c\":3}"}}));
  EXPECT_EQ(batch->topic(), "files");
  EXPECT_EQ(batch->ranges().at(p).first_offset, 0);
  EXPECT_EQ(batch->ranges().at(p).last_offset, 21);
  EXPECT_EQ(batch->ranges().at(p).count, 3);
  EXPECT_EQ(batch->ranges().at(p).previous_offset, -1);
  EXPECT_EQ(source->positions(), (Offsets{{p, 28}}));
  // Nothing more, until lines are appended.
  auto empty = source->poll_batch({}, milliseconds(10));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  write("one.ndjson", "\n{\"d\":4}\n", true);
  auto more = source->poll_batch({}, milliseconds(10));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(lines(*more), (std::vector<std::pair<int64_t, std::string>>{{29, "{\"d\":4}"}}));
  EXPECT_EQ(more->ranges().at(p).previous_offset, 21);  // what the table's txn will say
  EXPECT_EQ(*source->latest_offsets(), (Offsets{{p, 30}}));
}

TEST_F(NdjsonFileSourceTest, LimitsCutAtLinesAndFilesAreReadInOrder) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "{\"n\":" + std::to_string(1000 + i) + "}\n";  // 11 bytes
  const std::string a = write("a.ndjson", text);
  const std::string b = write("b.ndjson", text);
  auto source = started({dir_}, nullptr, /*max_bytes=*/250);
  std::map<int32_t, std::vector<int64_t>> seen;
  size_t polls = 0;
  PollLimits limits;
  limits.max_events = 30;
  for (;; ++polls) {
    auto batch = source->poll_batch(limits, milliseconds(1));
    ASSERT_TRUE(batch.ok());
    if (batch->empty()) break;
    EXPECT_LE(batch->size(), 30u);
    EXPECT_LE(batch->bytes(), 250);
    for (const RawEvent& e : batch->events()) seen[e.partition].push_back(e.offset);
    // a before b: a batch holds b's lines only once a is done.
    if (batch->ranges().count(ndjson_file_partition(b))) {
      EXPECT_EQ(seen[ndjson_file_partition(a)].size(), 100u);
    }
  }
  EXPECT_GE(polls, 2 * 100 / 22u);
  for (const std::string& f : {a, b}) {
    const auto& offsets = seen[ndjson_file_partition(f)];
    ASSERT_EQ(offsets.size(), 100u) << f;
    for (size_t i = 0; i < offsets.size(); ++i) EXPECT_EQ(offsets[i], 11 * static_cast<int64_t>(i));
  }
  // End offsets bound a file: lines starting before 55 only.
  auto again = started({a});
  limits = {};
  limits.end_offsets = {{ndjson_file_partition(a), 55}};
  auto bounded = again->poll_batch(limits, milliseconds(1));
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->size(), 5u);
  EXPECT_EQ(again->positions().at(ndjson_file_partition(a)), 55);
}

TEST_F(NdjsonFileSourceTest, RestartContinuesAfterTheLineTheTableHolds) {
  const std::string a = write("a.ndjson", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");  // 0, 8, 16
  const std::string b = write("b.ndjson", "{\"n\":4}\n");
  Answers table;
  table.at[ndjson_file_partition(a)] = 8 + 1;  // txn = offset 8, the engine asks for txn + 1
  auto source = started({a, b}, &table);
  auto batch = source->poll_batch({}, milliseconds(1));
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(lines(*batch),
            (std::vector<std::pair<int64_t, std::string>>{{16, "{\"n\":3}"}, {0, "{\"n\":4}"}}));
  EXPECT_EQ(batch->ranges().at(ndjson_file_partition(a)).previous_offset, 8);
  EXPECT_EQ(batch->ranges().at(ndjson_file_partition(b)).previous_offset, -1);
  // Seek back (a dropped batch): from the first line at or after the offset.
  ASSERT_TRUE(source->seek(ndjson_file_partition(a), 1).ok());
  EXPECT_EQ(source->positions().at(ndjson_file_partition(a)), 8);
  ASSERT_TRUE(source->seek(ndjson_file_partition(a), 0).ok());
  EXPECT_EQ(source->positions().at(ndjson_file_partition(a)), 0);
  ASSERT_TRUE(source->seek(ndjson_file_partition(a), 17).ok());
  EXPECT_EQ(source->positions().at(ndjson_file_partition(a)), 24);  // the end
}

TEST_F(NdjsonFileSourceTest, AFileWithoutLinesAndBadOptions) {
  const std::string empty = write("empty.ndjson", "\n \n");
  auto source = started({empty});
  EXPECT_EQ(*source->latest_offsets(), (Offsets{{ndjson_file_partition(empty), 0}}));
  auto none = source->poll_batch({}, milliseconds(1));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(NdjsonFileSourceOptions::from_options({}).ok());
  auto bad = NdjsonFileSourceOptions::from_options({{"path", "x"}, {"max-bytes-per-trigger", "0"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max-bytes-per-trigger"), std::string::npos);
  auto two = NdjsonFileSourceOptions::from_options({{"path", "a.ndjson, in/"}});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->paths, (std::vector<std::string>{"a.ndjson", "in/"}));
}

}  // namespace
}  // namespace lakestream
