#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "lakestream/schema/schema.h"
#include "schema/schema_fixtures.h"

namespace lakestream {
namespace {

using testing::meter_schema;
using testing::read_text;

/// The schemaString of the first metaData action in a Delta commit file ("" if none).
std::string delta_schema_string(const std::string& table) {
  const std::string log = read_text(std::string(LAKESTREAM_SOURCE_DIR) + "/tests/data/delta-logs/" +
                                    table + "/00000000000000000000.json");
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    const auto action = nlohmann::json::parse(line, nullptr, false);
    if (action.is_object() && action.contains("metaData")) {
      return action["metaData"]["schemaString"].get<std::string>();
    }
  }
  return {};
}

constexpr std::string_view kMeterJson =
    R"j({"type":"struct","fields":[)j"
    R"j({"name":"MeterId","type":"string","nullable":false,"metadata":{}},)j"
    R"j({"name":"SupplierId","type":"string","nullable":false,"metadata":{}},)j"
    R"j({"name":"Measurement","type":{"type":"struct","fields":[)j"
    R"j({"name":"Value","type":"decimal(10,0)","nullable":false,"metadata":{}},)j"
    R"j({"name":"Unit","type":"string","nullable":true,"metadata":{}}]},)j"
    R"j("nullable":false,"metadata":{}},)j"
    R"j({"name":"ObservationTime","type":"timestamp","nullable":false,"metadata":{}}]})j";

TEST(SchemaJsonTest, WritesSparkStructTypeJson) { EXPECT_EQ(meter_schema().to_json(), kMeterJson); }

TEST(SchemaJsonTest, ReadsThePrettyPrintedSampleSchemaFile) {
  const std::string text = read_text(LAKESTREAM_SOURCE_DIR "/schemas/meter_reading.json");
  ASSERT_FALSE(text.empty());
  auto schema = Schema::from_json(text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(*schema, meter_schema());
  EXPECT_EQ(schema->to_json(), kMeterJson);
}

class DeltaSchemaStringTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(DeltaSchemaStringTest, RoundTripsByteForByte) {
  const std::string original = delta_schema_string(std::string(GetParam()));
  ASSERT_FALSE(original.empty()) << "no metaData in " << GetParam();
  auto schema = Schema::from_json(original);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_GT(schema->size(), 0u);
  EXPECT_EQ(schema->to_json(), original);
  // And the schema survives the DDL form too (these tables have no non-null arrays or maps).
  auto via_ddl = Schema::from_ddl(schema->to_ddl());
  ASSERT_TRUE(via_ddl.ok()) << via_ddl.status().to_string();
  EXPECT_EQ(*via_ddl, *schema);
}

INSTANTIATE_TEST_SUITE_P(SparkWritten, DeltaSchemaStringTest,
                         ::testing::Values("simple_table", "data-reader-partition-values",
                                           "decimal-various-scale-precision",
                                           "delta-0.8.0-special-partition",
                                           "basic-with-inserts-deletes-checkpoint", "delta-0.2.0",
                                           "simple_table_with_checkpoint"),
                         [](const auto& info) {
                           std::string name(info.param);
                           for (char& c : name) {
                             if (c == '-' || c == '.') c = '_';
                           }
                           return name;
                         });

TEST(SchemaJsonTest, NestedDeltaSchemaHasTheRightShape) {
  auto schema = Schema::from_json(delta_schema_string("data-reader-partition-values"));
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto records = schema->index_of("as_list_of_records");
  ASSERT_TRUE(records.has_value());
  const DataTypePtr& list = schema->field(*records).type;
  ASSERT_EQ(list->id(), TypeId::kArray);
  EXPECT_TRUE(list->contains_null());
  ASSERT_EQ(list->element()->id(), TypeId::kStruct);
  EXPECT_EQ(list->element()->fields()[0].name, "val");
  EXPECT_TRUE(same_type(list->element()->fields()[0].type, DataType::int_()));
  auto big = schema->index_of("as_big_decimal");
  ASSERT_TRUE(big.has_value());
  EXPECT_TRUE(same_type(schema->field(*big).type, DataType::decimal(1, 0)));
  EXPECT_TRUE(same_type(schema->field(*schema->index_of("as_byte")).type, DataType::byte()));
}

TEST(SchemaJsonTest, DecimalTableCoversPrecisionsUpTo38) {
  auto schema = Schema::from_json(delta_schema_string("decimal-various-scale-precision"));
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  ASSERT_EQ(schema->size(), 29u);
  EXPECT_TRUE(same_type(schema->fields().back().type, DataType::decimal(38, 36)));
}

TEST(SchemaJsonTest, MetadataIsKeptVerbatimInKeyOrder) {
  const std::string text =
      R"j({"type":"struct","fields":[{"name":"a","type":"string","nullable":true,"metadata":)j"
      R"j({"z":1,"delta.columnMapping.physicalName":"col-5f42","a":{"nested":[1,2.5,null,true]},)j"
      R"j("comment":"unit \"kWh\" \u00e9"}}]})j";
  auto schema = Schema::from_json(text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(
      schema->field(0).metadata,
      R"j({"z":1,"delta.columnMapping.physicalName":"col-5f42","a":{"nested":[1,2.5,null,true]},)j"
      R"j("comment":"unit \"kWh\" é"})j");
  auto again = Schema::from_json(schema->to_json());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *schema);
  EXPECT_EQ(again->to_json(), schema->to_json());
}

