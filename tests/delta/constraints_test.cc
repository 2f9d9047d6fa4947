// A table's rules on appended rows (CHECK constraints, invariants, generated columns): read from
// a log written here by hand as Spark writes it, enforced by DeltaTableWriter on every row, and
// what reaches the table read back with our reader.

#include "lakestream/delta/constraints.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "lakestream/common/time.h"
#include "lakestream/delta/table_features.h"
#include "lakestream/delta/table_reader.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

constexpr const char* kGeneratedDay = R"x({"delta.generationExpression":"CAST(ts AS DATE)"})x";
constexpr const char* kIdInvariant =
    R"({"delta.invariants":"{\"expression\":{\"expression\":\"id < 1000\"}}"})";

Schema rules_schema() {
  return Schema()
      .add(Field{"id", DataType::long_(), true, kIdInvariant})
      .add("reading", DataType::double_())
      .add("ts", DataType::timestamp())
      .add(Field{"d", DataType::date(), true, kGeneratedDay});
}

MetadataAction rules_metadata() {
  MetadataAction m;
  m.id = "5a8d1f0e-4bb1-4a52-9f1c-0d6e3c2b7a10";
  m.schema_string = rules_schema().to_json();
  m.partition_columns = {"d"};
  m.configuration = {{"delta.constraints.positive_reading", "reading > 0"}};
  return m;
}

const int64_t kTs = *parse_timestamp_micros("2024-05-01T10:00:00Z");
const int32_t kDay = *parse_date_days("2024-05-01");

/// Rows (id, reading, ts, d): `d` < 0 is NULL.
RecordBatch rows(const std::vector<std::tuple<int64_t, double, int32_t>>& values,
                 bool with_d = true) {
  Schema s = rules_schema();
  if (!with_d)
    s = Schema()
            .add("id", DataType::long_())
            .add("reading", DataType::double_())
            .add("ts", DataType::timestamp());
  RecordBatch b = RecordBatch::make_empty(s);
  for (const auto& [id, reading, d] : values) {
    b.mutable_column(0).append<int64_t>(id);
    if (std::isnan(reading)) {
      b.mutable_column(1).append_null();
    } else {
      b.mutable_column(1).append<double>(reading);
    }
    b.mutable_column(2).append<int64_t>(kTs);
    if (with_d) {
      if (d < 0) {
        b.mutable_column(3).append_null();
      } else {
        b.mutable_column(3).append<int32_t>(d);
      }
    }
  }
  return b;
}

TEST(ConstraintsTest, ReadsChecksInvariantsAndGenerationExpressions) {
  auto rules = TableConstraints::make(rules_metadata(), rules_schema(), "t");
  ASSERT_TRUE(rules.ok()) << rules.status().to_string();
  ASSERT_EQ((*rules)->rules().size(), 3u);
  EXPECT_EQ((*rules)->rules()[0].label(), "CHECK constraint positive_reading");
  EXPECT_EQ((*rules)->rules()[1].label(), "invariant of column id");
  EXPECT_EQ((*rules)->rules()[2].label(), "generated column d");
}

