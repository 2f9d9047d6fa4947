// Column mapping (name and id modes): data files, partitionValues and stats use physical names,
// results and filters logical ones, nested struct fields too. Tables assembled by hand (data
// files by our ParquetWriter under physical names, the log written out) plus delta-rs's
// table_with_column_mapping (tests/data, written by Databricks).
#include "lakestream/delta/column_mapping.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lakestream/batch/show.h"
#include "lakestream/delta/deletion_vector.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/delta/partition.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceData = fs::path(LAKESTREAM_SOURCE_DIR) / "tests" / "data";

/// Each row as "col=value|..." over `columns`, sorted (a multiset).
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

TEST(DeltaRsTables, TableWithColumnMappingReadsLogicalNames) {
  auto table = TableReader::open((kSourceData / "table_with_column_mapping").string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->schema().field(0).name, "Company Very Short");
  EXPECT_EQ(table->schema().field(1).name, "Super Name");
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(rows_of(*all, {"Company Very Short", "Super Name"}),
            (std::vector<std::string>{"Company Very Short=BME|Super Name=Timothy Lamb|",
                                      "Company Very Short=BMS|Super Name=Anthony Johnson|",
                                      "Company Very Short=BMS|Super Name=Mr. Daniel Ferguson MD|",
                                      "Company Very Short=BMS|Super Name=Nathan Bennett|",
                                      "Company Very Short=BMS|Super Name=Stephanie Mcgrath|"}));
  // The partition values are keyed by the physical name: pruning still finds them.
  ScanOptions bme;
  bme.filters.push_back({"Company Very Short", "BME"});
  auto scan = table->scan(bme);
  ASSERT_TRUE(scan.ok()) << scan.status().to_string();
  RecordBatch batch;
  int64_t rows = 0;
  while (*scan->next(&batch)) rows += batch.num_rows();
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(scan->metrics().files_pruned_by_partition, 1);
  // So are the stats: a name above every file's maxValues opens no file.
  ScanOptions zed;
  zed.filters.push_back({"Super Name", "Zed"});
  auto skipped = table->scan(zed);
  ASSERT_TRUE(skipped.ok());
  while (*skipped->next(&batch)) {
  }
  EXPECT_EQ(skipped->metrics().files_skipped_by_stats, 2);
  EXPECT_EQ(skipped->metrics().files_opened, 0);
  EXPECT_EQ(table->snapshot().total_rows(), 5);
}

TEST(ColumnMapping, PhysicalNamesAndTypes) {
  Field plain{"a", DataType::int_(), true, "{}"};
  Field mapped{"Renamed", DataType::int_(), true,
               R"({"delta.columnMapping.id":7,"delta.columnMapping.physicalName":"col-7"})"};
  EXPECT_EQ(*physical_name(mapped, ColumnMappingMode::kName), "col-7");
  EXPECT_EQ(*physical_name(mapped, ColumnMappingMode::kId), "col-7");
  EXPECT_EQ(*physical_name(mapped, ColumnMappingMode::kNone), "Renamed");
  EXPECT_EQ(*physical_name(plain, ColumnMappingMode::kName), "a");
  EXPECT_EQ(column_mapping_id(mapped), 7);
  Field bad{"b", DataType::int_(), true, R"({"delta.columnMapping.physicalName":3})"};
  EXPECT_EQ(physical_name(bad, ColumnMappingMode::kName).status().code(), StatusCode::kCorrupt);
  auto nested = DataType::array(DataType::struct_({mapped, plain}));
  auto physical = physical_type(nested, ColumnMappingMode::kName);
  ASSERT_TRUE(physical.ok());
  EXPECT_EQ((*physical)->simple_string(), "array<struct<col-7:int,a:int>>");
  MetadataAction m;
  m.configuration["delta.columnMapping.mode"] = "fancy";
  EXPECT_EQ(column_mapping_mode(m).status().code(), StatusCode::kNotImplemented);
}

