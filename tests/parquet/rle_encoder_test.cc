#include "parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace lakestream::parquet {
namespace {

/// A deliberately naive decoder of the RLE / bit-packed hybrid, written from the spec.
std::vector<uint32_t> decode_hybrid(const std::string& in, int bit_width, size_t count) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  auto byte = [&]() { return static_cast<uint8_t>(in.at(pos++)); };
  while (out.size() < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = byte();
      header |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (header & 1) {
      const size_t values = (header >> 1) * 8;
      uint64_t bit_pos = 0;
      const size_t start = pos;
      for (size_t i = 0; i < values; ++i) {
        uint32_t v = 0;
        for (int b = 0; b < bit_width; ++b, ++bit_pos) {
          const uint8_t src = static_cast<uint8_t>(in.at(start + bit_pos / 8));
          v |= static_cast<uint32_t>((src >> (bit_pos % 8)) & 1) << b;
        }
        if (out.size() < count) out.push_back(v);
      }
      pos = start + (header >> 1) * static_cast<size_t>(bit_width);
    } else {
      const size_t run = header >> 1;
      uint32_t v = 0;
      for (int b = 0; b < (bit_width + 7) / 8; ++b) v |= static_cast<uint32_t>(byte()) << (8 * b);
      for (size_t i = 0; i < run; ++i) out.push_back(v);
    }
  }
  EXPECT_EQ(pos, in.size()) << "trailing bytes after " << count << " values";
  return out;
}

TEST(RleEncoderTest, LongRunBecomesOneRleRun) {
  std::vector<uint8_t> levels(100, 1);
  std::string out;
  rle_hybrid_encode(levels.data(), levels.size(), 1, &out);
  // header varint(100 << 1) = 200 = 0xC8 0x01, value 1 in one byte
  EXPECT_EQ(out, std::string("\xC8\x01\x01", 3));
}

TEST(RleEncoderTest, ShortMixedValuesAreBitPackedAndPadded) {
  const std::vector<uint32_t> v = {0, 1, 2, 3, 4};
  std::string out;
  rle_hybrid_encode(v.data(), v.size(), 3, &out);
  // one group of 8 (header (1<<1)|1 = 3), 3 bytes: values 0..4 then zero padding
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 3);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x88);  // 000 001 01|0 -> bits LSB first
  EXPECT_EQ(static_cast<uint8_t>(out[2]), 0x46);
  EXPECT_EQ(static_cast<uint8_t>(out[3]), 0x00);
}

TEST(RleEncoderTest, BitWidthFor) {
  EXPECT_EQ(bit_width_for(0), 0);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(2), 2);
  EXPECT_EQ(bit_width_for(255), 8);
  EXPECT_EQ(bit_width_for(256), 9);
}

struct RoundTripCase {
  std::string name;
  int bit_width;
  size_t count;
  int pattern;  // 0 random, 1 runs, 2 alternating runs and noise, 3 single repeated value
};

class RleRoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RleRoundTripTest, DecodesToTheInput) {
  const auto& c = GetParam();
  std::mt19937 rng(42);
  const uint32_t mask = c.bit_width == 32 ? 0xFFFFFFFFu : ((1u << c.bit_width) - 1);
  std::vector<uint32_t> v(c.count);
  for (size_t i = 0; i < c.count; ++i) {
    switch (c.pattern) {
      case 0:
        v[i] = rng() & mask;
        break;
      case 1:
        v[i] = static_cast<uint32_t>(i / 37) & mask;
        break;
      case 2:
        v[i] = (i / 100) % 2 ? (rng() & mask) : (mask & 5);
        break;
      default:
        v[i] = mask;
        break;
    }
  }
  std::string out;
  rle_hybrid_encode(v.data(), v.size(), c.bit_width, &out);
  EXPECT_EQ(decode_hybrid(out, c.bit_width, c.count), v);
}

INSTANTIATE_TEST_SUITE_P(
    Patterns, RleRoundTripTest,
    ::testing::Values(
        RoundTripCase{"random_w1", 1, 1000, 0}, RoundTripCase{"random_w3", 3, 1001, 0},
        RoundTripCase{"random_w8", 8, 2003, 0}, RoundTripCase{"random_w13", 13, 5000, 0},
        RoundTripCase{"random_w32", 32, 777, 0}, RoundTripCase{"runs_w7", 7, 4000, 1},
        RoundTripCase{"mixed_w5", 5, 10007, 2}, RoundTripCase{"mixed_w20", 20, 3003, 2},
        RoundTripCase{"constant_w9", 9, 100000, 3}, RoundTripCase{"one_value", 4, 1, 0},
        RoundTripCase{"seven_values", 2, 7, 0}, RoundTripCase{"many_groups", 1, 70000, 0}),
    [](const auto& info) { return info.param.name; });

TEST(RleEncoderTest, ByteLevelsRoundTrip) {
  std::vector<uint8_t> levels;
  for (int i = 0; i < 5000; ++i) levels.push_back((i % 13 == 0 || (i / 500) % 2) ? 0 : 1);
  std::string out;
  rle_hybrid_encode(levels.data(), levels.size(), 1, &out);
  const auto decoded = decode_hybrid(out, 1, levels.size());
  ASSERT_EQ(decoded.size(), levels.size());
  for (size_t i = 0; i < levels.size(); ++i) ASSERT_EQ(decoded[i], levels[i]) << "at " << i;
}

// Widths up to 8 pack a group of 8 values as one 64-bit word: every width, lengths that end
// inside a group, random values and runs mixed.
TEST(RleEncoderTest, ByteLevelsOfEveryWidthRoundTrip) {
  std::mt19937 rng(7);
  for (int width = 1; width <= 8; ++width) {
    for (size_t count : {size_t{1}, size_t{9}, size_t{517}, size_t{4099}}) {
      std::vector<uint8_t> levels(count);
      for (size_t i = 0; i < count; ++i) {
        levels[i] = (i / 50) % 3 == 0 ? 1 : static_cast<uint8_t>(rng() & ((1u << width) - 1));
      }
      std::string out;
      rle_hybrid_encode(levels.data(), levels.size(), width, &out);
      const auto decoded = decode_hybrid(out, width, count);
      ASSERT_EQ(decoded.size(), count) << width;
      for (size_t i = 0; i < count; ++i) {
        ASSERT_EQ(decoded[i], levels[i]) << "width " << width << " count " << count << " at " << i;
      }
    }
  }
}

TEST(RleEncoderTest, BooleansPackLsbFirst) {
  const std::vector<uint8_t> b = {1, 0, 1, 1, 0, 0, 0, 0, 1, 1};
  std::string out;
  bit_pack_booleans(b.data(), b.size(), &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0x0D);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x03);
}

}  // namespace
}  // namespace lakestream::parquet
