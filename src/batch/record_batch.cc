#include "lakestream/batch/record_batch.h"

namespace lakestream {

RecordBatch::RecordBatch(Schema schema, std::vector<ColumnPtr> columns)
    : schema_(std::move(schema)), columns_(std::move(columns)) {}

RecordBatch RecordBatch::make_empty(const Schema& schema) {
  std::vector<ColumnPtr> cols;
  cols.reserve(schema.size());
  for (const auto& f : schema.fields()) cols.push_back(Column::make(f.type));
  return RecordBatch(schema, std::move(cols));
}

ColumnPtr RecordBatch::column_by_name(std::string_view name) const {
  auto idx = schema_.index_of(name);
  return idx ? columns_[*idx] : nullptr;
}

RecordBatch RecordBatch::with_column(Field field, ColumnPtr column) const {
  Schema s = schema_;
  s.add(std::move(field));
  auto cols = columns_;
  cols.push_back(std::move(column));
  return RecordBatch(std::move(s), std::move(cols));
}

Result<RecordBatch> RecordBatch::flatten() const {
  LS_ASSIGN_OR_RAISE(auto plan, plan_flatten(schema_));
  LS_ASSIGN_OR_RAISE(auto flat_schema, schema_.flatten());
  std::vector<ColumnPtr> cols;
  cols.reserve(plan.size());
  for (const auto& fc : plan) {
    ColumnPtr c = columns_[fc.path[0]];
    for (size_t d = 1; d < fc.path.size(); ++d) c = c->child(fc.path[d]);
    cols.push_back(std::move(c));
  }
  return RecordBatch(std::move(flat_schema), std::move(cols));
}

Status RecordBatch::validate() const {
  if (columns_.size() != schema_.size()) {
    return Status::Internal("record batch has " + std::to_string(columns_.size()) +
                            " columns but its schema has " + std::to_string(schema_.size()));
  }
  const int64_t n = num_rows();
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i]->length() != n) {
      return Status::Internal("column '" + schema_.field(i).name + "' has " +
                              std::to_string(columns_[i]->length()) + " rows, expected " +
                              std::to_string(n));
    }
    if (!same_type(columns_[i]->type(), schema_.field(i).type)) {
      return Status::Internal("column '" + schema_.field(i).name + "' has type " +
                              columns_[i]->type()->simple_string() + ", schema says " +
                              schema_.field(i).type->simple_string());
    }
  }
  return Status::OK();
}

}  // namespace lakestream
