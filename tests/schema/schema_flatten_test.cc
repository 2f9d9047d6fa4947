#include <gtest/gtest.h>

#include <string>

#include "lakestream/schema/schema.h"
#include "schema/schema_fixtures.h"

namespace lakestream {
namespace {

std::vector<std::string> names(const Schema& schema) {
  std::vector<std::string> out;
  for (const Field& f : schema.fields()) out.push_back(f.name);
  return out;
}

TEST(SchemaFlattenTest, MeterSchemaBecomesParentChildColumns) {
  auto flat = testing::meter_schema().flatten();
  ASSERT_TRUE(flat.ok()) << flat.status().to_string();
  EXPECT_EQ(names(*flat), (std::vector<std::string>{"MeterId", "SupplierId", "Measurement_Value",
                                                    "Measurement_Unit", "ObservationTime"}));
  EXPECT_TRUE(same_type(flat->field(2).type, DataType::decimal(10, 0)));
  // Measurement is NOT NULL, so each child keeps its own nullability.
  EXPECT_FALSE(flat->field(2).nullable);
  EXPECT_TRUE(flat->field(3).nullable);
  EXPECT_EQ(flat->tree_string(),
            "root\n"
            " |-- MeterId: string (nullable = false)\n"
            " |-- SupplierId: string (nullable = false)\n"
            " |-- Measurement_Value: decimal(10,0) (nullable = false)\n"
            " |-- Measurement_Unit: string (nullable = true)\n"
            " |-- ObservationTime: timestamp (nullable = false)\n");
}

TEST(SchemaFlattenTest, NullableParentMakesChildrenNullable) {
  auto schema =
      Schema::from_ddl("m STRUCT<v: INT NOT NULL, inner: STRUCT<w: INT NOT NULL> NOT NULL>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto flat = schema->flatten();
  ASSERT_TRUE(flat.ok()) << flat.status().to_string();
  EXPECT_EQ(names(*flat), (std::vector<std::string>{"m_v", "m_inner_w"}));
  EXPECT_TRUE(flat->field(0).nullable);
  EXPECT_TRUE(flat->field(1).nullable);
}

TEST(SchemaFlattenTest, RecursesThroughDeepStructs) {
  auto schema = Schema::from_ddl(
      "a STRUCT<b: STRUCT<c: STRUCT<d: BIGINT NOT NULL> NOT NULL> NOT NULL> NOT "
      "NULL, e STRING");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto flat = schema->flatten();
  ASSERT_TRUE(flat.ok()) << flat.status().to_string();
  EXPECT_EQ(names(*flat), (std::vector<std::string>{"a_b_c_d", "e"}));
  EXPECT_FALSE(flat->field(0).nullable);
  EXPECT_TRUE(same_type(flat->field(0).type, DataType::long_()));
}

TEST(SchemaFlattenTest, ArraysAndMapsStaySingleColumns) {
  auto schema = Schema::from_ddl(
      "s STRUCT<tags: ARRAY<STRUCT<k: STRING>>, attrs: MAP<STRING, STRUCT<v: INT>>>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto flat = schema->flatten();
  ASSERT_TRUE(flat.ok()) << flat.status().to_string();
  EXPECT_EQ(names(*flat), (std::vector<std::string>{"s_tags", "s_attrs"}));
  EXPECT_EQ(flat->field(0).type->id(), TypeId::kArray);
  EXPECT_EQ(flat->field(1).type->id(), TypeId::kMap);
  EXPECT_TRUE(same_type(flat->field(0).type, schema->field(0).type->fields()[0].type));
}

TEST(SchemaFlattenTest, KeepsMetadataOfLeaves) {
  auto schema = Schema::from_ddl("m STRUCT<v: INT COMMENT 'kWh'>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto flat = schema->flatten();
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->field(0).metadata, R"({"comment":"kWh"})");
}

TEST(SchemaFlattenTest, FlatSchemaIsUnchanged) {
  auto schema = Schema::from_ddl("a INT NOT NULL, b STRING");
  ASSERT_TRUE(schema.ok());
  auto flat = schema->flatten();
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(*flat, *schema);
}

TEST(SchemaFlattenTest, CollisionNamesBothPaths) {
  auto schema = Schema::from_ddl("a_b INT, a STRUCT<b: INT>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto flat = schema->flatten();
  ASSERT_FALSE(flat.ok());
  EXPECT_EQ(flat.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(flat.status().message().find("'a_b'"), std::string::npos) << flat.status().message();
  EXPECT_NE(flat.status().message().find("'a.b'"), std::string::npos) << flat.status().message();
  EXPECT_FALSE(plan_flatten(*schema).ok());
}

TEST(SchemaFlattenTest, PlanGivesIndexPathsAndDottedNames) {
  auto plan = plan_flatten(testing::meter_schema());
  ASSERT_TRUE(plan.ok()) << plan.status().to_string();
  ASSERT_EQ(plan->size(), 5u);
  EXPECT_EQ((*plan)[2].name, "Measurement_Value");
  EXPECT_EQ((*plan)[2].path, (std::vector<size_t>{2, 0}));
  EXPECT_EQ((*plan)[2].dotted_path, "Measurement.Value");
  EXPECT_EQ((*plan)[3].path, (std::vector<size_t>{2, 1}));
  EXPECT_EQ((*plan)[4].path, (std::vector<size_t>{3}));
}

}  // namespace
}  // namespace lakestream
