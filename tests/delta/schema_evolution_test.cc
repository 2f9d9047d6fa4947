// Schema evolution of a Delta table by appends (TableCreateOptions::merge_schema): the merged
// metaData commit, concurrent writers, and old files read with the new columns null.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "delta/meter_rows.h"
#include "lakestream/delta/optimize.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/schema/schema_merge.h"

namespace lakestream {
namespace {

/// The table's first schema: an id and a device struct.
Schema schema_v1() {
  return Schema()
      .add("Id", DataType::int_())
      .add("Dev", Schema().add("Lat", DataType::double_()).as_struct());
}

/// A writer's wider schema: other order and case, a new struct member and a new column.
Schema schema_v2() {
  return Schema()
      .add("dev",
           Schema().add("lat", DataType::double_()).add("Lon", DataType::double_()).as_struct())
      .add("id", DataType::int_())
      .add("Note", DataType::string());
}

RecordBatch batch_v1(int32_t id, double lat) {
  RecordBatch b = RecordBatch::make_empty(schema_v1());
  b.mutable_column(0).append<int32_t>(id);
  b.mutable_column(1).append_struct_valid();
  b.mutable_column(1).mutable_child(0).append<double>(lat);
  return b;
}

RecordBatch batch_v2(int32_t id, double lat, double lon, const std::string& note) {
  RecordBatch b = RecordBatch::make_empty(schema_v2());
  b.mutable_column(0).append_struct_valid();
  b.mutable_column(0).mutable_child(0).append<double>(lat);
  b.mutable_column(0).mutable_child(1).append<double>(lon);
  b.mutable_column(1).append<int32_t>(id);
  b.mutable_column(2).append_string(note);
  return b;
}

/// The JSON lines of one commit.
std::vector<nlohmann::json> commit_actions(FileSystem& fs, int64_t version) {
  auto text = fs.read_file(join_path("t", commit_file_path(version)));
  EXPECT_TRUE(text.ok()) << text.status().to_string();
  std::vector<nlohmann::json> out;
  if (!text.ok()) return out;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) out.push_back(nlohmann::json::parse(text->substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

/// The metaData action of a commit, or null.
nlohmann::json metadata_of(FileSystem& fs, int64_t version) {
  for (const auto& a : commit_actions(fs, version)) {
    if (a.contains("metaData")) return a["metaData"];
  }
  return nullptr;
}

/// What DuckDB reads in the table at `table` (tests/scripts/merge_schema_check.mjs: live files
/// from the log, read_parquet by name), or nullopt when the npm test tools are not installed.
std::optional<nlohmann::json> duckdb_read(const std::string& table,
                                          const std::vector<std::string>& columns) {
  const std::string src = LAKESTREAM_SOURCE_DIR;
  const std::string tools = src + "/tests/tools";
  if (!std::filesystem::exists(tools + "/node_modules/@duckdb/node-api")) return std::nullopt;
  std::string cmd =
      "node '" + src + "/tests/scripts/merge_schema_check.mjs' '" + tools + "' '" + table + "'";
  for (const std::string& c : columns) cmd += " '" + c + "'";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  if (!pipe) return nlohmann::json();
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0) << out;
  auto parsed = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << out;
  return parsed;
}

class SchemaEvolutionTest : public TempTableDirTest {
 protected:
  SchemaEvolutionTest() : TempTableDirTest("schema_evolution") {}

  TableCreateOptions options(Schema schema, bool merge) {
    TableCreateOptions o{std::move(schema), {}, {{"delta.appendOnly", "false"}}};
    o.merge_schema = merge;
    return o;
  }

  /// Write `batch` (of `schema`) as a file of the table and commit it through `table`.
  Result<int64_t> append(DeltaTable& table, const Schema& schema, const RecordBatch& batch) {
    LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs_, "t", schema));
    LS_RETURN_NOT_OK(writer->write(batch));
    LS_ASSIGN_OR_RAISE(std::vector<AddFile> adds, writer->finish());
    Transaction t = table.begin();
    for (AddFile& a : adds) t.add_file(std::move(a));
    return t.commit("WRITE", {{"mode", "Append"}});
  }