TEST(SchemaJsonTest, ArraysAndMapsKeepTheirNullability) {
  const std::string text =
      R"j({"type":"struct","fields":[{"name":"m","type":{"type":"map","keyType":"string",)j"
      R"j("valueType":{"type":"array","elementType":"long","containsNull":false},)j"
      R"j("valueContainsNull":false},"nullable":true,"metadata":{}},)j"
      R"j({"name":"t","type":"timestamp_ntz","nullable":false,"metadata":{}},)j"
      R"j({"name":"b","type":"binary","nullable":true,"metadata":{}}]})j";
  auto schema = Schema::from_json(text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const DataTypePtr& m = schema->field(0).type;
  ASSERT_EQ(m->id(), TypeId::kMap);
  EXPECT_FALSE(m->contains_null());
  EXPECT_FALSE(m->value()->contains_null());
  EXPECT_TRUE(same_type(schema->field(1).type, DataType::timestamp_ntz()));
  EXPECT_EQ(schema->to_json(), text);
}

TEST(SchemaJsonTest, AcceptsSparkSpellingsItDoesNotWrite) {
  // Older Spark writes plain "decimal" for decimal(10,0); missing metadata means none.
  auto schema = Schema::from_json(
      R"j({"type":"struct","fields":[{"name":"d","type":"decimal","nullable":true},)j"
      R"j({"name":"e","type":"decimal( 7, 2)","nullable":true,"metadata":{}},)j"
      R"j({"name":"v","type":"varchar(10)","nullable":true,"metadata":{}}]})j");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_TRUE(same_type(schema->field(0).type, DataType::decimal(10, 0)));
  EXPECT_EQ(schema->field(0).metadata, "{}");
  EXPECT_TRUE(same_type(schema->field(1).type, DataType::decimal(7, 2)));
  EXPECT_TRUE(same_type(schema->field(2).type, DataType::string()));
}

TEST(SchemaJsonTest, SparkVariantReadsAsItsJsonText) {
  // Spark 4's variant, at the top and nested: lakestream reads variant columns as JSON text.
  auto schema = Schema::from_json(
      R"j({"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}},)j"
      R"j({"name":"a","type":{"type":"array","elementType":"variant","containsNull":true},)j"
      R"j("nullable":true,"metadata":{}}]})j");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_TRUE(same_type(schema->field(0).type, DataType::string()));
  EXPECT_TRUE(same_type(schema->field(1).type, DataType::array(DataType::string(), true)));
}

