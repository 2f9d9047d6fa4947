#include "lakestream/schema/schema_merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lakestream {
namespace {

Schema ddl(const std::string& text) {
  auto schema = Schema::from_ddl(text);
  EXPECT_TRUE(schema.ok()) << text << ": " << schema.status().to_string();
  return schema.ok() ? *schema : Schema();
}

/// The merge of two DDL schemas, expected to succeed.
SchemaMerge merged(const std::string& table, const std::string& writer) {
  auto merge = merge_schema_for_append(ddl(table), ddl(writer));
  EXPECT_TRUE(merge.ok()) << merge.status().to_string();
  return merge.ok() ? *merge : SchemaMerge{};
}

/// The message of a merge expected to be refused.
std::string refusal(const std::string& table, const std::string& writer) {
  auto merge = merge_schema_for_append(ddl(table), ddl(writer));
  EXPECT_FALSE(merge.ok()) << "merged into " << (merge.ok() ? merge->schema.to_ddl() : "");
  if (merge.ok()) return "";
  EXPECT_EQ(merge.status().code(), StatusCode::kInvalidArgument);
  return merge.status().message();
}

TEST(SchemaMergeTest, SameSchemaIsTheTableSchemaUnchanged) {
  const Schema table = ddl("a INT NOT NULL, s STRUCT<x: STRING, y: DOUBLE>");
  auto merge = merge_schema_for_append(table, table);
  ASSERT_TRUE(merge.ok()) << merge.status().to_string();
  EXPECT_FALSE(merge->changed());
  EXPECT_TRUE(merge->added.empty());
  EXPECT_EQ(merge->schema, table);
}

TEST(SchemaMergeTest, WriterOrderAndCaseDoNotMatterTheTableWins) {
  const Schema table = ddl("MeterId STRING, Reading STRUCT<Value: INT, Unit: STRING>");
  auto merge = merge_schema_for_append(
      table, ddl("reading STRUCT<unit: STRING, VALUE: INT>, meterid STRING"));
  ASSERT_TRUE(merge.ok()) << merge.status().to_string();
  EXPECT_FALSE(merge->changed());
  EXPECT_EQ(merge->schema, table);
}

TEST(SchemaMergeTest, NewTopLevelColumnsGoLastInWriterOrder) {
  SchemaMerge m = merged("a INT, b STRING", "c DOUBLE, b STRING, a INT, d DATE");
  EXPECT_EQ(m.added, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(m.schema, ddl("a INT, b STRING, c DOUBLE, d DATE"));
}

TEST(SchemaMergeTest, NewStructMembersAtAnyDepthKeepTableSpelling) {
  SchemaMerge m = merged("Id INT, Dev STRUCT<Loc: STRUCT<Lat: DOUBLE>>",
                         "id INT, dev STRUCT<loc: STRUCT<lat: DOUBLE, lon: DOUBLE>, name STRING>");
  EXPECT_EQ(m.added, (std::vector<std::string>{"Dev.Loc.lon", "Dev.name"}));
  EXPECT_EQ(m.schema,
            ddl("Id INT, Dev STRUCT<Loc: STRUCT<Lat: DOUBLE, lon: DOUBLE>, name STRING>"));
}

TEST(SchemaMergeTest, NewMembersOfStructsInListsAndMapValues) {
  SchemaMerge m = merged("l ARRAY<STRUCT<a: INT>>, m MAP<STRING, STRUCT<a: INT>>",
                         "l ARRAY<STRUCT<a: INT, b: STRING>>, m MAP<STRING, STRUCT<a: INT, c: "
                         "BOOLEAN>>");
  EXPECT_EQ(m.added, (std::vector<std::string>{"l.element.b", "m.value.c"}));
  EXPECT_EQ(m.schema, ddl("l ARRAY<STRUCT<a: INT, b: STRING>>, m MAP<STRING, STRUCT<a: INT, c: "
                          "BOOLEAN>>"));
}

TEST(SchemaMergeTest, TableNullabilityAndMetadataAreKept) {
  SchemaMerge m =
      merged("a INT NOT NULL COMMENT 'the key', b STRING", "a INT NOT NULL, b STRING, c INT");
  ASSERT_EQ(m.schema.size(), 3u);
  EXPECT_FALSE(m.schema.field(0).nullable);
  EXPECT_EQ(m.schema.field(0).metadata, "{\"comment\":\"the key\"}");
  // A writer stricter than the table is fine.
  EXPECT_FALSE(merged("a INT", "a INT NOT NULL").changed());
}

TEST(SchemaMergeTest, NonNullableNewColumnIsRefusedByName) {
  EXPECT_NE(refusal("a INT", "a INT, b INT NOT NULL").find("new column `b` is NOT NULL"),
            std::string::npos);
  EXPECT_NE(refusal("s STRUCT<x: INT>", "s STRUCT<x: INT, y: INT NOT NULL>").find("`s.y`"),
            std::string::npos);
}

TEST(SchemaMergeTest, TypeChangeNamesPathAndBothTypes) {
  EXPECT_EQ(refusal("a INT, b STRING", "a STRING, b STRING"),
            "column `a` is int in the table, string in the writer's schema: an append cannot "
            "change a type");
  const std::string nested = refusal("s STRUCT<x: STRUCT<y: INT>>", "s STRUCT<x: BIGINT>");
  EXPECT_NE(nested.find("`s.x` is struct<y:int> in the table, bigint"), std::string::npos)
      << nested;
  EXPECT_NE(refusal("d DECIMAL(10,2)", "d DECIMAL(12,2)").find("decimal(10,2)"), std::string::npos);
  EXPECT_NE(refusal("l ARRAY<INT>", "l ARRAY<STRING>").find("`l.element`"), std::string::npos);
  EXPECT_NE(refusal("m MAP<STRING, INT>", "m MAP<INT, INT>").find("`m.key`"), std::string::npos);
}

TEST(SchemaMergeTest, DroppedColumnIsRefusedByName) {
  EXPECT_EQ(refusal("a INT, b STRING", "a INT"),
            "column `b` of the table is missing from the writer's schema: an append cannot drop "
            "a column");
  EXPECT_NE(refusal("s STRUCT<x: INT, y: INT>", "s STRUCT<x: INT>").find("`s.y`"),
            std::string::npos);
}

TEST(SchemaMergeTest, WriterAllowingNullsInNotNullColumnIsRefused) {
  EXPECT_NE(refusal("a INT NOT NULL", "a INT").find("`a` is NOT NULL in the table"),
            std::string::npos);
  const Schema table = Schema().add("l", DataType::array(DataType::int_(), false));
  const Schema writer = Schema().add("l", DataType::array(DataType::int_(), true));
  auto merge = merge_schema_for_append(table, writer);
  ASSERT_FALSE(merge.ok());
  EXPECT_NE(merge.status().message().find("elements of `l`"), std::string::npos);
}

TEST(SchemaMergeTest, WriterNamesDifferingOnlyInCaseAreRefused) {
  EXPECT_NE(refusal("a INT", "a INT, A INT").find("`a` and `A`"), std::string::npos);
}

TEST(SchemaMergeTest, QuotedColumnList) {
  EXPECT_EQ(quoted_column_list({"a", "s.b"}), "`a`, `s.b`");
  EXPECT_EQ(quoted_column_list({}), "");
}

}  // namespace
}  // namespace lakestream
