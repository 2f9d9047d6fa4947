// Table properties of new tables (delta/table_properties.h): the lowest protocol the schema and
// the properties need, unknown or unsupported delta.* keys refused by name, other keys kept;
// and a table created with row tracking, in-commit timestamps and v2 checkpoints written end to
// end by DeltaTable (its version 0 numbers its rows and carries its timestamp, its checkpoint
// is a v2 one), read back by us and its data files by DuckDB.

#include "lakestream/delta/table_properties.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "duckdb_sql.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/row_tracking.h"
#include "lakestream/delta/snapshot.h"
#include "meter_rows.h"

namespace lakestream {
namespace {

using Strings = std::vector<std::string>;

ProtocolAction protocol_of(const std::map<std::string, std::string>& properties,
                           const Schema& schema = flat_meter_schema()) {
  auto p = new_table_protocol(schema, properties);
  EXPECT_TRUE(p.ok()) << p.status().to_string();
  return p.ok() ? p->protocol : ProtocolAction{};
}

TEST(NewTableProtocol, StaysAtTheLowestVersionsTheTableNeeds) {
  EXPECT_EQ(protocol_of({}), (ProtocolAction{1, 2, {}, {}}));
  EXPECT_EQ(protocol_of({{"delta.appendOnly", "true"}, {"delta.checkpointInterval", "5"}}),
            (ProtocolAction{1, 2, {}, {}}));
  EXPECT_EQ(protocol_of({{"delta.enableChangeDataFeed", "true"}}), (ProtocolAction{1, 4, {}, {}}));
  EXPECT_EQ(protocol_of({{"delta.enableDeletionVectors", "false"}}),
            (ProtocolAction{1, 2, {}, {}}));
  EXPECT_EQ(
      protocol_of({{"delta.enableDeletionVectors", "true"}}),
      (ProtocolAction{3, 7, {"deletionVectors"}, {"appendOnly", "invariants", "deletionVectors"}}));
  EXPECT_EQ(protocol_of({{"delta.enableInCommitTimestamps", "true"}}),
            (ProtocolAction{1, 7, {}, {"appendOnly", "invariants", "inCommitTimestamp"}}));
  EXPECT_EQ(protocol_of({{"delta.checkpointPolicy", "v2"}}),
            (ProtocolAction{3, 7, {"v2Checkpoint"}, {"appendOnly", "invariants", "v2Checkpoint"}}));
  EXPECT_EQ(protocol_of({{"delta.feature.domainMetadata", "supported"}}),
            (ProtocolAction{1, 7, {}, {"appendOnly", "invariants", "domainMetadata"}}));
  // Legacy features join the list once table features are needed.
  EXPECT_EQ(protocol_of({{"delta.enableChangeDataFeed", "true"},
                         {"delta.enableInCommitTimestamps", "true"}}),
            (ProtocolAction{
                1, 7, {}, {"appendOnly", "invariants", "changeDataFeed", "inCommitTimestamp"}}));
  // A timestamp_ntz column needs the timestampNtz feature, nested ones too.
  const Schema ntz = Schema()
                         .add("id", DataType::long_())
                         .add("s", DataType::struct_({Field{"t", DataType::timestamp_ntz()}}));
  EXPECT_EQ(protocol_of({}, ntz),
            (ProtocolAction{3, 7, {"timestampNtz"}, {"appendOnly", "invariants", "timestampNtz"}}));
}

TEST(NewTableProtocol, RowTrackingBringsDomainMetadataAndItsColumnNames) {
  auto p = new_table_protocol(flat_meter_schema(), {{"delta.enableRowTracking", "true"}});
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_EQ(
      p->protocol,
      (ProtocolAction{1, 7, {}, {"appendOnly", "invariants", "rowTracking", "domainMetadata"}}));
  EXPECT_EQ(p->configuration.at("delta.enableRowTracking"), "true");
  EXPECT_TRUE(p->configuration.at("delta.rowTracking.materializedRowIdColumnName")
                  .starts_with("_row-id-col-"));
  EXPECT_TRUE(p->configuration.at("delta.rowTracking.materializedRowCommitVersionColumnName")
                  .starts_with("_row-commit-version-col-"));
  // delta.feature.* keys add a feature and are not stored.
  auto f = new_table_protocol(flat_meter_schema(), {{"delta.feature.rowTracking", "supported"},
                                                    {"owner", "metering team"}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->configuration, (std::map<std::string, std::string>{{"owner", "metering team"}}));
  EXPECT_EQ(f->protocol.writer_features,
            (Strings{"appendOnly", "invariants", "rowTracking", "domainMetadata"}));
}

TEST(NewTableProtocol, UnknownAndUnsupportedPropertiesAreRefusedByName) {
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
      {{{"delta.enableRowTraking", "true"}}, "unknown table property delta.enableRowTraking"},
      {{{"delta.appendOnly", "yes please"}},
       "delta.appendOnly='yes please': expected true or false"},
      {{{"delta.checkpointInterval", "0"}}, "delta.checkpointInterval='0'"},
      {{{"delta.checkpointPolicy", "v3"}}, "classic or v2"},
      {{{"delta.logRetentionDuration", "forever"}}, "delta.logRetentionDuration='forever'"},
      {{{"delta.columnMapping.mode", "name"}}, "delta.columnMapping.mode"},
      {{{"delta.dataSkippingStatsColumns", "a,b"}}, "delta.dataSkippingStatsColumns"},
      {{{"delta.feature.variantType", "supported"}}, "the feature variantType"},
      {{{"delta.feature.rowTracking", "on"}}, "expected supported"},
  };
  for (const auto& [properties, want] : cases) {
    auto p = new_table_protocol(flat_meter_schema(), properties);
    ASSERT_FALSE(p.ok()) << want;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(want), std::string::npos) << p.status().message();
  }
  // Keys compare ignoring case and are stored in Delta's spelling; mode none is no mapping.
  auto spelled = new_table_protocol(flat_meter_schema(), {{"delta.ENABLEROWTRACKING", "true"},
                                                          {"delta.columnMapping.mode", "none"}});
  ASSERT_TRUE(spelled.ok()) << spelled.status().to_string();
  EXPECT_EQ(spelled->configuration.count("delta.enableRowTracking"), 1u);
  EXPECT_EQ(spelled->configuration.count("delta.ENABLEROWTRACKING"), 0u);
  EXPECT_EQ(spelled->protocol.min_writer_version, 7);
  EXPECT_EQ(*parse_table_property("delta.appendOnly=true"),
            (std::pair<std::string, std::string>{"delta.appendOnly", "true"}));
  EXPECT_EQ(parse_table_property("a=b=c")->second, "b=c");
  EXPECT_FALSE(parse_table_property("delta.appendOnly").ok());
  EXPECT_FALSE(parse_table_property("=true").ok());
}

class TablePropertiesTableTest : public TempTableDirTest {
 protected:
  TablePropertiesTableTest() : TempTableDirTest("table_properties") {}
};

TEST_F(TablePropertiesTableTest, ANewTableWithRowTrackingTimestampsAndV2Checkpoints) {
  append_commits(3, 30, 3, 0, "app",
                 {{"delta.enableRowTracking", "true"},
                  {"delta.enableInCommitTimestamps", "true"},
                  {"delta.checkpointPolicy", "v2"},
                  {"delta.checkpointInterval", "2"}});
  auto text = fs_->read_file("t/" + commit_file_path(0));
  ASSERT_TRUE(text.ok());
  auto v0 = parse_commit(*text, "v0");
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ(v0->protocol->min_reader_version, 3);
  EXPECT_EQ(v0->protocol->writer_features,
            (Strings{"appendOnly", "invariants", "v2Checkpoint", "inCommitTimestamp", "rowTracking",
                     "domainMetadata"}));
  EXPECT_EQ(v0->protocol->reader_features, (Strings{"v2Checkpoint"}));
  ASSERT_TRUE(v0->commit_info->in_commit_timestamp);  // the creating commit has one too
  EXPECT_TRUE(text->starts_with(R"({"commitInfo":{"inCommitTimestamp":)")) << *text;
  ASSERT_FALSE(v0->adds.empty());
  EXPECT_EQ(v0->adds.front().base_row_id, 0);
  EXPECT_EQ(v0->adds.front().default_row_commit_version, 0);

  // Version 2 was due a checkpoint: a v2 one.
  auto snap = Snapshot::load(fs_, "t");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_TRUE(snap->checkpoint());
  EXPECT_EQ(snap->checkpoint()->version, 2);
  EXPECT_FALSE(snap->checkpoint()->uuid_file.empty());
  auto mark = row_id_high_water_mark(snap->domain_metadata());
  ASSERT_TRUE(mark.ok() && *mark);
  EXPECT_EQ(**mark, 89);  // 3 commits of 30 rows
  EXPECT_EQ(*snap->total_rows(), 90);

  // Appending again through a fresh DeltaTable continues the numbering.
  append_commits(1, 10, 3, 90, "app");
  auto again = Snapshot::load(fs_, "t");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(**row_id_high_water_mark(again->domain_metadata()), 99);

  std::string list;
  for (const LiveFile& f : again->files()) {
    list += (list.empty() ? "'" : ",'") + (dir_ / f.path).string() + "'";
  }
  auto duck = duckdb_sql("SELECT count(*) AS n FROM read_parquet([" + list + "])");
  if (!duck) GTEST_SKIP() << "npm test tools missing in tests/tools: DuckDB not checked";
  EXPECT_EQ(duckdb_int((*duck)[0]["n"]), 100);
}

TEST_F(TablePropertiesTableTest, AnUnknownPropertyIsRefusedBeforeAnythingIsWritten) {
  auto table = DeltaTable::open_or_create(
      fs_, "t", {flat_meter_schema(), {}, {{"delta.appendOnyl", "true"}}});
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.status().message().find("delta.appendOnyl"), std::string::npos);
  EXPECT_FALSE(*fs_->exists("t/_delta_log/" + std::string("00000000000000000000.json")));
  // An existing table: refused too, the table left as it was.
  append_commits(1, 5, 1, 0);
  auto existing = DeltaTable::open_or_create(
      fs_, "t", {flat_meter_schema(), {"SupplierId"}, {{"delta.appendOnyl", "true"}}});
  ASSERT_FALSE(existing.ok());
  // Properties of an existing table are not changed by a writer that names them.
  auto reopened = DeltaTable::open_or_create(
      fs_, "t", {flat_meter_schema(), {"SupplierId"}, {{"delta.appendOnly", "true"}}});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->state().metadata->configuration.count("delta.appendOnly"), 0u);
}

}  // namespace
}  // namespace lakestream
