// Files assembled page by page, to reach what our writer never produces: data page v2, the
// DELTA_* and BYTE_STREAM_SPLIT encodings, legacy 2-level lists, unsigned integers, INTERVAL,
// unsupported codecs and corrupt dictionary indices.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>

#include "lakestream/parquet/parquet_reader.h"
#include "parquet/parquet_types.h"
#include "parquet/rle_encoder.h"
#include "parquet/thrift_compact.h"

namespace lakestream {
namespace {

using namespace lakestream::parquet;  // NOLINT: test of the internal format structs

class BytesFile : public RandomAccessFile {
 public:
  BytesFile(std::string bytes, std::string path)
      : bytes_(std::move(bytes)), path_(std::move(path)) {}
  Result<int64_t> size() override { return static_cast<int64_t>(bytes_.size()); }
  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (offset < 0 || offset + length > static_cast<int64_t>(bytes_.size()))
      return Status::IOError("short read");
    std::memcpy(out, bytes_.data() + offset, static_cast<size_t>(length));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string bytes_, path_;
};

std::string le32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }

/// DELTA_BINARY_PACKED with one block of 128 values in 4 miniblocks (test encoder).
std::string delta_encode(const std::vector<int64_t>& values) {
  std::string out;
  append_uvarint(&out, 128);
  append_uvarint(&out, 4);
  append_uvarint(&out, values.size());
  append_uvarint(&out, zigzag_encode64(values.empty() ? 0 : values[0]));
  for (size_t start = 1; start < values.size(); start += 128) {
    const size_t end = std::min(values.size(), start + 128);
    int64_t min_delta = INT64_MAX;
    for (size_t i = start; i < end; ++i) min_delta = std::min(min_delta, values[i] - values[i - 1]);
    append_uvarint(&out, zigzag_encode64(min_delta));
    std::string widths(4, '\0'), bodies;
    for (int m = 0; m < 4; ++m) {
      std::vector<uint64_t> d(32, 0);
      uint64_t max = 0;
      for (size_t k = 0; k < 32; ++k) {
        const size_t i = start + static_cast<size_t>(m) * 32 + k;
        if (i < end) d[k] = static_cast<uint64_t>(values[i] - values[i - 1] - min_delta);
        max = std::max(max, d[k]);
      }
      if (start + static_cast<size_t>(m) * 32 >= end) break;
      const int bw = max == 0 ? 0 : 64 - __builtin_clzll(max);
      widths[static_cast<size_t>(m)] = static_cast<char>(bw);
      std::string packed(static_cast<size_t>(32 * bw / 8), '\0');
      for (size_t k = 0; k < 32; ++k) {
        for (int b = 0; b < bw; ++b) {
          if ((d[k] >> b) & 1) {
            const size_t bit = k * static_cast<size_t>(bw) + static_cast<size_t>(b);
            packed[bit / 8] = static_cast<char>(packed[bit / 8] | (1 << (bit % 8)));
          }
        }
      }
      bodies += packed;
    }
    out += widths + bodies;
  }
  return out;
}

std::string page(const PageHeader& h, const std::string& body) {
  std::string out;
  ThriftCompactWriter w(&out);
  write_thrift(w, h);
  return out + body;
}

std::string data_page_v1(int32_t n, Encoding enc, const std::string& body) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = h.compressed_page_size = static_cast<int32_t>(body.size());
  h.data_page_header = DataPageHeader{n, enc, Encoding::kRle, Encoding::kRle};
  return page(h, body);
}

/// Levels as a v1 page stores them: RLE hybrid with a 4-byte length prefix.
std::string levels_v1(const std::vector<uint8_t>& levels, int max) {
  std::string enc;
  rle_hybrid_encode(levels.data(), levels.size(), bit_width_for(static_cast<uint64_t>(max)), &enc);
  return le32(static_cast<uint32_t>(enc.size())) + enc;
}

struct Chunk {
  PhysicalType type;
  std::vector<std::string> path;
  std::string pages;
  int64_t num_values;
  CompressionCodec codec = CompressionCodec::kUncompressed;
};

