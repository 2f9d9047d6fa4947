#pragma once
// parquet/compression: page compression codecs (snappy, zstd, gzip, none) behind one call that
// appends to a reused buffer.

#include <algorithm>
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

  /// Compress `in`; `*out` views the result, valid until the next call (a copy for kNone).
  Status compress(std::string_view in, std::string_view* out);

 private:
  /// Room for `n` bytes of output. The buffer only grows and is never shrunk to the output's
  /// length, so pages do not pay for zero-filling it again each time.
  char* reserve(size_t n) {
    if (buffer_.size() < n) buffer_.resize(std::max(n, buffer_.size() * 2));
    return buffer_.data();
  }

  std::string buffer_;
  ParquetCompression codec_;
  int level_;
  void* zstd_ctx_ = nullptr;
};

}  // namespace lakestream::parquet