/// Field metadata for a mapped column.
std::string mapping(int id, const std::string& physical) {
  return R"({"delta.columnMapping.id":)" + std::to_string(id) +
         R"(,"delta.columnMapping.physicalName":")" + physical + "\"}";
}

class ColumnMappingTableTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::path(LAKESTREAM_BINARY_DIR) / "test_tmp" / "column_mapping" / name;
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "_delta_log");
  }

  // The logical schema: `id` (physical col-5f4e-a), `name` (renamed from `old name`; physical
  // col-9c1d-b), `old name` (a new column whose logical name is the other's old one; physical
  // col-2a7e-e), `nested` struct<`x y` (col-77-x), `z` (col-78-z, added after the first
  // file)> (col-33-s), and the partition column `part` (col-p).
  static Schema logical_schema() {
    Field x{"x y", DataType::int_(), true, mapping(5, "col-77-x")};
    Field z{"z", DataType::string(), true, mapping(6, "col-78-z")};
    return Schema({Field{"id", DataType::long_(), true, mapping(1, "col-5f4e-a")},
                   Field{"name", DataType::string(), true, mapping(2, "col-9c1d-b")},
                   Field{"old name", DataType::string(), true, mapping(7, "col-2a7e-e")},
                   Field{"nested", DataType::struct_({x, z}), true, mapping(3, "col-33-s")},
                   Field{"part", DataType::string(), true, mapping(4, "col-p")}});
  }

  /// A data file under physical names; `with_z` writes the nested z field (and `old name`).
  int64_t write_file(const std::string& rel, int64_t lo, int64_t hi, bool with_z) {
    std::vector<Field> nested = {Field{"col-77-x", DataType::int_()}};
    if (with_z) nested.push_back(Field{"col-78-z", DataType::string()});
    Schema physical;
    physical.add("col-5f4e-a", DataType::long_()).add("col-9c1d-b", DataType::string());
    if (with_z) physical.add("col-2a7e-e", DataType::string());
    physical.add("col-33-s", DataType::struct_(nested));
    std::vector<ColumnPtr> columns;
    ColumnPtr id = Column::make(DataType::long_());
    ColumnPtr name = Column::make(DataType::string());
    ColumnPtr newer = Column::make(DataType::string());
    ColumnPtr s = Column::make(physical.field(physical.size() - 1).type);
    for (int64_t v = lo; v < hi; ++v) {
      id->append<int64_t>(v);
      name->append_string("n" + std::to_string(v));
      newer->append_string("new" + std::to_string(v));
      s->append_struct_valid();
      s->mutable_child(0).append<int32_t>(static_cast<int32_t>(v * 10));
      if (with_z) s->mutable_child(1).append_string("z" + std::to_string(v));
    }
    columns = {id, name};
    if (with_z) columns.push_back(newer);
    columns.push_back(s);
    LocalFileSystem local(dir_.string());
    auto out = local.open_output_stream(rel);
    EXPECT_TRUE(out.ok());
    auto writer = ParquetWriter::open(std::move(*out), physical);
    EXPECT_TRUE(writer.ok()) << writer.status().to_string();
    Status st = (*writer)->write(RecordBatch(physical, columns));
    EXPECT_TRUE(st.ok()) << st.to_string();
    auto info = (*writer)->close();
    EXPECT_TRUE(info.ok()) << info.status().to_string();
    return info->file_size;
  }

  static std::string add(const std::string& path, const std::string& part, int64_t size, int64_t lo,
                         int64_t hi) {
    nlohmann::json stats = {{"numRecords", hi - lo},
                            {"minValues", {{"col-5f4e-a", lo}}},
                            {"maxValues", {{"col-5f4e-a", hi - 1}}},
                            {"nullCount", {{"col-5f4e-a", 0}}}};
    nlohmann::json a = {{"path", path},       {"partitionValues", {{"col-p", part}}},
                        {"size", size},       {"modificationTime", 1},
                        {"dataChange", true}, {"stats", stats.dump()}};
    return nlohmann::json{{"add", a}}.dump() + "\n";
  }

  void build(const std::string& mode) {
    const int64_t a = write_file("Ab/a.parquet", 0, 10, /*with_z=*/false);
    const int64_t b = write_file("Q1/b.parquet", 10, 15, /*with_z=*/true);
    nlohmann::json protocol = {{"minReaderVersion", 3},
                               {"minWriterVersion", 7},
                               {"readerFeatures", {"columnMapping"}},
                               {"writerFeatures", {"columnMapping"}}};
    nlohmann::json meta = {
        {"id", "t"},
        {"format", {{"provider", "parquet"}, {"options", nlohmann::json::object()}}},
        {"schemaString", logical_schema().to_json()},
        {"partitionColumns", {"part"}},
        {"configuration",
         {{"delta.columnMapping.mode", mode}, {"delta.columnMapping.maxColumnId", "7"}}}};
    std::ofstream(dir_ / "_delta_log" / "00000000000000000000.json")
        << nlohmann::json{{"protocol", protocol}}.dump() << "\n"
        << nlohmann::json{{"metaData", meta}}.dump() << "\n"
        << add("Ab/a.parquet", "x", a, 0, 10) << add("Q1/b.parquet", "y", b, 10, 15);
  }

  fs::path dir_;
};

