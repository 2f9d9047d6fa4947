#include "parquet/column_chunk_reader.h"

#include <brotli/decode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "parquet/rle_decoder.h"
#include "parquet/rle_encoder.h"
#include "parquet/value_decoder.h"

namespace lakestream::parquet {
namespace {

// A page header may not make us allocate more than this (a corrupt size would otherwise ask
// for gigabytes before the decompressor notices).
constexpr int64_t kMaxPageBytes = 1LL << 30;
// RLE levels can describe any number of values in a few bytes; beyond one value per bit of the
// page this many more are accepted (all-null pages), so a corrupt count cannot allocate more.
constexpr int64_t kMaxLevelSlack = 1LL << 24;

std::string at_byte(size_t pos) { return " at byte " + std::to_string(pos) + " of the chunk"; }

/// Append dictionary entries `idx[0..n)` of `dict` to `out` (same type).
void gather(const Column& dict, const uint32_t* idx, size_t n, Column* out) {
  const TypeId id = dict.type()->id();
  if (id == TypeId::kString || id == TypeId::kBinary) {
    for (size_t i = 0; i < n; ++i) out->append_string(dict.string_value(idx[i]));
    return;
  }
  switch (dict.type()->fixed_width()) {
    case 1:
      for (size_t i = 0; i < n; ++i) out->append<uint8_t>(dict.value<uint8_t>(idx[i]));
      break;
    case 2:
      for (size_t i = 0; i < n; ++i) out->append<int16_t>(dict.value<int16_t>(idx[i]));
      break;
    case 4:
      for (size_t i = 0; i < n; ++i) out->append<int32_t>(dict.value<int32_t>(idx[i]));
      break;
    case 8:
      for (size_t i = 0; i < n; ++i) out->append<int64_t>(dict.value<int64_t>(idx[i]));
      break;
    case 16:
      for (size_t i = 0; i < n; ++i) out->append<int128_t>(dict.value<int128_t>(idx[i]));
      break;
    default:
      break;
  }
}

/// Decode `n` levels with `encoding` (RLE with a 4-byte length prefix, or BIT_PACKED) from the
/// front of `data`; returns the bytes used or an error.
Result<size_t> decode_levels_v1(Encoding encoding, std::string_view data, int max_level, size_t n,
                                int16_t* out, const char* what) {
  const int bw = bit_width_for(static_cast<uint64_t>(max_level));
  if (encoding == Encoding::kRle) {
    if (data.size() < 4)
      return Status::Corrupt(std::string(what) + " levels lack their length prefix");
    uint32_t len;
    std::memcpy(&len, data.data(), 4);
    if (len > data.size() - 4) {
      return Status::Corrupt(std::string(what) + " levels claim " + std::to_string(len) +
                             " bytes, the page has " + std::to_string(data.size() - 4));
    }
    RleDecoder dec(reinterpret_cast<const uint8_t*>(data.data() + 4), len, bw);
    if (!dec.get(out, n)) return Status::Corrupt(std::string(what) + " levels run past their end");
    return static_cast<size_t>(len) + 4;
  }
  if (encoding == Encoding::kBitPacked) {
    const int64_t used = decode_bit_packed_levels(reinterpret_cast<const uint8_t*>(data.data()),
                                                  data.size(), bw, n, out);
    if (used < 0) return Status::Corrupt(std::string(what) + " levels run past the page end");
    return static_cast<size_t>(used);
  }
  return Status::NotImplemented(std::string(what) + " level encoding " +
                                std::to_string(static_cast<int>(encoding)));
}

Status check_levels(const int16_t* levels, size_t n, int max_level, const char* what) {
  for (size_t i = 0; i < n; ++i) {
    if (levels[i] > max_level) {
      return Status::Corrupt(std::string(what) + " level " + std::to_string(levels[i]) +
                             " exceeds the column's maximum " + std::to_string(max_level));
    }
  }
  return Status::OK();
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnMetaData& meta, const LeafColumn& leaf, LeafData* out)
      : meta_(meta), leaf_(leaf), out_(out) {}

