// Writing to tables with table features: each feature lakestream's writers do not honour is
// refused by name (and the column or property that makes it active) before anything is written;
// the ones it honours let an append through; an append-only table refuses removes that change
// data. The logs are written here by hand as Databricks/Spark write them (PROTOCOL.md).

#include "lakestream/delta/table_features.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "lakestream/delta/delta_table.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

class TableFeaturesTest : public TempTableDirTest {
 protected:
  TableFeaturesTest() : TempTableDirTest("table_features") {}

  /// Version 0 of table "t": the protocol and a metaData with `fields` (StructType JSON field
  /// list) and `configuration` (a JSON object).
  void write_log(const std::string& protocol, const std::string& fields = "",
                 const std::string& configuration = "{}") {
    const std::string f = fields.empty()
                              ? R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
                                R"({"name":"s","type":"string","nullable":true,"metadata":{}})"
                              : fields;
    std::string schema = R"({"type":"struct","fields":[)" + f + "]}";
    std::string escaped;
    for (char c : schema) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    std::filesystem::remove_all(dir_ / "t");  // a fresh table each time
    std::filesystem::create_directories(dir_ / "t" / "_delta_log");
    std::ofstream out(dir_ / "t" / "_delta_log" / "00000000000000000000.json");
    out << R"({"protocol":)" << protocol << "}\n"
        << R"({"metaData":{"id":"7d1f8c5e-0c4a-4c56-9a52-2b1b0a0c9e11","format":{"provider":"parquet","options":{}},"schemaString":")"
        << escaped << R"(","partitionColumns":[],"configuration":)" << configuration
        << R"(,"createdTime":1700000000000}})"
        << "\n";
  }

  Status open_status() { return DeltaTable::open(fs_, "t").status(); }

  /// An append of one file (no data needed: the add alone) through a fresh DeltaTable.
  Result<int64_t> append() {
    LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open(fs_, "t"));
    Transaction t = table.begin();
    AddFile add;
    add.path = "part-0.parquet";
    add.size = 10;
    add.modification_time = 1;
    add.stats = R"({"numRecords":3})";  // row tracking numbers the rows by it
    t.add_file(add);
    return t.commit("WRITE");
  }
};

void expect_refused(const Status& st, const std::string& feature, const std::string& detail) {
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.to_string();
  EXPECT_NE(st.message().find("table feature " + feature + " ("), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find(detail), std::string::npos) << st.message();
}

TEST_F(TableFeaturesTest, FeaturesLakestreamHonoursLetAnAppendThrough) {
  write_log(
      R"({"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors","timestampNtz","v2Checkpoint"],)"
      R"("writerFeatures":["deletionVectors","timestampNtz","appendOnly","changeDataFeed","typeWidening",)"
      R"("invariants","checkConstraints","generatedColumns","identityColumns","vacuumProtocolCheck",)"
      R"("inCommitTimestamp","domainMetadata","rowTracking","v2Checkpoint","clustering"]})",
      "", R"({"delta.enableChangeDataFeed":"true","delta.enableDeletionVectors":"true"})");
  auto v = append();
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(*v, 1);
}

TEST_F(TableFeaturesTest, FeaturesWithoutWriterSupportAreRefusedByName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"checkpointProtection", "protected checkpoints"},
      {"icebergCompatV2", "does not know"},
      {"someFutureFeature", "does not know"},
  };
  for (const auto& [feature, detail] : cases) {
    SCOPED_TRACE(feature);
    write_log(R"({"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["appendOnly",")" +
              feature + R"("]})");
    expect_refused(open_status(), feature, detail);
    EXPECT_FALSE(append().ok());
  }
}

TEST_F(TableFeaturesTest, EnabledInCommitTimestampsAreWrittenFirstAndMonotonic) {
  // The previous commit's timestamp is far in the future: ours must still be after it.
  const int64_t future = 4102444800000;  // 2100-01-01
  write_log(R"({"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["inCommitTimestamp"]})",
            "", R"({"delta.enableInCommitTimestamps":"true"})");
  {
    std::ofstream first(dir_ / "t" / "_delta_log" / "00000000000000000000.json", std::ios::app);
    first << R"({"commitInfo":{"inCommitTimestamp":)" << future
          << R"(,"timestamp":1,"operation":"CREATE TABLE"}})"
          << "\n";
  }
  for (int64_t v = 1; v <= 2; ++v) {
    auto committed = append();
    ASSERT_TRUE(committed.ok()) << committed.status().to_string();
    ASSERT_EQ(*committed, v);
    char name[32];
    std::snprintf(name, sizeof(name), "%020lld.json", static_cast<long long>(v));
    std::ifstream in(dir_ / "t" / "_delta_log" / name);
    std::string line;
    std::getline(in, line);
    const std::string want = R"({"commitInfo":{"inCommitTimestamp":)" + std::to_string(future + v);
    EXPECT_TRUE(line.starts_with(want)) << line;
  }
  // Not enabled: no such field.
  write_log(
      R"({"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["inCommitTimestamp"]})");
  ASSERT_TRUE(append().ok());
  std::ifstream in(dir_ / "t" / "_delta_log" / "00000000000000000001.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("inCommitTimestamp"), std::string::npos);
}

