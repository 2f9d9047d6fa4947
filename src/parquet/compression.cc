#include "parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

namespace lakestream::parquet {

CompressionCodec to_thrift_codec(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone:
      return CompressionCodec::kUncompressed;
    case ParquetCompression::kSnappy:
      return CompressionCodec::kSnappy;
    case ParquetCompression::kGzip:
      return CompressionCodec::kGzip;
    case ParquetCompression::kZstd:
      return CompressionCodec::kZstd;
  }
  return CompressionCodec::kUncompressed;
}

PageCompressor::PageCompressor(ParquetCompression codec, int level) : codec_(codec), level_(level) {
  if (codec_ == ParquetCompression::kZstd) {
    zstd_ctx_ = ZSTD_createCCtx();
    if (level_ < 0) level_ = 3;  // parquet-mr's default zstd level
  } else if (codec_ == ParquetCompression::kGzip && level_ < 0) {
    level_ = Z_DEFAULT_COMPRESSION;
  }
}

PageCompressor::~PageCompressor() {
  if (zstd_ctx_ != nullptr) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_));
}

Status PageCompressor::compress(std::string_view in, std::string_view* out) {
  switch (codec_) {
    case ParquetCompression::kNone: {
      char* dst = reserve(in.size());
      if (!in.empty()) std::memcpy(dst, in.data(), in.size());
      *out = {dst, in.size()};
      return Status::OK();
    }
    case ParquetCompression::kSnappy: {
      char* dst = reserve(snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), dst, &n);
      *out = {dst, n};
      return Status::OK();
    }
    case ParquetCompression::kZstd: {
      const size_t bound = ZSTD_compressBound(in.size());
      char* dst = reserve(bound);
      const size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_), dst, bound, in.data(),
                                         in.size(), level_);
      if (ZSTD_isError(n)) {
        return Status::Internal(std::string("zstd compression of a Parquet page failed: ") +
                                ZSTD_getErrorName(n));
      }
      *out = {dst, n};
      return Status::OK();
    }
    case ParquetCompression::kGzip: {
      // Parquet's GZIP codec is the gzip container (RFC 1952), not raw deflate: windowBits 31.
      z_stream zs{};
      if (deflateInit2(&zs, level_, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Status::Internal("gzip: deflateInit2 failed for a Parquet page");
      }
      const size_t bound = deflateBound(&zs, static_cast<uLong>(in.size())) + 32;
      char* dst = reserve(bound);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = reinterpret_cast<Bytef*>(dst);
      zs.avail_out = static_cast<uInt>(bound);
      const int rc = deflate(&zs, Z_FINISH);
      const size_t n = zs.total_out;
      deflateEnd(&zs);
      if (rc != Z_STREAM_END) return Status::Internal("gzip compression of a Parquet page failed");
      *out = {dst, n};
      return Status::OK();
    }
  }
  return Status::Internal("unknown Parquet compression codec");
}

}  // namespace lakestream::parquet