  Status run(std::string_view chunk) {
    out_->values = Column::make(leaf_.type);
    size_t pos = 0;
    int64_t levels_seen = 0;
    while (pos < chunk.size() && levels_seen < meta_.num_values) {
      ThriftCompactReader r(chunk.substr(pos));
      PageHeader h;
      if (!read_thrift(r, &h)) {
        return Status::Corrupt("page header" + at_byte(pos) + ": " + r.error());
      }
      const size_t body_at = pos + r.position();
      if (h.compressed_page_size < 0 ||
          static_cast<size_t>(h.compressed_page_size) > chunk.size() - body_at) {
        return Status::Corrupt("page" + at_byte(pos) + " claims " +
                               std::to_string(h.compressed_page_size) + " bytes, the chunk has " +
                               std::to_string(chunk.size() - body_at) + " left");
      }
      if (h.uncompressed_page_size < 0) {
        return Status::Corrupt("page" + at_byte(pos) + " claims an uncompressed size of " +
                               std::to_string(h.uncompressed_page_size) + " bytes");
      }
      if (h.uncompressed_page_size > kMaxPageBytes) {
        // Valid Parquet (the size is an int32), but a page is decompressed whole: refused before
        // anything is allocated, so a hostile or huge value (a 2 GB string) costs no memory.
        return Status::NotImplemented(
            "page" + at_byte(pos) + " holds " + std::to_string(h.uncompressed_page_size) +
            " bytes uncompressed; lakestream reads pages of up to 1 GiB (1073741824 bytes), as "
            "each is decompressed whole");
      }
      const std::string_view body =
          chunk.substr(body_at, static_cast<size_t>(h.compressed_page_size));
      // Levels are allocated per value: a page may not claim more values than its chunk has
      // left (a corrupt count would otherwise allocate gigabytes from a few RLE bytes).
      const int64_t page_values = h.data_page_header      ? h.data_page_header->num_values
                                  : h.data_page_header_v2 ? h.data_page_header_v2->num_values
                                                          : 0;
      if ((h.type == PageType::kDataPage || h.type == PageType::kDataPageV2) &&
          (page_values > meta_.num_values - levels_seen ||
           page_values > 8 * static_cast<int64_t>(h.uncompressed_page_size) + kMaxLevelSlack)) {
        return Status::Corrupt("page" + at_byte(pos) + " holds " + std::to_string(page_values) +
                               " values, more than the " +
                               std::to_string(meta_.num_values - levels_seen) +
                               " its chunk has left (or far more than its size can describe)");
      }
      Status st;
      int64_t levels = 0;
      switch (h.type) {
        case PageType::kDictionaryPage:
          st = dictionary_page(h, body);
          break;
        case PageType::kDataPage:
          st = data_page_v1(h, body, &levels);
          break;
        case PageType::kDataPageV2:
          st = data_page_v2(h, body, &levels);
          break;
        default:
          break;  // index pages and unknown page types carry no values
      }
      if (!st.ok()) return st.with_context("page" + at_byte(pos));
      levels_seen += levels;
      pos = body_at + body.size();
    }
    if (levels_seen != meta_.num_values) {
      return Status::Corrupt("the chunk's pages hold " + std::to_string(levels_seen) +
                             " values, its metadata says " + std::to_string(meta_.num_values));
    }
    out_->num_levels = levels_seen;
    return Status::OK();
  }

 private:
  Status dictionary_page(const PageHeader& h, std::string_view body) {
    if (!h.dictionary_page_header) return Status::Corrupt("dictionary page without its header");
    const auto& d = *h.dictionary_page_header;
    if (d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary) {
      return Status::NotImplemented("dictionary page encoding " +
                                    std::to_string(static_cast<int>(d.encoding)));
    }
    if (d.num_values < 0) return Status::Corrupt("dictionary page with a negative value count");
    LS_RETURN_NOT_OK(
        decompress_page(meta_.codec, body, static_cast<size_t>(h.uncompressed_page_size), &buf_));
    LS_RETURN_NOT_OK(decode_values(Encoding::kPlain, leaf_.physical, leaf_.type_length, buf_,
                                   static_cast<size_t>(d.num_values), &phys_));
    dict_ = Column::make(leaf_.type);
    return append_converted(leaf_.conversion, leaf_.physical, phys_,
                            static_cast<size_t>(d.num_values), dict_.get());
  }

