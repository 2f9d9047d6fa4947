#pragma once
// delta/constraints: the rules a Delta table sets on the rows appended to it, read from its
// metadata and enforced by DeltaTableWriter on every row (docs/delta.md "Constraints"):
//   - CHECK constraints: configuration `delta.constraints.<name>` = a SQL boolean expression
//     (table feature checkConstraints);
//   - column invariants: field metadata `delta.invariants` = {"expression":{"expression":"x > 3"}}
//     (legacy feature invariants);
//   - generated columns: field metadata `delta.generationExpression` (generatedColumns): a row
//     whose value is NULL gets the computed one; a row with a value must hold the computed one.
// As in Delta (Spark's CheckDeltaInvariant), a row breaks a CHECK or an invariant when the
// expression is FALSE or NULL, and a generated column when its value is not <=> the computed
// one. Expressions are delta/expression.h's subset: a rule outside it fails make() by name, so
// the writer refuses the table before anything is written. Owns no I/O.
//
//   LS_ASSIGN_OR_RAISE(auto rules, TableConstraints::make(metadata, table_schema, "file:///t"));
//   LS_ASSIGN_OR_RAISE(ConstraintChecker checker, rules->checker(batch_schema));
//   RecordBatch filled;
//   std::vector<RowViolation> bad;
//   LS_RETURN_NOT_OK(checker.apply(batch, &filled, &bad));   // generated values filled in

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/delta/expression.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

/// One rule of a table.
struct TableRule {
  enum class Kind : uint8_t { kCheck, kInvariant, kGenerated };
  Kind kind = Kind::kCheck;
  /// The CHECK constraint's name; the column's dotted path for an invariant or a generated
  /// column.
  std::string name;
  SqlExpression expression;  ///< parsed, bound to the table's schema
  /// A generated column's field in the table's schema (so a writer can add it when its input
  /// lacks the column).
  Field field;

  /// "CHECK constraint positive_reading", "invariant of column x", "generated column d".
  std::string label() const;
};

/// A row a rule refuses.
struct RowViolation {
  int64_t row = 0;     ///< in the batch given to ConstraintChecker::apply
  std::string column;  ///< the column the rule is about (its first column for a CHECK)
  /// "CHECK constraint positive_reading (reading > 0) violated by reading = -3".
  std::string reason;
};

class ConstraintChecker;

/// A table's rules, parsed once and shared by its writers (immutable).
class TableConstraints {
 public:
  /// The rules of the table with `metadata` and `table_schema` (the table's schema, with its
  /// field metadata). NotImplemented naming the rule (and `where`) when its expression is
  /// outside the evaluator's subset or a generated column is nested; InvalidArgument when a
  /// rule is malformed (an invariant that is not {"expression":{"expression":...}}).
  /// With `only`, just the rules of that kind.
  static Result<std::shared_ptr<const TableConstraints>> make(
      const MetadataAction& metadata, const Schema& table_schema, const std::string& where,
      std::optional<TableRule::Kind> only = std::nullopt);

  bool empty() const { return rules_.empty(); }
  const std::vector<TableRule>& rules() const { return rules_; }

  /// A checker for batches of `batch_schema` (a writer's schema: the table's columns by name).
  /// InvalidArgument naming the rule and column when a rule reads a column the schema lacks.
  Result<ConstraintChecker> checker(const Schema& batch_schema) const;

 private:
  std::vector<TableRule> rules_;
};

/// Enforces a table's rules on one writer's batches. Not thread-safe (evaluation buffers):
/// one per writer thread.
class ConstraintChecker {
 public:
  ConstraintChecker() = default;
  bool empty() const { return rules_.empty(); }

  /// `*out` = `batch` with every generated column's NULLs replaced by the computed value; each
  /// row that breaks a rule appended to `*violations` (once, for its first broken rule, rows in
  /// order). The caller keeps those rows out of the table.
  Status apply(const RecordBatch& batch, RecordBatch* out, std::vector<RowViolation>* violations);

 private:
  friend class TableConstraints;
  struct Bound {
    TableRule::Kind kind;
    std::string name;
    std::string label;
    SqlExpression expression;  ///< bound to the batch schema
    int column = -1;           ///< the generated column's index in the batch
  };
  std::vector<Bound> rules_;
  SqlScratch scratch_;
  SqlValue value_, expected_;
};

}  // namespace lakestream
