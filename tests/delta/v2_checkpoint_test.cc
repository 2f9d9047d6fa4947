// V2 checkpoints (the v2Checkpoint table feature, PROTOCOL.md "V2 Spec") and domain metadata:
// tables are written with our writer, then upgraded and given domains by hand-written commits
// as Spark/Databricks write them; v2 checkpoints are written by our checkpoint writer (a
// UUID-named Parquet one) and assembled here into the other forms the protocol allows (a
// UUID-named JSON checkpoint whose add and remove actions live in sidecar Parquet files, a
// classic-named v2-spec checkpoint). Each must read exactly as replaying the JSON commits does,
// with time travel, partition pruning and statistics skipping; DuckDB reads the Parquet files.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <regex>
#include <string>
#include <vector>

#include "duckdb_sql.h"
#include "lakestream/batch/take.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/uuid.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/parquet/parquet_writer.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

constexpr const char* kV2Protocol =
    R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint"],)"
    R"("writerFeatures":["v2Checkpoint","domainMetadata","appendOnly","invariants"]}})";

class V2CheckpointTest : public TempTableDirTest {
 protected:
  V2CheckpointTest() : TempTableDirTest("v2_checkpoint") {}

  fs::path log_dir() const { return dir_ / "t" / "_delta_log"; }

  void put_commit(int64_t version, const std::string& text) {
    ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(version), text).ok());
  }

  /// Versions 0-2: three appends of 40 rows over 3 suppliers (ours, protocol 1/2). Version 3:
  /// the table is upgraded to v2 checkpoints and domain metadata and gets three domains.
  /// Version 4: one of them is removed, another replaced, and a data file is removed.
  void build_table() {
    append_commits(3, 40, 3, 0, "app", {{"delta.checkpointInterval", "1000"}});
    put_commit(
        3,
        std::string(kV2Protocol) + "\n" +
            R"({"domainMetadata":{"domain":"com.example.kept","configuration":"{\"a\":1}","removed":false}})"
            "\n"
            R"({"domainMetadata":{"domain":"com.example.gone","configuration":"x","removed":false}})"
            "\n"
            R"({"domainMetadata":{"domain":"delta.clustering","configuration":"{\"clusteringColumns\":[]}","removed":false}})"
            "\n");
    auto snap = Snapshot::load(fs_, "t");
    ASSERT_TRUE(snap.ok()) << snap.status().to_string();
    removed_ = snap->files().front().add.path;
    put_commit(
        4,
        R"({"domainMetadata":{"domain":"com.example.gone","configuration":"x","removed":true}})"
        "\n"
        R"({"domainMetadata":{"domain":"delta.clustering","configuration":"{\"clusteringColumns\":[[\"MeterId\"]]}","removed":false}})"
        "\n"
        R"({"remove":{"path":")" +
            removed_ + R"(","deletionTimestamp":1700000000000,"dataChange":true}})" + "\n");
  }

  /// The checkpoint files in _delta_log/ (names).
  std::vector<std::string> checkpoint_names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(log_dir())) {
      if (checkpoint_file_ref(e.path().filename().string())) {
        out.push_back(e.path().filename().string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  /// The snapshot at `version` replayed from the JSON commits only (checkpoints hidden).
  Snapshot json_replay(std::optional<int64_t> version = std::nullopt) {
    const fs::path hidden = dir_ / "hidden";
    fs::create_directories(hidden);
    for (const std::string& name : checkpoint_names()) fs::rename(log_dir() / name, hidden / name);
    auto snap = Snapshot::load(fs_, "t", version);
    EXPECT_TRUE(snap.ok()) << snap.status().to_string();
    EXPECT_FALSE(snap->checkpoint());
    for (const auto& e : fs::directory_iterator(hidden)) {
      fs::rename(e.path(), log_dir() / e.path().filename());
    }
    return std::move(*snap);
  }

  std::string removed_;
};

void expect_same_state(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.version(), b.version());
  EXPECT_EQ(a.protocol(), b.protocol());
  EXPECT_EQ(a.metadata().id, b.metadata().id);
  EXPECT_EQ(a.txn_versions(), b.txn_versions());
  EXPECT_EQ(a.domain_metadata(), b.domain_metadata());
  ASSERT_EQ(a.files().size(), b.files().size());
  for (size_t i = 0; i < a.files().size(); ++i) {
    EXPECT_EQ(a.files()[i].path, b.files()[i].path);
    EXPECT_EQ(a.files()[i].add.stats, b.files()[i].add.stats);
    EXPECT_EQ(a.files()[i].add.size, b.files()[i].add.size);
    EXPECT_EQ(a.files()[i].add.partition_values, b.files()[i].add.partition_values);
  }
  ASSERT_EQ(a.tombstones().size(), b.tombstones().size());
  for (size_t i = 0; i < a.tombstones().size(); ++i) {
    EXPECT_EQ(a.tombstones()[i].path, b.tombstones()[i].path);
  }
}

/// Rows and scan metrics of a scan with `filters`.
std::pair<int64_t, ScanMetrics> scan_rows(const Snapshot& snap, std::vector<ScanFilter> filters) {
  TableReader reader(snap);
  ScanOptions o;
  o.filters = std::move(filters);
  auto scan = reader.scan(std::move(o));
  EXPECT_TRUE(scan.ok()) << scan.status().to_string();
  int64_t rows = 0;
  RecordBatch b;
  while (true) {
    auto more = scan->next(&b);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    rows += b.num_rows();
  }
  return {rows, scan->metrics()};
}

TEST(CheckpointNamesV2, UuidNamedJsonAndParquet) {
  const std::string json =
      "00000000000000000012.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json";
  auto ref = checkpoint_file_ref("t/_delta_log/" + json);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->version, 12);
  EXPECT_EQ(ref->num_parts, 1);
  EXPECT_EQ(ref->uuid_file, json);
  auto parquet = checkpoint_file_ref(
      "00000000000000000020.checkpoint.016ae953-37a9-438e-8683-9a9a4a79a395.parquet");
  ASSERT_TRUE(parquet);
  EXPECT_EQ(parquet->version, 20);
  EXPECT_FALSE(checkpoint_file_ref("00000000000000000020.checkpoint.not-a-uuid!.parquet"));
  EXPECT_FALSE(checkpoint_file_ref("00000000000000000020.checkpoint.abc.crc"));
  EXPECT_TRUE(checkpoint_file_ref("00000000000000000010.checkpoint.parquet")->uuid_file.empty());
}