  /// A table at version 0 with one v1 row (id 1).
  void create_v1() {
    auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v1(), false));
    ASSERT_TRUE(table.ok()) << table.status().to_string();
    auto v = append(*table, schema_v1(), batch_v1(1, 1.5));
    ASSERT_TRUE(v.ok()) << v.status().to_string();
    ASSERT_EQ(*v, 0);
  }

  /// The table holds id 1 (written before the merge: neither Dev.Lon nor Note in its file) and
  /// id 2 (written in the writer's order and case); both read by name in the table's schema.
  void expect_rows_1_and_2(const TableReader& reader) {
    auto all = reader.read_all();
    ASSERT_TRUE(all.ok()) << all.status().to_string();
    ASSERT_EQ(all->num_rows(), 2);
    ASSERT_EQ(all->schema(), reader.schema());
    const ColumnPtr id = all->column_by_name("Id");
    const ColumnPtr dev = all->column_by_name("Dev");
    const ColumnPtr note = all->column_by_name("Note");
    ASSERT_TRUE(id && dev && note);
    for (int64_t r = 0; r < 2; ++r) {
      const int32_t key = id->value<int32_t>(r);
      ASSERT_TRUE(dev->is_valid(r));
      if (key == 1) {
        EXPECT_DOUBLE_EQ(dev->child(0)->value<double>(r), 1.5);
        EXPECT_TRUE(dev->child(1)->is_null(r));
        EXPECT_TRUE(note->is_null(r));
      } else {
        EXPECT_EQ(key, 2);
        EXPECT_DOUBLE_EQ(dev->child(0)->value<double>(r), 2.5);
        EXPECT_DOUBLE_EQ(dev->child(1)->value<double>(r), 3.5);
        EXPECT_EQ(note->string_value(r), "n");
      }
    }
  }

  Schema table_schema_at(int64_t version) {
    nlohmann::json m = metadata_of(*fs_, version);
    EXPECT_FALSE(m.is_null()) << "no metaData at version " << version;
    if (m.is_null()) return Schema();
    auto schema = Schema::from_json(m["schemaString"].get<std::string>());
    EXPECT_TRUE(schema.ok()) << schema.status().to_string();
    return schema.ok() ? *schema : Schema();
  }
};

TEST_F(SchemaEvolutionTest, WiderWriterWithoutMergeSchemaIsToldHowToAllowIt) {
  create_v1();
  auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), false));
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.status().message(),
            "this writer's schema adds columns `Dev.Lon`, `Note` not in the table at " +
                fs_->describe("t") + "; set mergeSchema (--merge-schema) to add them");
}

TEST_F(SchemaEvolutionTest, ReorderedWriterIsAcceptedOnlyWithMergeSchemaAndChangesNothing) {
  create_v1();
  const Schema reordered =
      Schema().add("dev", schema_v1().field(1).type).add("ID", DataType::int_());
  auto plain = DeltaTable::open_or_create(fs_, "t", options(reordered, false));
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("the same columns in another order, case or "
                                          "nullability; set mergeSchema (--merge-schema)"),
            std::string::npos)
      << plain.status().message();
  auto merging = DeltaTable::open_or_create(fs_, "t", options(reordered, true));
  ASSERT_TRUE(merging.ok()) << merging.status().to_string();
  EXPECT_FALSE(merging->pending_metadata().has_value());
  EXPECT_EQ(merging->schema(), schema_v1());
  RecordBatch row = RecordBatch::make_empty(reordered);
  row.mutable_column(0).append_null();
  row.mutable_column(1).append<int32_t>(2);
  auto v = append(*merging, reordered, row);
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_TRUE(metadata_of(*fs_, *v).is_null());
}

