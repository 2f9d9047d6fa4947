#include "lakestream/parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"
#include "parquet/thrift_compact.h"

namespace lakestream {
namespace {

/// Collects the bytes in memory; close() and abort() are recorded for assertions.
class MemoryOutputStream : public OutputStream {
 public:
  explicit MemoryOutputStream(std::string* sink, bool* closed, bool* aborted)
      : sink_(sink), closed_(closed), aborted_(aborted) {}
  Status write(const void* data, size_t size) override {
    if (*closed_) return Status::IOError("write after close");
    sink_->append(static_cast<const char*>(data), size);
    return Status::OK();
  }
  int64_t tell() const override { return static_cast<int64_t>(sink_->size()); }
  Status close() override {
    *closed_ = true;
    return Status::OK();
  }
  void abort() override { *aborted_ = true; }

 private:
  std::string* sink_;
  bool* closed_;
  bool* aborted_;
};

struct Sink {
  std::string bytes;
  bool closed = false;
  bool aborted = false;
  std::unique_ptr<OutputStream> stream() {
    return std::make_unique<MemoryOutputStream>(&bytes, &closed, &aborted);
  }
};

Result<ParquetFileInfo> write_one(const RecordBatch& batch, Sink* sink,
                                  ParquetWriterOptions options = {}) {
  LS_ASSIGN_OR_RAISE(auto writer, ParquetWriter::open(sink->stream(), batch.schema(), options));
  LS_RETURN_NOT_OK(writer->write(batch));
  return writer->close();
}

TEST(ParquetWriterTest, FileStartsAndEndsWithMagicAndReportsItsSize) {
  Schema schema;
  schema.add("id", DataType::long_(), false);
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < 10; ++i) batch.mutable_column(0).append<int64_t>(i);
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_TRUE(sink.closed);
  EXPECT_EQ(info->num_rows, 10);
  EXPECT_EQ(info->num_row_groups, 1);
  EXPECT_EQ(info->file_size, static_cast<int64_t>(sink.bytes.size()));
  ASSERT_GT(sink.bytes.size(), 12u);
  EXPECT_EQ(sink.bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(sink.bytes.substr(sink.bytes.size() - 4), "PAR1");
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, sink.bytes.data() + sink.bytes.size() - 8, 4);
  EXPECT_LT(footer_len, sink.bytes.size() - 12);
  EXPECT_NE(sink.bytes.find("lakestream version "), std::string::npos);
  EXPECT_NE(sink.bytes.find("spark_schema"), std::string::npos);
}

TEST(ParquetWriterTest, IntegerStatsUseSignedOrder) {
  Schema schema;
  schema.add("b", DataType::byte()).add("i", DataType::int_()).add("l", DataType::long_());
  auto batch = RecordBatch::make_empty(schema);
  for (int v : {5, -128, 127, 0, -1}) {
    batch.mutable_column(0).append<int8_t>(static_cast<int8_t>(v));
    batch.mutable_column(1).append<int32_t>(v * 1000000);
    batch.mutable_column(2).append<int64_t>(static_cast<int64_t>(v) << 40);
  }
  batch.mutable_column(0).append_null();
  batch.mutable_column(1).append_null();
  batch.mutable_column(2).append_null();
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  const auto& c = info->columns;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(std::get<int32_t>(*c[0].min), -128);
  EXPECT_EQ(std::get<int32_t>(*c[0].max), 127);
  EXPECT_EQ(std::get<int32_t>(*c[1].min), -128000000);
  EXPECT_EQ(std::get<int64_t>(*c[2].min), int64_t{-128} << 40);
  EXPECT_EQ(std::get<int64_t>(*c[2].max), int64_t{127} << 40);
  EXPECT_EQ(c[2].null_count, 1);
}

struct DecimalCase {
  std::string name;
  int precision;
};

class DecimalStatsTest : public ::testing::TestWithParam<DecimalCase> {};

TEST_P(DecimalStatsTest, SignedUnscaledMinMax) {
  const int p = GetParam().precision;
  Schema schema;
  schema.add("d", DataType::decimal(p, 2));
  auto batch = RecordBatch::make_empty(schema);
  int128_t big = 1;
  for (int i = 0; i < p; ++i) big *= 10;
  big -= 1;  // the largest unscaled value of the precision
  for (int128_t v : {int128_t{0}, int128_t{-1}, -big, big, int128_t{250}}) {
    batch.mutable_column(0).append_decimal(v);
  }
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_TRUE(std::get<int128_t>(*info->columns[0].min) == -big);
  EXPECT_TRUE(std::get<int128_t>(*info->columns[0].max) == big);
}

INSTANTIATE_TEST_SUITE_P(Physical, DecimalStatsTest,
                         ::testing::Values(DecimalCase{"int32_p9", 9}, DecimalCase{"int64_p18", 18},
                                           DecimalCase{"flba_p19", 19},
                                           DecimalCase{"flba_p38", 38}),
                         [](const auto& info) { return info.param.name; });

TEST(ParquetWriterTest, StringStatsAreUnsignedBytewiseAndKeepEmptyString) {
  Schema schema;
  schema.add("s", DataType::string());
  auto batch = RecordBatch::make_empty(schema);
  for (const char* s : {"b", "", "\xC3\xA9t\xC3\xA9", "a", "zz", "z"}) {
    batch.mutable_column(0).append_string(s);
  }
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(std::get<std::string>(*info->columns[0].min), "");
  // 0xC3 sorts after 'z' as an unsigned byte (it would sort first as a signed char).
  EXPECT_EQ(std::get<std::string>(*info->columns[0].max), "\xC3\xA9t\xC3\xA9");
}

TEST(ParquetWriterTest, AllNullColumnHasNoMinMax) {
  Schema schema;
  schema.add("s", DataType::string()).add("x", DataType::double_());
  auto batch = RecordBatch::make_empty(schema);
  for (int i = 0; i < 100; ++i) {
    batch.mutable_column(0).append_null();
    batch.mutable_column(1).append_null();
  }
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  for (const auto& c : info->columns) {
    EXPECT_EQ(c.null_count, 100) << c.name;
    EXPECT_FALSE(c.min.has_value()) << c.name;
    EXPECT_FALSE(c.max.has_value()) << c.name;
  }
}

TEST(ParquetWriterTest, FloatStatsSkipNaN) {
  Schema schema;
  schema.add("f", DataType::float_()).add("d", DataType::double_());
  auto batch = RecordBatch::make_empty(schema);
  for (double v : {std::nan(""), -2.5, 7.0, std::nan("")}) {
    batch.mutable_column(0).append<float>(static_cast<float>(v));
    batch.mutable_column(1).append<double>(v);
  }
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(std::get<float>(*info->columns[0].min), -2.5f);
  EXPECT_EQ(std::get<double>(*info->columns[1].max), 7.0);
}

TEST(ParquetWriterTest, StatsSpanRowGroupsAndDictionaryFallback) {
  Schema schema;
  schema.add("s", DataType::string(), false).add("n", DataType::long_(), false);
  auto batch = RecordBatch::make_empty(schema);
  const int rows = 200000;
  for (int i = 0; i < rows; ++i) {
    batch.mutable_column(0).append_string("value-" + std::to_string(rows - i));
    batch.mutable_column(1).append<int64_t>(i - 1000);
  }
  ParquetWriterOptions options;
  options.row_group_target_bytes = 512 << 10;
  options.page_target_bytes = 64 << 10;
  options.dictionary_page_limit_bytes = 32 << 10;
  Sink sink;
  auto info = write_one(batch, &sink, options);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_GT(info->num_row_groups, 2);
  EXPECT_EQ(info->num_rows, rows);
  EXPECT_EQ(std::get<std::string>(*info->columns[0].min), "value-1");
  EXPECT_EQ(std::get<std::string>(*info->columns[0].max), "value-99999");
  EXPECT_EQ(std::get<int64_t>(*info->columns[1].min), -1000);
  EXPECT_EQ(std::get<int64_t>(*info->columns[1].max), rows - 1001);
}

// A row group also closes at row_group_row_limit rows, however small they encode: a narrow
// column of a million-odd constant values is a few bytes, but a reader decodes it whole. The
// cut falls on the writer's 32,768-row slices.
TEST(ParquetWriterTest, RowGroupsCloseAtTheRowLimit) {
  Schema schema;
  schema.add("v", DataType::long_(), false);
  auto batch = RecordBatch::make_empty(schema);
  const int64_t rows = 3 * 65536 + 100;
  for (int64_t i = 0; i < rows; ++i) batch.mutable_column(0).append<int64_t>(7);
  ParquetWriterOptions options;
  options.row_group_row_limit = 65536;
  Sink sink;
  auto info = write_one(batch, &sink, options);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->num_row_groups, 4);
  EXPECT_EQ(info->num_rows, rows);
  // The default is Arrow's 1,048,576 rows.
  EXPECT_EQ(ParquetWriterOptions{}.row_group_row_limit, 1 << 20);
  options.row_group_row_limit = 0;
  Sink bad;
  EXPECT_FALSE(write_one(batch, &bad, options).ok());
}