TEST_F(V2CheckpointTest, DomainMetadataIsReplayedLatestWinsAndRemovedDrops) {
  build_table();
  auto v3 = Snapshot::load(fs_, "t", 3);
  ASSERT_TRUE(v3.ok()) << v3.status().to_string();
  EXPECT_EQ(v3->domain_metadata().size(), 3u);
  ASSERT_NE(v3->domain("com.example.gone"), nullptr);
  auto v4 = Snapshot::load(fs_, "t");
  ASSERT_TRUE(v4.ok()) << v4.status().to_string();
  EXPECT_EQ(v4->domain_metadata().size(), 2u);
  EXPECT_EQ(v4->domain("com.example.gone"), nullptr);
  ASSERT_NE(v4->domain("delta.clustering"), nullptr);
  EXPECT_EQ(v4->domain("delta.clustering")->configuration,
            R"({"clusteringColumns":[["MeterId"]]})");
  EXPECT_EQ(v4->domain("com.example.kept")->configuration, R"({"a":1})");
  // Before the upgrade there are none.
  auto v2 = Snapshot::load(fs_, "t", 2);
  ASSERT_TRUE(v2.ok());
  EXPECT_TRUE(v2->domain_metadata().empty());
}

TEST_F(V2CheckpointTest, OurCheckpointOfAV2TableIsUuidNamedAndReadsAsTheLog) {
  build_table();
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 4).ok());
  const auto names = checkpoint_names();
  ASSERT_EQ(names.size(), 1u);
  const std::string name = names[0];
  EXPECT_TRUE(std::regex_match(
      name, std::regex(R"(00000000000000000004\.checkpoint\.[0-9a-f-]{36}\.parquet)")))
      << name;
  auto last = nlohmann::json::parse(*fs_->read_file("t/_delta_log/_last_checkpoint"));
  EXPECT_EQ(last["version"], 4);
  EXPECT_EQ(last["v2Checkpoint"]["path"], name);
  EXPECT_EQ(last["v2Checkpoint"]["sizeInBytes"].get<int64_t>(),
            static_cast<int64_t>(fs::file_size(log_dir() / name)));

  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_TRUE(snap->checkpoint());
  EXPECT_EQ(snap->checkpoint()->uuid_file, name);
  EXPECT_EQ(snap->commits_replayed(), 0);
  expect_same_state(*snap, json_replay());
  EXPECT_EQ(snap->domain_metadata().size(), 2u);
  EXPECT_EQ(snap->tombstones().size(), 1u);

  // Time travel before the checkpoint replays the commits.
  auto v3 = Snapshot::load(fs_, "t", 3);
  ASSERT_TRUE(v3.ok());
  EXPECT_FALSE(v3->checkpoint());
  EXPECT_EQ(v3->files().size(), snap->files().size() + 1);

  auto duck = duckdb_sql(
      "SELECT count(checkpointMetadata) AS cm, max(checkpointMetadata.version) AS v, "
      "count(domainMetadata) AS dm, count(add) AS adds, count(remove) AS removes, "
      "count(protocol) AS p, max(list_contains(protocol.readerFeatures, 'v2Checkpoint')) AS v2 "
      "FROM read_parquet('" +
      (log_dir() / name).string() + "')");
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  const auto& row = (*duck)[0];
  EXPECT_EQ(duckdb_int(row["cm"]), 1);
  EXPECT_EQ(duckdb_int(row["v"]), 4);
  EXPECT_EQ(duckdb_int(row["dm"]), 2);
  EXPECT_EQ(duckdb_int(row["adds"]), static_cast<int64_t>(snap->files().size()));
  EXPECT_EQ(duckdb_int(row["removes"]), 1);
  EXPECT_EQ(duckdb_int(row["p"]), 1);
  EXPECT_EQ(row["v2"], true);
}

