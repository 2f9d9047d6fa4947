// The SQL expressions of Delta constraints and generated columns: parsing (and refusing what is
// outside the subset, by name), binding to a schema, and evaluation with SQL's three-valued
// logic over rows of a RecordBatch.

#include "lakestream/delta/expression.h"

#include <gtest/gtest.h>

#include <string>

#include "lakestream/common/time.h"

namespace lakestream {
namespace {

Schema test_schema() {
  return Schema()
      .add("id", DataType::long_())
      .add("reading", DataType::double_())
      .add("amount", DataType::decimal(10, 2))
      .add("unit", DataType::string())
      .add("ts", DataType::timestamp())
      .add("day", DataType::date())
      .add("flag", DataType::boolean())
      .add("device id", DataType::string())
      .add("loc", DataType::struct_({Field{"city", DataType::string(), true, "{}"},
                                     Field{"zip", DataType::int_(), true, "{}"}}));
}

/// Row 0: every column set; row 1: every column NULL.
RecordBatch test_batch() {
  RecordBatch b = RecordBatch::make_empty(test_schema());
  b.mutable_column(0).append<int64_t>(7);
  b.mutable_column(1).append<double>(-3.5);
  b.mutable_column(2).append_decimal(12345);  // 123.45
  b.mutable_column(3).append_string("kWh");
  b.mutable_column(4).append<int64_t>(*parse_timestamp_micros("2024-02-29T23:15:30.250Z"));
  b.mutable_column(5).append<int32_t>(*parse_date_days("2024-02-29"));
  b.mutable_column(6).append_bool(true);
  b.mutable_column(7).append_string("Dev-42");
  Column& loc = b.mutable_column(8);
  loc.append_struct_valid();
  loc.mutable_child(0).append_string("Oslo");
  loc.mutable_child(1).append<int32_t>(150);
  for (size_t c = 0; c < b.num_columns(); ++c) b.mutable_column(c).append_null();
  return b;
}

class ExpressionTest : public ::testing::Test {
 protected:
  /// The expression's value on `row` of test_batch(), as SQL text.
  std::string eval(const std::string& text, int64_t row = 0) {
    auto e = SqlExpression::parse(text);
    if (!e.ok()) return "parse error: " + e.status().message();
    Status st = e->bind(test_schema());
    if (!st.ok()) return "bind error: " + st.message();
    SqlValue v;
    e->evaluate(batch_, row, scratch_, &v);
    return v.to_sql();
  }
  RecordBatch batch_ = test_batch();
  SqlScratch scratch_;
};

TEST_F(ExpressionTest, ComparisonsAndArithmetic) {
  EXPECT_EQ(eval("id > 3"), "true");
  EXPECT_EQ(eval("id >= 8"), "false");
  EXPECT_EQ(eval("reading < 0 AND id = 7"), "true");
  EXPECT_EQ(eval("id + 1 = 8"), "true");
  EXPECT_EQ(eval("id * 2 - 4"), "10");
  EXPECT_EQ(eval("id / 2"), "3.5");
  EXPECT_EQ(eval("id % 4"), "3");
  EXPECT_EQ(eval("-id"), "-7");
  EXPECT_EQ(eval("id <> 7"), "false");
  EXPECT_EQ(eval("id != 6"), "true");
  EXPECT_EQ(eval("amount > 123.4"), "true");
  EXPECT_EQ(eval("amount = 123.45"), "true");
  EXPECT_EQ(eval("id / 0"), "NULL");  // Spark (non-ANSI): division by zero is NULL
  EXPECT_EQ(eval("1 + 2 * 3"), "7");
  EXPECT_EQ(eval("(1 + 2) * 3"), "9");
  EXPECT_EQ(eval("id = 7L"), "true");
}

TEST_F(ExpressionTest, ThreeValuedLogic) {
  EXPECT_EQ(eval("id > 3", 1), "NULL");
  EXPECT_EQ(eval("id > 3 OR true", 1), "true");
  EXPECT_EQ(eval("id > 3 AND false", 1), "false");
  EXPECT_EQ(eval("NOT (id > 3)", 1), "NULL");
  EXPECT_EQ(eval("id IS NULL", 1), "true");
  EXPECT_EQ(eval("id IS NOT NULL", 1), "false");
  EXPECT_EQ(eval("id IS NOT NULL"), "true");
  EXPECT_EQ(eval("id <=> NULL", 1), "true");
  EXPECT_EQ(eval("id <=> 7"), "true");
  EXPECT_EQ(eval("coalesce(id, 0) = 0", 1), "true");
  EXPECT_EQ(eval("id IN (1, NULL)"), "NULL");
  EXPECT_EQ(eval("id IN (1, NULL, 7)"), "true");
  EXPECT_EQ(eval("id NOT IN (1, 2)"), "true");
  EXPECT_EQ(eval("isnull(unit)", 1), "true");
}

TEST_F(ExpressionTest, StringsAndPredicates) {
  EXPECT_EQ(eval("unit IN ('kWh', 'MWh')"), "true");
  EXPECT_EQ(eval("unit = 'kwh'"), "false");
  EXPECT_EQ(eval("lower(unit) = 'kwh'"), "true");
  EXPECT_EQ(eval("upper(unit)"), "'KWH'");
  EXPECT_EQ(eval("length(unit)"), "3");
  EXPECT_EQ(eval("unit LIKE 'k%'"), "true");
  EXPECT_EQ(eval("unit LIKE '_W_'"), "true");
  EXPECT_EQ(eval("unit NOT LIKE '%h'"), "false");
  EXPECT_EQ(eval("`device id` LIKE 'Dev-%'"), "true");
  EXPECT_EQ(eval("concat(unit, '/', id)"), "'kWh/7'");
  EXPECT_EQ(eval("unit || '!'"), "'kWh!'");
  EXPECT_EQ(eval("substring(`device id`, 5)"), "'42'");
  EXPECT_EQ(eval("substr(`device id`, 1, 3)"), "'Dev'");
  EXPECT_EQ(eval("substring(`device id`, -2, 1)"), "'4'");
  EXPECT_EQ(eval("id BETWEEN 1 AND 7"), "true");
  EXPECT_EQ(eval("id NOT BETWEEN 1 AND 7"), "false");
  EXPECT_EQ(eval("abs(reading)"), "3.5");
  EXPECT_EQ(eval("'it''s'"), "'it''s'");
  EXPECT_EQ(eval("trim('  a ')"), "'a'");
}

TEST_F(ExpressionTest, NestedAndCaseInsensitiveColumns) {
  EXPECT_EQ(eval("loc.city = 'Oslo'"), "true");
  EXPECT_EQ(eval("LOC.Zip > 100"), "true");
  EXPECT_EQ(eval("loc.zip", 1), "NULL");
  EXPECT_EQ(eval("ID = 7"), "true");
}

TEST_F(ExpressionTest, DatesAndTimestamps) {
  EXPECT_EQ(eval("CAST(ts AS DATE)"), "DATE'2024-02-29'");
  EXPECT_EQ(eval("to_date(ts)"), "DATE'2024-02-29'");
  EXPECT_EQ(eval("year(ts)"), "2024");
  EXPECT_EQ(eval("month(day)"), "2");
  EXPECT_EQ(eval("dayofmonth(ts)"), "29");
  EXPECT_EQ(eval("hour(ts)"), "23");
  EXPECT_EQ(eval("minute(ts)"), "15");
  EXPECT_EQ(eval("date_format(ts, 'yyyy-MM-dd')"), "'2024-02-29'");
  EXPECT_EQ(eval("date_format(ts, 'yyyyMMdd HH:mm:ss.SSS')"), "'20240229 23:15:30.250'");
  EXPECT_EQ(eval("day = DATE'2024-02-29'"), "true");
  EXPECT_EQ(eval("ts > TIMESTAMP'2024-02-29 23:00:00'"), "true");
  EXPECT_EQ(eval("ts >= day"), "true");
  EXPECT_EQ(eval("day = '2024-02-29'"), "true");
  EXPECT_EQ(eval("day + 1"), "DATE'2024-03-01'");
  EXPECT_EQ(eval("CAST('2024-13-01' AS DATE)"), "NULL");
  EXPECT_EQ(eval("CAST(amount AS INT)"), "123");
  EXPECT_EQ(eval("CAST(id AS STRING)"), "'7'");
  EXPECT_EQ(eval("CAST('12' AS BIGINT) + 1"), "13");
  EXPECT_EQ(eval("CAST(reading AS DECIMAL(5,0))"), "-4");
  EXPECT_EQ(eval("amount"), "123.45");
  EXPECT_EQ(eval("CAST(amount AS STRING)"), "'123.45'");
}

TEST_F(ExpressionTest, ParseErrorsNameThePosition) {
  EXPECT_EQ(eval("id >"),
            "parse error: cannot parse the SQL expression 'id >' at position 5: "
            "expected an expression, found the end");
  EXPECT_NE(eval("id > 3 3").find("expected the end of the expression, found '3'"),
            std::string::npos);
  EXPECT_NE(eval("unit = 'abc").find("unterminated string literal"), std::string::npos);
  EXPECT_NE(eval("id IN (1, 2").find("expected ')'"), std::string::npos);
  EXPECT_NE(eval("DATE'2024-99-01' = day").find("is not a date"), std::string::npos);
  // Nesting is bounded (the text comes from a table's log; the parser recurses).
  EXPECT_NE(eval(std::string(500, '(') + "1" + std::string(500, ')')).find("nested deeper than"),
            std::string::npos);
  std::string nots;
  for (int i = 0; i < 500; ++i) nots.append("NOT ");
  EXPECT_NE(eval(nots + "true").find("nested deeper than"), std::string::npos);
  EXPECT_EQ(eval(std::string(50, '(') + "1" + std::string(50, ')')), "1");
}

TEST_F(ExpressionTest, OutsideTheSubsetIsRefusedByName) {
  EXPECT_NE(eval("regexp_extract(unit, 'k', 0) = 'k'").find("the function regexp_extract()"),
            std::string::npos);
  EXPECT_NE(eval("CASE WHEN id > 1 THEN true END").find("uses CASE"), std::string::npos);
  EXPECT_NE(eval("unit RLIKE 'k.*'").find("uses RLIKE"), std::string::npos);
  EXPECT_NE(eval("date_format(ts, 'EEE')").find("pattern letter 'E'"), std::string::npos);
  EXPECT_NE(eval("missing > 1")
                .find("bind error: the SQL expression 'missing > 1' refers to the "
                      "column missing, which is not in the schema"),
            std::string::npos);
  EXPECT_NE(eval("loc > 1").find("of type struct"), std::string::npos);
}

TEST_F(ExpressionTest, DescribeRowNamesTheColumnsAndValues) {
  auto e = SqlExpression::parse("reading > 0 AND unit = 'kWh' AND reading < 10");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e->bind(test_schema()).ok());
  EXPECT_EQ(e->columns(), (std::vector<std::string>{"reading", "unit"}));
  EXPECT_EQ(e->describe_row(batch_, 0), "reading = -3.5, unit = 'kWh'");
  EXPECT_EQ(e->describe_row(batch_, 1), "reading = NULL, unit = NULL");
}

TEST_F(ExpressionTest, AppendsValuesConvertedToTheColumnType) {
  Column date_col(DataType::date());
  SqlValue v;
  v.kind = SqlValue::Kind::kTimestamp;
  v.i = *parse_timestamp_micros("2024-01-02T23:59:59Z");
  ASSERT_TRUE(append_sql_value(v, &date_col).ok());
  EXPECT_EQ(date_col.value<int32_t>(0), *parse_date_days("2024-01-02"));
  Column dec(DataType::decimal(10, 1));
  v.kind = SqlValue::Kind::kDouble;
  v.d = 2.25;
  ASSERT_TRUE(append_sql_value(v, &dec).ok());
  EXPECT_EQ(static_cast<int64_t>(dec.decimal_value(0)), 23);  // rounded half up like Spark
  Column s(DataType::string());
  v.kind = SqlValue::Kind::kNull;
  ASSERT_TRUE(append_sql_value(v, &s).ok());
  EXPECT_TRUE(s.is_null(0));
}

}  // namespace
}  // namespace lakestream