TEST_F(TableFeaturesTest, ConstraintsAndGeneratedColumnsPassWhenLakestreamEvaluatesThem) {
  // Writer version 4: checkConstraints and generatedColumns are implied, and active here.
  // Rules within the expression evaluator are enforced by the writer (constraints_test.cc).
  write_log(R"({"minReaderVersion":1,"minWriterVersion":4})", "",
            R"({"delta.constraints.positive_id":"id > 0"})");
  EXPECT_TRUE(open_status().ok()) << open_status().to_string();
  write_log(R"({"minReaderVersion":1,"minWriterVersion":4})", "",
            R"({"delta.constraints.odd_id":"id > 0 AND s RLIKE '^a'"})");
  expect_refused(open_status(), "checkConstraints", "CHECK constraint odd_id");
  expect_refused(open_status(), "checkConstraints", "uses RLIKE");

  write_log(R"({"minReaderVersion":1,"minWriterVersion":4})",
            R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
            R"({"name":"ts","type":"timestamp","nullable":true,"metadata":{}},)"
            R"({"name":"d","type":"date","nullable":true,)"
            R"x("metadata":{"delta.generationExpression":"CAST(ts AS DATE)"}})x");
  EXPECT_TRUE(open_status().ok()) << open_status().to_string();
  write_log(R"({"minReaderVersion":1,"minWriterVersion":4})",
            R"({"name":"id","type":"long","nullable":true,"metadata":{}},)"
            R"({"name":"d","type":"date","nullable":true,)"
            R"x("metadata":{"delta.generationExpression":"CAST(ts AS DATE)"}})x");
  expect_refused(open_status(), "generatedColumns", "refers to the column ts");

  // Identity columns: bigint ones are assigned (constraints_test.cc), others refused.
  write_log(R"({"minReaderVersion":1,"minWriterVersion":6})",
            R"({"name":"id","type":"long","nullable":false,)"
            R"("metadata":{"delta.identity.start":1,"delta.identity.step":1,)"
            R"("delta.identity.allowExplicitInsert":false}})");
  EXPECT_TRUE(open_status().ok()) << open_status().to_string();
  write_log(R"({"minReaderVersion":1,"minWriterVersion":6})",
            R"({"name":"id","type":"integer","nullable":false,)"
            R"("metadata":{"delta.identity.start":1,"delta.identity.step":1,)"
            R"("delta.identity.allowExplicitInsert":false}})");
  expect_refused(open_status(), "identityColumns", "the identity column 'id'");

  // A struct member with an invariant (writer version 2) over a column that is not there.
  write_log(
      R"({"minReaderVersion":1,"minWriterVersion":2})",
      R"({"name":"s","type":{"type":"struct","fields":[{"name":"v","type":"integer",)"
      R"("nullable":true,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"w > 0\"}}"}}]},)"
      R"("nullable":true,"metadata":{}})");
  expect_refused(open_status(), "invariants", "the invariant of column s.v");
  // One it evaluates.
  write_log(
      R"({"minReaderVersion":1,"minWriterVersion":2})",
      R"({"name":"s","type":{"type":"struct","fields":[{"name":"v","type":"integer",)"
      R"("nullable":true,"metadata":{"delta.invariants":"{\"expression\":{\"expression\":\"s.v > 0\"}}"}}]},)"
      R"("nullable":true,"metadata":{}})");
  EXPECT_TRUE(open_status().ok()) << open_status().to_string();

  // The same versions without such columns or properties: appends go through.
  write_log(R"({"minReaderVersion":1,"minWriterVersion":6})");
  auto v = append();
  EXPECT_TRUE(v.ok()) << v.status().to_string();
}

TEST_F(TableFeaturesTest, WriterVersionsBeyondSevenAreRefused) {
  write_log(R"({"minReaderVersion":1,"minWriterVersion":8})");
  const Status st = open_status();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("needs writer version 8"), std::string::npos) << st.message();
}

TEST_F(TableFeaturesTest, AppendOnlyTablesRefuseRemovesThatChangeData) {
  write_log(R"({"minReaderVersion":1,"minWriterVersion":2})", "", R"({"delta.appendOnly":"true"})");
  ASSERT_TRUE(append().ok());
  auto table = DeltaTable::open(fs_, "t");
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  {
    Transaction t = table->begin();
    RemoveFile r;
    r.path = "part-0.parquet";
    r.deletion_timestamp = 2;
    r.data_change = true;
    t.remove_file(r);
    auto v = t.commit("DELETE");
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.status().message().find("append-only (delta.appendOnly=true)"), std::string::npos)
        << v.status().message();
  }
  {
    // Compaction rewrites rows without changing them: allowed.
    Transaction t = table->begin();
    RemoveFile r;
    r.path = "part-0.parquet";
    r.deletion_timestamp = 2;
    r.data_change = false;
    t.remove_file(r);
    AddFile add;
    add.path = "part-1.parquet";
    add.size = 10;
    add.modification_time = 2;
    add.data_change = false;
    t.add_file(add);
    auto v = t.commit("OPTIMIZE");
    EXPECT_TRUE(v.ok()) << v.status().to_string();
  }
}

}  // namespace
}  // namespace lakestream
