// Every Delta table in the shared testdata (written by Spark, Databricks and delta-rs) reads
// with exactly the expected rows: the Spark output in delta-expected/ where it exists (compared
// as multisets of rows, by column name), the facts of testdata/README.md otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lakestream/batch/show.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/storage/local_file_system.h"
#include "support/test_data.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::weakly_canonical(fs::path(testing::test_data_dir()));

TableReader open_table(const std::string& name, std::optional<int64_t> version = std::nullopt) {
  auto reader = TableReader::open((kData / "delta" / name).string(), version);
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  return std::move(*reader);
}

/// Each row as "col=value|col=value" over `columns` (sorted rows: a multiset).
std::vector<std::string> rows_of(const RecordBatch& batch,
                                 const std::vector<std::string>& columns) {
  std::vector<std::string> rows(static_cast<size_t>(batch.num_rows()));
  for (const std::string& name : columns) {
    ColumnPtr c = batch.column_by_name(name);
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      rows[r] += name + "=" + (c ? cell_string(*c, r) : std::string("<missing>")) + "|";
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> int_column(const RecordBatch& batch, const std::string& name) {
  std::vector<std::string> out;
  ColumnPtr c = batch.column_by_name(name);
  if (!c) return out;
  for (int64_t r = 0; r < batch.num_rows(); ++r) out.push_back(cell_string(*c, r));
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return std::stoll(a) < std::stoll(b);
  });
  return out;
}

class ExpectedTableTest : public testing::TestDataTestWithParam<std::string> {};
class DeltaConformance : public testing::TestDataTest {};

TEST_P(ExpectedTableTest, ReadsSparksRowsAsAMultiset) {
  const std::string name = GetParam();
  TableReader table = open_table(name);
  auto actual = table.read_all();
  ASSERT_TRUE(actual.ok()) << actual.status().to_string();

  LocalFileSystem local("/");
  std::vector<std::string> expected_rows;
  std::vector<std::string> columns;
  for (const Field& f : table.schema().fields()) {
    // Spark wrote this golden table in the America/Los_Angeles session time zone: its
    // expected output holds 18:11:11 UTC for the partition text "2021-09-08 11:11:11", which
    // the Delta protocol (and we) read as UTC. Checked on its own in
    // TypedPartitionValuesIncludingNull.
    if (name == "data-reader-partition-values" && f.name == "as_timestamp") continue;
    columns.push_back(f.name);
  }
  int64_t expected_count = 0;
  for (const auto& entry : fs::directory_iterator(kData / "delta-expected" / name)) {
    if (entry.path().extension() != ".parquet") continue;
    auto input = local.open_input_file(entry.path().string());
    ASSERT_TRUE(input.ok()) << input.status().to_string();
    auto reader = ParquetReader::open(std::move(*input));
    ASSERT_TRUE(reader.ok()) << reader.status().to_string();
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto batch = (*reader)->read_row_group(rg);
      ASSERT_TRUE(batch.ok()) << batch.status().to_string();
      auto rows = rows_of(*batch, columns);
      expected_rows.insert(expected_rows.end(), rows.begin(), rows.end());
      expected_count += batch->num_rows();
    }
  }
  std::sort(expected_rows.begin(), expected_rows.end());
  ASSERT_GT(expected_count, 0);
  EXPECT_EQ(actual->num_rows(), expected_count);
  EXPECT_EQ(rows_of(*actual, columns), expected_rows);
}

