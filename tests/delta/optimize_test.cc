// OPTIMIZE on local disk: a partitioned table of many small files (each append a commit with a
// txn, as a stream writes them) is compacted to one file per partition with the same rows,
// dataChange false everywhere, txn versions kept and Spark's commitInfo; --where limits it to
// one partition; a second run does nothing; an append between the snapshot and the commit is
// kept; a concurrent removal of a rewritten file fails cleanly, leaving no new file behind.
#include "lakestream/delta/optimize.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "delta/meter_rows.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace stdfs = std::filesystem;

class OptimizeTest : public TempTableDirTest {
 protected:
  OptimizeTest() : TempTableDirTest("optimize") {}

  /// `commits` appends of `rows` rows each, partitioned by SupplierId over `suppliers` values,
  /// each with the txn (app, commit index), as a stream commits its micro-batches.
  void append(int commits, int64_t rows, int suppliers, int64_t first = 0) {
    append_commits(commits, rows, suppliers, first, "query-input-0");
  }

  /// Every row of the latest version as text, sorted (a multiset to compare before/after).
  std::vector<std::string> rows() {
    auto reader = TableReader::open(fs_, "t");
    EXPECT_TRUE(reader.ok()) << reader.status().to_string();
    auto all = reader->read_all();
    EXPECT_TRUE(all.ok()) << all.status().to_string();
    std::vector<std::string> out;
    const RecordBatch& b = *all;
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      const Column& supplier = *b.column_by_name("SupplierId");
      out.push_back(std::string(b.column_by_name("MeterId")->string_value(r)) + "|" +
                    (supplier.is_null(r) ? "null" : std::string(supplier.string_value(r))) + "|" +
                    std::to_string(static_cast<int64_t>(
                        b.column_by_name("Measurement_Value")->decimal_value(r))) +
                    "|" + std::to_string(b.column_by_name("ObservationTime")->value<int64_t>(r)));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Snapshot snapshot() {
    auto s = Snapshot::load(fs_, "t");
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return std::move(*s);
  }

  /// Live files per partition value.
  std::map<std::string, int> files_per_partition() {
    std::map<std::string, int> out;
    const Snapshot s = snapshot();
    for (const LiveFile& f : s.files()) out[*f.add.partition_values[0].second]++;
    return out;
  }

  /// Parquet files on disk under the table.
  size_t parquet_files_on_disk() const {
    size_t n = 0;
    for (const auto& e : stdfs::recursive_directory_iterator(dir_ / "t")) {
      n += e.path().extension() == ".parquet" ? 1 : 0;
    }
    return n;
  }
};

TEST_F(OptimizeTest, CompactsEachPartitionKeepingRowsAndTxn) {
  append(20, 500, 5);  // 20 commits x 5 partitions = 100 small files
  const std::vector<std::string> before = rows();
  ASSERT_EQ(before.size(), 10'000u);
  ASSERT_EQ(snapshot().files().size(), 100u);
  const auto txn_before = snapshot().txn_versions();

  OptimizeOptions o;
  o.max_concurrent_tasks = 2;
  auto r = optimize_table(fs_, "t", o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_TRUE(r->version.has_value());
  EXPECT_EQ(*r->version, 20);
  EXPECT_EQ(r->read_version, 19);
  EXPECT_EQ(r->files_removed, 100);
  EXPECT_EQ(r->files_added, 5);
  EXPECT_EQ(r->partitions_optimized, 5);
  EXPECT_EQ(r->rows, 10'000);

  EXPECT_EQ(rows(), before);
  EXPECT_EQ(files_per_partition(),
            (std::map<std::string, int>{{"0", 1}, {"1", 1}, {"2", 1}, {"3", 1}, {"4", 1}}));
  EXPECT_EQ(snapshot().txn_versions(), txn_before);
  EXPECT_EQ(snapshot().total_rows(), 10'000);  // statistics on the new files

  // The commit as Delta writes an OPTIMIZE: removes and adds with dataChange false,
  // extended remove metadata, commitInfo with parameters and metrics, no txn.
  auto text = fs_->read_file("t/_delta_log/00000000000000000020.json");
  ASSERT_TRUE(text.ok());
  auto commit = parse_commit(*text, "v20");
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(commit->commit_info->operation, "OPTIMIZE");
  EXPECT_FALSE(commit->commit_info->is_blind_append);
  EXPECT_TRUE(commit->txns.empty());
  ASSERT_EQ(commit->removes.size(), 100u);
  ASSERT_EQ(commit->adds.size(), 5u);
  for (const RemoveFile& rm : commit->removes) {
    EXPECT_FALSE(rm.data_change);
    EXPECT_TRUE(rm.extended_file_metadata);
    EXPECT_GT(rm.size.value_or(0), 0);
    EXPECT_EQ(rm.partition_values.size(), 1u);
  }
  for (const AddFile& a : commit->adds) {
    EXPECT_FALSE(a.data_change);
    EXPECT_NE(a.stats.find("\"numRecords\":2000"), std::string::npos) << a.stats;
  }
  std::map<std::string, std::string> metrics(commit->commit_info->operation_metrics.begin(),
                                             commit->commit_info->operation_metrics.end());
  EXPECT_EQ(metrics["numRemovedFiles"], "100");
  EXPECT_EQ(metrics["numAddedFiles"], "5");
  std::map<std::string, std::string> params(commit->commit_info->operation_parameters.begin(),
                                            commit->commit_info->operation_parameters.end());
  EXPECT_EQ(params["predicate"], "[]");
  EXPECT_EQ(params["auto"], "false");

  // Nothing left to do: no commit.
  auto again = optimize_table(fs_, "t", {});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->version.has_value());
  EXPECT_EQ(again->files_considered, 5);
  EXPECT_EQ(snapshot().version(), 20);
}

TEST_F(OptimizeTest, WhereTouchesOnlyThatPartition) {
  append(6, 300, 3);
  const std::vector<std::string> before = rows();
  OptimizeOptions o;
  o.where.push_back({"SupplierId", "2"});
  auto r = optimize_table(fs_, "t", o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->files_considered, 6);
  EXPECT_EQ(r->files_removed, 6);
  EXPECT_EQ(files_per_partition(), (std::map<std::string, int>{{"0", 6}, {"1", 6}, {"2", 1}}));
  EXPECT_EQ(rows(), before);

  auto commit = parse_commit(*fs_->read_file("t/_delta_log/00000000000000000006.json"), "v6");
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(commit->commit_info->operation_parameters[0].second, "[\"(SupplierId = '2')\"]");

  o.where = {{"MeterId", "7"}};
  auto bad = optimize_table(fs_, "t", o);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'MeterId' is not a partition column (SupplierId)"),
            std::string::npos)
      << bad.status().message();
}

TEST_F(OptimizeTest, BinsStopAtTheTargetAndLargeFilesStay) {
  append(12, 400, 1);  // one partition, 12 files of a few KB each
  const auto sizes = [&] {
    std::vector<int64_t> s;
    const Snapshot snap = snapshot();
    for (const LiveFile& f : snap.files()) s.push_back(f.add.size);
    return s;
  }();
  const int64_t file = *std::max_element(sizes.begin(), sizes.end());
  OptimizeOptions o;
  o.target_file_bytes = file * 4 + file / 2;  // room for four files a bin
  o.min_file_bytes = o.target_file_bytes;
  auto r = optimize_table(fs_, "t", o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->bins, 3);  // 12 files, 4 a bin
  EXPECT_EQ(r->files_removed, 12);
  EXPECT_EQ(snapshot().files().size(), 3u);

  // Files at or above the minimum size are left alone.
  OptimizeOptions small;
  small.target_file_bytes = 1 << 30;
  small.min_file_bytes = 1;
  auto none = optimize_table(fs_, "t", small);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->version.has_value());
}

/// Local disk that runs `hook` once, when the first data file is created (the moment a
/// compaction has read the table and starts writing): how a test lands another writer's commit
/// between OPTIMIZE's snapshot and its commit.
class HookedFileSystem : public FileSystem {
 public:
  HookedFileSystem(std::shared_ptr<FileSystem> inner, std::function<void()> hook)
      : inner_(std::move(inner)), hook_(std::move(hook)) {}
  Result<std::unique_ptr<OutputStream>> open_output_stream(const std::string& path,
                                                           Publish publish) override {
    if (hook_ && path.ends_with(".parquet")) std::exchange(hook_, nullptr)();
    return inner_->open_output_stream(path, publish);
  }
  Result<std::unique_ptr<RandomAccessFile>> open_input_file(const std::string& path) override {
    return inner_->open_input_file(path);
  }
  Result<std::string> read_file(const std::string& path) override {
    return inner_->read_file(path);
  }
  Status write_file(const std::string& path, std::string_view data) override {
    return inner_->write_file(path, data);
  }
  Status put_if_absent(const std::string& path, std::string_view data) override {
    return inner_->put_if_absent(path, data);
  }
  Result<std::vector<FileInfo>> list(const std::string& dir) override { return inner_->list(dir); }
  Result<std::vector<FileInfo>> list_tree(const std::string& dir) override {
    return inner_->list_tree(dir);
  }
  Result<bool> exists(const std::string& path) override { return inner_->exists(path); }
  Status delete_file(const std::string& path) override { return inner_->delete_file(path); }
  std::string describe(const std::string& path) const override { return inner_->describe(path); }

 private:
  std::shared_ptr<FileSystem> inner_;
  std::function<void()> hook_;
};

TEST_F(OptimizeTest, AnAppendDuringTheRewriteIsKeptAndARemovalConflicts) {
  append(8, 250, 2);
  // Another writer appends while the compaction rewrites: the compaction commits after it and
  // the appended rows stay.
  auto appending = std::make_shared<HookedFileSystem>(fs_, [&] { append(1, 250, 2, 100'000); });
  auto r = optimize_table(appending, "t", {});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->read_version, 7);
  EXPECT_EQ(*r->version, 9);  // after the append (8)
  EXPECT_EQ(rows().size(), 9u * 250);
  EXPECT_EQ(snapshot().files().size(), 2u + 2u);  // two compacted, the append's two

  // Another writer removes one of the files being rewritten: Conflict, no OPTIMIZE commit,
  // and none of the compaction's new files stays on disk.
  append(4, 250, 2, 200'000);
  const size_t on_disk = parquet_files_on_disk();
  const std::string victim = snapshot().files().back().add.path;
  int64_t removal_version = -1;
  auto removing = std::make_shared<HookedFileSystem>(fs_, [&] {
    auto other = DeltaTable::open(fs_, "t");
    ASSERT_TRUE(other.ok());
    Transaction t = other->begin();
    t.remove_file(RemoveFile{victim, 1, true, false, {}, std::nullopt});
    auto v = t.commit("DELETE");
    ASSERT_TRUE(v.ok()) << v.status().to_string();
    removal_version = *v;
  });
  const std::vector<std::string> before = rows();
  auto conflicted = optimize_table(removing, "t", {});
  ASSERT_FALSE(conflicted.ok());
  EXPECT_EQ(conflicted.status().code(), StatusCode::kConflict);
  EXPECT_NE(conflicted.status().message().find(victim), std::string::npos)
      << conflicted.status().message();
  EXPECT_EQ(snapshot().version(), removal_version);
  EXPECT_EQ(parquet_files_on_disk(), on_disk);
  EXPECT_LT(rows().size(), before.size());  // the removal, and nothing else, took effect
}

TEST(ParseByteSize, UnitsAndErrors) {
  EXPECT_EQ(*parse_byte_size("134217728"), 134217728);
  EXPECT_EQ(*parse_byte_size("128mb"), 128LL << 20);
  EXPECT_EQ(*parse_byte_size(" 1 GB "), 1LL << 30);
  EXPECT_EQ(*parse_byte_size("512k"), 512LL << 10);
  EXPECT_EQ(parse_byte_size("12 parsecs").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_byte_size("-1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_byte_size("99999999999gb").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lakestream