std::string make_file(std::vector<SchemaElement> schema, std::vector<Chunk> chunks, int64_t rows) {
  std::string out = "PAR1";
  FileMetaData md;
  md.schema = std::move(schema);
  md.num_rows = rows;
  md.type_defined_column_orders = false;
  RowGroup rg;
  rg.num_rows = rows;
  for (auto& c : chunks) {
    ColumnChunk cc;
    cc.meta_data.type = c.type;
    cc.meta_data.path_in_schema = c.path;
    cc.meta_data.codec = c.codec;
    cc.meta_data.num_values = c.num_values;
    cc.meta_data.data_page_offset = static_cast<int64_t>(out.size());
    cc.meta_data.total_compressed_size = cc.meta_data.total_uncompressed_size =
        static_cast<int64_t>(c.pages.size());
    cc.file_offset = cc.meta_data.data_page_offset;
    out += c.pages;
    rg.columns.push_back(cc);
  }
  md.row_groups.push_back(rg);
  std::string footer;
  ThriftCompactWriter w(&footer);
  write_thrift(w, md);
  return out + footer + le32(static_cast<uint32_t>(footer.size())) + "PAR1";
}

SchemaElement root(int32_t children) {
  SchemaElement e;
  e.name = "schema";
  e.num_children = children;
  return e;
}

SchemaElement leaf(std::string name, PhysicalType t, Repetition r) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = t;
  e.repetition = r;
  return e;
}

Result<std::unique_ptr<ParquetReader>> open(std::string bytes) {
  return ParquetReader::open(std::make_unique<BytesFile>(std::move(bytes), "built.parquet"));
}

TEST(ParquetReaderPagesTest, DataPageV2WithDeltaBinaryPackedAndNulls) {
  std::vector<int64_t> values;
  std::vector<uint8_t> def;
  for (int i = 0; i < 300; ++i) {
    def.push_back(i % 5 == 0 ? 0 : 1);
    if (i % 5 != 0) values.push_back(i * i * (i % 2 ? -1 : 1) + (int64_t{1} << 40));
  }
  std::string def_enc;
  rle_hybrid_encode(def.data(), def.size(), 1, &def_enc);
  const std::string vals = delta_encode(values);
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.uncompressed_page_size = h.compressed_page_size =
      static_cast<int32_t>(def_enc.size() + vals.size());
  h.data_page_header_v2 = DataPageHeaderV2{
      300, 60, 300, Encoding::kDeltaBinaryPacked, static_cast<int32_t>(def_enc.size()), 0, false};
  // DataPageHeaderV2 is read-only in our writer: serialize it by hand.
  std::string hdr;
  ThriftCompactWriter w(&hdr);
  w.struct_begin();
  w.field_i32(1, static_cast<int32_t>(PageType::kDataPageV2));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  w.field_struct_begin(8);
  w.field_i32(1, 300);
  w.field_i32(2, 60);
  w.field_i32(3, 300);
  w.field_i32(4, static_cast<int32_t>(Encoding::kDeltaBinaryPacked));
  w.field_i32(5, static_cast<int32_t>(def_enc.size()));
  w.field_i32(6, 0);
  w.field_bool(7, false);
  w.struct_end();
  w.struct_end();
  const std::string pages = hdr + def_enc + vals;
  auto reader = open(make_file({root(1), leaf("v", PhysicalType::kInt64, Repetition::kOptional)},
                               {{PhysicalType::kInt64, {"v"}, pages, 300}}, 300));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto batch = (*reader)->read_row_group(0);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  const Column& c = *batch->column(0);
  size_t v = 0;
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(c.is_null(i), i % 5 == 0) << i;
    if (i % 5 != 0) {
      ASSERT_EQ(c.value<int64_t>(i), values[v++]) << i;
    }
  }
}