INSTANTIATE_TEST_SUITE_P(DeltaExpected, ExpectedTableTest,
                         ::testing::Values("basic-with-inserts-deletes-checkpoint",
                                           "data-reader-partition-values",
                                           "decimal-various-scale-precision"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST_F(DeltaConformance, SimpleTableHasOnlyTheLiveFiles) {
  TableReader table = open_table("simple_table");
  EXPECT_EQ(table.snapshot().files().size(), 5u);  // 37 files on disk
  auto batch = table.read_all();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  EXPECT_EQ(int_column(*batch, "id"), (std::vector<std::string>{"5", "7", "9"}));
}

TEST_F(DeltaConformance, SimpleTableTimeTravel) {
  TableReader v0 = open_table("simple_table", 0);
  auto batch = v0.read_all();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  EXPECT_EQ(int_column(*batch, "id"), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(v0.snapshot().version(), 0);
  auto missing = TableReader::open((kData / "delta" / "simple_table").string(), 99);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("newest is 4"), std::string::npos)
      << missing.status().message();
}

TEST_F(DeltaConformance, SimpleTableWithCheckpointStartsFromIt) {
  TableReader table = open_table("simple_table_with_checkpoint");
  ASSERT_TRUE(table.snapshot().checkpoint().has_value());
  EXPECT_EQ(table.snapshot().checkpoint()->version, 10);
  EXPECT_EQ(table.snapshot().commits_replayed(), 0);
  auto batch = table.read_all();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  EXPECT_EQ(batch->num_rows(), 11);
}

TEST_F(DeltaConformance, BasicWithInsertsDeletesCheckpointHas41Ids) {
  TableReader table = open_table("basic-with-inserts-deletes-checkpoint");
  ASSERT_TRUE(table.snapshot().checkpoint().has_value());
  EXPECT_EQ(table.snapshot().checkpoint()->version, 10);
  EXPECT_EQ(table.snapshot().version(), 13);
  EXPECT_EQ(table.snapshot().commits_replayed(), 3);
  auto batch = table.read_all();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  std::vector<std::string> expected;
  for (int block : {0, 10, 20, 30, 40}) {
    for (int i = block; i < block + 5; ++i) expected.push_back(std::to_string(i));
  }
  for (int i = 50; i <= 65; ++i) expected.push_back(std::to_string(i));
  ASSERT_EQ(expected.size(), 41u);
  EXPECT_EQ(int_column(*batch, table.schema().field(0).name), expected);
}

TEST_F(DeltaConformance, Delta020ValuesAndTxnFromCheckpoint) {
  TableReader table = open_table("delta-0.2.0");
  auto batch = table.read_all();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  EXPECT_EQ(int_column(*batch, "value"), (std::vector<std::string>{"1", "1", "2", "2", "3", "3"}));
  EXPECT_FALSE(table.snapshot().txn_versions().empty());
}

TEST_F(DeltaConformance, SpecialPartitionValuesDecodedOnce) {
  TableReader table = open_table("delta-0.8.0-special-partition");
  auto batch = table.read_all();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  std::set<std::string> xs;
  ColumnPtr x = batch->column_by_name("x");
  ASSERT_NE(x, nullptr);
  for (int64_t r = 0; r < batch->num_rows(); ++r) xs.insert(cell_string(*x, r));
  EXPECT_EQ(xs, (std::set<std::string>{"A/A", "B B"}));
  // add.path "x=A%252FA/..." decodes once to the folder "x=A%2FA" (Spark's escaped "A/A").
  for (const LiveFile& f : table.snapshot().files()) {
    EXPECT_TRUE(f.path.find("/x=A%2FA/") != std::string::npos ||
                f.path.find("/x=B%20B/") != std::string::npos)
        << f.path;
    EXPECT_TRUE(fs::exists("/" + f.path)) << f.path;
  }
  ScanOptions only;
  only.filters.push_back({"x", "A/A"});
  auto filtered = table.read_all(only);
  ASSERT_TRUE(filtered.ok()) << filtered.status().to_string();
  ASSERT_GT(filtered->num_rows(), 0);
  for (int64_t r = 0; r < filtered->num_rows(); ++r) {
    EXPECT_EQ(cell_string(*filtered->column_by_name("x"), r), "A/A");
  }
}

TEST_F(DeltaConformance, TypedPartitionValuesIncludingNull) {
  TableReader table = open_table("data-reader-partition-values");
  ScanOptions opts;
  opts.columns = std::vector<std::string>{"as_int",    "as_long",      "as_byte",
                                          "as_short",  "as_boolean",   "as_float",
                                          "as_double", "as_string",    "as_string_lit_null",
                                          "as_date",   "as_timestamp", "as_big_decimal"};
  auto batch = table.read_all(opts);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  ASSERT_EQ(batch->num_rows(), 3);
  EXPECT_EQ(batch->column(0)->type()->id(), TypeId::kInt);
  EXPECT_EQ(batch->column(10)->type()->id(), TypeId::kTimestamp);
  auto rows = rows_of(*batch, *opts.columns);
  EXPECT_EQ(rows[0],
            "as_int=0|as_long=0|as_byte=0|as_short=0|as_boolean=true|as_float=0.0|"
            "as_double=0.0|as_string=0|as_string_lit_null=null|as_date=2021-09-08|"
            "as_timestamp=2021-09-08 11:11:11|as_big_decimal=0|");
  int null_rows = 0;
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    bool all_null = true;
    for (size_t c = 0; c < batch->num_columns(); ++c) all_null &= batch->column(c)->is_null(r);
    null_rows += all_null;
  }
  EXPECT_EQ(null_rows, 1);
}

TEST_F(DeltaConformance, PartitionFilterOnTypedColumnPrunesFiles) {
  TableReader table = open_table("data-reader-partition-values");
  ScanOptions opts;
  opts.filters.push_back({"as_int", "0"});
  auto scan = table.scan(opts);
  ASSERT_TRUE(scan.ok()) << scan.status().to_string();
  RecordBatch batch;
  int64_t rows = 0;
  while (true) {
    auto more = scan->next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    rows += batch.num_rows();
  }
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(scan->metrics().files_total, 3);
  EXPECT_EQ(scan->metrics().files_pruned_by_partition, 2);
  EXPECT_EQ(scan->metrics().files_opened, 1);
}

}  // namespace
}  // namespace lakestream