  Status data_page_v1(const PageHeader& h, std::string_view body, int64_t* levels) {
    if (!h.data_page_header) return Status::Corrupt("data page without its header");
    const auto& d = *h.data_page_header;
    if (d.num_values < 0) return Status::Corrupt("data page with a negative value count");
    LS_RETURN_NOT_OK(
        decompress_page(meta_.codec, body, static_cast<size_t>(h.uncompressed_page_size), &buf_));
    std::string_view data = buf_;
    const auto n = static_cast<size_t>(d.num_values);
    if (leaf_.max_rep > 0) {
      const size_t at = out_->rep.size();
      out_->rep.resize(at + n);
      LS_ASSIGN_OR_RAISE(size_t used,
                         decode_levels_v1(d.repetition_level_encoding, data, leaf_.max_rep, n,
                                          out_->rep.data() + at, "repetition"));
      LS_RETURN_NOT_OK(check_levels(out_->rep.data() + at, n, leaf_.max_rep, "repetition"));
      data.remove_prefix(used);
    }
    size_t present = n;
    if (leaf_.max_def > 0) {
      const size_t at = out_->def.size();
      out_->def.resize(at + n);
      LS_ASSIGN_OR_RAISE(size_t used,
                         decode_levels_v1(d.definition_level_encoding, data, leaf_.max_def, n,
                                          out_->def.data() + at, "definition"));
      LS_RETURN_NOT_OK(check_levels(out_->def.data() + at, n, leaf_.max_def, "definition"));
      data.remove_prefix(used);
      present = static_cast<size_t>(std::count(out_->def.begin() + static_cast<std::ptrdiff_t>(at),
                                               out_->def.end(), leaf_.max_def));
    }
    *levels = d.num_values;
    return values(d.encoding, data, present);
  }

  Status data_page_v2(const PageHeader& h, std::string_view body, int64_t* levels) {
    if (!h.data_page_header_v2) return Status::Corrupt("data page v2 without its header");
    const auto& d = *h.data_page_header_v2;
    if (d.num_values < 0 || d.repetition_levels_byte_length < 0 ||
        d.definition_levels_byte_length < 0 ||
        static_cast<int64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
            static_cast<int64_t>(body.size())) {
      return Status::Corrupt("data page v2 level lengths (" +
                             std::to_string(d.repetition_levels_byte_length) + " + " +
                             std::to_string(d.definition_levels_byte_length) +
                             " bytes) do not fit the page of " + std::to_string(body.size()));
    }
    const auto n = static_cast<size_t>(d.num_values);
    const auto rep_len = static_cast<size_t>(d.repetition_levels_byte_length);
    const auto def_len = static_cast<size_t>(d.definition_levels_byte_length);
    // v2 levels are always RLE without a length prefix, and never compressed.
    if (leaf_.max_rep > 0) {
      const size_t at = out_->rep.size();
      out_->rep.resize(at + n);
      RleDecoder dec(reinterpret_cast<const uint8_t*>(body.data()), rep_len,
                     bit_width_for(static_cast<uint64_t>(leaf_.max_rep)));
      if (!dec.get(out_->rep.data() + at, n))
        return Status::Corrupt("repetition levels run past their end");
      LS_RETURN_NOT_OK(check_levels(out_->rep.data() + at, n, leaf_.max_rep, "repetition"));
    }
    size_t present = n;
    if (leaf_.max_def > 0) {
      const size_t at = out_->def.size();
      out_->def.resize(at + n);
      RleDecoder dec(reinterpret_cast<const uint8_t*>(body.data() + rep_len), def_len,
                     bit_width_for(static_cast<uint64_t>(leaf_.max_def)));
      if (!dec.get(out_->def.data() + at, n))
        return Status::Corrupt("definition levels run past their end");
      LS_RETURN_NOT_OK(check_levels(out_->def.data() + at, n, leaf_.max_def, "definition"));
      present = static_cast<size_t>(std::count(out_->def.begin() + static_cast<std::ptrdiff_t>(at),
                                               out_->def.end(), leaf_.max_def));
    }
    const std::string_view rest = body.substr(rep_len + def_len);
    const int64_t expected =
        static_cast<int64_t>(h.uncompressed_page_size) - static_cast<int64_t>(rep_len + def_len);
    if (expected < 0) return Status::Corrupt("data page v2 levels exceed its uncompressed size");
    std::string_view data;
    if (d.is_compressed && meta_.codec != CompressionCodec::kUncompressed) {
      LS_RETURN_NOT_OK(decompress_page(meta_.codec, rest, static_cast<size_t>(expected), &buf_));
      data = buf_;
    } else {
      data = rest;
    }
    *levels = d.num_values;
    return values(d.encoding, data, present);
  }