struct JsonErrorCase {
  std::string_view name;
  std::string_view json;
  std::string_view message;
};

class SchemaJsonErrorTest : public ::testing::TestWithParam<JsonErrorCase> {};

TEST_P(SchemaJsonErrorTest, NamesWhereItFailed) {
  auto schema = Schema::from_json(GetParam().json);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(schema.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, SchemaJsonErrorTest,
    ::testing::Values(
        JsonErrorCase{"NotJson", R"j({"type":"struct",)j",
                      "invalid schema JSON: parse error at line 1, column 18: syntax error while "
                      "parsing object key - unexpected end of input; expected string literal"},
        JsonErrorCase{"NotAnObject", "[1]",
                      "invalid schema JSON at $: expected an object, found an array"},
        JsonErrorCase{
            "NotAStruct", R"j({"type":"array"})j",
            R"j(invalid schema JSON at $: expected "type":"struct", found the string "array")j"},
        JsonErrorCase{"FieldsMissing", R"j({"type":"struct"})j",
                      R"j(invalid schema JSON at $: missing "fields")j"},
        JsonErrorCase{
            "UnknownType",
            R"j({"type":"struct","fields":[{"name":"i","type":"interval","nullable":true}]})j",
            "invalid schema JSON at $.fields[0] ('i').type: unknown type 'interval'"},
        JsonErrorCase{"NullableMissing",
                      R"j({"type":"struct","fields":[{"name":"a","type":"string"}]})j",
                      R"j(invalid schema JSON at $.fields[0] ('a'): missing "nullable")j"},
        JsonErrorCase{"NullableNotBool",
                      R"j({"type":"struct","fields":[{"name":"a","type":"string","nullable":1}]})j",
                      "invalid schema JSON at $.fields[0] ('a').nullable: expected true or false, "
                      "found the number 1"},
        JsonErrorCase{
            "NameNotString",
            R"j({"type":"struct","fields":[{"name":7,"type":"string","nullable":true}]})j",
            "invalid schema JSON at $.fields[0].name: expected a string, found the "
            "number 7"},
        JsonErrorCase{
            "PrecisionTooLarge",
            R"j({"type":"struct","fields":[{"name":"d","type":"decimal(39,0)","nullable":true}]})j",
            "invalid schema JSON at $.fields[0] ('d').type: decimal precision 39 is out "
            "of range 1..38"},
        JsonErrorCase{
            "ScaleAbovePrecision",
            R"j({"type":"struct","fields":[{"name":"d","type":"decimal(3,4)","nullable":true}]})j",
            "invalid schema JSON at $.fields[0] ('d').type: decimal scale 4 exceeds the "
            "precision 3"},
        JsonErrorCase{"ElementTypeMissing",
                      R"j({"type":"struct","fields":[{"name":"a",)j"
                      R"j("type":{"type":"array","containsNull":true},"nullable":true}]})j",
                      R"j(invalid schema JSON at $.fields[0] ('a').type: missing "elementType")j"},
        JsonErrorCase{
            "DeepError",
            R"j({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[)j"
            R"j({"name":"m","type":{"type":"map","keyType":"string","valueType":"nope",)j"
            R"j("valueContainsNull":true},"nullable":true}]},"nullable":true}]})j",
            "invalid schema JSON at $.fields[0] ('s').type.fields[0] ('m').type."
            "valueType: unknown type 'nope'"},
        JsonErrorCase{"MetadataNotObject",
                      R"j({"type":"struct","fields":[)j"
                      R"j({"name":"a","type":"string","nullable":true,"metadata":[]}]})j",
                      "invalid schema JSON at $.fields[0] ('a').metadata: expected an object, "
                      "found an array"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace lakestream