TEST_F(V2CheckpointTest, ClassicCheckpointsCarryDomainMetadataToo) {
  // A table without v2Checkpoint but with domains: a classic checkpoint keeps them.
  append_commits(2, 10, 2, 0, "", {{"delta.checkpointInterval", "1000"}});
  put_commit(
      2,
      R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["domainMetadata","appendOnly","invariants"]}})"
      "\n"
      R"({"domainMetadata":{"domain":"user.domain","configuration":"{}","removed":false}})"
      "\n");
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 2).ok());
  EXPECT_EQ(checkpoint_names(),
            std::vector<std::string>{"00000000000000000002.checkpoint.parquet"});
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_TRUE(snap->checkpoint());
  ASSERT_NE(snap->domain("user.domain"), nullptr);
  expect_same_state(*snap, json_replay());
  // A checkpoint built on that one keeps them (the streamed writer's path).
  put_commit(3, R"({"txn":{"appId":"x","version":1}})"
                "\n");
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 3).ok());
  auto again = Snapshot::load(fs_, "t");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->checkpoint()->version, 3);
  ASSERT_NE(again->domain("user.domain"), nullptr);
  expect_same_state(*again, json_replay());
}

/// Write rows `indices` of the add and remove columns of `batch` as a sidecar Parquet file.
void write_sidecar(FileSystem& fs, const std::string& path, const RecordBatch& batch,
                   const std::vector<int32_t>& indices) {
  Schema schema;
  std::vector<ColumnPtr> columns;
  for (const char* name : {"add", "remove"}) {
    auto i = batch.schema().index_of(name);
    ASSERT_TRUE(i);
    schema.add(batch.schema().field(*i).name, batch.schema().field(*i).type);
    columns.push_back(batch.column(*i));
  }
  RecordBatch files = take(RecordBatch(schema, columns), indices);
  auto out = fs.open_output_stream(path);
  ASSERT_TRUE(out.ok());
  auto writer = ParquetWriter::open(std::move(*out), schema);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  ASSERT_TRUE((*writer)->write(files).ok());
  ASSERT_TRUE((*writer)->close().ok());
}