  Status values(Encoding encoding, std::string_view data, size_t n) {
    if (encoding == Encoding::kPlainDictionary || encoding == Encoding::kRleDictionary) {
      if (!dict_) return Status::Corrupt("dictionary-encoded page without a dictionary page");
      if (n == 0) return Status::OK();
      if (data.empty()) return Status::Corrupt("dictionary indices lack their bit width");
      const int bw = static_cast<uint8_t>(data[0]);
      if (bw > 32) return Status::Corrupt("dictionary index bit width " + std::to_string(bw));
      RleDecoder dec(reinterpret_cast<const uint8_t*>(data.data() + 1), data.size() - 1, bw);
      indices_.resize(n);
      if (!dec.get(indices_.data(), n))
        return Status::Corrupt("dictionary indices run past the page end");
      const auto size = static_cast<uint32_t>(dict_->length());
      for (size_t i = 0; i < n; ++i) {
        if (indices_[i] >= size) {
          return Status::Corrupt("dictionary index " + std::to_string(indices_[i]) +
                                 " out of range (the dictionary has " + std::to_string(size) +
                                 " values)");
        }
      }
      gather(*dict_, indices_.data(), n, out_->values.get());
      return Status::OK();
    }
    LS_RETURN_NOT_OK(decode_values(encoding, leaf_.physical, leaf_.type_length, data, n, &phys_));
    return append_converted(leaf_.conversion, leaf_.physical, phys_, n, out_->values.get());
  }

  const ColumnMetaData& meta_;
  const LeafColumn& leaf_;
  LeafData* out_;
  std::string buf_;
  PhysicalValues phys_;
  ColumnPtr dict_;
  std::vector<uint32_t> indices_;
};

/// A raw LZ4 block into exactly `expected` bytes.
bool lz4_block(std::string_view in, size_t expected, char* out) {
  if (in.size() > static_cast<size_t>(INT32_MAX) || expected > static_cast<size_t>(INT32_MAX)) {
    return false;
  }
  const int n =
      LZ4_decompress_safe(in.data(), out, static_cast<int>(in.size()), static_cast<int>(expected));
  return n >= 0 && static_cast<size_t>(n) == expected;
}

uint32_t big_endian_u32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

/// Hadoop's LZ4 framing, which parquet-mr writes for codec LZ4: blocks of a big-endian
/// uncompressed length, a big-endian compressed length, then that many bytes of raw LZ4.
bool lz4_hadoop(std::string_view in, size_t expected, char* out) {
  size_t done = 0;
  while (!in.empty()) {
    if (in.size() < 8) return false;
    const size_t raw = big_endian_u32(in.data());
    const size_t packed = big_endian_u32(in.data() + 4);
    in.remove_prefix(8);
    if (packed > in.size() || raw > expected - done) return false;
    if (!lz4_block(in.substr(0, packed), raw, out + done)) return false;
    done += raw;
    in.remove_prefix(packed);
  }
  return done == expected;
}

/// The LZ4 frame format (magic 04 22 4D 18), which some writers used for codec LZ4.
bool lz4_frame(std::string_view in, size_t expected, char* out) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return false;
  size_t done = 0;
  bool ok = true;
  while (!in.empty()) {
    size_t out_len = expected - done;
    size_t in_len = in.size();
    const size_t rc = LZ4F_decompress(ctx, out + done, &out_len, in.data(), &in_len, nullptr);
    if (LZ4F_isError(rc) || (in_len == 0 && out_len == 0)) {
      ok = false;
      break;
    }
    done += out_len;
    in.remove_prefix(in_len);
    if (rc == 0) break;  // the frame is complete
  }
  LZ4F_freeDecompressionContext(ctx);
  return ok && in.empty() && done == expected;
}

}  // namespace

