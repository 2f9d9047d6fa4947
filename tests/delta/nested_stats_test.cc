// Statistics of nested columns, end to end: a batch with structs, arrays and maps is written by
// the Delta table writer (through the Parquet writer), and the add's stats are compared with the
// JSON Spark writes for the same rows, written here by hand from Delta's format
// (StatisticsCollection: struct members nested, arrays and maps a nullCount only, the indexed
// columns counted in leaves). Data skipping on a top-level column of such a table still works.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/stats.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

Field f(std::string name, DataTypePtr type) { return Field{std::move(name), std::move(type)}; }

/// id long, dev struct<name string, loc struct<lat double, ok boolean>, tags array<string>>,
/// readings array<struct<t long>>, m map<string,int>, flag boolean.
Schema device_schema() {
  return Schema()
      .add("id", DataType::long_())
      .add("dev", DataType::struct_({f("name", DataType::string()),
                                     f("loc", DataType::struct_({f("lat", DataType::double_()),
                                                                 f("ok", DataType::boolean())})),
                                     f("tags", DataType::array(DataType::string()))}))
      .add("readings", DataType::array(DataType::struct_({f("t", DataType::long_())})))
      .add("m", DataType::map(DataType::string(), DataType::int_()))
      .add("flag", DataType::boolean());
}

/// Four rows (null fields as JSON null):
///   {id:1, dev:{name:"a", loc:{lat:1.5, ok:true}, tags:["x"]}, readings:[{t:5}], m:{k:1},
///   flag:true} {id:2, dev:null, readings:null, m:{}, flag:null} {id:3, dev:{name:null, loc:null,
///   tags:null}, readings:[], m:null, flag:false} {id:null, dev:{name:"b", loc:{lat:-2.0, ok:null},
///   tags:[]}, readings:[{t:7},{t:null}],
///    m:{z:null}, flag:true}
RecordBatch device_batch(int64_t id_offset = 0) {
  const Schema schema = device_schema();
  RecordBatch batch = RecordBatch::make_empty(schema);
  Column& id = batch.mutable_column(0);
  Column& dev = batch.mutable_column(1);
  Column& readings = batch.mutable_column(2);
  Column& m = batch.mutable_column(3);
  Column& flag = batch.mutable_column(4);
  Column& name = dev.mutable_child(0);
  Column& loc = dev.mutable_child(1);
  Column& tags = dev.mutable_child(2);
  Column& reading = readings.mutable_child(0);
  // Row 1.
  id.append<int64_t>(1 + id_offset);
  name.append_string("a");
  loc.mutable_child(0).append<double>(1.5);
  loc.mutable_child(1).append_bool(true);
  loc.append_struct_valid();
  tags.mutable_child(0).append_string("x");
  tags.append_list_end();
  dev.append_struct_valid();
  reading.mutable_child(0).append<int64_t>(5);
  reading.append_struct_valid();
  readings.append_list_end();
  m.mutable_child(0).append_string("k");
  m.mutable_child(1).append<int32_t>(1);
  m.append_list_end();
  flag.append_bool(true);
  // Row 2.
  id.append<int64_t>(2 + id_offset);
  dev.append_null();
  readings.append_null();
  m.append_list_end();
  flag.append_null();
  // Row 3.
  id.append<int64_t>(3 + id_offset);
  name.append_null();
  loc.append_null();
  tags.append_null();
  dev.append_struct_valid();
  readings.append_list_end();
  m.append_null();
  flag.append_bool(false);
  // Row 4.
  id.append_null();
  name.append_string("b");
  loc.mutable_child(0).append<double>(-2.0);
  loc.mutable_child(1).append_null();
  loc.append_struct_valid();
  tags.append_list_end();
  dev.append_struct_valid();
  reading.mutable_child(0).append<int64_t>(7);
  reading.append_struct_valid();
  reading.mutable_child(0).append_null();
  reading.append_struct_valid();
  readings.append_list_end();
  m.mutable_child(0).append_string("z");
  m.mutable_child(1).append_null();
  m.append_list_end();
  flag.append_bool(true);
  return batch;
}

class NestedStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "nested_stats" /
           (std::string(info->name()) + "." + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs_ = std::make_shared<LocalFileSystem>(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// The adds of writing `batches` (one file each) with `options`.
  std::vector<AddFile> write(const Schema& schema, const std::vector<RecordBatch>& batches,
                             DeltaTableWriterOptions options = {}) {
    std::vector<AddFile> out;
    for (const RecordBatch& b : batches) {
      auto w = DeltaTableWriter::make(fs_, "t", schema, options);
      EXPECT_TRUE(w.ok()) << w.status().to_string();
      if (!w.ok()) return out;
      Status st = (*w)->write(b);
      EXPECT_TRUE(st.ok()) << st.to_string();
      auto adds = (*w)->finish();
      EXPECT_TRUE(adds.ok()) << adds.status().to_string();
      if (adds.ok()) out.insert(out.end(), adds->begin(), adds->end());
    }
    return out;
  }

  fs::path dir_;
  std::shared_ptr<LocalFileSystem> fs_;
};

TEST_F(NestedStatsTest, StructMembersNestAndArraysAndMapsCountNullRows) {
  auto adds = write(device_schema(), {device_batch()});
  ASSERT_EQ(adds.size(), 1u);
  // What Spark writes for these rows: bounds only for skipping-eligible leaves reached through
  // structs (not the boolean dev.loc.ok, not inside arrays or maps); a nullCount for every
  // struct member (its rows that are null or under a null struct), and one per array or map
  // (dev.tags: rows 2 and 3; an empty list is not null).
  EXPECT_EQ(adds[0].stats,
            "{\"numRecords\":4,"
            "\"minValues\":{\"id\":1,\"dev\":{\"name\":\"a\",\"loc\":{\"lat\":-2.0}}},"
            "\"maxValues\":{\"id\":3,\"dev\":{\"name\":\"b\",\"loc\":{\"lat\":1.5}}},"
            "\"nullCount\":{\"id\":1,\"dev\":{\"name\":2,\"loc\":{\"lat\":2,\"ok\":3},\"tags\":2},"
            "\"readings\":1,\"m\":1,\"flag\":1}}");
}

TEST_F(NestedStatsTest, IndexedColumnsCountLeavesAsDeltaDoes) {
  // a, s.x, s.y.z, s.y.w, arr, b: six leaves for delta.dataSkippingNumIndexedCols.
  const Schema schema =
      Schema()
          .add("a", DataType::int_())
          .add("s", DataType::struct_({f("x", DataType::int_()),
                                       f("y", DataType::struct_({f("z", DataType::int_()),
                                                                 f("w", DataType::int_())}))}))
          .add("arr", DataType::array(DataType::int_()))
          .add("b", DataType::int_());
  RecordBatch batch = RecordBatch::make_empty(schema);
  batch.mutable_column(0).append<int32_t>(1);
  Column& s = batch.mutable_column(1);
  s.mutable_child(0).append<int32_t>(2);
  s.mutable_child(1).mutable_child(0).append<int32_t>(3);
  s.mutable_child(1).mutable_child(1).append<int32_t>(4);
  s.mutable_child(1).append_struct_valid();
  s.append_struct_valid();
  batch.mutable_column(2).append_null();
  batch.mutable_column(3).append<int32_t>(6);

  auto stats_with = [&](int indexed) {
    DeltaTableWriterOptions options;
    options.num_indexed_columns = indexed;
    auto adds = write(schema, {batch}, options);
    return adds.size() == 1 ? adds[0].stats : std::string();
  };
  EXPECT_EQ(stats_with(3),
            "{\"numRecords\":1,\"minValues\":{\"a\":1,\"s\":{\"x\":2,\"y\":{\"z\":3}}},"
            "\"maxValues\":{\"a\":1,\"s\":{\"x\":2,\"y\":{\"z\":3}}},"
            "\"nullCount\":{\"a\":0,\"s\":{\"x\":0,\"y\":{\"z\":0}}}}");
  EXPECT_EQ(stats_with(5),
            "{\"numRecords\":1,\"minValues\":{\"a\":1,\"s\":{\"x\":2,\"y\":{\"z\":3,\"w\":4}}},"
            "\"maxValues\":{\"a\":1,\"s\":{\"x\":2,\"y\":{\"z\":3,\"w\":4}}},"
            "\"nullCount\":{\"a\":0,\"s\":{\"x\":0,\"y\":{\"z\":0,\"w\":0}},\"arr\":1}}");
  // -1: every column; b, after the struct and the array, is there too.
  auto all = nlohmann::json::parse(stats_with(-1));
  EXPECT_EQ(all["minValues"]["b"], 6);
  EXPECT_EQ(all["nullCount"]["arr"], 1);
}

TEST(NestedStatsConfig, NumIndexedColumnsFromTheTableConfiguration) {
  EXPECT_EQ(num_indexed_columns({}), 32);
  EXPECT_EQ(num_indexed_columns({{"delta.dataSkippingNumIndexedCols", "5"}}), 5);
  EXPECT_EQ(num_indexed_columns({{"delta.dataSkippingNumIndexedCols", "-1"}}), -1);
  EXPECT_EQ(num_indexed_columns({{"delta.dataSkippingNumIndexedCols", "x"}}), 32);
}

TEST_F(NestedStatsTest, StructOfBooleansHasNoBoundsButItsNullCounts) {
  const Schema schema = Schema().add(
      "s", DataType::struct_({f("p", DataType::boolean()), f("q", DataType::binary())}));
  RecordBatch batch = RecordBatch::make_empty(schema);
  Column& s = batch.mutable_column(0);
  s.mutable_child(0).append_bool(true);
  s.mutable_child(1).append_null();
  s.append_struct_valid();
  s.append_null();
  auto adds = write(schema, {batch});
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].stats,
            "{\"numRecords\":2,\"minValues\":{},\"maxValues\":{},"
            "\"nullCount\":{\"s\":{\"p\":1,\"q\":2}}}");
}