TEST(ConstraintsTest, RowsBreakingARuleAreReportedWithTheRuleAndValues) {
  auto rules = TableConstraints::make(rules_metadata(), rules_schema(), "t");
  ASSERT_TRUE(rules.ok());
  auto checker = (*rules)->checker(rules_schema());
  ASSERT_TRUE(checker.ok()) << checker.status().to_string();
  const double null = std::nan("");
  RecordBatch in = rows({{1, 5.0, -1},        // fine, d computed
                         {2, -3.0, kDay},     // CHECK fails
                         {3, null, kDay},     // NULL fails a CHECK, as in Delta
                         {4000, 1.0, kDay},   // invariant fails
                         {5, 2.0, kDay + 1},  // generated column differs
                         {6, 2.0, kDay}});
  RecordBatch out;
  std::vector<RowViolation> bad;
  ASSERT_TRUE(checker->apply(in, &out, &bad).ok());
  ASSERT_EQ(bad.size(), 4u);
  EXPECT_EQ(bad[0].row, 1);
  EXPECT_EQ(bad[0].column, "reading");
  EXPECT_EQ(bad[0].reason,
            "CHECK constraint positive_reading (reading > 0) violated by reading = -3.0");
  EXPECT_EQ(bad[1].row, 2);
  EXPECT_EQ(bad[1].reason,
            "CHECK constraint positive_reading (reading > 0) violated by reading = NULL");
  EXPECT_EQ(bad[2].row, 3);
  EXPECT_EQ(bad[2].column, "id");
  EXPECT_EQ(bad[2].reason, "invariant of column id (id < 1000) violated by id = 4000");
  EXPECT_EQ(bad[3].row, 4);
  EXPECT_EQ(bad[3].column, "d");
  EXPECT_EQ(bad[3].reason,
            "generated column d (CAST(ts AS DATE)) is DATE'2024-05-01' for this row, which "
            "gives d = DATE'2024-05-02'");
  // The NULL of row 0 was computed.
  ASSERT_EQ(out.num_rows(), 6);
  EXPECT_FALSE(out.column(3)->is_null(0));
  EXPECT_EQ(out.column(3)->value<int32_t>(0), kDay);
}

TEST(ConstraintsTest, InvariantsOnStructMembersReadTheMember) {
  const std::string inv = R"({"delta.invariants":"{\"expression\":{\"expression\":\"s.v > 0\"}}"})";
  Schema schema = Schema().add("s", DataType::struct_({Field{"v", DataType::int_(), true, inv}}));
  auto rules = TableConstraints::make(MetadataAction{}, schema, "t");
  ASSERT_TRUE(rules.ok()) << rules.status().to_string();
  ASSERT_EQ((*rules)->rules().size(), 1u);
  EXPECT_EQ((*rules)->rules()[0].label(), "invariant of column s.v");
  auto checker = (*rules)->checker(schema);
  ASSERT_TRUE(checker.ok()) << checker.status().to_string();
  RecordBatch b = RecordBatch::make_empty(schema);
  for (int32_t v : {3, -1}) {
    b.mutable_column(0).append_struct_valid();
    b.mutable_column(0).mutable_child(0).append<int32_t>(v);
  }
  b.mutable_column(0).append_null();  // s NULL: s.v is NULL, which breaks the invariant
  RecordBatch out;
  std::vector<RowViolation> bad;
  ASSERT_TRUE(checker->apply(b, &out, &bad).ok());
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].row, 1);
  EXPECT_EQ(bad[0].column, "s.v");
  EXPECT_EQ(bad[0].reason, "invariant of column s.v (s.v > 0) violated by s.v = -1");
  EXPECT_EQ(bad[1].row, 2);
  EXPECT_EQ(bad[1].reason, "invariant of column s.v (s.v > 0) violated by s.v = NULL");
}

TEST(ConstraintsTest, RulesOutsideTheEvaluatorAreRefusedByName) {
  MetadataAction m = rules_metadata();
  m.configuration["delta.constraints.fancy"] = "regexp_like(CAST(id AS STRING), '^[0-9]+$')";
  auto rules = TableConstraints::make(m, rules_schema(), "file:///t");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(rules.status().message().find("the function regexp_like()"), std::string::npos)
      << rules.status().message();
  EXPECT_NE(rules.status().message().find("CHECK constraint fancy of file:///t"), std::string::npos)
      << rules.status().message();
  // And so the table is not writable, naming the feature.
  ProtocolAction p;
  p.min_reader_version = 1;
  p.min_writer_version = 3;
  Status st = check_writable(p, m, rules_schema(), "file:///t");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("table feature checkConstraints"), std::string::npos) << st.message();
  EXPECT_TRUE(check_writable(p, rules_metadata(), rules_schema(), "file:///t").ok());
}

