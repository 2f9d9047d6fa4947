#pragma once
// delta/expression: the Spark SQL expressions a Delta table keeps as text: CHECK constraints
// (delta.constraints.<name>), column invariants (delta.invariants) and generated columns
// (delta.generationExpression). SqlExpression parses one into a tree, binds its column
// references to a schema, and evaluates it on a row of a RecordBatch. Owns no table state.
//
// The subset: column references (a, a.b into structs, `back ticked`; case-insensitive as in
// Spark), literals (integers, decimals and doubles, 'strings', TRUE/FALSE, NULL, DATE'...',
// TIMESTAMP'...'), = == <=> != <> < <= > >=, AND OR NOT, IS [NOT] NULL, [NOT] IN (...),
// [NOT] BETWEEN, [NOT] LIKE, + - * / % and ||, CAST(x AS type), and the functions length,
// char_length, lower, upper, trim, abs, coalesce, concat, substring/substr, year, month,
// day/dayofmonth, hour, minute, second, to_date(x), date_format(ts, 'yyyy-MM-dd HH:mm:ss'
// patterns), isnull, isnotnull. Anything else fails parse() or bind() naming what: a writer
// refuses a table whose rule it cannot evaluate instead of letting rows through unchecked.
// Semantics differences from Spark, on purpose and documented in docs/delta.md: decimals are
// computed as doubles; timestamps are read in UTC (Spark uses the session time zone).
//
//   LS_ASSIGN_OR_RAISE(SqlExpression e, SqlExpression::parse("reading > 0 AND unit IN ('kWh')"));
//   LS_RETURN_NOT_OK(e.bind(schema));
//   SqlScratch scratch;
//   SqlValue v;
//   e.evaluate(batch, row, scratch, &v);     // v.kind == kBool, kNull, ...

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

/// One SQL value. Decimals and floats are held as doubles.
struct SqlValue {
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kDate, kTimestamp };
  Kind kind = Kind::kNull;
  int64_t i = 0;   ///< bool (0/1), int, date (days since 1970-01-01), timestamp (micros, UTC)
  double d = 0;    ///< double
  int scale = -1;  ///< a double that is a decimal(p, s): s, for its text; -1 otherwise
  std::string s;   ///< string (bytes)

  bool is_null() const { return kind == Kind::kNull; }
  bool is_true() const { return kind == Kind::kBool && i != 0; }
  /// The value as SQL text for messages: 3, 2.5, 'abc', DATE'2024-01-31', NULL.
  std::string to_sql() const;
};

/// Row `row` of `column` (any non-nested type) as a SqlValue.
void column_sql_value(const Column& column, int64_t row, SqlValue* out);
/// Append `value` to `column`, converted to its type as CAST does (NULL when it does not
/// convert). InvalidArgument for a nested column.
Status append_sql_value(const SqlValue& value, Column* column);
/// CAST(value AS type) for a non-nested `type` (NULL when it does not convert), into `out`.
void sql_cast(const SqlValue& value, const DataType& type, SqlValue* out);
/// Whether two values are equal as <=> says (NULL <=> NULL is true; 1 <=> 1.0 too).
bool sql_values_equal(const SqlValue& a, const SqlValue& b);

/// Per-thread evaluation buffers: one per thread evaluating, reused across rows so that
/// evaluating allocates only while strings grow.
struct SqlScratch {
  std::vector<SqlValue> values;      ///< one per expression node
  std::vector<std::string> strings;  ///< one per node, for the strings it builds
};

class SqlExpression {
 public:
  /// Parse `text`. InvalidArgument naming the position and what was expected for text that is
  /// not an expression; NotImplemented naming the construct for SQL outside the subset above.
  static Result<SqlExpression> parse(std::string_view text);

  /// Resolve every column reference against `schema` and check function arguments.
  /// InvalidArgument naming the column when it is not in the schema or has a type expressions
  /// do not read (arrays, maps, whole structs).
  Status bind(const Schema& schema);

  /// The value on `row` of `batch`, a batch of the bound schema. Never fails: a value that
  /// does not convert (a bad date string in CAST) is NULL, as in Spark.
  void evaluate(const RecordBatch& batch, int64_t row, SqlScratch& scratch, SqlValue* out) const;

  /// The text it was parsed from.
  const std::string& text() const { return text_; }
  /// The column paths it refers to, as written, each once, in order of appearance.
  std::vector<std::string> columns() const;
  /// "a = 1, b = NULL": the referenced columns' values on `row`, for messages.
  std::string describe_row(const RecordBatch& batch, int64_t row) const;

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<std::vector<Node>> nodes_;  ///< nodes_->back() is the root
  bool bound_ = false;
};

}  // namespace lakestream
