// Row tracking on the write side (PROTOCOL.md "Row Tracking"): every add lakestream commits gets
// a baseRowId above the table's high-water mark (consecutive over the commit's files by their
// numRecords) and defaultRowCommitVersion = the commit's version, the commit carries the new
// mark in the delta.rowTracking domain, a commit that loses its version is numbered again after
// the winner's rows, and readers get both fields back from JSON commits and checkpoints;
// OPTIMIZE keeps each row's stable id and commit version in the materialized columns (fresh
// ids only while row tracking is not enabled). The
// table's version 0 is written by hand as Databricks writes a table with row tracking enabled.

#include "lakestream/delta/row_tracking.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "duckdb_sql.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/parquet/parquet_reader.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

class RowTrackingTest : public TempTableDirTest {
 protected:
  RowTrackingTest() : TempTableDirTest("row_tracking") {}

  /// Version 0 of "t" (the meter schema, partitioned by SupplierId) with row tracking
  /// supported and, unless `configuration` says otherwise, enabled.
  void create_table(
      const std::string& configuration =
          R"({"delta.enableRowTracking":"true",)"
          R"("delta.rowTracking.materializedRowIdColumnName":"_row-id-col-1",)"
          R"("delta.rowTracking.materializedRowCommitVersionColumnName":"_row-commit-version-col-2"})") {
    std::string escaped;
    for (char c : flat_meter_schema().to_json()) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    const std::string text =
        R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["domainMetadata","rowTracking","appendOnly","invariants"]}})"
        "\n"
        R"({"metaData":{"id":"5a1f8c5e-0c4a-4c56-9a52-2b1b0a0c9e11","format":{"provider":"parquet","options":{}},"schemaString":")" +
        escaped + R"(","partitionColumns":["SupplierId"],"configuration":)" + configuration +
        R"(,"createdTime":1700000000000}})"
        "\n";
    ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(0), text).ok());
  }

  /// Write `rows` meter rows from `first` over 3 suppliers (3 files) with `table`, uncommitted.
  std::vector<AddFile> write_files(int64_t first, int64_t rows) {
    DeltaTableWriterOptions o;
    o.partition_columns = {"SupplierId"};
    auto writer = DeltaTableWriter::make(fs_, "t", flat_meter_schema(), o);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->write(meter_batch(first, rows, 3)).ok());
    auto adds = (*writer)->finish();
    EXPECT_TRUE(adds.ok());
    return std::move(*adds);
  }

  Result<int64_t> append(DeltaTable& table, int64_t first, int64_t rows) {
    Transaction t = table.begin();
    for (AddFile& a : write_files(first, rows)) t.add_file(std::move(a));
    return t.commit("WRITE");
  }

  /// The actions of commit `version` as written.
  CommitActions commit_actions(int64_t version) {
    auto text = fs_->read_file("t/" + commit_file_path(version));
    EXPECT_TRUE(text.ok());
    auto parsed = parse_commit(*text, "test");
    EXPECT_TRUE(parsed.ok()) << parsed.status().to_string();
    return std::move(*parsed);
  }
};

int64_t mark_of(const CommitActions& c) {
  for (const DomainMetadataAction& d : c.domain_metadata) {
    if (d.domain == kRowTrackingDomain) {
      return nlohmann::json::parse(d.configuration)["rowIdHighWaterMark"].get<int64_t>();
    }
  }
  return -100;
}

/// Every live file's row ids [baseRowId, baseRowId + numRecords) are disjoint and below the mark.
void expect_unique_row_ids(const Snapshot& snap) {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const LiveFile& f : snap.files()) {
    ASSERT_TRUE(f.add.base_row_id) << f.path;
    ASSERT_TRUE(f.add.default_row_commit_version) << f.path;
    ranges.emplace_back(*f.add.base_row_id, *f.add.base_row_id + *stats_num_records(f.add.stats));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    EXPECT_LE(ranges[i - 1].second, ranges[i].first) << "row ids overlap";
  }
  auto mark = row_id_high_water_mark(snap.domain_metadata());
  ASSERT_TRUE(mark.ok());
  ASSERT_TRUE(*mark);
  EXPECT_EQ(**mark, ranges.back().second - 1);
}

