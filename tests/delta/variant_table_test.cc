// A Delta table with a variant column (tests/data/variant-table, its data file from
// parquet-testing's shredded_variant case 83; see tests/data/README.md): read, its variant
// column is JSON text; written to, it is refused rather than filled with strings.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "lakestream/batch/show.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

const fs::path kTable = fs::path(LAKESTREAM_SOURCE_DIR) / "tests" / "data" / "variant-table";

TEST(VariantTable, ShowsTheVariantColumnAsJsonText) {
  auto table = TableReader::open(kTable.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->snapshot().schema().to_ddl(), "id INT NOT NULL,var STRING");
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows(), 4);
  ColumnPtr var = all->column_by_name("var");
  ASSERT_TRUE(var);
  // cases.json, case 83 (testMixedRecords): a SQL null, then three shredded objects, written
  // back in key order.
  EXPECT_TRUE(var->is_null(0));
  EXPECT_EQ(var->string_value(1), "{\"c\":{\"b\":\"iceberg\"}}");
  EXPECT_EQ(var->string_value(2), "{\"c\":8,\"d\":-0.0}");
  EXPECT_EQ(var->string_value(3), "{\"c\":{\"a\":34,\"b\":\"\"},\"d\":0.0}");
  EXPECT_EQ(show_string(*all, 20, 0),
            "+---+-----------------------------+\n"
            "|id |var                          |\n"
            "+---+-----------------------------+\n"
            "|0  |null                         |\n"
            "|1  |{\"c\":{\"b\":\"iceberg\"}}        |\n"
            "|2  |{\"c\":8,\"d\":-0.0}             |\n"
            "|3  |{\"c\":{\"a\":34,\"b\":\"\"},\"d\":0.0}|\n"
            "+---+-----------------------------+\n");
}

TEST(VariantTable, WritersRefuseIt) {
  auto local = std::make_shared<LocalFileSystem>(kTable.parent_path().string());
  auto table = DeltaTable::open(local, kTable.filename().string());
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(table.status().message().find("[var] have the variant type"), std::string::npos)
      << table.status().to_string();
}

}  // namespace
}  // namespace lakestream