TEST_F(V2CheckpointTest, JsonCheckpointWithSidecarsReadsAsTheLog) {
  build_table();
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 4).ok());
  const std::string parquet_name = checkpoint_names().at(0);
  // Its file actions go to two sidecars; the rest to a UUID-named JSON checkpoint naming them.
  RecordBatch whole;
  {
    auto input = fs_->open_input_file("t/_delta_log/" + parquet_name);
    ASSERT_TRUE(input.ok());
    auto reader = ParquetReader::open(std::move(*input));
    ASSERT_TRUE(reader.ok()) << reader.status().to_string();
    ASSERT_EQ((*reader)->num_row_groups(), 1);
    auto batch = (*reader)->read_row_group(0);
    ASSERT_TRUE(batch.ok()) << batch.status().to_string();
    whole = std::move(*batch);
  }
  std::vector<int32_t> file_rows;
  for (int32_t r = 0; r < whole.num_rows(); ++r) {
    if (whole.column_by_name("add")->is_valid(r) || whole.column_by_name("remove")->is_valid(r)) {
      file_rows.push_back(r);
    }
  }
  ASSERT_GT(file_rows.size(), 3u);
  const size_t half = file_rows.size() / 2;
  const std::vector<std::string> sidecars = {uuid_v4() + ".parquet", uuid_v4() + ".parquet"};
  write_sidecar(*fs_, "t/_delta_log/_sidecars/" + sidecars[0], whole,
                {file_rows.begin(), file_rows.begin() + static_cast<std::ptrdiff_t>(half)});
  write_sidecar(*fs_, "t/_delta_log/_sidecars/" + sidecars[1], whole,
                {file_rows.begin() + static_cast<std::ptrdiff_t>(half), file_rows.end()});

  auto own = read_checkpoint(*fs_, "t", *checkpoint_file_ref(parquet_name));
  ASSERT_TRUE(own.ok()) << own.status().to_string();
  EXPECT_TRUE(own->checkpoint_metadata);
  own->adds.clear();
  own->removes.clear();
  for (const std::string& s : sidecars) {
    SidecarAction sc;
    sc.path = s;
    sc.size_in_bytes = static_cast<int64_t>(fs::file_size(log_dir() / "_sidecars" / s));
    sc.modification_time = 1700000000000;
    own->sidecars.push_back(sc);
  }
  const std::string json_name = "00000000000000000004.checkpoint." + uuid_v4() + ".json";
  const std::string text = serialize_commit(*own);
  EXPECT_TRUE(text.starts_with(R"({"checkpointMetadata":{"version":4,)")) << text;
  ASSERT_TRUE(fs_->write_file("t/_delta_log/" + json_name, text).ok());
  fs::remove(log_dir() / parquet_name);

  // Commit 5 after the checkpoint removes another file.
  auto before = Snapshot::load(fs_, "t", 4);
  ASSERT_TRUE(before.ok()) << before.status().to_string();
  ASSERT_TRUE(before->checkpoint());
  EXPECT_EQ(before->checkpoint()->uuid_file, json_name);
  const std::string second = before->files().back().add.path;
  put_commit(5, R"({"remove":{"path":")" + second +
                    R"(","deletionTimestamp":1700000000001,"dataChange":true}})" + "\n");

  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  EXPECT_EQ(snap->checkpoint()->uuid_file, json_name);
  EXPECT_EQ(snap->commits_replayed(), 1);
  expect_same_state(*snap, json_replay());
  expect_same_state(*before, json_replay(4));
  EXPECT_EQ(snap->files().size() + 1, before->files().size());
  EXPECT_EQ(snap->tombstones().size(), 2u);
  EXPECT_EQ(snap->domain_metadata().size(), 2u);

  // Pruning and skipping work from the sidecars' partition values and stats.
  const Snapshot replayed = json_replay();
  auto [rows, metrics] = scan_rows(*snap, {{"SupplierId", "1"}});
  auto [want_rows, want_metrics] = scan_rows(replayed, {{"SupplierId", "1"}});
  EXPECT_EQ(rows, want_rows);
  EXPECT_GT(rows, 0);
  EXPECT_GT(metrics.files_pruned_by_partition, 0);
  EXPECT_EQ(metrics.files_pruned_by_partition, want_metrics.files_pruned_by_partition);
  auto [none, skipped] = scan_rows(*snap, {{"MeterId", "zzz"}});
  EXPECT_EQ(none, 0);
  EXPECT_EQ(skipped.files_skipped_by_stats, static_cast<int64_t>(snap->files().size()));
  EXPECT_EQ(skipped.files_opened, 0);
  auto [all_rows, all_metrics] = scan_rows(*snap, {});
  EXPECT_EQ(all_rows, scan_rows(replayed, {}).first);

  // Our next checkpoint, built on the JSON one and its sidecars, is a v2 Parquet one again.
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 5).ok());
  auto from_ours = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_ours.ok()) << from_ours.status().to_string();
  EXPECT_EQ(from_ours->checkpoint()->version, 5);
  EXPECT_TRUE(from_ours->checkpoint()->uuid_file.ends_with(".parquet"));
  expect_same_state(*from_ours, *snap);

  auto duck = duckdb_sql("SELECT count(add) AS adds, count(remove) AS removes FROM read_parquet('" +
                         (log_dir() / "_sidecars" / "*.parquet").string() + "')");
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  EXPECT_EQ(duckdb_int((*duck)[0]["adds"]), static_cast<int64_t>(before->files().size()));
  EXPECT_EQ(duckdb_int((*duck)[0]["removes"]), 1);
}