std::string codec_name(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return "uncompressed";
    case CompressionCodec::kSnappy:
      return "snappy";
    case CompressionCodec::kGzip:
      return "gzip";
    case CompressionCodec::kLzo:
      return "lzo";
    case CompressionCodec::kBrotli:
      return "brotli";
    case CompressionCodec::kLz4:
      return "lz4";
    case CompressionCodec::kZstd:
      return "zstd";
    case CompressionCodec::kLz4Raw:
      return "lz4_raw";
  }
  return "codec " + std::to_string(static_cast<int>(codec));
}

Status decompress_page(CompressionCodec codec, std::string_view in, size_t expected,
                       std::string* out) {
  if (in.empty() && expected == 0 && codec != CompressionCodec::kUncompressed) {
    // Nothing was compressed (a data page v2 of nulls only): no stream to decode, and an
    // empty one is not a valid stream for most codecs.
    out->clear();
    return Status::OK();
  }
  switch (codec) {
    case CompressionCodec::kUncompressed:
      if (in.size() != expected) {
        return Status::Corrupt("page size mismatch: " + std::to_string(in.size()) +
                               " bytes stored, header says " + std::to_string(expected));
      }
      out->assign(in.data(), in.size());
      return Status::OK();
    case CompressionCodec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(in.data(), in.size(), &n) || n != expected) {
        return Status::Corrupt("snappy page does not decompress to the " +
                               std::to_string(expected) + " bytes its header says");
      }
      out->resize(n);
      if (!snappy::RawUncompress(in.data(), in.size(), out->data())) {
        return Status::Corrupt("snappy decompression failed");
      }
      return Status::OK();
    }
    case CompressionCodec::kZstd: {
      out->resize(expected);
      const size_t n = ZSTD_decompress(out->data(), expected, in.data(), in.size());
      if (ZSTD_isError(n)) {
        return Status::Corrupt(std::string("zstd decompression failed: ") + ZSTD_getErrorName(n));
      }
      if (n != expected) {
        return Status::Corrupt("page size mismatch: zstd gave " + std::to_string(n) +
                               " bytes, header says " + std::to_string(expected));
      }
      return Status::OK();
    }
    case CompressionCodec::kGzip: {
      out->resize(expected);
      z_stream zs{};
      // 15 + 32: accept both gzip and zlib headers (old writers differ).
      if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("gzip: inflateInit2 failed");
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = reinterpret_cast<Bytef*>(out->data());
      zs.avail_out = static_cast<uInt>(expected);
      int rc = inflate(&zs, Z_FINISH);
      // A page may hold several gzip members one after another (RFC 1952 allows it; some
      // writers compress a page in pieces): each is inflated in turn into the same output.
      while (rc == Z_STREAM_END && zs.avail_in > 0 && zs.avail_out > 0) {
        if (inflateReset(&zs) != Z_OK) break;
        rc = inflate(&zs, Z_FINISH);
      }
      const size_t n = expected - zs.avail_out;  // total_out restarts with each member
      inflateEnd(&zs);
      if (rc != Z_STREAM_END) {
        return Status::Corrupt(
            "gzip decompression failed (zlib code " + std::to_string(rc) +
            (rc == Z_BUF_ERROR ? ": more than the header's " + std::to_string(expected) + " bytes"
                               : std::string()) +
            ")");
      }
      if (n != expected) {
        return Status::Corrupt("page size mismatch: gzip gave " + std::to_string(n) +
                               " bytes, header says " + std::to_string(expected));
      }
      return Status::OK();
    }
    case CompressionCodec::kLz4Raw:
      out->resize(expected);
      if (!lz4_block(in, expected, out->data())) {
        return Status::Corrupt("lz4_raw page does not decompress to the " +
                               std::to_string(expected) + " bytes its header says");
      }
      return Status::OK();
    case CompressionCodec::kLz4:
      // The codec LZ4 was written three ways over the years: Hadoop's framing (parquet-mr and
      // Arrow since 2020), the LZ4 frame format, and a bare block (older parquet-cpp).
      out->resize(expected);
      if (!lz4_hadoop(in, expected, out->data()) && !lz4_frame(in, expected, out->data()) &&
          !lz4_block(in, expected, out->data())) {
        return Status::Corrupt("lz4 page does not decompress to the " + std::to_string(expected) +
                               " bytes its header says (as Hadoop-framed, LZ4 frame or raw LZ4)");
      }
      return Status::OK();
    case CompressionCodec::kBrotli: {
      out->resize(expected);
      size_t n = expected;
      const BrotliDecoderResult rc =
          BrotliDecoderDecompress(in.size(), reinterpret_cast<const uint8_t*>(in.data()), &n,
                                  reinterpret_cast<uint8_t*>(out->data()));
      if (rc != BROTLI_DECODER_RESULT_SUCCESS || n != expected) {
        return Status::Corrupt("brotli page does not decompress to the " +
                               std::to_string(expected) + " bytes its header says");
      }
      return Status::OK();
    }
    default:
      break;
  }
  return Status::NotImplemented("compression codec " + codec_name(codec) +
                                " is not supported (snappy, gzip, zstd, lz4, lz4_raw, brotli and "
                                "uncompressed are)");
}

