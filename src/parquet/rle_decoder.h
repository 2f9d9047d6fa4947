#pragma once
// parquet/rle_decoder: the decoding side of rle_encoder: Parquet's RLE / bit-packed hybrid
// (definition and repetition levels, dictionary indices, RLE booleans), the deprecated
// BIT_PACKED level encoding, and LSB-first bit unpacking shared with DELTA_BINARY_PACKED.
// Every decoder reads from a bounded buffer and reports running out of bytes instead of
// reading past it.

#include <cstddef>
#include <cstdint>

namespace lakestream::parquet {

/// Unpack `count` values of `bit_width` bits (0..64) stored LSB first from `in`, which must hold
/// at least ceil(count * bit_width / 8) bytes (checked by the callers).
void unpack_bits(const uint8_t* in, size_t in_len, int bit_width, size_t count, uint64_t* out);

/// Reads an RLE / bit-packed hybrid run sequence without a length prefix.
class RleDecoder {
 public:
  /// `bit_width` 0..32; with width 0 every value is 0 (the encoding still has run headers).
  RleDecoder(const uint8_t* data, size_t size, int bit_width)
      : data_(data), size_(size), bit_width_(bit_width) {}

  /// Decode exactly `n` values into `out`; false when the data ends first or is malformed.
  bool get(uint32_t* out, size_t n);
  /// The same into 16-bit levels.
  bool get(int16_t* out, size_t n);

 private:
  template <typename T>
  bool get_impl(T* out, size_t n);
  bool next_run();

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int bit_width_;
  // The current run: either `rle_left` copies of `rle_value`, or `packed_left` values of a
  // bit-packed run starting at bit `packed_bit` of data_.
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;
  size_t packed_pos_ = 0;  // byte offset of the next packed value group
  uint64_t packed_index_ = 0;
};

/// Decode the deprecated BIT_PACKED level encoding (MSB first, no run headers). Returns the
/// bytes used, or -1 if `size` is too small for `n` values.
int64_t decode_bit_packed_levels(const uint8_t* data, size_t size, int bit_width, size_t n,
                                 int16_t* out);

}  // namespace lakestream::parquet