TEST(ParquetReaderPagesTest, DeltaLengthAndDeltaByteArrayStrings) {
  const std::vector<std::string> words = {"apple", "applesauce", "apply",  "banana",
                                          "band",  "",           "bandana"};
  std::vector<int64_t> lengths, prefixes;
  std::string concat, suffixes;
  std::vector<int64_t> suffix_lengths;
  std::string prev;
  for (const auto& s : words) {
    lengths.push_back(static_cast<int64_t>(s.size()));
    concat += s;
    size_t p = 0;
    while (p < prev.size() && p < s.size() && prev[p] == s[p]) ++p;
    prefixes.push_back(static_cast<int64_t>(p));
    suffix_lengths.push_back(static_cast<int64_t>(s.size() - p));
    suffixes += s.substr(p);
    prev = s;
  }
  const auto n = static_cast<int32_t>(words.size());
  SchemaElement a = leaf("a", PhysicalType::kByteArray, Repetition::kRequired);
  a.converted_type = ConvertedType::kUtf8;
  SchemaElement b = leaf("b", PhysicalType::kByteArray, Repetition::kRequired);
  b.logical_type.kind = LogicalType::Kind::kString;
  auto reader = open(
      make_file({root(2), a, b},
                {{PhysicalType::kByteArray,
                  {"a"},
                  data_page_v1(n, Encoding::kDeltaLengthByteArray, delta_encode(lengths) + concat),
                  n},
                 {PhysicalType::kByteArray,
                  {"b"},
                  data_page_v1(n, Encoding::kDeltaByteArray,
                               delta_encode(prefixes) + delta_encode(suffix_lengths) + suffixes),
                  n}},
                n));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->schema().to_ddl(), "a STRING NOT NULL,b STRING NOT NULL");
  auto batch = (*reader)->read_row_group(0);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(batch->column(0)->string_value(i), words[static_cast<size_t>(i)]);
    EXPECT_EQ(batch->column(1)->string_value(i), words[static_cast<size_t>(i)]);
  }
}

TEST(ParquetReaderPagesTest, ByteStreamSplitDoublesAndUnsignedIntegers) {
  const std::vector<double> d = {1.5, -2.25, 1e300, 0.0};
  std::string bss(32, '\0');
  for (size_t i = 0; i < 4; ++i) {
    char b[8];
    std::memcpy(b, &d[i], 8);
    for (size_t k = 0; k < 8; ++k) bss[k * 4 + i] = b[k];
  }
  SchemaElement u8 = leaf("u8", PhysicalType::kInt32, Repetition::kRequired);
  u8.converted_type = ConvertedType::kUint8;
  SchemaElement u32 = leaf("u32", PhysicalType::kInt32, Repetition::kRequired);
  u32.logical_type.kind = LogicalType::Kind::kInteger;
  u32.logical_type.bit_width = 32;
  u32.logical_type.is_signed = false;
  SchemaElement u64 = leaf("u64", PhysicalType::kInt64, Repetition::kRequired);
  u64.converted_type = ConvertedType::kUint64;
  std::string p8, p32, p64;
  for (uint32_t v : {0u, 200u, 255u, 7u}) p8 += le32(v);
  for (uint32_t v : {0u, 4000000000u, 1u, 2u}) p32 += le32(v);
  for (uint64_t v : {0ull, 18446744073709551615ull, 1ull, 9223372036854775808ull}) {
    p64.append(reinterpret_cast<const char*>(&v), 8);
  }
  auto reader = open(make_file(
      {root(4), leaf("d", PhysicalType::kDouble, Repetition::kRequired), u8, u32, u64},
      {{PhysicalType::kDouble, {"d"}, data_page_v1(4, Encoding::kByteStreamSplit, bss), 4},
       {PhysicalType::kInt32, {"u8"}, data_page_v1(4, Encoding::kPlain, p8), 4},
       {PhysicalType::kInt32, {"u32"}, data_page_v1(4, Encoding::kPlain, p32), 4},
       {PhysicalType::kInt64, {"u64"}, data_page_v1(4, Encoding::kPlain, p64), 4}},
      4));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ(
      (*reader)->schema().to_ddl(),
      "d DOUBLE NOT NULL,u8 SMALLINT NOT NULL,u32 BIGINT NOT NULL,u64 DECIMAL(20,0) NOT NULL");
  auto batch = (*reader)->read_row_group(0);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(batch->column(0)->value<double>(i), d[static_cast<size_t>(i)]);
  EXPECT_EQ(batch->column(1)->value<int16_t>(1), 200);
  EXPECT_EQ(batch->column(2)->value<int64_t>(1), 4000000000LL);
  EXPECT_TRUE(batch->column(3)->decimal_value(1) == static_cast<int128_t>(18446744073709551615ull));
}

