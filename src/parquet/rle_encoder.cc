#include "parquet/rle_encoder.h"

#include <algorithm>
#include <cstring>

#include "parquet/thrift_compact.h"

namespace lakestream::parquet {
namespace {

// Runs shorter than this are cheaper bit-packed; 8 also keeps bit-packed groups aligned.
constexpr size_t kMinRleRun = 8;
// Keeps each bit-packed header to one varint byte, as parquet-mr and Arrow do.
constexpr size_t kMaxGroupsPerHeader = 63;

template <typename T>
size_t run_length_at(const T* v, size_t i, size_t n, size_t enough) {
  size_t j = i + 1;
  while (j < n && v[j] == v[i] && j - i < enough) ++j;
  return j - i;
}

template <typename T>
size_t full_run_length(const T* v, size_t i, size_t n) {
  size_t j = i + 1;
  while (j < n && v[j] == v[i]) ++j;
  return j - i;
}

template <typename T>
void append_rle_run(uint32_t value, size_t count, int bit_width, std::string* out) {
  append_uvarint(out, static_cast<uint64_t>(count) << 1);
  const int bytes = (bit_width + 7) / 8;
  for (int b = 0; b < bytes; ++b) out->push_back(static_cast<char>((value >> (8 * b)) & 0xFF));
}

template <typename T>
void append_bit_packed(const T* v, size_t begin, size_t groups, size_t n, int bit_width,
                       std::string* out) {
  append_uvarint(out, (static_cast<uint64_t>(groups) << 1) | 1);
  const size_t at = out->size();
  const auto width = static_cast<size_t>(bit_width);
  const size_t bytes = groups * width;  // 8 values * bw bits / 8
  // 8 spare bytes: each group is stored as one 8-byte word of which `width` bytes count.
  out->resize(at + bytes + 8);
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + at);
  size_t i = begin;
  const size_t full = std::min(groups, n > begin ? (n - begin) / 8 : 0);
  if (width <= 8) {
    // A group of 8 values of at most 8 bits fits one 64-bit word: no carry between groups.
    for (size_t g = 0; g < full; ++g, i += 8, dst += width) {
      uint64_t word = 0;
      for (size_t k = 0; k < 8; ++k) word |= static_cast<uint64_t>(v[i + k]) << (k * width);
      std::memcpy(dst, &word, 8);
    }
  }
  // The rest (wider values, and the last group, padded with zeros past n) bit by bit.
  uint64_t acc = 0;
  int bits = 0;
  const size_t end = begin + groups * 8;
  for (; i < end; ++i) {
    const uint64_t value = i < n ? static_cast<uint64_t>(v[i]) : 0;
    acc |= value << bits;
    bits += bit_width;
    while (bits >= 8) {
      *dst++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
  out->resize(at + bytes);
}

template <typename T>
void encode(const T* v, size_t n, int bit_width, std::string* out) {
  size_t i = 0;
  while (i < n) {
    const size_t run = full_run_length(v, i, n);
    if (run >= kMinRleRun) {
      append_rle_run<T>(static_cast<uint32_t>(v[i]), run, bit_width, out);
      i += run;
      continue;
    }
    // Bit-pack groups of 8 until an RLE-worthy run starts at a group boundary.
    const size_t begin = i;
    size_t groups = 0;
    while (i < n && groups < kMaxGroupsPerHeader) {
      if (groups > 0 && run_length_at(v, i, n, kMinRleRun) >= kMinRleRun) break;
      i += 8;
      ++groups;
    }
    append_bit_packed(v, begin, groups, n, bit_width, out);
    if (i > n) i = n;
  }
}

}  // namespace

void rle_hybrid_encode(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  encode(values, n, bit_width, out);
}

void rle_hybrid_encode(const uint8_t* values, size_t n, int bit_width, std::string* out) {
  encode(values, n, bit_width, out);
}

void bit_pack_booleans(const uint8_t* values, size_t n, std::string* out) {
  const size_t at = out->size();
  out->resize(at + (n + 7) / 8);
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + at);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8_t b = 0;
    for (int k = 0; k < 8; ++k) b |= static_cast<uint8_t>((values[i + k] != 0) << k);
    *dst++ = b;
  }
  if (i < n) {
    uint8_t b = 0;
    for (int k = 0; i + k < n; ++k) b |= static_cast<uint8_t>((values[i + k] != 0) << k);
    *dst = b;
  }
}

}  // namespace lakestream::parquet