TEST_P(ColumnMappingTableTest, ReadsLogicalNamesFromPhysicalColumns) {
  build(GetParam());
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows(), 15);
  EXPECT_EQ(all->schema().field(3).type->simple_string(), "struct<x y:int,z:string>");
  const auto rows = rows_of(*all, {"id", "name", "old name", "nested", "part"});
  EXPECT_EQ(rows.front(), "id=0|name=n0|old name=null|nested={0, null}|part=x|") << rows.front();
  EXPECT_EQ(rows.back(), "id=9|name=n9|old name=null|nested={90, null}|part=x|") << rows.back();
  EXPECT_NE(std::find(rows.begin(), rows.end(),
                      "id=12|name=n12|old name=new12|nested={120, z12}|part=y|"),
            rows.end());
}

TEST_P(ColumnMappingTableTest, AStructColumnAskedForTwiceReadsTwice) {
  build(GetParam());
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ScanOptions twice;
  twice.columns = std::vector<std::string>{"nested", "id", "nested"};
  twice.filters.push_back({"id", "12"});
  auto rows = table->read_all(twice);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  ASSERT_EQ(rows->num_rows(), 1);
  EXPECT_EQ(cell_string(*rows->column(0), 0), "{120, z12}");
  EXPECT_EQ(cell_string(*rows->column(2), 0), "{120, z12}");
}

TEST_P(ColumnMappingTableTest, PrunesByPhysicalPartitionValuesAndSkipsByPhysicalStats) {
  build(GetParam());
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ScanOptions y;
  y.filters.push_back({"part", "y"});
  y.columns = std::vector<std::string>{"name", "part"};
  auto scan = table->scan(y);
  ASSERT_TRUE(scan.ok()) << scan.status().to_string();
  RecordBatch batch;
  std::vector<std::string> names;
  while (*scan->next(&batch)) {
    for (int64_t r = 0; r < batch.num_rows(); ++r)
      names.push_back(cell_string(*batch.column(0), r));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"n10", "n11", "n12", "n13", "n14"}));
  EXPECT_EQ(scan->metrics().files_pruned_by_partition, 1);
  // id 12 lies outside a.parquet's physical-keyed bounds: only b.parquet is opened.
  ScanOptions twelve;
  twelve.filters.push_back({"id", "12"});
  auto by_id = table->scan(twelve);
  ASSERT_TRUE(by_id.ok());
  int64_t rows = 0;
  while (*by_id->next(&batch)) rows += batch.num_rows();
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(by_id->metrics().files_skipped_by_stats, 1);
  // A filter on a data column of a file that has it under its physical name.
  ScanOptions by_name;
  by_name.filters.push_back({"name", "n3"});
  auto found = table->read_all(by_name);
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(rows_of(*found, {"id"}), std::vector<std::string>{"id=3|"});
}

