// Checkpoints written by lakestream: due every delta.checkpointInterval commits, read back by
// our Parquet reader into the same snapshot as a JSON-only replay, found without
// _last_checkpoint, and enough on their own once older commits are cleaned up.
#include "lakestream/delta/checkpoint.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "duckdb_sql.h"
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
        t.remove_file(RemoveFile{last_path_, 5000 + next_, true, false, {}, std::nullopt});
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
    // Checkpoints are written in the background: wait for the last due one.
    Status st = table->wait_for_checkpoint();
    EXPECT_TRUE(st.ok()) << st.to_string();
  }

  /// One commit of `n` files (p alternating null / "a b"), txns app-0..app-(txns-1) at `txn`.
  void commit_many(DeltaTable& table, int n, int txns, int64_t txn) {
    Transaction t = table.begin();
    for (int i = 0; i < n; ++i, ++next_) {
      AddFile add;
      const bool null_p = next_ % 5 == 0;
      add.path = "p=" + std::string(null_p ? "__HIVE_DEFAULT_PARTITION__" : "a%20b") + "/part-" +
                 std::to_string(next_) + ".parquet";
      add.partition_values = {{"p", null_p ? std::nullopt : std::optional<std::string>("a b")}};
      add.size = 100 + next_;
      add.modification_time = 1000 + next_;
      add.stats = "{\"numRecords\":" + std::to_string(next_) + ",\"pad\":\"" +
                  std::string(static_cast<size_t>(next_ % 50), 'x') + "\"}";
      t.add_file(std::move(add));
    }
    for (int a = 0; a < txns; ++a) t.set_txn("app-" + std::to_string(a), txn);
    auto v = t.commit("WRITE");
    ASSERT_TRUE(v.ok()) << v.status().to_string();
  }

  Result<DeltaTable> open_table(std::map<std::string, std::string> conf = {}) {
    TableCreateOptions create{
        Schema().add("id", DataType::long_()).add("p", DataType::string()), {"p"}, std::move(conf)};
    return DeltaTable::open_or_create(fs_, "t", create);
  }

  std::string local(const std::string& rel) const { return (dir_ / "t" / rel).string(); }

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