TEST_F(V2CheckpointTest, AClassicNamedV2CheckpointReads) {
  build_table();
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", 4).ok());
  // The same v2-spec content under the classic name (what v2 writers leave for old readers).
  fs::rename(log_dir() / checkpoint_names().at(0),
             log_dir() / "00000000000000000004.checkpoint.parquet");
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_TRUE(snap->checkpoint());
  EXPECT_TRUE(snap->checkpoint()->uuid_file.empty());
  expect_same_state(*snap, json_replay());
}

TEST_F(V2CheckpointTest, BrokenV2CheckpointsAreErrorsNamingTheFile) {
  build_table();
  const std::string name = "00000000000000000004.checkpoint." + uuid_v4() + ".json";
  // No checkpointMetadata.
  ASSERT_TRUE(fs_->write_file("t/_delta_log/" + name, std::string(kV2Protocol) + "\n").ok());
  auto st = Snapshot::load(fs_, "t").status();
  EXPECT_EQ(st.code(), StatusCode::kCorrupt) << st.to_string();
  EXPECT_NE(st.message().find(name), std::string::npos) << st.to_string();
  EXPECT_NE(st.message().find("checkpointMetadata"), std::string::npos) << st.to_string();
  // The wrong version.
  ASSERT_TRUE(fs_->write_file("t/_delta_log/" + name, R"({"checkpointMetadata":{"version":3}})"
                                                      "\n")
                  .ok());
  st = Snapshot::load(fs_, "t").status();
  EXPECT_EQ(st.code(), StatusCode::kCorrupt) << st.to_string();
  // A sidecar that is not there.
  ASSERT_TRUE(
      fs_->write_file(
             "t/_delta_log/" + name,
             R"({"checkpointMetadata":{"version":4}})"
             "\n"
             R"({"sidecar":{"path":"missing.parquet","sizeInBytes":1,"modificationTime":1}})"
             "\n")
          .ok());
  st = Snapshot::load(fs_, "t").status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.to_string().find("missing.parquet"), std::string::npos) << st.to_string();
  // Time travel before it is unaffected.
  EXPECT_TRUE(Snapshot::load(fs_, "t", 3).ok());
}

