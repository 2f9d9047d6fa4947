#include "lakestream/delta/table_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "delta/meter_rows.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/partition.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

/// Options partitioned by `columns`, with an optional target file size.
DeltaTableWriterOptions by(std::vector<std::string> columns, int64_t target = 128LL << 20) {
  DeltaTableWriterOptions options;
  options.partition_columns = std::move(columns);
  options.target_file_bytes = target;
  return options;
}

class TableWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "table_writer" /
           (std::string(info->name()) + "." + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs_ = std::make_shared<LocalFileSystem>(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<DeltaTableWriter> make_writer(DeltaTableWriterOptions options) {
    auto w = DeltaTableWriter::make(fs_, "t", flat_meter_schema(), std::move(options));
    EXPECT_TRUE(w.ok()) << w.status().to_string();
    return w.ok() ? std::move(*w) : nullptr;
  }

  /// Every regular file under the table (temporary files included), relative to it.
  std::set<std::string> files_on_disk() const {
    std::set<std::string> out;
    if (!fs::exists(dir_ / "t")) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "t")) {
      if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir_ / "t").string());
    }
    return out;
  }

  fs::path dir_;
  std::shared_ptr<LocalFileSystem> fs_;
};

TEST_F(TableWriterTest, PartitionSplitPutsEachSupplierInItsFolder) {
  auto writer = make_writer(by({"SupplierId"}));
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(writer->file_schema().size(), 4u);
  EXPECT_FALSE(writer->file_schema().has_field("SupplierId"));
  ASSERT_TRUE(writer->write(meter_batch(0, 1000)).ok());
  ASSERT_TRUE(writer->write(meter_batch(1000, 1000)).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok()) << adds.status().to_string();
  ASSERT_EQ(adds->size(), 23u);  // one file per supplier: both batches went to the open files

  std::map<std::string, int64_t> rows_per_supplier;
  int64_t total = 0;
  for (const AddFile& a : *adds) {
    ASSERT_EQ(a.partition_values.size(), 1u);
    ASSERT_TRUE(a.partition_values[0].second.has_value());
    const std::string& supplier = *a.partition_values[0].second;
    EXPECT_EQ(a.path.rfind("SupplierId=" + supplier + "/part-00000-", 0), 0u) << a.path;
    EXPECT_TRUE(a.path.ends_with(".c000.snappy.parquet")) << a.path;
    EXPECT_TRUE(fs::exists(dir_ / "t" / a.path)) << a.path;
    EXPECT_EQ(static_cast<int64_t>(fs::file_size(dir_ / "t" / a.path)), a.size);
    EXPECT_TRUE(a.data_change);
    EXPECT_GT(a.modification_time, 1600000000000);
    const auto stats = nlohmann::json::parse(a.stats);
    rows_per_supplier[supplier] += stats["numRecords"].get<int64_t>();
    total += stats["numRecords"].get<int64_t>();
    EXPECT_FALSE(stats["minValues"].contains("SupplierId"));
    EXPECT_EQ(stats["nullCount"]["MeterId"], 0);
  }
  EXPECT_EQ(total, 2000);
  // Expected split computed independently of the writer.
  std::map<std::string, int64_t> expected;
  for (int64_t n = 0; n < 2000; ++n) expected[std::to_string(n * 3019 % 23)]++;
  EXPECT_EQ(rows_per_supplier, expected);
  EXPECT_EQ(writer->num_rows(), 2000);
}

TEST_F(TableWriterTest, StatsHoldMinMaxOfTheFile) {
  auto writer = make_writer({});
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->write(meter_batch(0, 500)).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  ASSERT_EQ(adds->size(), 1u);
  const AddFile& a = (*adds)[0];
  EXPECT_TRUE(a.partition_values.empty());
  EXPECT_EQ(a.path.find('/'), std::string::npos);
  const auto stats = nlohmann::json::parse(a.stats);
  EXPECT_EQ(stats["numRecords"], 500);
  EXPECT_EQ(stats["minValues"]["Measurement_Value"], 0);
  EXPECT_EQ(stats["maxValues"]["Measurement_Value"], 58);
  EXPECT_EQ(stats["minValues"]["ObservationTime"], "2021-01-19T10:33:00.000Z");
  EXPECT_EQ(stats["maxValues"]["ObservationTime"], "2021-01-19T10:41:19.000Z");
  EXPECT_EQ(stats["minValues"]["Measurement_Unit"], "kWH");
  EXPECT_EQ(stats["nullCount"]["SupplierId"], 0);
  EXPECT_EQ(writer->bytes_written(), a.size);
}

