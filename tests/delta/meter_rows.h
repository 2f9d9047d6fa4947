#pragma once
// Test rows for the delta module's tests: the flattened meter schema and rows like the data
// generator's, so tables of known content can be written and checked.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "lakestream/batch/record_batch.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {

inline Schema flat_meter_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string())
      .add("Measurement_Value", DataType::decimal(10, 0), false)
      .add("Measurement_Unit", DataType::string())
      .add("ObservationTime", DataType::timestamp(), false);
}

/// `rows` meter rows like the data generator's: v = n*3019, supplier v % `suppliers`.
inline RecordBatch meter_batch(int64_t first, int64_t rows, int suppliers = 23,
                               bool null_supplier_every_10th = false) {
  RecordBatch batch = RecordBatch::make_empty(flat_meter_schema());
  for (int64_t n = first; n < first + rows; ++n) {
    const int64_t v = n * 3019;
    batch.mutable_column(0).append_string(std::to_string(v % 127));
    if (null_supplier_every_10th && n % 10 == 0) {
      batch.mutable_column(1).append_null();
    } else {
      batch.mutable_column(1).append_string(std::to_string(v % suppliers));
    }
    batch.mutable_column(2).append_decimal(v % 59);
    batch.mutable_column(3).append_string("kWH");
    batch.mutable_column(4).append<int64_t>(1611052380000000 + n * 1000000);
  }
  return batch;
}

/// A fresh folder per test under <build>/test_tmp/<area>/<test>.<pid> (removed after), and local
/// disk rooted there.
class TempTableDirTest : public ::testing::Test {
 protected:
  explicit TempTableDirTest(std::string area) : area_(std::move(area)) {}
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / area_ /
           (std::string(info->name()) + "." + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    fs_ = std::make_shared<LocalFileSystem>(dir_.string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// `commits` appends to the table "t" (created partitioned by SupplierId with `conf`), each
  /// of `rows` meter rows over `suppliers` values starting at row `first`, one commit each;
  /// with `app_id`, each commit also carries the next txn version of it, as a stream's does.
  void append_commits(int commits, int64_t rows, int suppliers, int64_t first = 0,
                      const std::string& app_id = "",
                      std::map<std::string, std::string> conf = {}) {
    auto table = DeltaTable::open_or_create(fs_, "t", {flat_meter_schema(), {"SupplierId"}, conf});
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    for (int c = 0; c < commits; ++c) {
      DeltaTableWriterOptions o;
      o.partition_columns = {"SupplierId"};
      auto writer = DeltaTableWriter::make(fs_, "t", flat_meter_schema(), o);
      ASSERT_TRUE(writer.ok());
      ASSERT_TRUE((*writer)->write(meter_batch(first + c * rows, rows, suppliers)).ok());
      auto adds = (*writer)->finish();
      ASSERT_TRUE(adds.ok());
      Transaction t = table->begin();
      for (AddFile& a : *adds) t.add_file(std::move(a));
      if (!app_id.empty()) t.set_txn(app_id, table->txn_version(app_id).value_or(-1) + 1);
      ASSERT_TRUE(t.commit("WRITE").ok());
    }
    ASSERT_TRUE(table->wait_for_checkpoint().ok());
  }

  std::string area_;
  std::filesystem::path dir_;
  std::shared_ptr<LocalFileSystem> fs_;
};

}  // namespace lakestream
