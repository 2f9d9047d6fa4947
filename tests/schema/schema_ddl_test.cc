#include <gtest/gtest.h>

#include <string>

#include "lakestream/schema/schema.h"
#include "schema/schema_fixtures.h"

namespace lakestream {
namespace {

using testing::meter_schema;
using testing::read_text;

std::string param_name(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += c;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "empty" : out;
}

TEST(SchemaDdlTest, ParsesTheSampleSchemaFile) {
  std::string ddl = read_text(LAKESTREAM_SOURCE_DIR "/schemas/meter_reading.ddl");
  ASSERT_FALSE(ddl.empty());
  auto schema = Schema::from_ddl(ddl);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(*schema, meter_schema());
}

TEST(SchemaDdlTest, ParsesTheBriefExample) {
  auto schema = Schema::from_ddl(
      "MeterId STRING NOT NULL, Measurement STRUCT<Value: DECIMAL(10,0) NOT NULL, Unit: STRING>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  auto expected = Schema()
                      .add("MeterId", DataType::string(), false)
                      .add("Measurement", Schema()
                                              .add("Value", DataType::decimal(10, 0), false)
                                              .add("Unit", DataType::string())
                                              .as_struct());
  EXPECT_EQ(*schema, expected);
}

struct TypeCase {
  std::string_view ddl_type;
  DataTypePtr expected;
};

class DdlTypeTest : public ::testing::TestWithParam<TypeCase> {};

TEST_P(DdlTypeTest, ParsesToType) {
  auto schema = Schema::from_ddl("c " + std::string(GetParam().ddl_type));
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  ASSERT_EQ(schema->size(), 1u);
  EXPECT_TRUE(same_type(schema->field(0).type, GetParam().expected))
      << schema->field(0).type->simple_string() << " vs " << GetParam().expected->simple_string();
  EXPECT_TRUE(schema->field(0).nullable);
}

INSTANTIATE_TEST_SUITE_P(
    Aliases, DdlTypeTest,
    ::testing::Values(
        TypeCase{"STRING", DataType::string()}, TypeCase{"string", DataType::string()},
        TypeCase{"VARCHAR(10)", DataType::string()}, TypeCase{"char(3)", DataType::string()},
        TypeCase{"INT", DataType::int_()}, TypeCase{"Integer", DataType::int_()},
        TypeCase{"BIGINT", DataType::long_()}, TypeCase{"long", DataType::long_()},
        TypeCase{"TINYINT", DataType::byte()}, TypeCase{"BYTE", DataType::byte()},
        TypeCase{"SMALLINT", DataType::short_()}, TypeCase{"short", DataType::short_()},
        TypeCase{"REAL", DataType::float_()}, TypeCase{"FLOAT", DataType::float_()},
        TypeCase{"DOUBLE", DataType::double_()}, TypeCase{"BOOLEAN", DataType::boolean()},
        TypeCase{"DATE", DataType::date()}, TypeCase{"TIMESTAMP", DataType::timestamp()},
        TypeCase{"timestamp_ltz", DataType::timestamp()},
        TypeCase{"TIMESTAMP_NTZ", DataType::timestamp_ntz()},
        TypeCase{"BINARY", DataType::binary()}, TypeCase{"DECIMAL", DataType::decimal(10, 0)},
        TypeCase{"DECIMAL(5)", DataType::decimal(5, 0)},
        TypeCase{"decimal( 12 , 2 )", DataType::decimal(12, 2)},
        TypeCase{"DEC(7,3)", DataType::decimal(7, 3)},
        TypeCase{"NUMERIC(38,38)", DataType::decimal(38, 38)},
        TypeCase{"ARRAY<INT>", DataType::array(DataType::int_())},
        TypeCase{"array<array<string>>", DataType::array(DataType::array(DataType::string()))},
        TypeCase{"MAP<STRING,BIGINT>", DataType::map(DataType::string(), DataType::long_())},
        TypeCase{"MAP<STRING, ARRAY<DATE>>",
                 DataType::map(DataType::string(), DataType::array(DataType::date()))},
        TypeCase{"STRUCT<>", DataType::struct_({})},
        TypeCase{
            "STRUCT<a: INT, b STRING NOT NULL>",
            Schema().add("a", DataType::int_()).add("b", DataType::string(), false).as_struct()},
        TypeCase{
            "struct<`x y`:array<struct<z:double>>>",
            Schema()
                .add("x y", DataType::array(Schema().add("z", DataType::double_()).as_struct()))
                .as_struct()}),
    [](const auto& info) { return param_name(info.param.ddl_type); });

TEST(SchemaDdlTest, NamesKeepTheirCaseAndBackQuotes) {
  auto schema = Schema::from_ddl("MeterID int, `my col` string, `a``b` long, `1` date, x: int");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  ASSERT_EQ(schema->size(), 5u);
  EXPECT_EQ(schema->field(0).name, "MeterID");
  EXPECT_EQ(schema->field(1).name, "my col");
  EXPECT_EQ(schema->field(2).name, "a`b");
  EXPECT_EQ(schema->field(3).name, "1");
  EXPECT_EQ(schema->field(4).name, "x");
}

TEST(SchemaDdlTest, CommentGoesToMetadata) {
  auto schema = Schema::from_ddl(
      "a INT COMMENT 'it\\'s \"kWh\"' NOT NULL, b STRUCT<c: STRING NOT NULL COMMENT \"inner\">");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(schema->field(0).metadata, R"({"comment":"it's \"kWh\""})");
  EXPECT_FALSE(schema->field(0).nullable);
  EXPECT_EQ(schema->field(1).metadata, "{}");
  const Field& c = schema->field(1).type->fields()[0];
  EXPECT_EQ(c.metadata, R"({"comment":"inner"})");
  EXPECT_FALSE(c.nullable);
}

TEST(SchemaDdlTest, AcceptsAWholeStructType) {
  auto schema = Schema::from_ddl("STRUCT<a: INT NOT NULL, b: STRING>");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(*schema, Schema().add("a", DataType::int_(), false).add("b", DataType::string()));
}

// A whole STRUCT<> would be a schema without columns, whose DDL ("") is refused: found by
// fuzz/schema_fuzz.cc as a DDL round trip that failed. A column of an empty struct type is fine.
TEST(SchemaDdlTest, RefusesAWholeEmptyStructButNotAnEmptyStructColumn) {
  auto whole = Schema::from_ddl("STRUCT<>");
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(whole.status().message().find("STRUCT<> has no column"), std::string::npos);

  auto column = Schema::from_ddl("a STRUCT<>");
  ASSERT_TRUE(column.ok()) << column.status().to_string();
  auto back = Schema::from_ddl(column->to_ddl());
  ASSERT_TRUE(back.ok()) << column->to_ddl();
  EXPECT_EQ(*back, *column);
}

TEST(SchemaDdlTest, ToleratesWhitespaceAndNewlines) {
  auto schema = Schema::from_ddl("\n  a\tINT  NOT   NULL ,\n  b STRING\n");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(*schema, Schema().add("a", DataType::int_(), false).add("b", DataType::string()));
}

struct ErrorCase {
  std::string_view name;
  std::string_view ddl;
  std::string_view message;  // expected message (full, after "InvalidArgument: ")
};

class DdlErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DdlErrorTest, NamesPositionAndToken) {
  auto schema = Schema::from_ddl(GetParam().ddl);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(schema.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, DdlErrorTest,
    ::testing::Values(
        ErrorCase{"AngleWhereTypeExpected", "MeterId STRING NOT NULL, a<INT>",
                  "invalid schema DDL at column 27: expected a type, found '<'"},
        ErrorCase{"UnknownType", "a INT, b FOO",
                  "invalid schema DDL at column 10: unknown type 'FOO'"},
        ErrorCase{"Empty", "",
                  "invalid schema DDL at column 1: expected a column name, found end of input"},
        ErrorCase{"TrailingComma", "a INT,",
                  "invalid schema DDL at column 7: expected a column name, found end of input"},
        ErrorCase{"MissingComma", "a INT b INT",
                  "invalid schema DDL at column 7: expected ',' or end of input, found 'b'"},
        ErrorCase{"PrecisionTooLarge", "a DECIMAL(39,0)",
                  "invalid schema DDL at column 11: decimal precision 39 is out of range 1..38"},
        ErrorCase{"PrecisionZero", "a DECIMAL(0)",
                  "invalid schema DDL at column 11: decimal precision 0 is out of range 1..38"},
        ErrorCase{"ScaleAbovePrecision", "a DECIMAL(5,6)",
                  "invalid schema DDL at column 13: decimal scale 6 exceeds the precision 5"},
        ErrorCase{
            "DecimalNotClosed", "a DECIMAL(5,2",
            "invalid schema DDL at column 14: expected ')' to close DECIMAL(, found end of input"},
        ErrorCase{
            "ArrayNotClosed", "a ARRAY<INT",
            "invalid schema DDL at column 12: expected '>' to close ARRAY<, found end of input"},
        ErrorCase{"MapOneType", "a MAP<STRING>",
                  "invalid schema DDL at column 13: expected ',' between MAP key and value types, "
                  "found '>'"},
        ErrorCase{"StructMissingComma", "a STRUCT<b INT c INT>",
                  "invalid schema DDL at column 16: expected ',' or '>' in STRUCT<...>, found 'c'"},
        ErrorCase{
            "VarcharWithoutLength", "a VARCHAR",
            "invalid schema DDL at column 10: expected '(' after VARCHAR, found end of input"},
        ErrorCase{"NotWithoutNull", "a INT NOT",
                  "invalid schema DDL at column 10: expected NULL after NOT, found end of input"},
        ErrorCase{"CommentNotQuoted", "a INT COMMENT hello",
                  "invalid schema DDL at column 15: expected a quoted comment, found 'hello'"},
        ErrorCase{"UnterminatedBackQuote", "`a INT",
                  "invalid schema DDL at column 1: unterminated back-quoted name"},
        ErrorCase{"UnterminatedString", "a INT COMMENT 'x",
                  "invalid schema DDL at column 15: unterminated string"},
        ErrorCase{"StrayCharacter", "a INT @",
                  "invalid schema DDL at column 7: unexpected character '@'"},
        ErrorCase{"NotNullTwice", "a INT NOT NULL NOT NULL",
                  "invalid schema DDL at column 16: NOT NULL given twice for 'a'"},
        ErrorCase{"TypeMissing", "a, b INT",
                  "invalid schema DDL at column 2: expected a type, found ','"},
        // Found by fuzz/schema_fuzz.cc: a back-quoted name that is not UTF-8 came back from
        // to_json as U+FFFD, a different name.
        ErrorCase{"NameNotUtf8", "a INT, `b\x8d` REAL",
                  "invalid schema DDL at column 10: the text is not UTF-8"},
        ErrorCase{"OverlongUtf8", "`\xC0\xAF` INT",
                  "invalid schema DDL at column 2: the text is not UTF-8"},
        ErrorCase{"SurrogateUtf8", "a INT COMMENT '\xED\xA0\x80'",
                  "invalid schema DDL at column 16: the text is not UTF-8"},
        ErrorCase{"TruncatedUtf8", "`caf\xC3` INT",
                  "invalid schema DDL at column 5: the text is not UTF-8"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SchemaToDdlTest, WritesSparkDdl) {
  EXPECT_EQ(meter_schema().to_ddl(),
            "MeterId STRING NOT NULL,SupplierId STRING NOT NULL,Measurement STRUCT<Value: "
            "DECIMAL(10,0) NOT NULL, Unit: STRING> NOT NULL,ObservationTime TIMESTAMP NOT NULL");
}

TEST(SchemaToDdlTest, QuotesNamesOnlyWhenNeededAndEscapesComments) {
  Schema schema;
  schema.add("plain_1", DataType::int_());
  schema.add("my col", DataType::long_());
  schema.add("a`b", DataType::byte());
  schema.add("123", DataType::short_());
  schema.add(Field{"c", DataType::string(), true, R"({"comment":"it's a \\ path"})"});
  EXPECT_EQ(schema.to_ddl(),
            "plain_1 INT,`my col` BIGINT,`a``b` TINYINT,`123` SMALLINT,"
            "c STRING COMMENT 'it\\'s a \\\\ path'");
}

TEST(SchemaToDdlTest, NestedTypes) {
  Schema schema;
  schema.add("m", DataType::map(DataType::string(), DataType::array(DataType::timestamp_ntz())));
  schema.add("s", DataType::struct_({Field{"x y", DataType::double_(), false, "{}"}}));
  EXPECT_EQ(schema.to_ddl(),
            "m MAP<STRING, ARRAY<TIMESTAMP_NTZ>>,s STRUCT<`x y`: DOUBLE NOT NULL>");
}

class DdlRoundTripTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(DdlRoundTripTest, ParseWriteParse) {
  auto first = Schema::from_ddl(GetParam());
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  const std::string ddl = first->to_ddl();
  auto second = Schema::from_ddl(ddl);
  ASSERT_TRUE(second.ok()) << ddl << ": " << second.status().to_string();
  EXPECT_EQ(*second, *first) << ddl;
  EXPECT_EQ(second->to_ddl(), ddl);
}

INSTANTIATE_TEST_SUITE_P(
    Schemas, DdlRoundTripTest,
    ::testing::Values(
        "MeterId STRING NOT NULL, SupplierId STRING NOT NULL, Measurement STRUCT<Value: "
        "DECIMAL(10,0) NOT NULL, Unit: STRING> NOT NULL, ObservationTime TIMESTAMP NOT NULL",
        "a BOOLEAN, b TINYINT, c SMALLINT, d INT, e BIGINT, f FLOAT, g DOUBLE, h DECIMAL(38,18), "
        "i DATE, j TIMESTAMP, k TIMESTAMP_NTZ, l BINARY, m STRING",
        "`weird name` ARRAY<MAP<STRING, STRUCT<`x``y`: INT COMMENT 'a \\'quoted\\' note'>>> "
        "COMMENT 'top'",
        "s STRUCT<t: STRUCT<u: STRUCT<v: BIGINT NOT NULL> NOT NULL>>"),
    [](const auto& info) { return "Schema" + std::to_string(info.index); });

}  // namespace
}  // namespace lakestream
