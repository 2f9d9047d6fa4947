#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"

namespace lakestream::parquet {
namespace {

std::vector<int> bytes_of(const std::string& s) {
  std::vector<int> out;
  for (char c : s) out.push_back(static_cast<uint8_t>(c));
  return out;
}

struct VarintCase {
  std::string name;
  uint64_t value;
  std::vector<int> bytes;
};

class UvarintTest : public ::testing::TestWithParam<VarintCase> {};

TEST_P(UvarintTest, EncodesLeb128) {
  std::string out;
  append_uvarint(&out, GetParam().value);
  EXPECT_EQ(bytes_of(out), GetParam().bytes);
}

INSTANTIATE_TEST_SUITE_P(
    KnownValues, UvarintTest,
    ::testing::Values(VarintCase{"zero", 0, {0x00}}, VarintCase{"one", 1, {0x01}},
                      VarintCase{"max_one_byte", 127, {0x7F}},
                      VarintCase{"min_two_bytes", 128, {0x80, 0x01}},
                      VarintCase{"v300", 300, {0xAC, 0x02}},
                      VarintCase{"three_bytes", 16384, {0x80, 0x80, 0x01}},
                      VarintCase{"uint64_max",
                                 UINT64_MAX,
                                 {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}}),
    [](const auto& info) { return info.param.name; });

TEST(ZigZagTest, MapsSmallMagnitudesToSmallCodes) {
  EXPECT_EQ(zigzag_encode32(0), 0u);
  EXPECT_EQ(zigzag_encode32(-1), 1u);
  EXPECT_EQ(zigzag_encode32(1), 2u);
  EXPECT_EQ(zigzag_encode32(-2), 3u);
  EXPECT_EQ(zigzag_encode32(INT32_MAX), 0xFFFFFFFEu);
  EXPECT_EQ(zigzag_encode32(INT32_MIN), 0xFFFFFFFFu);
  EXPECT_EQ(zigzag_encode64(INT64_MIN), UINT64_MAX);
  for (int32_t v : {0, 1, -1, 12345, -12345, INT32_MIN, INT32_MAX}) {
    EXPECT_EQ(zigzag_decode32(zigzag_encode32(v)), v);
  }
  for (int64_t v : {int64_t{0}, int64_t{-7}, INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(zigzag_decode64(zigzag_encode64(v)), v);
  }
}

TEST(ThriftCompactWriterTest, ShortFieldHeadersCarryTheIdDelta) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.struct_begin();
  w.field_i32(1, 1);        // delta 1, type i32 (5): 0x15, zigzag(1) = 2
  w.field_i64(3, -1);       // delta 2, type i64 (6): 0x26, zigzag(-1) = 1
  w.field_binary(4, "ab");  // delta 1, binary (8): 0x18, len 2, 'a' 'b'
  w.struct_end();
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x15, 0x02, 0x26, 0x01, 0x18, 0x02, 'a', 'b', 0x00}));
}

TEST(ThriftCompactWriterTest, LongFieldHeaderWhenDeltaExceeds15OrGoesBack) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.struct_begin();
  w.field_i32(20, 0);  // delta 20 > 15: type byte, then zigzag(20)=40 as varint
  w.field_i32(2, 0);   // going back: long form again, zigzag(2)=4
  w.struct_end();
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x05, 40, 0x00, 0x05, 4, 0x00, 0x00}));
}

TEST(ThriftCompactWriterTest, NestedStructsRestoreTheOuterFieldId) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.struct_begin();
  w.field_struct_begin(5);  // 0x5C
  w.field_i32(1, 0);        // inner delta from 0: 0x15
  w.struct_end();           // 0x00
  w.field_i32(6, 0);        // outer delta from 5: 0x15
  w.struct_end();
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x5C, 0x15, 0x00, 0x00, 0x15, 0x00, 0x00}));
}

TEST(ThriftCompactWriterTest, BoolFieldsFoldTheValueIntoTheType) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.struct_begin();
  w.field_bool(1, true);                                // 0x11
  w.field_bool(2, false);                               // 0x12
  w.field_list_begin(3, CompactType::kBooleanTrue, 2);  // list header 0x19, then 0x21
  w.write_bool(true);
  w.write_bool(false);
  w.struct_end();
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x11, 0x12, 0x19, 0x21, 0x01, 0x02, 0x00}));
}

TEST(ThriftCompactWriterTest, ListHeadersShortAndLong) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.list_begin(CompactType::kI32, 3);
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x35}));
  out.clear();
  w.list_begin(CompactType::kStruct, 15);
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0xFC, 0x0F}));
  out.clear();
  w.list_begin(CompactType::kBinary, 300);
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0xF8, 0xAC, 0x02}));
}

TEST(ThriftCompactWriterTest, DoubleIsEightBytesLittleEndian) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.struct_begin();
  w.field_double(1, 1.0);
  w.struct_end();
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x00}));
}

TEST(ParquetTypesTest, TimestampLogicalTypeIsANestedUnion) {
  std::string out;
  ThriftCompactWriter w(&out);
  LogicalType t;
  t.kind = LogicalType::Kind::kTimestamp;
  t.adjusted_to_utc = false;
  write_thrift(w, t);
  // union{8: TimestampType{1: false, 2: TimeUnit{2: MicroSeconds{}}}}
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x8C, 0x12, 0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00}));
}

TEST(ParquetTypesTest, DataPageHeaderFields) {
  std::string out;
  ThriftCompactWriter w(&out);
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 7;
  h.data_page_header = DataPageHeader{3, Encoding::kRleDictionary, Encoding::kRle, Encoding::kRle};
  write_thrift(w, h);
  EXPECT_EQ(bytes_of(out), (std::vector<int>{0x15, 0x00, 0x15, 20, 0x15, 14, 0x2C, 0x15, 6, 0x15,
                                             16, 0x15, 6, 0x15, 6, 0x00, 0x00}));
}

}  // namespace
}  // namespace lakestream::parquet