TEST_F(RowTrackingTest, AppendsNumberTheirRowsAboveTheHighWaterMark) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_EQ(*append(*table, 0, 30), 1);
  CommitActions first = commit_actions(1);
  ASSERT_EQ(first.adds.size(), 3u);
  int64_t next = 0;
  for (const AddFile& a : first.adds) {
    EXPECT_EQ(a.base_row_id, next) << a.path;
    EXPECT_EQ(a.default_row_commit_version, 1);
    next += *stats_num_records(a.stats);
  }
  EXPECT_EQ(next, 30);
  EXPECT_EQ(mark_of(first), 29);

  ASSERT_EQ(*append(*table, 30, 12), 2);
  CommitActions second = commit_actions(2);
  EXPECT_EQ(second.adds.front().base_row_id, 30);
  EXPECT_EQ(second.adds.front().default_row_commit_version, 2);
  EXPECT_EQ(mark_of(second), 41);

  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  expect_unique_row_ids(*snap);
  // The raw JSON spells the fields as the protocol does.
  auto text = fs_->read_file("t/" + commit_file_path(2));
  EXPECT_NE(text->find(R"("baseRowId":30,"defaultRowCommitVersion":2)"), std::string::npos)
      << *text;
  EXPECT_NE(
      text->find(
          R"({"domainMetadata":{"domain":"delta.rowTracking","configuration":"{\"rowIdHighWaterMark\":41}","removed":false}})"),
      std::string::npos)
      << *text;
}

TEST_F(RowTrackingTest, ALostCommitIsNumberedAgainAfterTheWinnersRows) {
  create_table();
  auto a = DeltaTable::open(fs_, "t");
  auto b = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(a.ok() && b.ok());
  // Both read version 0; b's files are written first, a commits first.
  Transaction tb = b->begin();
  for (AddFile& f : write_files(100, 9)) tb.add_file(std::move(f));
  ASSERT_EQ(*append(*a, 0, 20), 1);
  auto committed = tb.commit("WRITE");
  ASSERT_TRUE(committed.ok()) << committed.status().to_string();
  EXPECT_EQ(*committed, 2);
  CommitActions lost = commit_actions(2);
  EXPECT_EQ(lost.adds.front().base_row_id, 20);  // after a's 20 rows, not 0
  EXPECT_EQ(lost.adds.front().default_row_commit_version, 2);
  EXPECT_EQ(mark_of(lost), 28);
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok());
  expect_unique_row_ids(*snap);
}