TEST_F(TableWriterTest, RollsToANewFilePastTheTargetSize) {
  DeltaTableWriterOptions options;
  options.target_file_bytes = 16 << 10;
  options.parquet.compression = ParquetCompression::kNone;
  options.parquet.page_target_bytes = 4 << 10;
  auto writer = make_writer(options);
  ASSERT_NE(writer, nullptr);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(writer->write(meter_batch(i * 1000, 1000)).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  ASSERT_GT(adds->size(), 3u);
  int64_t total = 0;
  std::set<std::string> paths;
  for (const AddFile& a : *adds) {
    total += nlohmann::json::parse(a.stats)["numRecords"].get<int64_t>();
    paths.insert(a.path);
    EXPECT_TRUE(a.path.ends_with(".c000.parquet")) << a.path;  // no codec infix
  }
  EXPECT_EQ(total, 20000);
  EXPECT_EQ(paths.size(), adds->size());
}

TEST_F(TableWriterTest, AbortDeletesEveryFileWritten) {
  DeltaTableWriterOptions options;
  options.partition_columns = {"SupplierId"};
  options.target_file_bytes = 1;  // every write closes its files: some closed, then more open
  auto writer = make_writer(options);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->write(meter_batch(0, 100, 3)).ok());
  ASSERT_FALSE(files_on_disk().empty());
  writer->abort();
  EXPECT_EQ(files_on_disk(), std::set<std::string>{});
  writer->abort();  // twice is fine
}

TEST_F(TableWriterTest, AbortAfterFinishUndoesAFailedCommit) {
  auto writer = make_writer(by({"SupplierId"}));
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->write(meter_batch(0, 100, 4)).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  EXPECT_EQ(files_on_disk().size(), 4u);
  writer->abort();
  EXPECT_TRUE(files_on_disk().empty());
}

TEST_F(TableWriterTest, DroppedWriterLeavesNoFiles) {
  {
    auto writer = make_writer(by({"SupplierId"}, 1));
    ASSERT_NE(writer, nullptr);
    ASSERT_TRUE(writer->write(meter_batch(0, 50, 2)).ok());
  }
  EXPECT_TRUE(files_on_disk().empty());
}

TEST_F(TableWriterTest, EmptyBatchWritesNoFile) {
  auto writer = make_writer(by({"SupplierId"}));
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->write(RecordBatch::make_empty(flat_meter_schema())).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  EXPECT_TRUE(adds->empty());
  EXPECT_TRUE(files_on_disk().empty());
}