/// The writer's (logical) schema of the table, as a job or `lakestream ingest` has it: no
/// column mapping metadata.
Schema plain_schema() {
  return Schema({Field{"id", DataType::long_()}, Field{"name", DataType::string()},
                 Field{"old name", DataType::string()},
                 Field{"nested", DataType::struct_({Field{"x y", DataType::int_()},
                                                    Field{"z", DataType::string()}})},
                 Field{"part", DataType::string()}});
}

/// "n12": text + number, built by append (GCC 12's -Wrestrict trips on literal + string).
std::string tagged(const char* text, int64_t v) {
  std::string out = text;
  out.append(std::to_string(v));
  return out;
}

/// Rows id lo..hi-1 of plain_schema() (plus `extra` = id * 2 when asked), all in partition `part`.
RecordBatch plain_rows(int64_t lo, int64_t hi, const std::string& part, bool extra = false) {
  Schema s = plain_schema();
  if (extra) s.add("extra", DataType::long_());
  RecordBatch b = RecordBatch::make_empty(s);
  for (int64_t v = lo; v < hi; ++v) {
    b.mutable_column(0).append<int64_t>(v);
    b.mutable_column(1).append_string(tagged("n", v));
    b.mutable_column(2).append_string(tagged("o", v));
    Column& n = b.mutable_column(3);
    n.append_struct_valid();
    n.mutable_child(0).append<int32_t>(static_cast<int32_t>(v * 10));
    n.mutable_child(1).append_string(tagged("z", v));
    b.mutable_column(4).append_string(part);
    if (extra) b.mutable_column(5).append<int64_t>(v * 2);
  }
  return b;
}

/// Append `batch` through DeltaTable + DeltaTableWriter as ingest and the stream do.
Result<std::vector<AddFile>> append_rows(const std::shared_ptr<FileSystem>& fs,
                                         const RecordBatch& batch, bool merge = false) {
  TableCreateOptions create{batch.schema(), {"part"}, {}};
  create.merge_schema = merge;
  LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open_or_create(fs, "", create));
  DeltaTableWriterOptions o;
  o.partition_columns = {"part"};
  LS_RETURN_NOT_OK(table.configure_writer(&o));
  LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs, "", batch.schema(), o));
  LS_RETURN_NOT_OK(writer->write(batch));
  LS_ASSIGN_OR_RAISE(std::vector<AddFile> adds, writer->finish());
  Transaction t = table.begin();
  for (const AddFile& a : adds) t.add_file(a);
  LS_RETURN_NOT_OK(t.commit("WRITE").status());
  return adds;
}

TEST_P(ColumnMappingTableTest, AppendsWritePhysicalNamesFieldIdsAndPhysicalKeys) {
  build(GetParam());
  auto fs = std::make_shared<LocalFileSystem>(dir_.string());
  auto adds = append_rows(fs, plain_rows(100, 103, "w"));
  ASSERT_TRUE(adds.ok()) << adds.status().to_string();
  ASSERT_EQ(adds->size(), 1u);
  const AddFile& add = adds->front();
  // partitionValues and stats under physical names.
  ASSERT_EQ(add.partition_values.size(), 1u);
  EXPECT_EQ(add.partition_values[0].first, "col-p");
  EXPECT_NE(add.stats.find(R"("col-5f4e-a":100)"), std::string::npos) << add.stats;
  EXPECT_NE(add.stats.find(R"("col-33-s":{"col-77-x":1000)"), std::string::npos) << add.stats;
  EXPECT_EQ(add.stats.find("\"id\""), std::string::npos) << add.stats;
  // The file: physical names and field ids at every level.
  auto relative = decode_add_path(add.path);
  ASSERT_TRUE(relative.ok());
  auto file = fs->open_input_file(*relative);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  auto reader = ParquetReader::open(std::move(*file));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  const Schema& fschema = (*reader)->schema();
  ASSERT_EQ(fschema.size(), 4u);
  const std::vector<std::pair<std::string, int>> want = {
      {"col-5f4e-a", 1}, {"col-9c1d-b", 2}, {"col-2a7e-e", 7}, {"col-33-s", 3}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(fschema.field(i).name, want[i].first);
    EXPECT_EQ(parquet_field_id(fschema.field(i)), want[i].second) << fschema.field(i).metadata;
  }
  const auto& members = fschema.field(3).type->fields();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].name, "col-77-x");
  EXPECT_EQ(parquet_field_id(members[0]), 5);
  EXPECT_EQ(members[1].name, "col-78-z");
  EXPECT_EQ(parquet_field_id(members[1]), 6);
  // Our reader: logical names, the new rows beside the old.
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows(), 18);
  const auto rows = rows_of(*all, {"id", "name", "old name", "nested", "part"});
  EXPECT_NE(std::find(rows.begin(), rows.end(),
                      "id=101|name=n101|old name=o101|nested={1010, z101}|part=w|"),
            rows.end());
  // Partition pruning and stats skipping on what we wrote.
  ScanOptions w;
  w.filters.push_back({"part", "w"});
  auto pruned = table->read_all(w);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->num_rows(), 3);
}

