#pragma once
// batch/take: gather rows of a column or a batch by index into new columns ("take" in Arrow's
// words). Used to split a batch into its partitions: the writer collects the row indices of
// each partition, then copies each column's slice in one pass per buffer, with no heap
// allocation per row.

#include <cstdint>
#include <span>

#include "lakestream/batch/column.h"
#include "lakestream/batch/record_batch.h"

namespace lakestream {

/// A new column of `column`'s type holding the rows `indices` (each in [0, length)) in that
/// order. Works for every type, nested ones included; nulls stay null.
ColumnPtr take(const Column& column, std::span<const int32_t> indices);

/// Append the rows `indices` of `source` to `target` (same type), growing each buffer once.
void append_taken(const Column& source, std::span<const int32_t> indices, Column* target);

/// A new batch with the same schema holding the rows `indices` of `batch`.
RecordBatch take(const RecordBatch& batch, std::span<const int32_t> indices);

}  // namespace lakestream