TEST_F(RowTrackingTest, CheckpointsCarryRowIdsAndTheMark) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE(append(*table, 0, 30).ok());
  ASSERT_TRUE(append(*table, 30, 30).ok());
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 2).ok());
  auto from_checkpoint = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_checkpoint.ok()) << from_checkpoint.status().to_string();
  ASSERT_TRUE(from_checkpoint->checkpoint());
  EXPECT_EQ(from_checkpoint->commits_replayed(), 0);
  expect_unique_row_ids(*from_checkpoint);
  auto from_json = Snapshot::load(fs_, "t", 1);
  ASSERT_TRUE(from_json.ok());
  // A writer starting from the checkpoint continues after its mark.
  auto reopened = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(reopened.ok());
  ASSERT_EQ(*append(*reopened, 60, 5), 3);
  EXPECT_EQ(commit_actions(3).adds.front().base_row_id, 60);
  auto latest = Snapshot::load(fs_, "t");
  ASSERT_TRUE(latest.ok());
  expect_unique_row_ids(*latest);

  const std::string file = (dir_ / "t" / checkpoint_file_path(2)).string();
  auto duck = duckdb_sql(
      "SELECT sum(add.baseRowId) AS bases, min(add.defaultRowCommitVersion) AS v1, "
      "max(add.defaultRowCommitVersion) AS v2, max(domainMetadata.configuration) AS mark "
      "FROM read_parquet('" +
      file + "')");
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  int64_t bases = 0;
  for (const LiveFile& f : from_checkpoint->files()) bases += *f.add.base_row_id;
  EXPECT_EQ(duckdb_int((*duck)[0]["bases"]), bases);
  EXPECT_EQ(duckdb_int((*duck)[0]["v1"]), 1);
  EXPECT_EQ(duckdb_int((*duck)[0]["v2"]), 2);
  EXPECT_EQ((*duck)[0]["mark"], R"({"rowIdHighWaterMark":59})");
  // DuckDB reads the data files: as many rows as numbered.
  std::string list;
  for (const LiveFile& f : latest->files()) {
    list += (list.empty() ? "'" : ",'") + (dir_ / f.path).string() + "'";
  }
  auto rows = duckdb_sql("SELECT count(*) AS n FROM read_parquet([" + list + "])");
  ASSERT_TRUE(rows);
  EXPECT_EQ(duckdb_int((*rows)[0]["n"]), 65);
}

TEST_F(RowTrackingTest, SuspendedRowTrackingAssignsNothing) {
  create_table(R"({"delta.rowTrackingSuspended":"true"})");
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE(append(*table, 0, 10).ok());
  CommitActions c = commit_actions(1);
  EXPECT_FALSE(c.adds.front().base_row_id);
  EXPECT_TRUE(c.domain_metadata.empty());
}

TEST_F(RowTrackingTest, AFileWithoutNumRecordsCannotBeNumbered) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  Transaction t = table->begin();
  AddFile add;
  add.path = "SupplierId=1/x.parquet";
  add.size = 1;
  t.add_file(add);
  auto st = t.commit("WRITE").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.to_string();
  EXPECT_NE(st.message().find("numRecords"), std::string::npos);
  EXPECT_NE(st.message().find("x.parquet"), std::string::npos);
  EXPECT_FALSE(*fs_->exists("t/" + commit_file_path(1)));
}

TEST_F(RowTrackingTest, OptimizeOfSupportedButNotEnabledRowTrackingGivesFreshIds) {
  create_table("{}");  // rowTracking in the protocol, delta.enableRowTracking not set
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE(append(*table, 0, 10).ok());
  ASSERT_TRUE(append(*table, 10, 10).ok());
  auto before = Snapshot::load(fs_, "t");
  ASSERT_TRUE(before.ok());
  auto result = optimize_table(fs_, "t", {});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  ASSERT_TRUE(result->version);
  CommitActions c = commit_actions(*result->version);
  ASSERT_EQ(c.removes.size(), 6u);
  for (const RemoveFile& r : c.removes) {
    const auto it = std::find_if(before->files().begin(), before->files().end(),
                                 [&](const LiveFile& f) { return f.add.path == r.path; });
    ASSERT_NE(it, before->files().end());
    EXPECT_EQ(r.base_row_id, it->add.base_row_id) << r.path;  // the removed add's ids
    EXPECT_EQ(r.default_row_commit_version, it->add.default_row_commit_version);
  }
  ASSERT_EQ(c.adds.size(), 3u);
  for (const AddFile& a : c.adds) {
    EXPECT_GE(*a.base_row_id, 20);  // fresh, above the mark
    EXPECT_EQ(a.default_row_commit_version, *result->version);
  }
  EXPECT_EQ(mark_of(c), 39);
  auto after = Snapshot::load(fs_, "t");
  ASSERT_TRUE(after.ok());
  expect_unique_row_ids(*after);
  EXPECT_EQ(*after->total_rows(), 20);
}

