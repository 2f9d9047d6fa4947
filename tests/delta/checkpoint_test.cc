// Checkpoints written by lakestream: due every delta.checkpointInterval commits, read back by
// our Parquet reader into the same snapshot as a JSON-only replay, found without
// _last_checkpoint, and enough on their own once older commits are cleaned up.
#include "lakestream/delta/checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "checkpoint" / info->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs_ = std::make_shared<LocalFileSystem>(dir_.string());
  }

  /// Commit `n` appends of one (fake) file each to a table partitioned by p, with a txn each;
  /// every third commit also removes the previous commit's file.
  void commit_appends(int n, std::map<std::string, std::string> conf = {}) {
    TableCreateOptions create{
        Schema().add("id", DataType::long_()).add("p", DataType::string()), {"p"}, std::move(conf)};
    auto table = DeltaTable::open_or_create(fs_, "t", create);
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    for (int i = 0; i < n; ++i) {
      Transaction t = table->begin();
      AddFile add;
      add.path = "p=" + std::string(i % 4 == 0 ? "__HIVE_DEFAULT_PARTITION__" : "a%20b") +
                 "/part-" + std::to_string(next_) + ".parquet";
      add.partition_values = {{"p", i % 4 == 0 ? std::nullopt : std::optional<std::string>("a b")}};
      add.size = 100 + next_;
      add.modification_time = 1000 + next_;
      add.stats = "{\"numRecords\":" + std::to_string(next_) + "}";
      if (i % 3 == 2) {
        t.remove_file(RemoveFile{last_path_, 5000 + next_, true});
      }
      last_path_ = add.path;
      ++next_;
      t.add_file(add);
      t.set_txn("app-" + std::to_string(i % 2), i);
      auto v = t.commit("WRITE");
      ASSERT_TRUE(v.ok()) << v.status().to_string();
      EXPECT_TRUE(table->last_checkpoint_status().ok())
          << table->last_checkpoint_status().to_string();
    }
  }

  fs::path dir_;
  std::shared_ptr<LocalFileSystem> fs_;
  int next_ = 0;
  std::string last_path_;
};

void expect_same_state(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.version(), b.version());
  ASSERT_EQ(a.files().size(), b.files().size());
  for (size_t i = 0; i < a.files().size(); ++i) {
    EXPECT_EQ(a.files()[i].path, b.files()[i].path);
    EXPECT_EQ(a.files()[i].add.partition_values, b.files()[i].add.partition_values);
    EXPECT_EQ(a.files()[i].add.size, b.files()[i].add.size);
    EXPECT_EQ(a.files()[i].add.modification_time, b.files()[i].add.modification_time);
    EXPECT_EQ(a.files()[i].add.stats, b.files()[i].add.stats);
  }
  EXPECT_EQ(a.txn_versions(), b.txn_versions());
  EXPECT_EQ(a.tombstones().size(), b.tombstones().size());
  EXPECT_EQ(a.metadata().schema_string, b.metadata().schema_string);
  EXPECT_EQ(a.metadata().partition_columns, b.metadata().partition_columns);
  EXPECT_EQ(a.metadata().id, b.metadata().id);
  EXPECT_EQ(a.protocol(), b.protocol());
}

TEST(CheckpointNames, ParseSingleAndMultiPart) {
  EXPECT_EQ(checkpoint_file_path(10), "_delta_log/00000000000000000010.checkpoint.parquet");
  int part = 0;
  auto single = checkpoint_file_ref("x/_delta_log/00000000000000000010.checkpoint.parquet", &part);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->version, 10);
  EXPECT_EQ(single->num_parts, 1);
  auto multi = checkpoint_file_ref(checkpoint_part_path(7, 2, 3), &part);
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->version, 7);
  EXPECT_EQ(multi->num_parts, 3);
  EXPECT_EQ(part, 2);
  EXPECT_FALSE(checkpoint_file_ref("00000000000000000010.json"));
  EXPECT_FALSE(
      checkpoint_file_ref("00000000000000000010.checkpoint.0000000004.0000000003.parquet"));
  EXPECT_FALSE(checkpoint_file_ref("_last_checkpoint"));
}

TEST(CheckpointInterval, FromTableConfiguration) {
  MetadataAction m;
  EXPECT_EQ(checkpoint_interval(m), 10);
  m.configuration["delta.checkpointInterval"] = "3";
  EXPECT_EQ(checkpoint_interval(m), 3);
  m.configuration["delta.checkpointInterval"] = "zero";
  EXPECT_EQ(checkpoint_interval(m), 10);
}

