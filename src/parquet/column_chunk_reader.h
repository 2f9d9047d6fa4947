#pragma once
// parquet/column_chunk_reader: reads one column chunk with a single ranged read, walks its
// pages (dictionary, data v1, data v2; index pages skipped), decompresses them (snappy, gzip,
// zstd) and decodes repetition/definition levels and values. The result is the leaf's levels
// plus its non-null values, densely, already converted to the leaf's lakestream type; record
// assembly (nulls, structs, lists, maps) happens in the reader on top of it.

#include <cstdint>
#include <string>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/common/status.h"
#include "lakestream/storage/file_system.h"
#include "parquet/parquet_types.h"
#include "parquet/reader_schema.h"

namespace lakestream::parquet {

/// A decoded column chunk.
struct LeafData {
  std::vector<int16_t> def;  ///< definition levels (empty when the leaf's max_def is 0)
  std::vector<int16_t> rep;  ///< repetition levels (empty when the leaf's max_rep is 0)
  int64_t num_levels = 0;    ///< level entries (= rows for a flat column)
  ColumnPtr values;          ///< the non-null values, no nulls, in the leaf's type
};

/// Decompress a page of `codec` into exactly `expected` bytes (a size mismatch, a corrupt
/// stream or an unsupported codec is an error saying so).
Status decompress_page(CompressionCodec codec, std::string_view in, size_t expected,
                       std::string* out);

/// "uncompressed", "snappy", "gzip", "lzo", "brotli", "lz4", "zstd", "lz4_raw".
std::string codec_name(CompressionCodec codec);

/// Read and decode the chunk `chunk` of `leaf`. Messages say what is wrong and at which byte of
/// the chunk; the caller adds the file, row group and column.
Status read_column_chunk(RandomAccessFile& file, int64_t file_size, const ColumnChunk& chunk,
                         const LeafColumn& leaf, LeafData* out);

}  // namespace lakestream::parquet
