// Fuzz target: the SQL expressions of Delta CHECK constraints, invariants and generated columns
// (delta/expression.h, delta/constraints.h), on arbitrary text.
// Properties:
//  - parse() either fails or gives an expression; bind() to a schema of every scalar type and a
//    struct either fails or binds; a bound expression evaluates on every row of a batch (values
//    set, NULLs, extremes) without fault, and its value, describe_row() and to_sql() are
//    computable;
//  - evaluation is deterministic: twice on a row gives the same value (<=>-equal);
//  - the text as a CHECK constraint, through TableConstraints and a ConstraintChecker, reports
//    each row at most once, rows in order, and keeps the batch's row count.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "lakestream/delta/constraints.h"
#include "lakestream/delta/expression.h"

namespace {

constexpr size_t kMaxInput = 4 * 1024;

using namespace lakestream;

Schema fuzz_schema() {
  return Schema()
      .add("i", DataType::int_())
      .add("l", DataType::long_())
      .add("d", DataType::double_())
      .add("m", DataType::decimal(10, 2))
      .add("s", DataType::string())
      .add("b", DataType::boolean())
      .add("dt", DataType::date())
      .add("ts", DataType::timestamp())
      .add("x y", DataType::string())
      .add("st", DataType::struct_({Field{"a", DataType::int_(), true, "{}"},
                                    Field{"t", DataType::string(), true, "{}"}}));
}

RecordBatch fuzz_batch() {
  RecordBatch b = RecordBatch::make_empty(fuzz_schema());
  auto row = [&](int32_t i, int64_t l, double d, int64_t m, const char* s, bool bo, int32_t dt,
                 int64_t ts) {
    b.mutable_column(0).append<int32_t>(i);
    b.mutable_column(1).append<int64_t>(l);
    b.mutable_column(2).append<double>(d);
    b.mutable_column(3).append_decimal(m);
    b.mutable_column(4).append_string(s);
    b.mutable_column(5).append_bool(bo);
    b.mutable_column(6).append<int32_t>(dt);
    b.mutable_column(7).append<int64_t>(ts);
    b.mutable_column(8).append_string(s);
    b.mutable_column(9).append_struct_valid();
    b.mutable_column(9).mutable_child(0).append<int32_t>(i);
    b.mutable_column(9).mutable_child(1).append_string(s);
  };
  row(3, 42, 2.5, 12345, "kWh", true, 19723, 1704067200000000);
  row(std::numeric_limits<int32_t>::min(), std::numeric_limits<int64_t>::min(),
      -std::numeric_limits<double>::infinity(), -9999999999, "", false, -719162,
      std::numeric_limits<int64_t>::min());
  row(std::numeric_limits<int32_t>::max(), std::numeric_limits<int64_t>::max(),
      std::numeric_limits<double>::quiet_NaN(), 9999999999, "\xe2\x82\xac%_\\'", true, 2932896,
      std::numeric_limits<int64_t>::max());
  for (size_t c = 0; c < b.num_columns(); ++c) b.mutable_column(c).append_null();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream::fuzz;
  if (size > kMaxInput) return 0;
  const std::string_view text = as_text(data, size);
  static const Schema schema = fuzz_schema();
  static const RecordBatch batch = fuzz_batch();

  auto parsed = SqlExpression::parse(text);
  if (parsed.ok()) {
    (void)parsed->columns();
    if (parsed->bind(schema).ok()) {
      SqlScratch scratch;
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        SqlValue first, second;
        parsed->evaluate(batch, r, scratch, &first);
        parsed->evaluate(batch, r, scratch, &second);
        // NaN compares unequal to itself in <=>: only non-NaN values must repeat.
        if (!(first.kind == SqlValue::Kind::kDouble && first.d != first.d)) {
          check(sql_values_equal(first, second));
        }
        (void)first.to_sql();
        (void)parsed->describe_row(batch, r);
      }
    }
  }

  MetadataAction metadata;
  metadata.configuration["delta.constraints.fuzz"] = std::string(text);
  auto rules = TableConstraints::make(metadata, schema, "fuzz");
  if (rules.ok()) {
    auto checker = (*rules)->checker(schema);
    if (checker.ok()) {
      RecordBatch out;
      std::vector<RowViolation> bad;
      check(checker->apply(batch, &out, &bad).ok());
      check(out.num_rows() == batch.num_rows());
      check(bad.size() <= static_cast<size_t>(batch.num_rows()));
      for (size_t k = 1; k < bad.size(); ++k) check(bad[k - 1].row < bad[k].row);
    }
  }
  return 0;
}
