#include <gtest/gtest.h>

#include <string>

#include "lakestream/schema/schema.h"
#include "schema/schema_fixtures.h"

namespace lakestream {
namespace {

TEST(SchemaTreeTest, MeterSchemaAsPrintSchema) {
  EXPECT_EQ(testing::meter_schema().tree_string(),
            "root\n"
            " |-- MeterId: string (nullable = false)\n"
            " |-- SupplierId: string (nullable = false)\n"
            " |-- Measurement: struct (nullable = false)\n"
            " |    |-- Value: decimal(10,0) (nullable = false)\n"
            " |    |-- Unit: string (nullable = true)\n"
            " |-- ObservationTime: timestamp (nullable = false)\n");
}

TEST(SchemaTreeTest, EmptySchemaIsJustRoot) { EXPECT_EQ(Schema().tree_string(), "root\n"); }

TEST(SchemaTreeTest, PrimitivesUseSparkTypeNames) {
  auto schema = Schema::from_ddl(
      "a TINYINT, b SMALLINT, c INT, d BIGINT, e FLOAT, f DOUBLE, g BOOLEAN, h DATE, "
      "i TIMESTAMP_NTZ, j BINARY, k DECIMAL(38,2) NOT NULL");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(schema->tree_string(),
            "root\n"
            " |-- a: byte (nullable = true)\n"
            " |-- b: short (nullable = true)\n"
            " |-- c: integer (nullable = true)\n"
            " |-- d: long (nullable = true)\n"
            " |-- e: float (nullable = true)\n"
            " |-- f: double (nullable = true)\n"
            " |-- g: boolean (nullable = true)\n"
            " |-- h: date (nullable = true)\n"
            " |-- i: timestamp_ntz (nullable = true)\n"
            " |-- j: binary (nullable = true)\n"
            " |-- k: decimal(38,2) (nullable = false)\n");
}

TEST(SchemaTreeTest, ArraysAndMaps) {
  Schema schema;
  schema.add("a", DataType::array(DataType::int_()));
  schema.add("m", DataType::map(DataType::string(), DataType::int_()), false);
  schema.add("n", DataType::map(DataType::string(), DataType::long_(), false));
  EXPECT_EQ(schema.tree_string(),
            "root\n"
            " |-- a: array (nullable = true)\n"
            " |    |-- element: integer (containsNull = true)\n"
            " |-- m: map (nullable = false)\n"
            " |    |-- key: string\n"
            " |    |-- value: integer (valueContainsNull = true)\n"
            " |-- n: map (nullable = true)\n"
            " |    |-- key: string\n"
            " |    |-- value: long (valueContainsNull = false)\n");
}

TEST(SchemaTreeTest, DeepNesting) {
  auto schema = Schema::from_ddl(
      "s STRUCT<list: ARRAY<STRUCT<x: INT NOT NULL>>, byKey: MAP<STRING, STRUCT<y: DATE>>>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(schema->tree_string(),
            "root\n"
            " |-- s: struct (nullable = true)\n"
            " |    |-- list: array (nullable = true)\n"
            " |    |    |-- element: struct (containsNull = true)\n"
            " |    |    |    |-- x: integer (nullable = false)\n"
            " |    |-- byKey: map (nullable = true)\n"
            " |    |    |-- key: string\n"
            " |    |    |-- value: struct (valueContainsNull = true)\n"
            " |    |    |    |-- y: date (nullable = true)\n");
}

TEST(SchemaTreeTest, DeltaNestedSchema) {
  // data-reader-partition-values as Spark prints it.
  const std::string log = testing::read_text(std::string(LAKESTREAM_SOURCE_DIR) +
                                             "/tests/data/delta-logs/"
                                             "data-reader-partition-values/"
                                             "00000000000000000000.json");
  const auto begin = log.find("{\\\"type\\\":\\\"struct\\\"");
  ASSERT_NE(begin, std::string::npos);
  // The schemaString is JSON inside a JSON string: undo the one level of \" escaping.
  std::string schema_string;
  for (size_t i = begin; i < log.size() && !(log[i] == '"' && log[i - 1] != '\\'); ++i) {
    if (log[i] == '\\') ++i;
    schema_string += log[i];
  }
  auto schema = Schema::from_json(schema_string);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const std::string tree = schema->tree_string();
  EXPECT_NE(tree.find(" |-- as_list_of_records: array (nullable = true)\n"
                      " |    |-- element: struct (containsNull = true)\n"
                      " |    |    |-- val: integer (nullable = true)\n"),
            std::string::npos)
      << tree;
  EXPECT_NE(tree.find(" |-- as_nested_struct: struct (nullable = true)\n"
                      " |    |-- aa: string (nullable = true)\n"
                      " |    |-- ab: string (nullable = true)\n"
                      " |    |-- ac: struct (nullable = true)\n"
                      " |    |    |-- aca: integer (nullable = true)\n"
                      " |    |    |-- acb: long (nullable = true)\n"),
            std::string::npos)
      << tree;
  EXPECT_NE(tree.find(" |-- as_big_decimal: decimal(1,0) (nullable = true)\n"), std::string::npos);
}

TEST(SchemaTreeTest, ControlCharactersInNamesAreEscaped) {
  Schema schema;
  schema.add("a\tb\nc", DataType::string());
  EXPECT_EQ(schema.tree_string(), "root\n |-- a\\tb\\nc: string (nullable = true)\n");
}

}  // namespace
}  // namespace lakestream