TEST_F(CheckpointTest, CheckpointIsANestedParquetFileOurReaderReadsWhole) {
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

/// The snapshot at the newest version replayed from the JSON commits only (checkpoints hidden).
Snapshot json_replay(const fs::path& table_dir, const std::shared_ptr<LocalFileSystem>& fs) {
  const fs::path hidden = table_dir.parent_path() / "hidden_checkpoints";
  fs::create_directories(hidden);
  for (const auto& e : fs::directory_iterator(table_dir / "_delta_log")) {
    if (checkpoint_file_ref(e.path().filename().string())) {
      fs::rename(e.path(), hidden / e.path().filename());
    }
  }
  auto snap = Snapshot::load(fs, "t");
  EXPECT_TRUE(snap.ok()) << snap.status().to_string();
  EXPECT_FALSE(snap->checkpoint());
  for (const auto& e : fs::directory_iterator(hidden)) {
    fs::rename(e.path(), table_dir / "_delta_log" / e.path().filename());
  }
  return std::move(*snap);
}

int row_groups_of(FileSystem& fs, const std::string& path) {
  auto input = fs.open_input_file(path);
  EXPECT_TRUE(input.ok());
  auto reader = ParquetReader::open(std::move(*input));
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  return reader.ok() ? (*reader)->num_row_groups() : -1;
}

/// What DuckDB reads in a checkpoint file (tests/delta/checkpoint_duckdb.mjs), or nullopt when
/// the npm test tools are not installed (scripts/bootstrap.sh installs them).
std::optional<nlohmann::json> duckdb_read_checkpoint(const std::string& file) {
  return run_node_json("delta/checkpoint_duckdb.mjs", "CHECKPOINT_FILE", file);
}

TEST_F(CheckpointTest, ManyRowGroupsReadBackCompletely) {
  auto table = open_table({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  commit_many(*table, 300, 7, 1);  // version 0
  commit_many(*table, 200, 3, 2);  // version 1
  {
    Transaction t = table->begin();  // version 2: a tombstone
    t.remove_file(RemoveFile{"p=a%20b/part-1.parquet", 777, true, false, {}, std::nullopt});
    ASSERT_TRUE(t.commit("DELETE").ok());
  }
  // 1 protocol + 1 metaData + 7 txns + 499 adds + 1 remove = 509 rows: 8 row groups of 64.
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 2, {64, 64 << 20}).ok());
  const std::string file = "t/" + checkpoint_file_path(2);
  EXPECT_EQ(row_groups_of(*fs_, file), 8);
  auto last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 2);
  EXPECT_EQ(last["size"], 509);
  EXPECT_EQ(last["numOfAddFiles"], 499);
  EXPECT_EQ(last["sizeInBytes"].get<int64_t>(),
            static_cast<int64_t>(fs::file_size(local(checkpoint_file_path(2)))));

  auto from_checkpoint = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_checkpoint.ok()) << from_checkpoint.status().to_string();
  ASSERT_TRUE(from_checkpoint->checkpoint());
  EXPECT_EQ(from_checkpoint->commits_replayed(), 0);
  EXPECT_EQ(from_checkpoint->files().size(), 499u);
  expect_same_state(*from_checkpoint, json_replay(dir_ / "t", fs_));

  // A byte bound cuts row groups too (the stats are ~20-70 bytes a row here).
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 2, {1 << 20, 4096}).ok());
  EXPECT_GT(row_groups_of(*fs_, file), 5);
  auto again = Snapshot::load(fs_, "t");
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  expect_same_state(*from_checkpoint, *again);

  auto duck = duckdb_read_checkpoint(local(checkpoint_file_path(2)));
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  EXPECT_GT((*duck)["row_groups"].get<int>(), 5);
  EXPECT_EQ((*duck)["total"], 509);
  EXPECT_EQ((*duck)["adds_count"], 499);
  EXPECT_EQ((*duck)["removes_count"], 1);
  EXPECT_EQ((*duck)["txns_count"], 7);
  EXPECT_EQ((*duck)["meta_count"], 1);
  EXPECT_EQ((*duck)["protocol_count"], 1);
  std::set<std::string> ours;
  for (const LiveFile& f : from_checkpoint->files()) ours.insert(f.add.path);
  const std::vector<std::string> theirs = (*duck)["adds"];
  EXPECT_EQ(std::set<std::string>(theirs.begin(), theirs.end()), ours);
  EXPECT_EQ(theirs.size(), ours.size());
  EXPECT_EQ((*duck)["removes"], nlohmann::json::array({"p=a%20b/part-1.parquet"}));
  for (int a = 0; a < 7; ++a) EXPECT_EQ((*duck)["txns"]["app-" + std::to_string(a)], a < 3 ? 2 : 1);
  EXPECT_EQ((*duck)["protocol"]["r"], 1);
  EXPECT_EQ((*duck)["protocol"]["w"], 2);
  EXPECT_EQ((*duck)["meta_id"], from_checkpoint->metadata().id);
  EXPECT_EQ((*duck)["partition_columns"], nlohmann::json::array({"p"}));
  EXPECT_EQ((*duck)["null_partition_adds"], 100);  // next_ % 5 == 0 of 0..499, minus none removed
}