TEST_F(SchemaEvolutionTest, FirstCommitCarriesMergedMetadataLaterOnesDoNot) {
  create_v1();
  const nlohmann::json before = metadata_of(*fs_, 0);
  auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_TRUE(table->pending_metadata().has_value());
  const Schema merged =
      Schema()
          .add("Id", DataType::int_())
          .add("Dev",
               Schema().add("Lat", DataType::double_()).add("Lon", DataType::double_()).as_struct())
          .add("Note", DataType::string());
  EXPECT_EQ(table->schema(), merged);

  auto v1 = append(*table, schema_v2(), batch_v2(2, 2.5, 3.5, "n"));
  ASSERT_TRUE(v1.ok()) << v1.status().to_string();
  EXPECT_EQ(*v1, 1);
  const nlohmann::json after = metadata_of(*fs_, 1);
  ASSERT_FALSE(after.is_null()) << "version 1 has no metaData";
  for (const char* key : {"id", "format", "partitionColumns", "configuration", "createdTime"}) {
    EXPECT_EQ(after[key], before[key]) << key;
  }
  EXPECT_EQ(table_schema_at(1), merged);
  // The metaData goes before the adds.
  const auto actions = commit_actions(*fs_, 1);
  size_t meta_at = actions.size(), first_add = actions.size();
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i].contains("metaData")) meta_at = i;
    if (actions[i].contains("add") && first_add == actions.size()) first_add = i;
  }
  EXPECT_LT(meta_at, first_add);
  EXPECT_FALSE(table->pending_metadata().has_value());

  auto v2 = append(*table, schema_v2(), batch_v2(3, 4.5, 5.5, "m"));
  ASSERT_TRUE(v2.ok()) << v2.status().to_string();
  EXPECT_TRUE(metadata_of(*fs_, 2).is_null()) << "version 2 repeats the metaData";

  // Reopened with the same writer schema: nothing to merge any more.
  auto again = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_FALSE(again->pending_metadata().has_value());
}

TEST_F(SchemaEvolutionTest, OldFilesReadNullInNewColumnsByName) {
  create_v1();
  auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_TRUE(append(*table, schema_v2(), batch_v2(2, 2.5, 3.5, "n")).ok());

  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  ASSERT_EQ(reader->schema(), table->schema());
  expect_rows_1_and_2(*reader);
  // Projections of only a new column read null from the old file too.
  ScanOptions only_note;
  only_note.columns = std::vector<std::string>{"Note"};
  auto notes = reader->read_all(only_note);
  ASSERT_TRUE(notes.ok()) << notes.status().to_string();
  ASSERT_EQ(notes->num_rows(), 2);
  EXPECT_EQ(notes->column(0)->null_count(), 1);
}

TEST_F(SchemaEvolutionTest, DuckDbReadsOldFilesNullInNewColumnsAndStructMembers) {
  create_v1();
  auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_TRUE(append(*table, schema_v2(), batch_v2(2, 2.5, 3.5, "n")).ok());
  auto duck = duckdb_read((dir_ / "t").string(), {"Note", "Dev.Lon", "Dev.Lat", "Id"});
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  EXPECT_EQ((*duck)["rows"], 2);
  EXPECT_EQ((*duck)["nulls"],
            nlohmann::json({{"Note", 1}, {"Dev.Lon", 1}, {"Dev.Lat", 0}, {"Id", 0}}));
  EXPECT_EQ((*duck)["fields"], nlohmann::json({"Id", "Dev", "Note"}));
  EXPECT_EQ((*duck)["metadata_versions"], nlohmann::json({0, 1}));
}

TEST_F(SchemaEvolutionTest, OptimizeRewritesOldAndNewFilesInTheMergedSchema) {
  create_v1();
  auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_TRUE(append(*table, schema_v2(), batch_v2(2, 2.5, 3.5, "n")).ok());
  auto optimized = optimize_table(fs_, "t", {});
  ASSERT_TRUE(optimized.ok()) << optimized.status().to_string();
  ASSERT_TRUE(optimized->version.has_value());
  EXPECT_EQ(optimized->files_removed, 2);
  EXPECT_EQ(optimized->files_added, 1);
  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  ASSERT_EQ(reader->snapshot().files().size(), 1u);
  expect_rows_1_and_2(*reader);
}

TEST_F(SchemaEvolutionTest, CheckpointAfterTheMergeHoldsTheMergedSchema) {
  TableCreateOptions v1 = options(schema_v1(), false);
  v1.configuration["delta.checkpointInterval"] = "2";
  auto created = DeltaTable::open_or_create(fs_, "t", v1);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  ASSERT_TRUE(append(*created, schema_v1(), batch_v1(1, 1.5)).ok());
  TableCreateOptions v2 = options(schema_v2(), true);
  v2.configuration = v1.configuration;
  auto table = DeltaTable::open_or_create(fs_, "t", v2);
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  ASSERT_TRUE(append(*table, schema_v2(), batch_v2(2, 2.5, 3.5, "n")).ok());
  ASSERT_TRUE(append(*table, schema_v2(), batch_v2(3, 4.5, 5.5, "m")).ok());  // version 2
  ASSERT_TRUE(table->wait_for_checkpoint().ok());
  ASSERT_TRUE(fs_->exists(join_path("t", "_delta_log/00000000000000000002.checkpoint.parquet"))
                  .value_or(false));
  // A writer starting from the checkpoint sees the merged schema: nothing left to merge.
  auto reopened = DeltaTable::open_or_create(fs_, "t", v2);
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  EXPECT_FALSE(reopened->pending_metadata().has_value());
  EXPECT_EQ(reopened->schema(), table->schema());
  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ(reader->schema(), table->schema());
}

