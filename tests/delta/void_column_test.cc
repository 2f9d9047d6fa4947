// The void type (Spark's NullType, from `CREATE TABLE ... AS SELECT NULL`): the schema parses,
// and the column, which Delta leaves out of data files, reads as all null.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lakestream/batch/show.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

TEST(VoidType, ParsesFromSparkJsonAndDdlAndRoundTrips) {
  const std::string json =
      R"({"type":"struct","fields":[{"name":"n","type":"void","nullable":true,"metadata":{}},)"
      R"({"name":"s","type":{"type":"struct","fields":[{"name":"v","type":"void","nullable":true,)"
      R"("metadata":{}}]},"nullable":true,"metadata":{}}]})";
  auto schema = Schema::from_json(json);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(schema->field(0).type->id(), TypeId::kNull);
  EXPECT_EQ(schema->field(1).type->simple_string(), "struct<v:void>");
  EXPECT_EQ(schema->to_json(), json);
  auto ddl = Schema::from_ddl("a VOID, b INT");
  ASSERT_TRUE(ddl.ok()) << ddl.status().to_string();
  EXPECT_EQ(ddl->field(0).type->id(), TypeId::kNull);
}

TEST(VoidType, AVoidColumnOfADeltaTableReadsAsNull) {
  const fs::path dir = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "void_column" / "table";
  fs::remove_all(dir);
  fs::create_directories(dir / "_delta_log");
  // The data file has only `id`, as Spark writes a table with a void column.
  Schema file_schema = Schema().add("id", DataType::long_());
  LocalFileSystem local(dir.string());
  auto out = local.open_output_stream("part-0.parquet");
  ASSERT_TRUE(out.ok());
  auto writer = ParquetWriter::open(std::move(*out), file_schema);
  ASSERT_TRUE(writer.ok());
  ColumnPtr ids = Column::make(DataType::long_());
  for (int64_t v = 0; v < 3; ++v) ids->append<int64_t>(v);
  ASSERT_TRUE((*writer)->write(RecordBatch(file_schema, {ids})).ok());
  auto info = (*writer)->close();
  ASSERT_TRUE(info.ok());
  const Schema table_schema =
      Schema().add("id", DataType::long_()).add("nothing", DataType::null_());
  nlohmann::json meta = {
      {"id", "t"},
      {"format", {{"provider", "parquet"}, {"options", nlohmann::json::object()}}},
      {"schemaString", table_schema.to_json()},
      {"partitionColumns", nlohmann::json::array()},
      {"configuration", nlohmann::json::object()}};
  nlohmann::json add = {{"path", "part-0.parquet"},
                        {"partitionValues", nlohmann::json::object()},
                        {"size", info->file_size},
                        {"modificationTime", 1},
                        {"dataChange", true}};
  std::ofstream(dir / "_delta_log" / "00000000000000000000.json")
      << R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})"
      << "\n"
      << nlohmann::json{{"metaData", meta}}.dump() << "\n"
      << nlohmann::json{{"add", add}}.dump() << "\n";
  auto table = TableReader::open(dir.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->schema().field(1).type->simple_string(), "void");
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows(), 3);
  ColumnPtr nothing = all->column_by_name("nothing");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->type()->id(), TypeId::kNull);
  EXPECT_EQ(nothing->null_count(), 3);
  EXPECT_EQ(cell_string(*nothing, 0), "null");
  EXPECT_EQ(cell_string(*all->column_by_name("id"), 2), "2");
}

}  // namespace
}  // namespace lakestream
