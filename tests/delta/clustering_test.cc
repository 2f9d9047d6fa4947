// Liquid clustering (PROTOCOL.md "Clustered Table"): the delta.clustering domain's columns are
// read; lakestream appends to a clustered table with statistics on the clustering columns even
// when delta.dataSkippingNumIndexedCols would leave them out (and refuses a file without them);
// OPTIMIZE's rewrites keep them; checkpoints keep the domain. The table's version 0 is written
// by hand as Databricks writes a table created with CLUSTER BY.

#include "lakestream/delta/clustering.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/stats.h"
#include "lakestream/delta/table_reader.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

using Paths = std::vector<std::vector<std::string>>;

std::map<std::string, DomainMetadataAction> clustering_domain(const std::string& configuration) {
  return {{kClusteringDomain, DomainMetadataAction{kClusteringDomain, configuration, false}}};
}

TEST(ClusteringColumns, ReadFromTheDomain) {
  auto paths = clustering_columns(
      clustering_domain(R"({"clusteringColumns":[["col-5f1"],["s","col-a2"]]})"));
  ASSERT_TRUE(paths.ok()) << paths.status().to_string();
  EXPECT_EQ(*paths, (Paths{{"col-5f1"}, {"s", "col-a2"}}));
  // The protocol's example spells each column as a string.
  EXPECT_EQ(*clustering_columns(clustering_domain(R"({"clusteringColumns":["a","b"]})")),
            (Paths{{"a"}, {"b"}}));
  EXPECT_TRUE(clustering_columns({})->empty());
  for (const char* bad : {"[]", "{}", R"({"clusteringColumns":[1]})", "not json"}) {
    auto st = clustering_columns(clustering_domain(bad)).status();
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << bad;
  }
}

TEST(ClusteringStats, CollectedPastTheIndexedColumns) {
  ParquetFileInfo info;
  info.num_rows = 2;
  auto leaf = [](std::string name, DataTypePtr type, int64_t lo, int64_t hi) {
    ParquetColumnStats c;
    c.name = std::move(name);
    c.type = std::move(type);
    c.null_count = 0;
    c.min = ParquetStatValue(lo);
    c.max = ParquetStatValue(hi);
    return c;
  };
  info.columns = {leaf("a", DataType::long_(), 1, 2), leaf("b", DataType::long_(), 3, 4),
                  leaf("c", DataType::long_(), 5, 6)};
  info.leaves = info.columns;
  const auto stats = nlohmann::json::parse(stats_json(info, 1, {{"c"}}));
  EXPECT_EQ(stats["minValues"], nlohmann::json::parse(R"({"a":1,"c":5})"));
  EXPECT_EQ(stats["nullCount"], nlohmann::json::parse(R"({"a":0,"c":0})"));
  // Without it, only the first.
  EXPECT_EQ(nlohmann::json::parse(stats_json(info, 1))["minValues"],
            nlohmann::json::parse(R"({"a":1})"));
}

class ClusteringTest : public TempTableDirTest {
 protected:
  ClusteringTest() : TempTableDirTest("clustering") {}