/// Spark-written tables (delta-kernel-rs's test data, tests/data/README.md): v2 checkpoints at
/// every version, JSON or Parquet, each with two sidecars.
class SparkV2CheckpointTest : public V2CheckpointTest,
                              public ::testing::WithParamInterface<std::string> {};

TEST_P(SparkV2CheckpointTest, ReadsAsItsLogAtEveryVersionAndTakesOurAppend) {
  // A copy: the test appends to it.
  fs::copy(fs::path(LAKESTREAM_SOURCE_DIR) / "tests" / "data" / GetParam(), dir_ / "t",
           fs::copy_options::recursive);
  for (int64_t v = 0; v <= 6; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    auto snap = Snapshot::load(fs_, "t", v);
    ASSERT_TRUE(snap.ok()) << snap.status().to_string();
    if (v > 0) {
      ASSERT_TRUE(snap->checkpoint());
      EXPECT_EQ(snap->checkpoint()->version, v);
      EXPECT_FALSE(snap->checkpoint()->uuid_file.empty());
    }
    expect_same_state(*snap, json_replay(v));
    auto rows = TableReader(*snap).read_all({});
    ASSERT_TRUE(rows.ok()) << rows.status().to_string();
    EXPECT_EQ(rows->num_rows(), *snap->total_rows());
  }
  auto latest = Snapshot::load(fs_, "t");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->files().size(), 101u);
  const int64_t rows = *latest->total_rows();
  // Appending: our commit, then our v2 checkpoint (delta.checkpointInterval is 1) built on
  // Spark's checkpoint and its sidecars.
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  RecordBatch batch = RecordBatch::make_empty(latest->schema());
  for (int64_t i = 0; i < 5; ++i) batch.mutable_column(0).append<int64_t>(1000 + i);
  auto writer = DeltaTableWriter::make(fs_, "t", latest->schema(), {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write(batch).ok());
  auto adds = (*writer)->finish();
  ASSERT_TRUE(adds.ok());
  Transaction t = table->begin();
  for (AddFile& a : *adds) t.add_file(std::move(a));
  ASSERT_EQ(*t.commit("WRITE"), 7);
  ASSERT_TRUE(table->wait_for_checkpoint().ok()) << table->last_checkpoint_status().to_string();
  auto after = Snapshot::load(fs_, "t");
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  ASSERT_TRUE(after->checkpoint());
  EXPECT_EQ(after->checkpoint()->version, 7);
  EXPECT_TRUE(after->checkpoint()->uuid_file.ends_with(".parquet"));
  EXPECT_EQ(*after->total_rows(), rows + 5);
  expect_same_state(*after, json_replay());

  // DuckDB reads the same rows from the live files.
  std::string list;
  for (const LiveFile& f : after->files()) {
    list += (list.empty() ? "'" : ",'") + (dir_ / f.path).string() + "'";
  }
  auto duck = duckdb_sql("SELECT count(*) AS n, sum(id) AS s FROM read_parquet([" + list + "])");
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  auto ours = TableReader(*after).read_all({});
  ASSERT_TRUE(ours.ok());
  int64_t sum = 0;
  for (int64_t r = 0; r < ours->num_rows(); ++r) sum += ours->column(0)->value<int64_t>(r);
  EXPECT_EQ(duckdb_int((*duck)[0]["n"]), rows + 5);
  EXPECT_EQ(duckdb_int((*duck)[0]["s"]), sum);
}

INSTANTIATE_TEST_SUITE_P(DeltaKernelRs, SparkV2CheckpointTest,
                         ::testing::Values("v2-checkpoints-json-with-sidecars",
                                           "v2-checkpoints-parquet-with-sidecars"),
                         [](const auto& info) {
                           return info.param.ends_with("json-with-sidecars") ? "Json" : "Parquet";
                         });

}  // namespace
}  // namespace lakestream