TEST_F(CheckpointTest, StreamedFromThePreviousCheckpointEqualsTheSnapshot) {
  auto table = open_table({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  commit_many(*table, 40, 2, 1);  // version 0: part-0..39
  {
    Transaction t = table->begin();  // version 1: a tombstone in the base checkpoint
    t.remove_file(RemoveFile{"p=a%20b/part-3.parquet", 10, true, false, {}, std::nullopt});
    ASSERT_TRUE(t.commit("DELETE").ok());
  }
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 1, {16, 64 << 20}).ok());
  {
    Transaction t = table->begin();  // version 2: remove files of the base, spelled differently
    t.remove_file(RemoveFile{"p=a b/part-1.parquet", 20, true, false, {}, std::nullopt});
    t.remove_file(RemoveFile{"p=a%20b/part-2.parquet", 20, false, false, {}, std::nullopt});
    ASSERT_TRUE(t.commit("DELETE").ok());
  }
  commit_many(*table, 5, 3, 3);  // version 3: part-40..44, txns advance
  {
    Transaction t = table->begin();  // version 4: re-add a tombstoned file, remove a new one
    AddFile again;
    again.path = "p=a%20b/part-3.parquet";
    again.partition_values = {{"p", "a b"}};
    again.size = 3333;
    t.add_file(again);
    t.remove_file(RemoveFile{"p=a%20b/part-41.parquet", 30, true, false, {}, std::nullopt});
    ASSERT_TRUE(t.commit("WRITE").ok());
  }
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 4, {16, 64 << 20}).ok());
  EXPECT_EQ(row_groups_of(*fs_, "t/" + checkpoint_file_path(4)), 4);  // 50 rows
  auto streamed = Snapshot::load(fs_, "t");
  ASSERT_TRUE(streamed.ok()) << streamed.status().to_string();
  ASSERT_EQ(streamed->checkpoint()->version, 4);
  const Snapshot replayed = json_replay(dir_ / "t", fs_);
  expect_same_state(*streamed, replayed);
  EXPECT_EQ(streamed->files().size(), 40u + 5 - 2 - 1);  // part-3 is back
  EXPECT_EQ(streamed->tombstones().size(), 3u);          // part-1, part-2, part-41
  EXPECT_EQ(streamed->txn_versions().at("app-0"), 3);
  EXPECT_EQ(streamed->txn_versions().at("app-2"), 3);
  for (const LiveFile& f : streamed->files()) {
    if (f.add.path == "p=a%20b/part-3.parquet") {
      EXPECT_EQ(f.add.size, 3333);
    }
  }
  // The Snapshot-based writer gives the same state.
  ASSERT_TRUE(write_checkpoint(replayed).ok());
  auto from_snapshot = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_snapshot.ok()) << from_snapshot.status().to_string();
  expect_same_state(*streamed, *from_snapshot);
}

TEST_F(CheckpointTest, FiveThousandFilesReadByDuckDbAndByUs) {
  auto table = open_table({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  commit_many(*table, 4000, 64, 1);  // version 0
  commit_many(*table, 1000, 8, 2);   // version 1
  {
    Transaction t = table->begin();  // version 2: two tombstones, one with its extended fields
    t.remove_file(RemoveFile{"p=a%20b/part-7.parquet", 70, true, true, {{"p", "a b"}}, 107});
    t.remove_file(RemoveFile{"p=a%20b/part-8.parquet", 80, true, false, {}, std::nullopt});
    ASSERT_TRUE(t.commit("DELETE").ok());
  }
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 2).ok());
  const std::string file = "t/" + checkpoint_file_path(2);
  // 1 protocol + 1 metaData + 64 txns + 4,998 adds + 2 removes = 5,066 rows, ~1024 a group.
  EXPECT_EQ(row_groups_of(*fs_, file), 5);

  auto ours = Snapshot::load(fs_, "t");
  ASSERT_TRUE(ours.ok()) << ours.status().to_string();
  ASSERT_TRUE(ours->checkpoint());
  EXPECT_EQ(ours->commits_replayed(), 0);
  EXPECT_EQ(ours->files().size(), 4998u);
  expect_same_state(*ours, json_replay(dir_ / "t", fs_));

  auto duck = duckdb_read_checkpoint(local(checkpoint_file_path(2)));
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  EXPECT_EQ((*duck)["total"], 5066);
  EXPECT_EQ((*duck)["adds_count"], 4998);
  EXPECT_EQ((*duck)["removes_count"], 2);
  EXPECT_EQ((*duck)["txns_count"], 64);
  EXPECT_EQ((*duck)["row_groups"], 5);
  std::set<std::string> paths;
  for (const LiveFile& f : ours->files()) paths.insert(f.add.path);
  const std::vector<std::string> theirs = (*duck)["adds"];
  EXPECT_EQ(theirs.size(), paths.size());
  EXPECT_EQ(std::set<std::string>(theirs.begin(), theirs.end()), paths);
  EXPECT_EQ((*duck)["null_partition_adds"], 1000);  // next_ % 5 == 0 of 0..4999, none removed
  for (int a = 0; a < 64; ++a)
    EXPECT_EQ((*duck)["txns"]["app-" + std::to_string(a)], a < 8 ? 2 : 1);
  EXPECT_EQ((*duck)["meta_id"], ours->metadata().id);
}