TEST(ParquetReaderPagesTest, LegacyTwoLevelListAndBareRepeatedField) {
  // optional group a (LIST) { repeated int32 array; }   rows: [1, 2], [], null, [3]
  SchemaElement a;
  a.name = "a";
  a.repetition = Repetition::kOptional;
  a.num_children = 1;
  a.converted_type = ConvertedType::kList;
  SchemaElement arr = leaf("array", PhysicalType::kInt32, Repetition::kRepeated);
  // repeated int32 r (no LIST annotation)                  rows: [7], [], [8, 9], []
  SchemaElement r = leaf("r", PhysicalType::kInt32, Repetition::kRepeated);
  const std::vector<uint8_t> a_rep = {0, 1, 0, 0, 0}, a_def = {2, 2, 1, 0, 2};
  const std::vector<uint8_t> r_rep = {0, 0, 0, 1, 0}, r_def = {1, 0, 1, 1, 0};
  std::string a_vals = le32(1) + le32(2) + le32(3), r_vals = le32(7) + le32(8) + le32(9);
  auto reader = open(make_file(
      {root(2), a, arr, r},
      {{PhysicalType::kInt32,
        {"a", "array"},
        data_page_v1(5, Encoding::kPlain, levels_v1(a_rep, 1) + levels_v1(a_def, 2) + a_vals),
        5},
       {PhysicalType::kInt32,
        {"r"},
        data_page_v1(5, Encoding::kPlain, levels_v1(r_rep, 1) + levels_v1(r_def, 1) + r_vals),
        5}},
      4));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->schema().field(0).type->simple_string(), "array<int>");
  EXPECT_EQ((*reader)->schema().field(1).type->simple_string(), "array<int>");
  auto batch = (*reader)->read_row_group(0);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  const Column& la = *batch->column(0);
  EXPECT_EQ(std::vector<int32_t>(la.offsets().begin(), la.offsets().end()),
            (std::vector<int32_t>{0, 2, 2, 2, 3}));
  EXPECT_TRUE(la.is_null(2));
  EXPECT_FALSE(la.is_null(1));
  EXPECT_EQ(la.child(0)->value<int32_t>(2), 3);
  const Column& lr = *batch->column(1);
  EXPECT_EQ(std::vector<int32_t>(lr.offsets().begin(), lr.offsets().end()),
            (std::vector<int32_t>{0, 1, 1, 3, 3}));
  EXPECT_EQ(lr.null_count(), 0);
  EXPECT_EQ(lr.child(0)->value<int32_t>(2), 9);
}

TEST(ParquetReaderPagesTest, UnreadableColumnsAreListedWithTheirReason) {
  SchemaElement iv = leaf("span", PhysicalType::kFixedLenByteArray, Repetition::kOptional);
  iv.type_length = 12;
  iv.converted_type = ConvertedType::kInterval;
  const std::string ids = le32(1) + le32(2);
  auto reader =
      open(make_file({root(2), leaf("id", PhysicalType::kInt32, Repetition::kRequired), iv},
                     {{PhysicalType::kInt32, {"id"}, data_page_v1(2, Encoding::kPlain, ids), 2},
                      {PhysicalType::kFixedLenByteArray,
                       {"span"},
                       data_page_v1(2, Encoding::kPlain, levels_v1({0, 0}, 1)),
                       2}},
                     2));
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  ASSERT_EQ((*reader)->skipped_columns().size(), 1u);
  EXPECT_EQ((*reader)->skipped_columns()[0].name, "span");
  EXPECT_NE((*reader)->skipped_columns()[0].reason.find("INTERVAL"), std::string::npos);
  EXPECT_EQ((*reader)->schema().size(), 1u);
  auto batch = (*reader)->read_row_group(0);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->column(0)->value<int32_t>(1), 2);
  auto asked = (*reader)->read_row_group(0, std::vector<std::string>{"span"});
  ASSERT_FALSE(asked.ok());
  EXPECT_NE(asked.status().message().find("column 'span' of built.parquet cannot be read"),
            std::string::npos);
}