TEST_F(SchemaEvolutionTest, RefusalsNameTheColumn) {
  create_v1();
  auto typed = DeltaTable::open_or_create(
      fs_, "t",
      options(Schema().add("Id", DataType::string()).add("Dev", schema_v1().field(1).type), true));
  ASSERT_FALSE(typed.ok());
  EXPECT_NE(typed.status().message().find("`Id` is int in the table, string"), std::string::npos)
      << typed.status().message();

  auto dropped =
      DeltaTable::open_or_create(fs_, "t", options(Schema().add("Id", DataType::int_()), true));
  ASSERT_FALSE(dropped.ok());
  EXPECT_NE(dropped.status().message().find("column `Dev` of the table is missing"),
            std::string::npos)
      << dropped.status().message();

  Schema not_null = schema_v1();
  not_null.add("Required", DataType::long_(), false);
  auto required = DeltaTable::open_or_create(fs_, "t", options(not_null, true));
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.status().message().find("new column `Required` is NOT NULL"),
            std::string::npos)
      << required.status().message();

  TableCreateOptions partitioned = options(schema_v2(), true);
  partitioned.partition_columns = {"Note"};
  auto repartitioned = DeltaTable::open_or_create(fs_, "t", partitioned);
  ASSERT_FALSE(repartitioned.ok());
  EXPECT_NE(repartitioned.status().message().find("is partitioned by []"), std::string::npos)
      << repartitioned.status().message();
}

TEST_F(SchemaEvolutionTest, ConcurrentMergeOfTheSameColumnsIsAbsorbed) {
  create_v1();
  auto a = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  auto b = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(b->pending_metadata().has_value());
  auto va = append(*a, schema_v2(), batch_v2(2, 2.5, 3.5, "a"));
  ASSERT_TRUE(va.ok()) << va.status().to_string();
  // b read version 0 and carries the same metaData: version 1 is taken by a's metadata change,
  // which already holds b's columns, so b commits its files at version 2 without one.
  auto vb = append(*b, schema_v2(), batch_v2(3, 4.5, 5.5, "b"));
  ASSERT_TRUE(vb.ok()) << vb.status().to_string();
  EXPECT_EQ(*vb, 2);
  EXPECT_TRUE(metadata_of(*fs_, 2).is_null());
  EXPECT_FALSE(b->pending_metadata().has_value());
  EXPECT_EQ(b->schema(), a->schema());
  auto reader = TableReader::open(fs_, "t");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto all = reader->read_all();
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  EXPECT_EQ(all->num_rows(), 3);
}

TEST_F(SchemaEvolutionTest, ConcurrentMergeOfOtherColumnsIsMergedAgain) {
  create_v1();
  Schema with_color = schema_v1();
  with_color.add("Color", DataType::string());
  // b knows Color too (a writer may not leave out a table column) and adds Dev.Lon and Note.
  Schema v2_with_color = schema_v2();
  v2_with_color.add("color", DataType::string());
  auto a = DeltaTable::open_or_create(fs_, "t", options(with_color, true));
  auto b = DeltaTable::open_or_create(fs_, "t", options(v2_with_color, true));
  ASSERT_TRUE(a.ok() && b.ok());
  RecordBatch colored = RecordBatch::make_empty(with_color);
  colored.mutable_column(0).append<int32_t>(2);
  colored.mutable_column(1).append_null();
  colored.mutable_column(2).append_string("red");
  ASSERT_TRUE(append(*a, with_color, colored).ok());
  RecordBatch row = batch_v2(3, 4.5, 5.5, "b");
  row = RecordBatch(v2_with_color, {row.column(0), row.column(1), row.column(2), [] {
                                      ColumnPtr c = Column::make(DataType::string());
                                      c->append_string("blue");
                                      return c;
                                    }()});
  auto vb = append(*b, v2_with_color, row);
  ASSERT_TRUE(vb.ok()) << vb.status().to_string();
  EXPECT_EQ(*vb, 2);
  EXPECT_FALSE(metadata_of(*fs_, 2).is_null());
  const Schema all_columns =
      Schema()
          .add("Id", DataType::int_())
          .add("Dev",
               Schema().add("Lat", DataType::double_()).add("Lon", DataType::double_()).as_struct())
          .add("Color", DataType::string())
          .add("Note", DataType::string());
  EXPECT_EQ(table_schema_at(2), all_columns);
}