TEST_P(ColumnMappingTableTest, OptimizeRewritesUnderPhysicalNames) {
  build(GetParam());
  auto fs = std::make_shared<LocalFileSystem>(dir_.string());
  ASSERT_TRUE(append_rows(fs, plain_rows(100, 103, "x")).ok());
  auto optimized = optimize_table(fs, "", OptimizeOptions{});
  ASSERT_TRUE(optimized.ok()) << optimized.status().to_string();
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows(), 18);
  const auto rows = rows_of(*all, {"id", "name", "old name", "nested", "part"});
  EXPECT_NE(std::find(rows.begin(), rows.end(),
                      "id=12|name=n12|old name=new12|nested={120, z12}|part=y|"),
            rows.end());
  EXPECT_NE(std::find(rows.begin(), rows.end(),
                      "id=102|name=n102|old name=o102|nested={1020, z102}|part=x|"),
            rows.end());
}

TEST_P(ColumnMappingTableTest, MergeSchemaAssignsIdsAndPhysicalNames) {
  build(GetParam());
  auto fs = std::make_shared<LocalFileSystem>(dir_.string());
  auto adds = append_rows(fs, plain_rows(200, 202, "v", /*extra=*/true), /*merge=*/true);
  ASSERT_TRUE(adds.ok()) << adds.status().to_string();
  auto opened = DeltaTable::open(fs, "");
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  const MetadataAction& m = *opened->state().metadata;
  EXPECT_EQ(m.configuration.at("delta.columnMapping.maxColumnId"), "8");
  const Field& extra = opened->schema().field(*opened->schema().index_of("extra"));
  EXPECT_EQ(column_mapping_id(extra), 8);
  auto physical = physical_name(extra, ColumnMappingMode::kName);
  ASSERT_TRUE(physical.ok());
  EXPECT_TRUE(physical->starts_with("col-")) << *physical;
  std::string key = "\"";
  key.append(*physical).append("\":400");
  EXPECT_NE(adds->front().stats.find(key), std::string::npos) << adds->front().stats;
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto all = table->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  const auto rows = rows_of(*all, {"id", "extra"});
  EXPECT_NE(std::find(rows.begin(), rows.end(), "id=201|extra=402|"), rows.end());
  EXPECT_NE(std::find(rows.begin(), rows.end(), "id=3|extra=null|"), rows.end());
}