TEST_F(CheckpointTest, WrittenEveryTenCommitsByDefault) {
  commit_appends(12);  // versions 0..11
  EXPECT_TRUE(fs::exists(dir_ / "t" / checkpoint_file_path(10)));
  EXPECT_FALSE(fs::exists(dir_ / "t" / checkpoint_file_path(5)));
  auto last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 10);
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_TRUE(snap->checkpoint());
  EXPECT_EQ(snap->checkpoint()->version, 10);
  EXPECT_EQ(snap->commits_replayed(), 1);
  // 1 protocol + 1 metaData + 2 txn + live adds + tombstones
  EXPECT_EQ(last["size"].get<int64_t>(), 4 + 8 + 3);
}

TEST_F(CheckpointTest, CheckpointReplayEqualsJsonReplay) {
  commit_appends(8, {{"delta.checkpointInterval", "3"}});  // checkpoints at 3 and 6
  auto from_checkpoint = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_checkpoint.ok()) << from_checkpoint.status().to_string();
  ASSERT_TRUE(from_checkpoint->checkpoint());
  EXPECT_EQ(from_checkpoint->checkpoint()->version, 6);
  EXPECT_EQ(from_checkpoint->files().size(), 6u);
  for (int v : {3, 6}) fs::remove(dir_ / "t" / checkpoint_file_path(v));
  auto from_json = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_json.ok()) << from_json.status().to_string();
  EXPECT_FALSE(from_json->checkpoint());
  expect_same_state(*from_checkpoint, *from_json);
  // Null partition values survive the checkpoint as nulls.
  auto table = TableReader(std::move(*from_checkpoint));
  int nulls = 0;
  for (const LiveFile& f : table.snapshot().files()) nulls += !f.add.partition_values[0].second;
  EXPECT_EQ(nulls, 1);  // i = 0 (i = 4's file was removed by i = 5)
}

TEST_F(CheckpointTest, CheckpointIsAFlatReadableParquetFileForOurReader) {
  commit_appends(11);
  auto input = fs_->open_input_file("t/" + checkpoint_file_path(10));
  ASSERT_TRUE(input.ok());
  auto reader = ParquetReader::open(std::move(*input));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_TRUE((*reader)->skipped_columns().empty());
  for (const char* name : {"txn", "add", "remove", "metaData", "protocol"}) {
    EXPECT_TRUE((*reader)->schema().has_field(name)) << name;
  }
  EXPECT_EQ((*reader)->schema().field(*(*reader)->schema().index_of("add")).type->id(),
            TypeId::kStruct);
}

TEST_F(CheckpointTest, StaleOrMissingLastCheckpointStillFindsTheNewest) {
  commit_appends(11, {{"delta.checkpointInterval", "5"}});  // checkpoints at 5 and 10
  ASSERT_TRUE(fs_->write_file("t/_delta_log/_last_checkpoint", "{\"version\":5,\"size\":9}").ok());
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  EXPECT_EQ(snap->checkpoint()->version, 10);
  ASSERT_TRUE(fs_->delete_file("t/_delta_log/_last_checkpoint").ok());
  auto again = Snapshot::load(fs_, "t");
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->checkpoint()->version, 10);
}

TEST_F(CheckpointTest, CleanedUpCommitsAreNotNeeded) {
  commit_appends(13);
  auto before = Snapshot::load(fs_, "t");
  ASSERT_TRUE(before.ok());
  for (int v = 0; v < 10; ++v) fs::remove(dir_ / "t" / commit_file_path(v));
  auto after = Snapshot::load(fs_, "t");
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  expect_same_state(*before, *after);
  // The writer's log replay starts from the checkpoint too.
  auto state = read_log(*fs_, "t");
  ASSERT_TRUE(state.ok()) << state.status().to_string();
  EXPECT_EQ(state->version, 12);
  EXPECT_EQ(state->txn_versions.at("app-0"), 12);
  EXPECT_EQ(state->txn_versions.at("app-1"), 11);
  // Time travel before the checkpoint is gone with the commits.
  auto old = Snapshot::load(fs_, "t", 5);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), StatusCode::kNotFound);
  // ... but the checkpoint's own version and later still work.
  auto at_checkpoint = Snapshot::load(fs_, "t", 10);
  ASSERT_TRUE(at_checkpoint.ok()) << at_checkpoint.status().to_string();
  EXPECT_EQ(at_checkpoint->commits_replayed(), 0);
}

}  // namespace
}  // namespace lakestream