TEST_F(CheckpointTest, RemoveKeepsItsExtendedFields) {
  auto table = open_table({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  commit_many(*table, 4, 1, 1);
  {
    Transaction t = table->begin();
    t.remove_file(RemoveFile{"p=a%20b/part-1.parquet", 11, true, true, {{"p", "a b"}}, 101});
    t.remove_file(RemoveFile{"p=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
                             10,
                             false,
                             true,
                             {{"p", std::nullopt}},
                             100});
    t.remove_file(RemoveFile{"p=a%20b/part-2.parquet", 12, true, false, {}, std::nullopt});
    ASSERT_TRUE(t.commit("DELETE").ok());
  }
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 1).ok());
  auto checkpoint = read_checkpoint(*fs_, "t", CheckpointRef{1, 1});
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().to_string();
  ASSERT_EQ(checkpoint->removes.size(), 3u);
  std::map<std::string, RemoveFile> by_path;
  for (RemoveFile& r : checkpoint->removes) by_path[r.path] = r;
  const RemoveFile& one = by_path.at("p=a%20b/part-1.parquet");
  EXPECT_TRUE(one.extended_file_metadata);
  EXPECT_EQ(one.deletion_timestamp, 11);
  EXPECT_TRUE(one.data_change);
  EXPECT_EQ(one.size, 101);
  EXPECT_EQ(one.partition_values,
            (std::vector<std::pair<std::string, std::optional<std::string>>>{{"p", "a b"}}));
  const RemoveFile& zero = by_path.at("p=__HIVE_DEFAULT_PARTITION__/part-0.parquet");
  EXPECT_TRUE(zero.extended_file_metadata);
  EXPECT_FALSE(zero.data_change);
  EXPECT_EQ(zero.size, 100);
  EXPECT_EQ(zero.partition_values,
            (std::vector<std::pair<std::string, std::optional<std::string>>>{{"p", std::nullopt}}));
  const RemoveFile& two = by_path.at("p=a%20b/part-2.parquet");
  EXPECT_FALSE(two.extended_file_metadata);
  EXPECT_FALSE(two.size.has_value());
  EXPECT_TRUE(two.partition_values.empty());
}

TEST_F(CheckpointTest, WrittenInTheBackgroundAndVisibleAfterWait) {
  auto table = open_table({{"delta.checkpointInterval", "4"}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_TRUE(table->wait_for_checkpoint().ok());  // none due: returns at once
  for (int v = 0; v <= 4; ++v) commit_many(*table, 3, 1, v);
  Status st = table->wait_for_checkpoint();
  ASSERT_TRUE(st.ok()) << st.to_string();
  EXPECT_TRUE(table->last_checkpoint_status().ok());
  EXPECT_TRUE(fs::exists(local(checkpoint_file_path(4))));
  auto last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 4);
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  EXPECT_EQ(snap->checkpoint()->version, 4);
  EXPECT_EQ(snap->files().size(), 15u);
}

TEST_F(CheckpointTest, TheTablesDestructorWritesThePendingCheckpoint) {
  {
    auto table = open_table({{"delta.checkpointInterval", "3"}});
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    for (int v = 0; v <= 3; ++v) commit_many(*table, 2, 1, v);
    // No wait: the table goes out of scope right after the due commit.
  }
  EXPECT_TRUE(fs::exists(local(checkpoint_file_path(3))));
  auto last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 3);
  // A moved-from table owns no worker; the one it moved to finishes the next checkpoint.
  auto table = open_table({{"delta.checkpointInterval", "3"}});
  ASSERT_TRUE(table.ok());
  for (int v = 4; v <= 6; ++v) commit_many(*table, 2, 1, v);
  { DeltaTable moved = std::move(*table); }
  EXPECT_TRUE(fs::exists(local(checkpoint_file_path(6))));
}

