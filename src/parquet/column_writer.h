#pragma once
// parquet/column_writer: encodes the leaf columns of a row group into compressed pages
// (dictionary with PLAIN fallback, RLE repetition/definition levels, data page v1) and keeps
// their statistics. A flat column is its own single leaf and takes the fast path (its
// validity bytes are its definition levels); a nested column is shredded into levels first
// (parquet/nested_column_writer.h) and its leaves encode those.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

/// Append the schema elements of a top-level field, depth first, as Spark writes them:
/// structs as plain groups, arrays as the 3-level LIST (`<name> (LIST) { repeated group list
/// { element } }`), maps as MAP (`<name> (MAP) { repeated group key_value { key; value } }`).
Status append_schema_elements(const Field& field, std::vector<SchemaElement>* out);

/// The chunk writer of one top-level column: one leaf for a flat column, several for a nested
/// one.
class ColumnChunkWriter {
 public:
  virtual ~ColumnChunkWriter() = default;

  /// Encode rows [begin, end) of `column`.
  virtual Status write(const Column& column, int64_t begin, int64_t end) = 0;
  /// Bytes this chunk holds in memory now (compressed pages + open page + dictionary).
  virtual int64_t buffered_bytes() const = 0;
  /// Finish the chunk of each leaf: write its pages to `out` and append one ColumnChunk per
  /// leaf, in schema order, to `chunks`. The writer is then ready for the next row group.
  virtual Status flush_chunks(OutputStream* out, std::vector<ColumnChunk>* chunks) = 0;
  /// Statistics of the top-level column over every chunk flushed so far (a nested column has
  /// its null_count only: rows whose value is null).
  virtual ParquetColumnStats file_stats() const = 0;
  /// Statistics of each leaf, in schema order (a flat column's are its file_stats()).
  virtual void leaf_stats(std::vector<ParquetColumnStats>* out) const = 0;
  /// Null rows of each array or map reached from a top-level struct through struct members
  /// only (ParquetFileInfo::groups), in schema order. None for other columns.
  virtual void group_stats(std::vector<ParquetColumnStats>* /*out*/) const {}
};

/// Where a leaf sits in the file schema.
struct LeafSpec {
  std::vector<std::string> path;  ///< path_in_schema, e.g. {"tags", "key_value", "key"}
  int max_def = 0;
  int max_rep = 0;
};

/// One slice of a leaf's shredded levels (Dremel): entry k has repetition level rep[k] and
/// definition level def[k]; the entries at the leaf's max_def carry a value, the
/// `value_rows`-th rows of the leaf column, in order.
struct LeafLevels {
  const uint8_t* def = nullptr;  ///< null when max_def is 0
  const uint8_t* rep = nullptr;  ///< null when max_rep is 0
  const int64_t* value_rows = nullptr;
  int64_t num_levels = 0;
};

/// The writer of one leaf of a nested column.
class LeafColumnWriter : public ColumnChunkWriter {
 public:
  /// Encode one slice of shredded levels whose values are rows of `values`. Pages end only
  /// where a top-level row ends (rep 0), as readers that split work by page expect.
  virtual Status write_levels(const Column& values, const LeafLevels& levels) = 0;
};

/// A writer for leaf `field` (a primitive type; its schema element from leaf_schema_element)
/// at `spec`. For a flat column the spec is {{name}, nullable ? 1 : 0, 0}.
std::unique_ptr<LeafColumnWriter> make_leaf_writer(const Field& field, const SchemaElement& element,
                                                   const LeafSpec& spec,
                                                   ColumnWriterContext* context);

/// The writer of a top-level column: a leaf writer for a primitive, a shredding writer for a
/// struct, array or map. Checks the type first (the error names the column).
Result<std::unique_ptr<ColumnChunkWriter>> make_column_writer(const Field& field,
                                                              ColumnWriterContext* context);

}  // namespace lakestream::parquet