TEST_P(ColumnMappingTableTest, IdModeFindsColumnsByParquetFieldId) {
  build(GetParam());
  // Replace b.parquet with a file whose columns have other names but carry the field ids (as
  // Iceberg-converted files do): id mode reads it by id, name mode cannot find the columns.
  auto meta = [](int id) { return R"({"parquet.field.id":)" + std::to_string(id) + "}"; };
  Field x{"other_x", DataType::int_(), true, meta(5)};
  Schema file_schema({Field{"other_a", DataType::long_(), true, meta(1)},
                      Field{"other_b", DataType::string(), true, meta(2)},
                      Field{"other_s", DataType::struct_({x}), true, meta(3)}});
  ColumnPtr id = Column::make(DataType::long_());
  ColumnPtr name = Column::make(DataType::string());
  ColumnPtr st = Column::make(file_schema.field(2).type);
  for (int64_t v = 10; v < 15; ++v) {
    id->append<int64_t>(v);
    name->append_string("id" + std::to_string(v));
    st->append_struct_valid();
    st->mutable_child(0).append<int32_t>(static_cast<int32_t>(v));
  }
  LocalFileSystem local(dir_.string());
  auto out = local.open_output_stream("Q1/b.parquet");
  ASSERT_TRUE(out.ok());
  auto writer = ParquetWriter::open(std::move(*out), file_schema);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  ASSERT_TRUE((*writer)->write(RecordBatch(file_schema, {id, name, st})).ok());
  ASSERT_TRUE((*writer)->close().ok());
  // The field ids are in the file, and read back.
  auto input = local.open_input_file("Q1/b.parquet");
  ASSERT_TRUE(input.ok());
  auto reader = ParquetReader::open(std::move(*input));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(parquet_field_id((*reader)->schema().field(1)), 2);
  EXPECT_EQ(parquet_field_id((*reader)->schema().field(2).type->fields()[0]), 5);

  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ScanOptions y;
  y.filters.push_back({"part", "y"});
  y.columns = std::vector<std::string>{"id", "name", "nested"};
  auto rows = table->read_all(y);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  const auto got = rows_of(*rows, {"id", "name", "nested"});
  ASSERT_EQ(got.size(), 5u);
  if (GetParam() == "id") {
    EXPECT_EQ(got.front(), "id=10|name=id10|nested={10, null}|");
  } else {
    EXPECT_EQ(got.front(), "id=null|name=null|nested=null|");
  }
  // A filter on a column found by id uses it too.
  ScanOptions by_name;
  by_name.filters.push_back({"name", "id12"});
  auto found = table->read_all(by_name);
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(found->num_rows(), GetParam() == "id" ? 1 : 0);
}

TEST_P(ColumnMappingTableTest, DeletionVectorsApplyToMappedTables) {
  build(GetParam());
  // Version 1: b.parquet (ids 10..14) loses its rows 1 and 3 (ids 11 and 13) to an inline DV.
  const std::string bitmap = serialize_roaring_bitmap_array({1, 3});
  const int64_t size = static_cast<int64_t>(fs::file_size(dir_ / "Q1" / "b.parquet"));
  std::string line = add("Q1/b.parquet", "y", size, 10, 15);
  line.insert(line.size() - 3, ",\"deletionVector\":{\"storageType\":\"i\",\"pathOrInlineDv\":\"" +
                                   z85_encode(bitmap) + "\",\"sizeInBytes\":" +
                                   std::to_string(bitmap.size()) + ",\"cardinality\":2}");
  std::ofstream(dir_ / "_delta_log" / "00000000000000000001.json")
      << R"({"remove":{"path":"Q1/b.parquet","deletionTimestamp":1,"dataChange":true}})"
      << "\n"
      << line;
  auto table = TableReader::open(dir_.string());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_EQ(table->snapshot().total_rows(), 13);
  ScanOptions y;
  y.filters.push_back({"part", "y"});
  y.columns = std::vector<std::string>{"id", "old name"};
  auto rows = table->read_all(y);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  EXPECT_EQ(rows_of(*rows, {"id", "old name"}),
            (std::vector<std::string>{"id=10|old name=new10|", "id=12|old name=new12|",
                                      "id=14|old name=new14|"}));
  ScanOptions eleven;
  eleven.filters.push_back({"id", "11"});
  EXPECT_EQ(table->read_all(eleven)->num_rows(), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, ColumnMappingTableTest, ::testing::Values("name", "id"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lakestream