/// One page of a column chunk as its header describes it.
struct PageSeen {
  parquet::PageType type;
  parquet::Encoding encoding;
  int32_t num_values;
};

/// The pages of column `column` in the first row group, walked header by header from the
/// footer's offsets.
std::vector<PageSeen> pages_of(const std::string& file, size_t column) {
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, file.data() + file.size() - 8, 4);
  parquet::ThriftCompactReader footer(
      std::string_view(file).substr(file.size() - 8 - footer_len, footer_len));
  parquet::FileMetaData md;
  EXPECT_TRUE(parquet::read_thrift(footer, &md)) << footer.error();
  const parquet::ColumnMetaData& cm = md.row_groups.at(0).columns.at(column).meta_data;
  int64_t pos = cm.dictionary_page_offset.value_or(cm.data_page_offset);
  const int64_t end = pos + cm.total_compressed_size;
  std::vector<PageSeen> pages;
  while (pos < end) {
    parquet::ThriftCompactReader r(std::string_view(file).substr(static_cast<size_t>(pos)));
    parquet::PageHeader h;
    EXPECT_TRUE(parquet::read_thrift(r, &h)) << r.error();
    if (h.dictionary_page_header) {
      pages.push_back(
          {h.type, h.dictionary_page_header->encoding, h.dictionary_page_header->num_values});
    } else {
      pages.push_back({h.type, h.data_page_header->encoding, h.data_page_header->num_values});
    }
    pos += static_cast<int64_t>(r.position()) + h.compressed_page_size;
  }
  return pages;
}