TEST(ParquetReaderPagesTest, UnsupportedCodecAndBadDictionaryIndexNameFileAndColumn) {
  const std::string vals = le32(1);
  auto lzo = open(make_file({root(1), leaf("x", PhysicalType::kInt32, Repetition::kRequired)},
                            {{PhysicalType::kInt32,
                              {"x"},
                              data_page_v1(1, Encoding::kPlain, vals),
                              1,
                              CompressionCodec::kLzo}},
                            1));
  ASSERT_TRUE(lzo.ok());
  auto st = (*lzo)->read_row_group(0).status();
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented);
  EXPECT_NE(st.message().find("built.parquet: row group 0, column 'x'"), std::string::npos)
      << st.to_string();
  EXPECT_NE(st.message().find("codec lzo is not supported"), std::string::npos) << st.to_string();

  PageHeader dh;
  dh.type = PageType::kDictionaryPage;
  const std::string dict = le32(10) + le32(20);
  dh.uncompressed_page_size = dh.compressed_page_size = static_cast<int32_t>(dict.size());
  dh.dictionary_page_header = DictionaryPageHeader{2, Encoding::kPlain};
  std::string idx(1, '\3');  // bit width 3, then indices 0, 5
  const std::vector<uint32_t> indices = {0, 5};
  rle_hybrid_encode(indices.data(), indices.size(), 3, &idx);
  auto bad = open(make_file({root(1), leaf("x", PhysicalType::kInt32, Repetition::kRequired)},
                            {{PhysicalType::kInt32,
                              {"x"},
                              page(dh, dict) + data_page_v1(2, Encoding::kRleDictionary, idx),
                              2}},
                            2));
  ASSERT_TRUE(bad.ok());
  st = (*bad)->read_row_group(0).status();
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_NE(st.message().find("column 'x'"), std::string::npos) << st.to_string();
  EXPECT_NE(st.message().find("dictionary index 5 out of range (the dictionary has 2 values)"),
            std::string::npos)
      << st.to_string();
}

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A 2 GB string cannot be read (pages are decompressed whole, up to 1 GiB), and trying must
// cost no memory: a zstd page that claims 2^31 - 1 bytes uncompressed is refused by its header,
// and a PLAIN value whose length prefix says 2 GiB in a small page is refused by the prefix,
// both naming the file and column, neither allocating what they claim.
TEST(ParquetReaderPagesTest, TwoGigabyteValuesAreRefusedWithoutAllocatingThem) {
  const long before = max_rss_kb();
  PageHeader h;
  h.type = PageType::kDataPage;
  const std::string body(64, 'z');
  h.compressed_page_size = static_cast<int32_t>(body.size());
  h.uncompressed_page_size = INT32_MAX;
  h.data_page_header = DataPageHeader{1, Encoding::kPlain, Encoding::kRle, Encoding::kRle};
  auto huge = open(
      make_file({root(1), leaf("s", PhysicalType::kByteArray, Repetition::kRequired)},
                {{PhysicalType::kByteArray, {"s"}, page(h, body), 1, CompressionCodec::kZstd}}, 1));
  ASSERT_TRUE(huge.ok());
  auto st = (*huge)->read_row_group(0).status();
  EXPECT_EQ(st.code(), StatusCode::kNotImplemented) << st.to_string();
  EXPECT_NE(st.message().find("built.parquet: row group 0, column 's'"), std::string::npos)
      << st.to_string();
  EXPECT_NE(st.message().find("holds 2147483647 bytes uncompressed; lakestream reads pages of up "
                              "to 1 GiB"),
            std::string::npos)
      << st.to_string();

  const std::string value = le32(0x80000000u) + std::string(16, 'v');
  auto prefix = open(make_file(
      {root(1), leaf("s", PhysicalType::kByteArray, Repetition::kRequired)},
      {{PhysicalType::kByteArray, {"s"}, data_page_v1(1, Encoding::kPlain, value), 1}}, 1));
  ASSERT_TRUE(prefix.ok());
  st = (*prefix)->read_row_group(0).status();
  EXPECT_EQ(st.code(), StatusCode::kCorrupt) << st.to_string();
  EXPECT_NE(st.message().find("column 's'"), std::string::npos) << st.to_string();
  EXPECT_NE(st.message().find("runs past the page end"), std::string::npos) << st.to_string();
  // Neither claim was allocated (2 GiB would show as ~2,000,000 KB).
  EXPECT_LT(max_rss_kb() - before, 64 * 1024);
}

}  // namespace
}  // namespace lakestream
