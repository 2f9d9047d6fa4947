#pragma once
// parquet/column_writer: encodes one column of a row group into compressed pages (dictionary
// with PLAIN fallback, RLE definition levels, data page v1) and keeps its statistics.

#include <cstdint>
#include <memory>
#include <string>

#include "lakestream/batch/column.h"
#include "lakestream/parquet/parquet_writer.h"
#include "parquet/compression.h"
#include "parquet/parquet_types.h"

namespace lakestream::parquet {

/// Buffers and settings every column writer of one file shares. Pages are finished one at a
/// time, so one set of scratch buffers serves all columns.
struct ColumnWriterContext {
  const ParquetWriterOptions* options = nullptr;
  PageCompressor* compressor = nullptr;
  std::string page_body;  ///< levels + values of the page being finished
  std::string header;     ///< its serialized PageHeader
};

/// How a schema field is stored: the Parquet schema element of a leaf column.
Result<SchemaElement> leaf_schema_element(const Field& field);

class ColumnChunkWriter {
 public:
  virtual ~ColumnChunkWriter() = default;

  /// Encode rows [begin, end) of `column`.
  virtual Status write(const Column& column, int64_t begin, int64_t end) = 0;
  /// Bytes this chunk holds in memory now (compressed pages + open page + dictionary).
  virtual int64_t buffered_bytes() const = 0;
  /// Finish the chunk: write its pages to `out` and describe them in `chunk`. The writer is
  /// then ready for the next row group.
  virtual Status flush_chunk(OutputStream* out, ColumnChunk* chunk) = 0;
  /// Statistics over every chunk flushed so far.
  virtual ParquetColumnStats file_stats() const = 0;
};

/// A writer for `field` (a flat, supported type: check with leaf_schema_element first).
std::unique_ptr<ColumnChunkWriter> make_column_writer(const Field& field,
                                                      const SchemaElement& element,
                                                      ColumnWriterContext* context);

}  // namespace lakestream::parquet
