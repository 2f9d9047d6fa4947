// Delta's type widening (the typeWidening table feature): a file written before the table's
// column types were widened is read in the table's types. Version 0 is written by our writer
// with the narrow types; version 1, the ALTER COLUMN ... TYPE commit Spark makes (protocol 3/7
// with typeWidening, a metaData with the wider schema), is written by hand.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/table_writer.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

class TypeWideningTest : public TempTableDirTest {
 protected:
  TypeWideningTest() : TempTableDirTest("type_widening") {}
};

TEST_F(TypeWideningTest, OldFilesReadInTheWidenedTypes) {
  const Schema narrow = Schema()
                            .add("b", DataType::byte())
                            .add("i", DataType::int_())
                            .add("f", DataType::float_())
                            .add("d", DataType::decimal(5, 2))
                            .add("day", DataType::date())
                            .add("s", DataType::struct_({Field{"n", DataType::short_()}}));
  RecordBatch batch = RecordBatch::make_empty(narrow);
  batch.mutable_column(0).append<int8_t>(-7);
  batch.mutable_column(1).append<int32_t>(2147483647);
  batch.mutable_column(2).append<float>(1.5f);
  batch.mutable_column(3).append_decimal(-12345);  // -123.45
  batch.mutable_column(4).append<int32_t>(18646);  // 2021-01-19
  batch.mutable_column(5).mutable_child(0).append<int16_t>(-300);
  batch.mutable_column(5).append_struct_valid();
  for (size_t c = 0; c < batch.num_columns(); ++c) batch.mutable_column(c).append_null();

  auto table = DeltaTable::open_or_create(fs_, "t", {narrow, {}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto writer = DeltaTableWriter::make(fs_, "t", narrow, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write(batch).ok());
  auto adds = (*writer)->finish();
  ASSERT_TRUE(adds.ok());
  Transaction t = table->begin();
  for (AddFile& a : *adds) t.add_file(std::move(a));
  ASSERT_TRUE(t.commit("WRITE").ok());

  // Version 1: the widening, as Spark commits it.
  const Schema wide = Schema()
                          .add("b", DataType::long_())
                          .add("i", DataType::long_())
                          .add("f", DataType::double_())
                          .add("d", DataType::decimal(10, 4))
                          .add("day", DataType::timestamp_ntz())
                          .add("s", DataType::struct_({Field{"n", DataType::int_()}}));
  std::ifstream in(dir_ / "t" / "_delta_log" / "00000000000000000000.json");
  std::string line, metadata_line;
  while (std::getline(in, line)) {
    if (line.starts_with("{\"metaData\"")) metadata_line = line;
  }
  ASSERT_FALSE(metadata_line.empty());
  auto metadata = nlohmann::json::parse(metadata_line);
  metadata["metaData"]["schemaString"] = wide.to_json();
  std::ofstream out(dir_ / "t" / "_delta_log" / "00000000000000000001.json");
  out << R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["typeWidening","timestampNtz"],"writerFeatures":["typeWidening","timestampNtz"]}})"
      << "\n"
      << metadata.dump() << "\n";
  out.close();

  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto all = reader->read_all({});
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows(), 2);
  EXPECT_TRUE(all->schema() == wide) << all->schema().to_ddl();
  EXPECT_EQ(all->column(0)->value<int64_t>(0), -7);
  EXPECT_EQ(all->column(1)->value<int64_t>(0), 2147483647);
  EXPECT_EQ(all->column(2)->value<double>(0), 1.5);
  EXPECT_EQ(all->column(3)->decimal_value(0), -1234500);  // -123.4500
  EXPECT_EQ(all->column(4)->value<int64_t>(0), int64_t{18646} * 86'400'000'000);
  EXPECT_EQ(all->column(5)->child(0)->value<int32_t>(0), -300);
  for (size_t c = 0; c < all->num_columns(); ++c) EXPECT_TRUE(all->column(c)->is_null(1)) << c;
}

TEST_F(TypeWideningTest, ANarrowingIsRefusedNamingTheColumn) {
  const Schema wide = Schema().add("v", DataType::long_());
  RecordBatch batch = RecordBatch::make_empty(wide);
  batch.mutable_column(0).append<int64_t>(1);
  auto table = DeltaTable::open_or_create(fs_, "t", {wide, {}, {}});
  ASSERT_TRUE(table.ok());
  auto writer = DeltaTableWriter::make(fs_, "t", wide, {});
  ASSERT_TRUE((*writer)->write(batch).ok());
  auto adds = (*writer)->finish();
  Transaction t = table->begin();
  for (AddFile& a : *adds) t.add_file(std::move(a));
  ASSERT_TRUE(t.commit("WRITE").ok());
  // A log claiming the column is an int: not a widening of the file's long.
  std::ifstream in(dir_ / "t" / "_delta_log" / "00000000000000000000.json");
  std::string line, metadata_line;
  while (std::getline(in, line)) {
    if (line.starts_with("{\"metaData\"")) metadata_line = line;
  }
  auto metadata = nlohmann::json::parse(metadata_line);
  metadata["metaData"]["schemaString"] = Schema().add("v", DataType::int_()).to_json();
  std::ofstream(dir_ / "t" / "_delta_log" / "00000000000000000001.json") << metadata.dump() << "\n";
  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok());
  auto all = reader->read_all({});
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.status().message().find("column 'v'"), std::string::npos) << all.status().message();
  EXPECT_NE(all.status().message().find("not a widening"), std::string::npos);
}

}  // namespace
}  // namespace lakestream