TEST(ParquetWriterTest, PagesCloseAtThePageRowLimit) {
  // Five distinct values take 3 bits a row: without a row limit the 1 MiB page target would
  // keep all 100,000 rows in one page.
  Schema schema;
  schema.add("unit", DataType::string(), false);
  auto batch = RecordBatch::make_empty(schema);
  const char* units[] = {"kWH", "MWh", "Wh", "kVAh", "VArh"};
  for (int i = 0; i < 100000; ++i) batch.mutable_column(0).append_string(units[i % 5]);
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  const auto pages = pages_of(sink.bytes, 0);
  ASSERT_EQ(pages.size(), 6u);  // the dictionary, then 5 data pages of 20,000 rows
  EXPECT_EQ(pages[0].type, parquet::PageType::kDictionaryPage);
  EXPECT_EQ(pages[0].num_values, 5);
  for (size_t i = 1; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].type, parquet::PageType::kDataPage);
    EXPECT_EQ(pages[i].encoding, parquet::Encoding::kRleDictionary);
    EXPECT_EQ(pages[i].num_values, 20000);
  }
}

TEST(ParquetWriterTest, DictionaryThatDoesNotPayOffGivesWayAfterTheFirstPage) {
  // Distinct timestamps: indices + dictionary are larger than the values, so after the first
  // page the rest of the chunk is PLAIN. A repetitive column in the same file keeps its
  // dictionary throughout.
  Schema schema;
  schema.add("t", DataType::timestamp(), false).add("meter", DataType::long_(), false);
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < 100000; ++i) {
    batch.mutable_column(0).append<int64_t>(1611052380000000 + i * 1000000);
    batch.mutable_column(1).append<int64_t>((i * 3019) % 127);
  }
  ParquetWriterOptions options;
  options.compression = ParquetCompression::kNone;
  Sink sink;
  auto info = write_one(batch, &sink, options);
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(std::get<int64_t>(*info->columns[0].min), 1611052380000000);
  EXPECT_EQ(std::get<int64_t>(*info->columns[0].max), 1611052380000000 + 99999 * 1000000LL);

  const auto t = pages_of(sink.bytes, 0);
  ASSERT_GE(t.size(), 3u);
  EXPECT_EQ(t[0].type, parquet::PageType::kDictionaryPage);
  EXPECT_EQ(t[0].num_values, 20000);  // only the first page's values
  EXPECT_EQ(t[1].encoding, parquet::Encoding::kRleDictionary);
  EXPECT_EQ(t[1].num_values, 20000);
  int64_t plain_rows = 0;
  for (size_t i = 2; i < t.size(); ++i) {
    EXPECT_EQ(t[i].encoding, parquet::Encoding::kPlain) << "page " << i;
    plain_rows += t[i].num_values;
  }
  EXPECT_EQ(plain_rows, 80000);

  const auto meter = pages_of(sink.bytes, 1);
  ASSERT_EQ(meter.size(), 6u);
  EXPECT_EQ(meter[0].num_values, 127);
  for (size_t i = 1; i < meter.size(); ++i) {
    EXPECT_EQ(meter[i].encoding, parquet::Encoding::kRleDictionary);
  }
}