TEST_F(TableWriterTest, NullPartitionValueGoesToHiveDefaultPartition) {
  auto writer = make_writer(by({"SupplierId"}));
  ASSERT_NE(writer, nullptr);
  RecordBatch batch = meter_batch(0, 100, 2, /*null_supplier_every_10th=*/true);
  // And an empty string, which Spark also turns into null.
  batch.mutable_column(0).append_string("x");
  batch.mutable_column(1).append_string("");
  batch.mutable_column(2).append_decimal(1);
  batch.mutable_column(3).append_null();
  batch.mutable_column(4).append<int64_t>(0);
  ASSERT_TRUE(writer->write(batch).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  int64_t null_rows = 0;
  for (const AddFile& a : *adds) {
    if (a.partition_values[0].second.has_value()) continue;
    EXPECT_EQ(a.path.rfind("SupplierId=__HIVE_DEFAULT_PARTITION__/", 0), 0u) << a.path;
    null_rows += nlohmann::json::parse(a.stats)["numRecords"].get<int64_t>();
  }
  EXPECT_EQ(null_rows, 11);  // rows 0, 10, ..., 90 and the "" row
}

TEST_F(TableWriterTest, EscapesPartitionValuesAndEncodesThePath) {
  auto writer = make_writer(by({"SupplierId"}));
  ASSERT_NE(writer, nullptr);
  RecordBatch batch = RecordBatch::make_empty(flat_meter_schema());
  for (const char* supplier : {"../x", "a b%"}) {
    batch.mutable_column(0).append_string("1");
    batch.mutable_column(1).append_string(supplier);
    batch.mutable_column(2).append_decimal(1);
    batch.mutable_column(3).append_string("kWH");
    batch.mutable_column(4).append<int64_t>(0);
  }
  ASSERT_TRUE(writer->write(batch).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  std::set<std::string> folders;
  for (const AddFile& a : *adds) {
    folders.insert(a.path.substr(0, a.path.find('/')));
    auto decoded = decode_add_path(a.path);
    ASSERT_TRUE(decoded.ok());
    EXPECT_TRUE(fs::exists(dir_ / "t" / *decoded)) << *decoded;
  }
  EXPECT_EQ(folders, (std::set<std::string>{"SupplierId=..%252Fx", "SupplierId=a%20b%2525"}));
}

TEST_F(TableWriterTest, TwoPartitionColumnsNestFolders) {
  auto writer = make_writer(by({"Measurement_Unit", "SupplierId"}));
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->write(meter_batch(0, 10, 2)).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  ASSERT_EQ(adds->size(), 2u);
  for (const AddFile& a : *adds) {
    EXPECT_EQ(a.path.rfind("Measurement_Unit=kWH/SupplierId=", 0), 0u) << a.path;
    ASSERT_EQ(a.partition_values.size(), 2u);
    EXPECT_EQ(a.partition_values[0].first, "Measurement_Unit");
  }
}

TEST_F(TableWriterTest, AddsCommitAndReplay) {
  auto writer = make_writer(by({"SupplierId"}));
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->write(meter_batch(0, 100)).ok());
  auto adds = writer->finish();
  ASSERT_TRUE(adds.ok());
  auto table = DeltaTable::open_or_create(fs_, "t", {flat_meter_schema(), {"SupplierId"}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  Transaction t = table->begin();
  for (AddFile& a : *adds) t.add_file(std::move(a));
  t.set_txn("app", 0);
  auto version = t.commit("WRITE", {{"mode", "Append"}});
  ASSERT_TRUE(version.ok()) << version.status().to_string();
  EXPECT_EQ(*version, 0);
  auto log = read_log(*fs_, "t");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->txn_versions.at("app"), 0);
}

struct BadOptionsCase {
  std::string name;
  std::vector<std::string> partition_columns;
  std::string message;
};

class TableWriterBadOptions : public TableWriterTest,
                              public ::testing::WithParamInterface<BadOptionsCase> {};

TEST_P(TableWriterBadOptions, AreRefusedNamingTheColumn) {
  auto w = DeltaTableWriter::make(fs_, "t", flat_meter_schema(), by(GetParam().partition_columns));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find(GetParam().message), std::string::npos)
      << w.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TableWriterBadOptions,
    ::testing::Values(
        BadOptionsCase{"MissingColumn", {"Nope"}, "partition column 'Nope' is not in the schema"},
        BadOptionsCase{"Repeated", {"SupplierId", "SupplierId"}, "given twice"},
        BadOptionsCase{
            "EveryColumn",
            {"MeterId", "SupplierId", "Measurement_Value", "Measurement_Unit", "ObservationTime"},
            "every column"}),
    [](const auto& info) { return info.param.name; });

TEST_F(TableWriterTest, BatchOfAnotherSchemaIsRefused) {
  auto writer = make_writer({});
  ASSERT_NE(writer, nullptr);
  RecordBatch other = RecordBatch::make_empty(Schema().add("x", DataType::int_()));
  const Status st = writer->write(other);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("1 columns"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace lakestream
