#pragma once
// parquet/nested_column_writer: writes a struct, array or map column (at any depth) by Dremel
// shredding: for each leaf of the column's type it walks the in-memory column (validity,
// offsets, children) row by row and produces that leaf's repetition and definition levels and
// the positions of its values, into buffers reused for every slice, then hands them to the
// leaf's encoder (parquet/column_writer.h). Flat columns never come here.

#include <memory>

#include "lakestream/common/status.h"
#include "lakestream/schema/data_type.h"
#include "parquet/column_writer.h"

namespace lakestream::parquet {

/// A writer for the nested top-level column `field`, whose leaves follow the schema elements
/// append_schema_elements() writes for it.
Result<std::unique_ptr<ColumnChunkWriter>> make_nested_column_writer(const Field& field,
                                                                     ColumnWriterContext* context);

}  // namespace lakestream::parquet