TEST_F(CheckpointTest, AFailedCheckpointIsReportedAndNeverNamedByLastCheckpoint) {
  auto table = open_table({{"delta.checkpointInterval", "3"}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  for (int v = 0; v <= 3; ++v) commit_many(*table, 2, 1, v);
  ASSERT_TRUE(table->wait_for_checkpoint().ok());
  // Something (not a file) in the way of checkpoint 6: the file cannot be created there.
  fs::create_directories(local(checkpoint_file_path(6)) + "/in_the_way");
  for (int v = 4; v <= 6; ++v) commit_many(*table, 2, 1, v);
  EXPECT_EQ(table->version(), 6);  // the commit stands
  Status st = table->wait_for_checkpoint();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.to_string().find("checkpoint of version 6"), std::string::npos) << st.to_string();
  EXPECT_FALSE(table->last_checkpoint_status().ok());
  auto last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 3);  // still the complete one
  for (const auto& e : fs::directory_iterator(dir_ / "t" / "_delta_log")) {
    const std::string name = e.path().filename().string();
    EXPECT_FALSE(name.starts_with(std::string(kLocalTempPrefix))) << "left behind: " << name;
  }
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  EXPECT_EQ(snap->checkpoint()->version, 3);
  EXPECT_EQ(snap->commits_replayed(), 3);
  // The next due version checkpoints again, and the status says so.
  fs::remove_all(local(checkpoint_file_path(6)));
  for (int v = 7; v <= 9; ++v) commit_many(*table, 2, 1, v);
  st = table->wait_for_checkpoint();
  EXPECT_TRUE(st.ok()) << st.to_string();
  EXPECT_TRUE(table->last_checkpoint_status().ok());
  last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 9);
}

