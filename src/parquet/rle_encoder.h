#pragma once
// parquet/rle_encoder: Parquet's RLE / bit-packed hybrid encoding, used for definition levels
// and dictionary indices. Encodes a whole page's values at once (they are buffered anyway), so
// runs can be found by looking ahead instead of with a streaming state machine.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lakestream::parquet {

/// Bits needed to store values 0..max_value (0 for max_value 0).
inline int bit_width_for(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

/// Append the hybrid encoding of `n` values, each < 2^bit_width (1 <= bit_width <= 32), to
/// `out`. Runs of 8 or more equal values become RLE runs; the rest is bit-packed in groups of
/// 8 (the last group padded with zeros: readers stop after the number of values they expect).
/// No length prefix is written.
void rle_hybrid_encode(const uint32_t* values, size_t n, int bit_width, std::string* out);
/// The same for byte-sized values (definition levels straight from a validity buffer).
void rle_hybrid_encode(const uint8_t* values, size_t n, int bit_width, std::string* out);

/// Append `n` booleans (one byte each, non-zero = true) bit-packed LSB first: Parquet's PLAIN
/// encoding of BOOLEAN.
void bit_pack_booleans(const uint8_t* values, size_t n, std::string* out);

}  // namespace lakestream::parquet