/// Each row's (stable row id, row commit version) by its ObservationTime (unique per row): the
/// materialized columns where a file has a value, else the file's baseRowId + the row's
/// position and its defaultRowCommitVersion, as PROTOCOL.md tells readers to compute them.
std::map<int64_t, std::pair<int64_t, int64_t>> stable_row_ids(const Snapshot& snap) {
  const auto& conf = snap.metadata().configuration;
  const std::string id_column = conf.at("delta.rowTracking.materializedRowIdColumnName");
  const std::string version_column =
      conf.at("delta.rowTracking.materializedRowCommitVersionColumnName");
  std::map<int64_t, std::pair<int64_t, int64_t>> out;
  for (const LiveFile& f : snap.files()) {
    auto input = snap.file_system().open_input_file(f.path);
    EXPECT_TRUE(input.ok());
    auto reader = ParquetReader::open(std::move(*input));
    EXPECT_TRUE(reader.ok());
    int64_t position = 0;
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto b = (*reader)->read_row_group(rg);
      EXPECT_TRUE(b.ok());
      const ColumnPtr time = b->column_by_name("ObservationTime");
      const ColumnPtr ids = b->column_by_name(id_column);
      const ColumnPtr versions = b->column_by_name(version_column);
      for (int64_t r = 0; r < b->num_rows(); ++r, ++position) {
        const int64_t id =
            ids && ids->is_valid(r) ? ids->value<int64_t>(r) : *f.add.base_row_id + position;
        const int64_t v = versions && versions->is_valid(r) ? versions->value<int64_t>(r)
                                                            : *f.add.default_row_commit_version;
        EXPECT_TRUE(out.emplace(time->value<int64_t>(r), std::make_pair(id, v)).second);
      }
    }
  }
  return out;
}

TEST_F(RowTrackingTest, OptimizeKeepsEveryRowsStableIdAndCommitVersion) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE(append(*table, 0, 10).ok());   // version 1
  ASSERT_TRUE(append(*table, 10, 10).ok());  // version 2
  auto before = Snapshot::load(fs_, "t");
  ASSERT_TRUE(before.ok());
  const auto ids = stable_row_ids(*before);
  ASSERT_EQ(ids.size(), 20u);
  auto first = optimize_table(fs_, "t", {});
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_EQ(first->version, 3);
  auto after = Snapshot::load(fs_, "t");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->files().size(), 3u);  // one per SupplierId
  expect_unique_row_ids(*after);         // fresh ids for the new files, above the mark
  EXPECT_EQ(stable_row_ids(*after), ids);
  EXPECT_EQ(TableReader(*after).read_all({})->num_columns(), 5u);  // hidden columns stay hidden

  // A second round: the rewritten files (materialized ids) with new ones (default ids).
  ASSERT_TRUE(append(*table, 20, 10).ok());  // version 4
  auto more = Snapshot::load(fs_, "t");
  ASSERT_TRUE(more.ok());
  const auto ids2 = stable_row_ids(*more);
  ASSERT_EQ(ids2.size(), 30u);
  ASSERT_TRUE(optimize_table(fs_, "t", {}).ok());
  auto again = Snapshot::load(fs_, "t");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->files().size(), 3u);
  EXPECT_EQ(stable_row_ids(*again), ids2);
  EXPECT_EQ(*again->total_rows(), 30);

  // DuckDB reads the materialized columns of the new files.
  const std::string id_column =
      again->metadata().configuration.at("delta.rowTracking.materializedRowIdColumnName");
  std::string list;
  for (const LiveFile& f : again->files()) {
    list += (list.empty() ? "'" : ",'") + (dir_ / f.path).string() + "'";
  }
  auto duck = duckdb_sql("SELECT count(DISTINCT \"" + id_column + "\") AS n FROM read_parquet([" +
                         list + "])");
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  EXPECT_EQ(duckdb_int((*duck)[0]["n"]), 30);
}

}  // namespace
}  // namespace lakestream