TEST_F(CheckpointTest, ARefusedTableGetsNoCheckpoint) {
  auto table = open_table({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(table.ok());
  commit_many(*table, 2, 1, 0);
  // A later commit needs a reader feature we do not read: such a table gets no checkpoint.
  const std::string text =
      "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":["
      "\"someFutureFeature\"],\"writerFeatures\":[\"someFutureFeature\"]}}\n";
  ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(1), text).ok());
  Status st = write_checkpoint_at(fs_, "t", 1);
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.to_string();
  EXPECT_NE(st.message().find("someFutureFeature"), std::string::npos) << st.to_string();
  EXPECT_FALSE(fs::exists(local(checkpoint_file_path(1))));
  EXPECT_FALSE(fs::exists(local("_delta_log/_last_checkpoint")));
}

TEST_F(CheckpointTest, DeletionVectorsSurviveTheCheckpoint) {
  auto table = open_table({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(table.ok());
  commit_many(*table, 2, 1, 0);
  // Two files get DVs (one on disk, one inline without an offset), then a checkpoint; a third
  // commit after it re-adds one of them with a new DV, spelled as a file: URI.
  const std::string text =
      "{\"add\":{\"path\":\"dv.parquet\",\"partitionValues\":{\"p\":\"x\"},\"size\":1,"
      "\"modificationTime\":1,\"dataChange\":true,\"deletionVector\":{\"storageType\":\"u\","
      "\"pathOrInlineDv\":\"ab^vBn[lx{q8@P<9BNH/isA\",\"offset\":41,\"sizeInBytes\":36,"
      "\"cardinality\":2}}}\n"
      "{\"add\":{\"path\":\"inline.parquet\",\"partitionValues\":{\"p\":\"x\"},\"size\":1,"
      "\"modificationTime\":1,\"dataChange\":true,\"deletionVector\":{\"storageType\":\"i\","
      "\"pathOrInlineDv\":\"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L\",\"sizeInBytes\":"
      "40,"
      "\"cardinality\":6}}}\n";
  ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(1), text).ok());
  Status st = write_checkpoint_at(fs_, "t", 1);
  ASSERT_TRUE(st.ok()) << st.to_string();
  // An absolute path on the table's file system (rooted at dir_): the same file as dv.parquet.
  const std::string abs = "/t";
  const std::string later =
      "{\"remove\":{\"path\":\"file://" + abs +
      "/dv.parquet\",\"deletionTimestamp\":9,\"dataChange\":true}}\n"
      "{\"add\":{\"path\":\"file://" +
      abs +
      "/dv.parquet\",\"partitionValues\":{\"p\":\"x\"},\"size\":1,"
      "\"modificationTime\":2,\"dataChange\":true,\"deletionVector\":{\"storageType\":\"u\","
      "\"pathOrInlineDv\":\"ab^vBn[lx{q8@P<9BNH/isA\",\"offset\":1,\"sizeInBytes\":36,"
      "\"cardinality\":3}}}\n";
  ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(2), later).ok());
  st = write_checkpoint_at(fs_, "t", 2);
  ASSERT_TRUE(st.ok()) << st.to_string();
  for (int64_t v : {1, 2}) {
    auto from_checkpoint = Snapshot::load(fs_, "t", v);
    ASSERT_TRUE(from_checkpoint.ok()) << from_checkpoint.status().to_string();
    ASSERT_TRUE(from_checkpoint->checkpoint());
    EXPECT_EQ(from_checkpoint->checkpoint()->version, v);
    // The same table replayed from the JSON commits alone.
    fs::path moved = dir_ / "hidden.parquet";
    fs::rename(local(checkpoint_file_path(v)), moved);
    auto from_json = Snapshot::load(fs_, "t", v);
    fs::rename(moved, local(checkpoint_file_path(v)));
    ASSERT_TRUE(from_json.ok()) << from_json.status().to_string();
    ASSERT_EQ(from_checkpoint->files().size(), from_json->files().size());
    int with_dv = 0;
    for (size_t i = 0; i < from_json->files().size(); ++i) {
      const LiveFile& a = from_checkpoint->files()[i];
      const LiveFile& b = from_json->files()[i];
      EXPECT_EQ(a.path, b.path);
      EXPECT_EQ(a.add.deletion_vector, b.add.deletion_vector) << a.path;
      if (a.add.deletion_vector) ++with_dv;
    }
    EXPECT_EQ(with_dv, 2);
    EXPECT_EQ(from_checkpoint->total_rows(), from_json->total_rows());
  }
  auto latest = Snapshot::load(fs_, "t");
  ASSERT_TRUE(latest.ok());
  for (const LiveFile& f : latest->files()) {
    if (f.path.ends_with("/dv.parquet")) {
      ASSERT_TRUE(f.add.deletion_vector);
      EXPECT_EQ(f.add.deletion_vector->cardinality, 3);
      EXPECT_EQ(f.add.deletion_vector->offset, 1);
    }
    if (f.path.ends_with("/inline.parquet")) {
      ASSERT_TRUE(f.add.deletion_vector);
      EXPECT_EQ(f.add.deletion_vector->storage_type, 'i');
      EXPECT_FALSE(f.add.deletion_vector->offset);
      EXPECT_EQ(f.add.deletion_vector->size_in_bytes, 40);
    }
  }
}

}  // namespace
}  // namespace lakestream
