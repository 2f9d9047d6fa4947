#pragma once
// batch/record_batch: a schema plus equal-length columns, the unit every stage passes on.

#include <memory>
#include <string>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

class RecordBatch {
 public:
  RecordBatch() = default;
  RecordBatch(Schema schema, std::vector<ColumnPtr> columns);

  /// An empty batch with one empty column per field.
  static RecordBatch make_empty(const Schema& schema);

  const Schema& schema() const { return schema_; }
  int64_t num_rows() const { return columns_.empty() ? 0 : columns_[0]->length(); }
  size_t num_columns() const { return columns_.size(); }
  const ColumnPtr& column(size_t i) const { return columns_[i]; }
  const std::vector<ColumnPtr>& columns() const { return columns_; }
  Column& mutable_column(size_t i) { return *columns_[i]; }
  /// Column by top-level name, or nullptr.
  ColumnPtr column_by_name(std::string_view name) const;

  /// The flattened batch (see Schema::flatten): struct children are handed out as top-level
  /// columns without copying their buffers.
  Result<RecordBatch> flatten() const;

  /// A batch with `column` appended as a new last field.
  RecordBatch with_column(Field field, ColumnPtr column) const;

  /// Check that every column's length equals num_rows and its type matches the schema.
  Status validate() const;

 private:
  Schema schema_;
  std::vector<ColumnPtr> columns_;
};

}  // namespace lakestream