TEST(ParquetWriterTest, NullInRequiredColumnIsRefusedNamingTheColumn) {
  Schema schema;
  schema.add("MeterId", DataType::string(), false);
  auto batch = RecordBatch::make_empty(schema);
  batch.mutable_column(0).append_string("a");
  batch.mutable_column(0).append_null();
  Sink sink;
  auto info = write_one(batch, &sink);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(info.status().message().find("MeterId"), std::string::npos);
  EXPECT_TRUE(sink.aborted);
}

struct RefusedCase {
  std::string name;
  DataTypePtr type;
};

class RefusedColumnTest : public ::testing::TestWithParam<RefusedCase> {};

TEST_P(RefusedColumnTest, OpenFailsNamingTheColumn) {
  Schema schema;
  schema.add("ok", DataType::int_()).add("Bad_Column", GetParam().type);
  Sink sink;
  auto writer = ParquetWriter::open(sink.stream(), schema);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("Bad_Column"), std::string::npos)
      << writer.status().message();
  EXPECT_TRUE(sink.aborted);
}

INSTANTIATE_TEST_SUITE_P(
    Unwritable, RefusedColumnTest,
    ::testing::Values(RefusedCase{"empty_struct", DataType::struct_({})},
                      RefusedCase{"empty_struct_in_array", DataType::array(DataType::struct_({}))},
                      RefusedCase{"empty_struct_as_map_value",
                                  DataType::map(DataType::string(), DataType::struct_({}))}),
    [](const auto& info) { return info.param.name; });

TEST(ParquetWriterTest, CompressionNamesParse) {
  EXPECT_EQ(*parse_parquet_compression("SNAPPY"), ParquetCompression::kSnappy);
  EXPECT_EQ(*parse_parquet_compression("uncompressed"), ParquetCompression::kNone);
  EXPECT_EQ(*parse_parquet_compression("gzip"), ParquetCompression::kGzip);
  EXPECT_EQ(*parse_parquet_compression("zstd"), ParquetCompression::kZstd);
  EXPECT_FALSE(parse_parquet_compression("lz4").ok());
  EXPECT_EQ(parquet_compression_file_infix(ParquetCompression::kGzip), "gz");
}

TEST(ParquetWriterTest, EveryCodecWritesAFile) {
  Schema schema;
  schema.add("s", DataType::string());
  auto batch = RecordBatch::make_empty(schema);
  for (int i = 0; i < 5000; ++i)
    batch.mutable_column(0).append_string("row " + std::to_string(i % 50));
  for (auto codec : {ParquetCompression::kNone, ParquetCompression::kSnappy,
                     ParquetCompression::kZstd, ParquetCompression::kGzip}) {
    ParquetWriterOptions options;
    options.compression = codec;
    Sink sink;
    auto info = write_one(batch, &sink, options);
    ASSERT_TRUE(info.ok()) << parquet_compression_name(codec) << ": " << info.status().to_string();
    EXPECT_EQ(info->file_size, static_cast<int64_t>(sink.bytes.size()));
  }
}

TEST(ParquetWriterTest, BatchWithWrongTypeIsRefused) {
  Schema schema;
  schema.add("a", DataType::int_());
  Schema other;
  other.add("a", DataType::long_());
  Sink sink;
  auto writer = ParquetWriter::open(sink.stream(), schema);
  ASSERT_TRUE(writer.ok());
  auto batch = RecordBatch::make_empty(other);
  batch.mutable_column(0).append<int64_t>(1);
  Status st = (*writer)->write(batch);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'a'"), std::string::npos);
}

}  // namespace
}  // namespace lakestream
