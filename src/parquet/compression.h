#pragma once
// parquet/compression: page compression codecs (snappy, zstd, gzip, none) behind one call that
// appends to a reused buffer.

#include <string>
#include <string_view>

#include "lakestream/common/status.h"
#include "lakestream/parquet/parquet_writer.h"
#include "parquet/parquet_types.h"

namespace lakestream::parquet {

/// The Thrift enum value for a codec.
CompressionCodec to_thrift_codec(ParquetCompression c);

/// Compresses pages with one codec, reusing its contexts across pages.
class PageCompressor {
 public:
  /// `level` < 0 means the codec's default (zstd 3, gzip 6).
  PageCompressor(ParquetCompression codec, int level);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  /// Replace `out` with the compressed form of `in` (a copy for kNone).
  Status compress(std::string_view in, std::string* out);

 private:
  ParquetCompression codec_;
  int level_;
  void* zstd_ctx_ = nullptr;
};

}  // namespace lakestream::parquet