TEST_F(NestedStatsTest, DataSkippingOnATopLevelColumnOfANestedTable) {
  // Two files: ids 1..3 and 101..103. A filter on id skips the file whose bounds exclude it.
  auto adds = write(device_schema(), {device_batch(0), device_batch(100)});
  ASSERT_EQ(adds.size(), 2u);
  auto table = DeltaTable::open_or_create(fs_, "t", {device_schema(), {}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  Transaction t = table->begin();
  for (AddFile& a : adds) t.add_file(std::move(a));
  ASSERT_TRUE(t.commit("WRITE").ok());

  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  ScanOptions options;
  options.filters.push_back({"id", "102"});
  options.columns = std::vector<std::string>{"id", "dev"};
  auto scan = reader->scan(options);
  ASSERT_TRUE(scan.ok()) << scan.status().to_string();
  EXPECT_EQ(scan->metrics().files_total, 2);
  EXPECT_EQ(scan->metrics().files_skipped_by_stats, 1);
  RecordBatch batch;
  int64_t rows = 0;
  while (true) {
    auto more = scan->next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      ++rows;
      EXPECT_EQ(batch.column(0)->value<int64_t>(r), 102);
      EXPECT_TRUE(batch.column(1)->is_null(r));  // row 2 of its batch: dev is null
    }
  }
  EXPECT_EQ(rows, 1);
}

/// id long, s struct<name string, inner struct<v int>>: rows id = first..first+n-1 with
/// s.name "n<id>" and s.inner.v = id * 10, except that every fourth row has s null.
RecordBatch member_batch(int64_t first, int64_t n) {
  const Schema schema =
      Schema()
          .add("id", DataType::long_())
          .add("s", DataType::struct_({f("name", DataType::string()),
                                       f("inner", DataType::struct_({f("v", DataType::int_())}))}));
  RecordBatch batch = RecordBatch::make_empty(schema);
  Column& s = batch.mutable_column(1);
  for (int64_t id = first; id < first + n; ++id) {
    batch.mutable_column(0).append<int64_t>(id);
    if (id % 4 == 3) {
      s.append_null();
      continue;
    }
    std::string name = "n";
    name += std::to_string(id);
    s.mutable_child(0).append_string(name);
    s.mutable_child(1).mutable_child(0).append<int32_t>(static_cast<int32_t>(id * 10));
    s.mutable_child(1).append_struct_valid();
    s.append_struct_valid();
  }
  return batch;
}

TEST_F(NestedStatsTest, DataSkippingOnStructMembersUsesTheNestedStatistics) {
  const Schema schema = member_batch(0, 0).schema();
  auto adds = write(schema, {member_batch(0, 8), member_batch(100, 8)});
  ASSERT_EQ(adds.size(), 2u);
  auto table = DeltaTable::open_or_create(fs_, "t", {schema, {}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  Transaction t = table->begin();
  for (AddFile& a : adds) t.add_file(std::move(a));
  ASSERT_TRUE(t.commit("WRITE").ok());
  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();

  // Returns the ids found and the files the statistics ruled out.
  auto ids_where = [&](std::vector<ScanFilter> filters, int64_t* skipped) {
    std::vector<int64_t> ids;
    ScanOptions options;
    options.filters = std::move(filters);
    options.columns = std::vector<std::string>{"id"};  // the filter's struct is read anyway
    auto scan = reader->scan(options);
    EXPECT_TRUE(scan.ok()) << scan.status().to_string();
    if (!scan.ok()) return ids;
    *skipped = scan->metrics().files_skipped_by_stats;
    RecordBatch batch;
    while (true) {
      auto more = scan->next(&batch);
      EXPECT_TRUE(more.ok()) << more.status().to_string();
      if (!more.ok() || !*more) break;
      for (int64_t r = 0; r < batch.num_rows(); ++r)
        ids.push_back(batch.column(0)->value<int64_t>(r));
    }
    return ids;
  };
  int64_t skipped = -1;
  EXPECT_EQ(ids_where({{"s.inner.v", "1050"}}, &skipped), std::vector<int64_t>{105});
  EXPECT_EQ(skipped, 1);  // the first file's s.inner.v is 0..60
  EXPECT_EQ(ids_where({{"s.name", "n2"}}, &skipped), std::vector<int64_t>{2});
  EXPECT_EQ(skipped, 1);
  EXPECT_EQ(ids_where({{"s.inner.v", "1070"}}, &skipped), std::vector<int64_t>{});  // s is null
  EXPECT_EQ(ids_where({{"s.inner.v", "555"}}, &skipped), std::vector<int64_t>{});
  EXPECT_EQ(skipped, 2);  // between the files' bounds
  EXPECT_EQ(ids_where({{"s.name", "n101"}, {"id", "101"}}, &skipped), std::vector<int64_t>{101});

  ScanOptions bad;
  bad.filters = {{"s.nope", "1"}};
  auto missing = reader->scan(bad);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'s.nope' is not in the table"), std::string::npos);
  bad.filters = {{"s.inner", "1"}};
  auto nested = reader->scan(bad);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("filters compare primitive values"), std::string::npos)
      << nested.status().message();
}

}  // namespace
}  // namespace lakestream