TEST_F(SchemaEvolutionTest, ConcurrentMergeOfColumnsThisWriterLacksIsAConflict) {
  create_v1();
  Schema with_color = schema_v1();
  with_color.add("Color", DataType::string());
  auto a = DeltaTable::open_or_create(fs_, "t", options(with_color, true));
  auto b = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(a.ok() && b.ok());
  RecordBatch colored = RecordBatch::make_empty(with_color);
  colored.mutable_column(0).append<int32_t>(2);
  colored.mutable_column(1).append_null();
  colored.mutable_column(2).append_string("red");
  ASSERT_TRUE(append(*a, with_color, colored).ok());
  auto vb = append(*b, schema_v2(), batch_v2(3, 4.5, 5.5, "b"));
  ASSERT_FALSE(vb.ok());
  EXPECT_EQ(vb.status().code(), StatusCode::kConflict);
  EXPECT_NE(vb.status().message().find("column `Color` of the table is missing"), std::string::npos)
      << vb.status().message();
}

TEST_F(SchemaEvolutionTest, ConcurrentIncompatibleMergeIsAConflict) {
  create_v1();
  Schema note_int = schema_v1();
  note_int.add("Note", DataType::int_());
  auto a = DeltaTable::open_or_create(fs_, "t", options(note_int, true));
  auto b = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(a.ok() && b.ok());
  RecordBatch row = RecordBatch::make_empty(note_int);
  row.mutable_column(0).append<int32_t>(2);
  row.mutable_column(1).append_null();
  row.mutable_column(2).append<int32_t>(7);
  ASSERT_TRUE(append(*a, note_int, row).ok());
  auto vb = append(*b, schema_v2(), batch_v2(3, 4.5, 5.5, "b"));
  ASSERT_FALSE(vb.ok());
  EXPECT_EQ(vb.status().code(), StatusCode::kConflict);
  EXPECT_NE(vb.status().message().find("`Note` is int in the table, string"), std::string::npos)
      << vb.status().message();
}

TEST_F(SchemaEvolutionTest, ConcurrentPlainAppendDoesNotConflictWithOurMetadata) {
  create_v1();
  auto merging = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  auto plain = DeltaTable::open_or_create(fs_, "t", options(schema_v1(), false));
  ASSERT_TRUE(merging.ok() && plain.ok());
  ASSERT_TRUE(append(*plain, schema_v1(), batch_v1(2, 2.5)).ok());
  auto v = append(*merging, schema_v2(), batch_v2(3, 4.5, 5.5, "b"));
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(*v, 2);
  EXPECT_FALSE(metadata_of(*fs_, 2).is_null()) << "the merge's metaData went missing";
  EXPECT_EQ(table_schema_at(2), merging->schema());
}

TEST_F(SchemaEvolutionTest, PlainWriterStillConflictsWithAConcurrentMerge) {
  create_v1();
  auto plain = DeltaTable::open_or_create(fs_, "t", options(schema_v1(), false));
  auto merging = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(plain.ok() && merging.ok());
  ASSERT_TRUE(append(*merging, schema_v2(), batch_v2(2, 2.5, 3.5, "n")).ok());
  auto v = append(*plain, schema_v1(), batch_v1(3, 4.5));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kConflict);
  EXPECT_NE(v.status().message().find("changed the table's metadata"), std::string::npos);
}

TEST_F(SchemaEvolutionTest, MergingWriterCreatesAMissingTable) {
  auto table = DeltaTable::open_or_create(fs_, "t", options(schema_v2(), true));
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto v = append(*table, schema_v2(), batch_v2(1, 1.5, 2.5, "x"));
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(*v, 0);
  EXPECT_EQ(table_schema_at(0), schema_v2());
}

}  // namespace
}  // namespace lakestream