Status read_column_chunk(RandomAccessFile& file, int64_t file_size, const ColumnChunk& chunk,
                         const LeafColumn& leaf, LeafData* out) {
  const ColumnMetaData& meta = chunk.meta_data;
  if (chunk.file_path) {
    return Status::NotImplemented("column chunk stored in another file ('" + *chunk.file_path +
                                  "')");
  }
  if (meta.type != leaf.physical) {
    return Status::Corrupt("column chunk has physical type " +
                           std::to_string(static_cast<int>(meta.type)) + ", the schema says " +
                           std::to_string(static_cast<int>(leaf.physical)));
  }
  switch (meta.codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4:
    case CompressionCodec::kLz4Raw:
    case CompressionCodec::kBrotli:
      break;
    default:
      return Status::NotImplemented("compression codec " + codec_name(meta.codec) +
                                    " is not supported (snappy, gzip, zstd, lz4, lz4_raw, brotli "
                                    "and uncompressed are)");
  }
  if (meta.num_values < 0) return Status::Corrupt("column chunk with a negative value count");
  if (meta.num_values == 0) {
    // No values, so no page to read: some writers leave such a chunk's offsets at 0 (inside
    // the magic), which is no reason to refuse an empty row group.
    out->num_levels = 0;
    if (!out->values) out->values = Column::make(leaf.type);
    return Status::OK();
  }
  int64_t start = meta.data_page_offset;
  // Some writers record a dictionary_page_offset of 0 for chunks without a dictionary.
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t length = meta.total_compressed_size;
  if (start < 4 || length < 0 || length > file_size - 8 - start) {
    return Status::Corrupt("column chunk at bytes [" + std::to_string(start) + ", " +
                           std::to_string(start + length) + ") lies outside the data area of the " +
                           std::to_string(file_size) + "-byte file");
  }
  std::string bytes(static_cast<size_t>(length), '\0');
  LS_RETURN_NOT_OK(file.read_at(start, length, bytes.data()));
  ChunkDecoder decoder(meta, leaf, out);
  return decoder.run(bytes);
}

}  // namespace lakestream::parquet