class ConstraintsTableTest : public TempTableDirTest {
 protected:
  ConstraintsTableTest() : TempTableDirTest("constraints") {}

  /// Table "t" at writer version 4 (invariants, checkConstraints, generatedColumns) with the
  /// rules above, partitioned by its generated column.
  void write_log() {
    std::filesystem::create_directories(dir_ / "t" / "_delta_log");
    const MetadataAction m = rules_metadata();
    std::ofstream out(dir_ / "t" / "_delta_log" / "00000000000000000000.json");
    nlohmann::json meta = {
        {"id", m.id},
        {"format", {{"provider", "parquet"}, {"options", nlohmann::json::object()}}},
        {"schemaString", m.schema_string},
        {"partitionColumns", m.partition_columns},
        {"configuration", m.configuration},
        {"createdTime", 1700000000000}};
    out << R"({"protocol":{"minReaderVersion":1,"minWriterVersion":4}})"
        << "\n"
        << nlohmann::json{{"metaData", meta}}.dump() << "\n";
  }

  /// Write `batch` through a writer with the table's rules and commit what passes.
  Result<std::vector<RowViolation>> append(const RecordBatch& batch, bool dead_letter = true) {
    LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open(fs_, "t"));
    DeltaTableWriterOptions o;
    o.partition_columns = {"d"};
    LS_ASSIGN_OR_RAISE(o.constraints, table.constraints());
    LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs_, "t", batch.schema(), o));
    std::vector<RowViolation> bad;
    LS_RETURN_NOT_OK(writer->write(batch, dead_letter ? &bad : nullptr));
    LS_ASSIGN_OR_RAISE(std::vector<AddFile> adds, writer->finish());
    Transaction t = table.begin();
    for (auto& a : adds) t.add_file(std::move(a));
    LS_RETURN_NOT_OK(t.commit("WRITE").status());
    return bad;
  }

  std::vector<int64_t> ids_in_table() {
    auto reader = TableReader::open((dir_ / "t").string());
    EXPECT_TRUE(reader.ok()) << reader.status().to_string();
    if (!reader.ok()) return {};
    auto all = reader->read_all();
    EXPECT_TRUE(all.ok()) << all.status().to_string();
    std::vector<int64_t> ids;
    const auto id = all->schema().index_of("id");
    const auto d = all->schema().index_of("d");
    for (int64_t r = 0; r < all->num_rows(); ++r) {
      ids.push_back(all->column(*id)->value<int64_t>(r));
      EXPECT_EQ(all->column(*d)->value<int32_t>(r), kDay);  // computed or given, never null
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

TEST_F(ConstraintsTableTest, ViolatingRowsStayOutAndTheRestIsCommitted) {
  write_log();
  auto bad = append(rows({{1, 5.0, -1}, {2, -1.0, -1}, {3, 7.0, kDay}}));
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  ASSERT_EQ(bad->size(), 1u);
  EXPECT_EQ((*bad)[0].row, 1);
  EXPECT_EQ(ids_in_table(), (std::vector<int64_t>{1, 3}));
}

TEST_F(ConstraintsTableTest, GeneratedColumnsAbsentFromTheInputAreComputed) {
  write_log();
  // The writer's schema lacks d entirely: the table accepts it and the writer adds it.
  auto table = DeltaTable::open_or_create(fs_, "t",
                                          {Schema()
                                               .add("id", DataType::long_())
                                               .add("reading", DataType::double_())
                                               .add("ts", DataType::timestamp()),
                                           {"d"},
                                           {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  auto bad = append(rows({{10, 1.0, 0}, {11, 2.0, 0}}, /*with_d=*/false));
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  EXPECT_TRUE(bad->empty());
  EXPECT_EQ(ids_in_table(), (std::vector<int64_t>{10, 11}));
}

TEST_F(ConstraintsTableTest, WithoutADeadLetterListTheAppendFailsNamingTheConstraint) {
  write_log();
  auto bad = append(rows({{1, 5.0, -1}, {2, -1.0, -1}}), /*dead_letter=*/false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "CHECK constraint positive_reading (reading > 0) violated by reading = -1.0"),
            std::string::npos)
      << bad.status().message();
  EXPECT_TRUE(ids_in_table().empty());
}

class IdentityTableTest : public TempTableDirTest {
 protected:
  IdentityTableTest() : TempTableDirTest("identity") {}

  /// Table "t": `id` BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), its
  /// high-water mark at 20, and `v` STRING; writer version 6.
  void write_log(bool allow_explicit = false) {
    std::filesystem::create_directories(dir_ / "t" / "_delta_log");
    nlohmann::json id_meta = {{"delta.identity.start", 10},
                              {"delta.identity.step", 5},
                              {"delta.identity.highWaterMark", 20},
                              {"delta.identity.allowExplicitInsert", allow_explicit}};
    Schema s = Schema()
                   .add(Field{"id", DataType::long_(), false, id_meta.dump()})
                   .add("v", DataType::string());
    nlohmann::json meta = {
        {"id", "9b1c7e2a-0d3f-4f5e-8a6b-1c2d3e4f5a6b"},
        {"format", {{"provider", "parquet"}, {"options", nlohmann::json::object()}}},
        {"schemaString", s.to_json()},
        {"partitionColumns", nlohmann::json::array()},
        {"configuration", nlohmann::json::object()},
        {"createdTime", 1700000000000}};
    std::ofstream out(dir_ / "t" / "_delta_log" / "00000000000000000000.json");
    out << R"({"protocol":{"minReaderVersion":1,"minWriterVersion":6}})"
        << "\n"
        << nlohmann::json{{"metaData", meta}}.dump() << "\n";
  }

  /// Rows v = `values`; with `ids`, an id column too (-1: NULL).
  static RecordBatch rows(const std::vector<std::string>& values,
                          const std::vector<int64_t>& ids = {}) {
    Schema s;
    if (!ids.empty()) s.add("id", DataType::long_());
    s.add("v", DataType::string());
    RecordBatch b = RecordBatch::make_empty(s);
    for (size_t i = 0; i < values.size(); ++i) {
      if (!ids.empty()) {
        if (ids[i] < 0) {
          b.mutable_column(0).append_null();
        } else {
          b.mutable_column(0).append<int64_t>(ids[i]);
        }
      }
      b.mutable_column(ids.empty() ? 0 : 1).append_string(values[i]);
    }
    return b;
  }

  /// Append with `table` (opened once, like a stream's sink), two writers side by side.
  Result<std::vector<RowViolation>> append(DeltaTable& table, const DeltaTableWriterOptions& base,
                                           const RecordBatch& a, const RecordBatch& b) {
    std::vector<RowViolation> bad;
    std::vector<AddFile> adds;
    for (const RecordBatch* batch : {&a, &b}) {
      DeltaTableWriterOptions o = base;
      o.task_id = batch == &a ? 0 : 1;
      LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs_, "t", batch->schema(), o));
      LS_RETURN_NOT_OK(writer->write(*batch, &bad));
      LS_ASSIGN_OR_RAISE(std::vector<AddFile> more, writer->finish());
      for (auto& add : more) adds.push_back(std::move(add));
    }
    Transaction t = table.begin();
    t.set_identity(base.identity);
    for (auto& add : adds) t.add_file(std::move(add));
    LS_RETURN_NOT_OK(t.commit("WRITE").status());
    return bad;
  }

  std::vector<std::string> table_rows() {
    auto reader = TableReader::open((dir_ / "t").string());
    EXPECT_TRUE(reader.ok()) << reader.status().to_string();
    if (!reader.ok()) return {};
    auto all = reader->read_all();
    EXPECT_TRUE(all.ok()) << all.status().to_string();
    std::vector<std::string> out;
    for (int64_t r = 0; r < all->num_rows(); ++r) {
      std::string row = std::to_string(all->column(0)->value<int64_t>(r));
      row.append("=").append(all->column(1)->string_value(r));
      out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<int64_t> high_water_mark() {
    auto table = DeltaTable::open(fs_, "t");
    if (!table.ok()) return std::nullopt;
    auto j = nlohmann::json::parse(table->schema().field(0).metadata);
    if (!j.contains("delta.identity.highWaterMark")) return std::nullopt;
    return j["delta.identity.highWaterMark"].get<int64_t>();
  }
};

TEST_F(IdentityTableTest, ValuesFollowTheHighWaterMarkWhichEachCommitMoves) {
  write_log();
  auto table = DeltaTable::open_or_create(fs_, "t", {rows({}).schema(), {}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  DeltaTableWriterOptions o;
  ASSERT_TRUE(table->configure_writer(&o).ok());
  ASSERT_NE(o.identity, nullptr);
  auto bad = append(*table, o, rows({"a", "b"}), rows({"c"}));
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  EXPECT_TRUE(bad->empty());
  EXPECT_EQ(table_rows(), (std::vector<std::string>{"25=a", "30=b", "35=c"}));
  EXPECT_EQ(high_water_mark(), 35);
  // The next commit of the same appender goes on from there.
  bad = append(*table, o, rows({"d"}), rows({"e"}));
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  EXPECT_EQ(table_rows(), (std::vector<std::string>{"25=a", "30=b", "35=c", "40=d", "45=e"}));
  EXPECT_EQ(high_water_mark(), 45);
}

TEST_F(IdentityTableTest, GeneratedAlwaysRefusesAGivenValue) {
  write_log();
  auto table = DeltaTable::open_or_create(fs_, "t", {rows({}, {1}).schema(), {}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  DeltaTableWriterOptions o;
  ASSERT_TRUE(table->configure_writer(&o).ok());
  auto bad = append(*table, o, rows({"a", "b"}, {-1, 7}), rows({}, {}));
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  ASSERT_EQ(bad->size(), 1u);
  EXPECT_EQ((*bad)[0].row, 1);
  EXPECT_EQ((*bad)[0].reason,
            "identity column id is GENERATED ALWAYS AS IDENTITY and takes no value: the row gives "
            "id = 7");
  EXPECT_EQ(table_rows(), (std::vector<std::string>{"25=a"}));
}

TEST_F(IdentityTableTest, GeneratedByDefaultKeepsAGivenValue) {
  write_log(/*allow_explicit=*/true);
  auto table = DeltaTable::open_or_create(fs_, "t", {rows({}, {1}).schema(), {}, {}});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  DeltaTableWriterOptions o;
  ASSERT_TRUE(table->configure_writer(&o).ok());
  auto bad = append(*table, o, rows({"a", "b"}, {-1, 7}), rows({}, {}));
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  EXPECT_TRUE(bad->empty());
  EXPECT_EQ(table_rows(), (std::vector<std::string>{"25=a", "7=b"}));
}

TEST_F(IdentityTableTest, AnotherWritersValuesMeanwhileAreAConflict) {
  write_log();
  auto first = DeltaTable::open_or_create(fs_, "t", {rows({}).schema(), {}, {}});
  auto second = DeltaTable::open_or_create(fs_, "t", {rows({}).schema(), {}, {}});
  ASSERT_TRUE(first.ok() && second.ok());
  DeltaTableWriterOptions o1, o2;
  ASSERT_TRUE(first->configure_writer(&o1).ok());
  ASSERT_TRUE(second->configure_writer(&o2).ok());
  ASSERT_TRUE(append(*first, o1, rows({"a"}), rows({})).ok());
  // The second appender assigned 25 too: its commit must not land.
  auto bad = append(*second, o2, rows({"b"}), rows({}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kConflict) << bad.status().to_string();
  EXPECT_EQ(table_rows(), (std::vector<std::string>{"25=a"}));
}

}  // namespace
}  // namespace lakestream
