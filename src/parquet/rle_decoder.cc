#include "parquet/rle_decoder.h"

#include <algorithm>
#include <cstring>

namespace lakestream::parquet {

void unpack_bits(const uint8_t* in, size_t in_len, int bit_width, size_t count, uint64_t* out) {
  if (bit_width == 0) {
    std::memset(out, 0, count * sizeof(uint64_t));
    return;
  }
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  uint64_t bit = 0;
  for (size_t i = 0; i < count; ++i, bit += static_cast<uint64_t>(bit_width)) {
    const size_t byte = bit / 8;
    const int shift = static_cast<int>(bit % 8);
    if (shift + bit_width <= 64 && byte + 8 <= in_len) {
      // Fast path: one unaligned 8-byte load holds the whole value.
      uint64_t word;
      std::memcpy(&word, in + byte, 8);
      out[i] = (word >> shift) & mask;
      continue;
    }
    uint64_t v = 0;
    int got = 0;
    size_t b = byte;
    int s = shift;
    while (got < bit_width && b < in_len) {
      const int take = std::min(8 - s, bit_width - got);
      const uint64_t bits = (static_cast<uint64_t>(in[b]) >> s) & ((uint64_t{1} << take) - 1);
      v |= bits << got;
      got += take;
      s = 0;
      ++b;
    }
    out[i] = v;
  }
}

bool RleDecoder::next_run() {
  // A loop, not recursion: a hostile stream of empty runs must not grow the stack.
  while (true) {
    // Run header: uvarint; low bit 1 = bit-packed (header >> 1 groups of 8), 0 = RLE run.
    uint64_t header = 0;
    int shift = 0;
    while (true) {
      if (pos_ >= size_ || shift > 63) return false;
      const uint8_t b = data_[pos_++];
      header |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
    }
    if (header & 1) {
      const uint64_t groups = header >> 1;
      if (groups == 0) continue;
      packed_left_ = groups * 8;
      packed_pos_ = pos_;
      packed_index_ = 0;
      // The run's bytes may be cut short at the end of the data (writers may omit the padding
      // of the last group); values past the data are detected when read.
      const uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
      pos_ = bytes > size_ - pos_ ? size_ : pos_ + static_cast<size_t>(bytes);
      return true;
    }
    rle_left_ = header >> 1;
    const int value_bytes = (bit_width_ + 7) / 8;
    if (size_ - pos_ < static_cast<size_t>(value_bytes)) return false;
    uint32_t v = 0;
    for (int i = 0; i < value_bytes; ++i) v |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
    pos_ += static_cast<size_t>(value_bytes);
    if (bit_width_ < 32 && (v >> bit_width_) != 0) return false;
    rle_value_ = v;
    if (rle_left_ > 0) return true;
  }
}

template <typename T>
bool RleDecoder::get_impl(T* out, size_t n) {
  size_t done = 0;
  uint64_t scratch[64];
  while (done < n) {
    if (rle_left_ == 0 && packed_left_ == 0 && !next_run()) return false;
    if (rle_left_ > 0) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(rle_left_, n - done));
      for (size_t i = 0; i < take; ++i) out[done + i] = static_cast<T>(rle_value_);
      done += take;
      rle_left_ -= take;
      continue;
    }
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>({packed_left_, n - done, uint64_t{64}}));
    const uint64_t first_bit = packed_index_ * static_cast<uint64_t>(bit_width_);
    const uint64_t last_bit = first_bit + take * static_cast<uint64_t>(bit_width_);
    const size_t avail = pos_ - packed_pos_;  // bytes of this run present in the data
    if ((last_bit + 7) / 8 > avail) return false;
    const size_t start = static_cast<size_t>(first_bit / 8);
    if (first_bit % 8 == 0) {
      unpack_bits(data_ + packed_pos_ + start, avail - start, bit_width_, take, scratch);
    } else {
      // Groups of 8 values always end on a byte boundary, but a batch of `take` may not
      // start on one: unpack from the run start including the values already consumed.
      uint64_t wide[72];
      const size_t skip = static_cast<size_t>(packed_index_ % 8);
      const size_t from = static_cast<size_t>((packed_index_ - skip) * bit_width_ / 8);
      unpack_bits(data_ + packed_pos_ + from, avail - from, bit_width_, take + skip, wide);
      std::memcpy(scratch, wide + skip, take * sizeof(uint64_t));
    }
    for (size_t i = 0; i < take; ++i) out[done + i] = static_cast<T>(scratch[i]);
    done += take;
    packed_left_ -= take;
    packed_index_ += take;
  }
  return true;
}

bool RleDecoder::get(uint32_t* out, size_t n) { return get_impl(out, n); }
bool RleDecoder::get(int16_t* out, size_t n) { return get_impl(out, n); }

int64_t decode_bit_packed_levels(const uint8_t* data, size_t size, int bit_width, size_t n,
                                 int16_t* out) {
  const uint64_t bits = static_cast<uint64_t>(n) * static_cast<uint64_t>(bit_width);
  const uint64_t bytes = (bits + 7) / 8;
  if (bytes > size) return -1;
  uint64_t bit = 0;
  for (size_t i = 0; i < n; ++i) {
    int v = 0;
    for (int k = 0; k < bit_width; ++k, ++bit) {
      v = (v << 1) | ((data[bit / 8] >> (7 - bit % 8)) & 1);
    }
    out[i] = static_cast<int16_t>(v);
  }
  return static_cast<int64_t>(bytes);
}

}  // namespace lakestream::parquet