  /// Version 0 of "t": the meter schema (not partitioned: clustered tables are not), clustered
  /// by Measurement_Unit and ObservationTime (columns 4 and 5), statistics on the first column
  /// only.
  void create_table() {
    std::string escaped;
    for (char c : flat_meter_schema().to_json()) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    const std::string text =
        R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["clustering","domainMetadata","appendOnly","invariants"]}})"
        "\n"
        R"({"metaData":{"id":"6a1f8c5e-0c4a-4c56-9a52-2b1b0a0c9e11","format":{"provider":"parquet","options":{}},"schemaString":")" +
        escaped +
        R"(","partitionColumns":[],"configuration":{"delta.dataSkippingNumIndexedCols":"1","delta.checkpointInterval":"1000"},"createdTime":1700000000000}})"
        "\n"
        R"({"domainMetadata":{"domain":"delta.clustering","configuration":"{\"clusteringColumns\":[[\"Measurement_Unit\"],[\"ObservationTime\"]]}","removed":false}})"
        "\n";
    ASSERT_TRUE(fs_->put_if_absent("t/" + commit_file_path(0), text).ok());
  }

  /// Rows from `first` written as the table's writers write them (its indexed-column count,
  /// and the clustering columns when `with_clustering`), uncommitted.
  std::vector<AddFile> write_files(const DeltaTable& table, int64_t first, int64_t rows,
                                   bool with_clustering = true) {
    DeltaTableWriterOptions o;
    o.num_indexed_columns = num_indexed_columns(table.state().metadata->configuration);
    if (with_clustering) {
      auto columns = clustering_columns(table.state().domains);
      EXPECT_TRUE(columns.ok());
      o.always_stats_columns = *columns;
    }
    auto writer = DeltaTableWriter::make(fs_, "t", flat_meter_schema(), o);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->write(meter_batch(first, rows, 3)).ok());
    auto adds = (*writer)->finish();
    EXPECT_TRUE(adds.ok());
    return std::move(*adds);
  }

  Result<int64_t> append(DeltaTable& table, std::vector<AddFile> adds) {
    Transaction t = table.begin();
    for (AddFile& a : adds) t.add_file(std::move(a));
    return t.commit("WRITE");
  }
};

TEST_F(ClusteringTest, AppendsCarryStatisticsForTheClusteringColumns) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_EQ(*append(*table, write_files(*table, 0, 20)), 1);
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  EXPECT_EQ(*clustering_columns(snap->domain_metadata()),
            (Paths{{"Measurement_Unit"}, {"ObservationTime"}}));
  ASSERT_EQ(snap->files().size(), 1u);
  const auto stats = nlohmann::json::parse(snap->files()[0].add.stats);
  EXPECT_TRUE(stats["nullCount"].contains("MeterId"));       // the one indexed column
  EXPECT_FALSE(stats["nullCount"].contains("SupplierId"));   // past it
  EXPECT_EQ(stats["minValues"]["Measurement_Unit"], "kWH");  // clustering columns
  EXPECT_TRUE(stats["maxValues"].contains("ObservationTime"));
  EXPECT_TRUE(snap->files()[0].add.clustering_provider.empty());  // appended unclustered

  // Skipping on a clustering column works from those statistics.
  TableReader reader(*snap);
  ScanOptions o;
  o.filters = {{"Measurement_Unit", "MWh"}};
  auto scan = reader.scan(o);
  ASSERT_TRUE(scan.ok());
  RecordBatch b;
  EXPECT_FALSE(*scan->next(&b));
  EXPECT_EQ(scan->metrics().files_skipped_by_stats, 1);
  EXPECT_EQ(reader.read_all({})->num_rows(), 20);
}

TEST_F(ClusteringTest, AFileWithoutThemIsRefusedByName) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  auto st = append(*table, write_files(*table, 0, 20, /*with_clustering=*/false)).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.to_string();
  EXPECT_NE(st.message().find("clustering column Measurement_Unit"), std::string::npos)
      << st.message();
  EXPECT_FALSE(*fs_->exists("t/" + commit_file_path(1)));
}

TEST_F(ClusteringTest, OptimizeAndCheckpointsKeepWhatClusteringNeeds) {
  create_table();
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE(append(*table, write_files(*table, 0, 20)).ok());
  ASSERT_TRUE(append(*table, write_files(*table, 20, 20)).ok());
  auto optimized = optimize_table(fs_, "t", {});
  ASSERT_TRUE(optimized.ok()) << optimized.status().to_string();
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_TRUE(
      nlohmann::json::parse(snap->files()[0].add.stats)["nullCount"].contains("ObservationTime"));
  ASSERT_TRUE(write_checkpoint_at(fs_, "t", snap->version()).ok());
  auto from_checkpoint = Snapshot::load(fs_, "t");
  ASSERT_TRUE(from_checkpoint.ok());
  ASSERT_TRUE(from_checkpoint->checkpoint());
  EXPECT_EQ(*clustering_columns(from_checkpoint->domain_metadata()),
            (Paths{{"Measurement_Unit"}, {"ObservationTime"}}));
  EXPECT_EQ(*from_checkpoint->total_rows(), 40);
}

}  // namespace
}  // namespace lakestream
