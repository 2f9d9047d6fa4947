#include "lakestream/parquet/parquet_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "lakestream/parquet/parquet_writer.h"
#include "parquet/parquet_types.h"
#include "parquet/rle_encoder.h"
#include "parquet/thrift_compact.h"
#include "support/memory_output.h"

namespace lakestream {
namespace {

using parquet::CompressionCodec;
using parquet::Encoding;
using parquet::PhysicalType;

/// An in-memory RandomAccessFile that records the reads made through it.
class MemoryFile : public RandomAccessFile {
 public:
  MemoryFile(std::string bytes, std::string path,
             std::vector<std::pair<int64_t, int64_t>>* reads = nullptr)
      : bytes_(std::move(bytes)), path_(std::move(path)), reads_(reads) {}
  Result<int64_t> size() override { return static_cast<int64_t>(bytes_.size()); }
  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (reads_) reads_->emplace_back(offset, length);
    if (offset < 0 || length < 0 || offset + length > static_cast<int64_t>(bytes_.size())) {
      return Status::IOError("read past the end of " + path_);
    }
    std::memcpy(out, bytes_.data() + offset, static_cast<size_t>(length));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string bytes_;
  std::string path_;
  std::vector<std::pair<int64_t, int64_t>>* reads_;
};

using testing::MemoryOutput;

Result<std::unique_ptr<ParquetReader>> open_bytes(std::string bytes,
                                                  const std::string& path = "mem.parquet") {
  return ParquetReader::open(std::make_unique<MemoryFile>(std::move(bytes), path));
}

Schema all_types_schema() {
  return Schema()
      .add("s", DataType::string())
      .add("bin", DataType::binary())
      .add("b", DataType::boolean())
      .add("i8", DataType::byte())
      .add("i16", DataType::short_())
      .add("i32", DataType::int_(), false)
      .add("i64", DataType::long_())
      .add("f", DataType::float_())
      .add("d", DataType::double_())
      .add("dec9", DataType::decimal(9, 2))
      .add("dec18", DataType::decimal(18, 4))
      .add("dec38", DataType::decimal(38, 10))
      .add("date", DataType::date())
      .add("ts", DataType::timestamp())
      .add("ntz", DataType::timestamp_ntz());
}

/// Rows with nulls every 7th row (except the required column), varied values, and strings
/// that are unique enough to overflow a small dictionary.
RecordBatch all_types_batch(int64_t rows) {
  auto batch = RecordBatch::make_empty(all_types_schema());
  for (int64_t r = 0; r < rows; ++r) {
    const bool null = r % 7 == 3;
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      Column& col = batch.mutable_column(c);
      if (null && c != 5) {
        col.append_null();
        continue;
      }
      switch (c) {
        case 0:
          col.append_string("str-" + std::to_string(r * 7919 % 1000));
          break;
        case 1:
          col.append_string(std::string("\x00\xff", 2) + std::to_string(r));
          break;
        case 2:
          col.append_bool(r % 3 == 0);
          break;
        case 3:
          col.append<int8_t>(static_cast<int8_t>(r % 256 - 128));
          break;
        case 4:
          col.append<int16_t>(static_cast<int16_t>(r * 37 % 65536 - 32768));
          break;
        case 5:
          col.append<int32_t>(static_cast<int32_t>(r * 1000003 % 2000000000 - 1000000000));
          break;
        case 6:
          col.append<int64_t>((r - 500) * 123456789012LL);
          break;
        case 7:
          col.append<float>(static_cast<float>(r) / 3.0f - 10.0f);
          break;
        case 8:
          col.append<double>(static_cast<double>(r) * -1.5e10 + 0.25);
          break;
        case 9:
          col.append_decimal(r * 101 - 9999);
          break;
        case 10:
          col.append_decimal((r - 100) * 100000000037LL);
          break;
        case 11:
          col.append_decimal(static_cast<int128_t>(r - 50) *
                             static_cast<int128_t>(1000000000000000000LL) * 1000000007);
          break;
        case 12:
          col.append<int32_t>(static_cast<int32_t>(r * 3 - 40000));
          break;
        case 13:
          col.append<int64_t>(r * 86400000001LL - 2000000000000000LL);
          break;
        case 14:
          col.append<int64_t>(r * 1000 + 7);
          break;
        default:
          break;
      }
    }
  }
  return batch;
}

void expect_same_rows(const RecordBatch& expected, int64_t at, const RecordBatch& got) {
  ASSERT_EQ(expected.num_columns(), got.num_columns());
  for (size_t c = 0; c < got.num_columns(); ++c) {
    const Column& e = *expected.column(c);
    const Column& g = *got.column(c);
    ASSERT_TRUE(same_type(e.type(), g.type()))
        << got.schema().field(c).name << ": " << g.type()->simple_string();
    for (int64_t r = 0; r < got.num_rows(); ++r) {
      const int64_t er = at + r;
      ASSERT_EQ(e.is_null(er), g.is_null(r)) << "column " << c << " row " << er;
      if (e.is_null(er)) continue;
      const int w = e.type()->fixed_width();
      if (w == 0) {
        ASSERT_EQ(e.string_value(er), g.string_value(r)) << "column " << c << " row " << er;
      } else {
        ASSERT_EQ(0, std::memcmp(e.values().data() + er * w, g.values().data() + r * w,
                                 static_cast<size_t>(w)))
            << "column " << c << " row " << er;
      }
    }
  }
}

struct RoundTripCase {
  std::string name;
  ParquetCompression codec;
  bool dictionary;
  int64_t dictionary_limit;
};

class ParquetRoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ParquetRoundTripTest, WriterOutputReadsBackIdentically) {
  const auto& p = GetParam();
  ParquetWriterOptions options;
  options.compression = p.codec;
  options.enable_dictionary = p.dictionary;
  options.dictionary_page_limit_bytes = p.dictionary_limit;
  options.page_target_bytes = 2048;        // many pages per chunk
  options.row_group_target_bytes = 16384;  // several row groups
  std::string bytes;
  auto writer =
      ParquetWriter::open(std::make_unique<MemoryOutput>(&bytes), all_types_schema(), options);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  const RecordBatch batch = all_types_batch(3000);
  for (int64_t off = 0; off < 3000; off += 500) {
    RecordBatch part = RecordBatch::make_empty(all_types_schema());
    for (size_t c = 0; c < part.num_columns(); ++c) {
      for (int64_t r = off; r < off + 500; ++r) {
        // copy row r of column c
        const Column& src = *batch.column(c);
        Column& dst = part.mutable_column(c);
        if (src.is_null(r)) {
          dst.append_null();
          continue;
        }
        const int w = src.type()->fixed_width();
        if (w == 0) {
          dst.append_string(src.string_value(r));
          continue;
        }
        switch (w) {
          case 1:
            dst.append<uint8_t>(src.value<uint8_t>(r));
            break;
          case 2:
            dst.append<int16_t>(src.value<int16_t>(r));
            break;
          case 4:
            dst.append<int32_t>(src.value<int32_t>(r));
            break;
          case 8:
            dst.append<int64_t>(src.value<int64_t>(r));
            break;
          default:
            dst.append<int128_t>(src.value<int128_t>(r));
            break;
        }
      }
    }
    ASSERT_TRUE((*writer)->write(part).ok());
  }
  auto info = (*writer)->close();
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  ASSERT_GT(info->num_row_groups, 1);

  auto reader = open_bytes(bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_TRUE((*reader)->schema() == all_types_schema()) << (*reader)->schema().to_ddl();
  EXPECT_EQ((*reader)->num_rows(), 3000);
  EXPECT_EQ((*reader)->num_row_groups(), info->num_row_groups);
  ParquetBatchIterator it(reader->get());
  RecordBatch got;
  int64_t at = 0;
  while (true) {
    auto more = it.next(&got);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    expect_same_rows(batch, at, got);
    at += got.num_rows();
  }
  EXPECT_EQ(at, 3000);
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, ParquetRoundTripTest,
    ::testing::Values(
        RoundTripCase{"uncompressed_plain", ParquetCompression::kNone, false, 1 << 20},
        RoundTripCase{"snappy_dictionary", ParquetCompression::kSnappy, true, 1 << 20},
        RoundTripCase{"zstd_dictionary_fallback", ParquetCompression::kZstd, true, 600},
        RoundTripCase{"gzip_dictionary", ParquetCompression::kGzip, true, 1 << 20}),
    [](const auto& info) { return info.param.name; });

std::string write_file(const RecordBatch& batch, ParquetWriterOptions options = {}) {
  std::string bytes;
  auto writer =
      ParquetWriter::open(std::make_unique<MemoryOutput>(&bytes), batch.schema(), options);
  EXPECT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->write(batch).ok());
  EXPECT_TRUE((*writer)->close().ok());
  return bytes;
}

/// Several row groups of a sorted int, a string and an all-null column.
std::string stats_file() {
  Schema schema = Schema()
                      .add("id", DataType::long_())
                      .add("name", DataType::string())
                      .add("none", DataType::int_());
  std::string bytes;
  ParquetWriterOptions options;
  options.row_group_target_bytes = 1;  // every write() ends up in its own row group
  auto writer = ParquetWriter::open(std::make_unique<MemoryOutput>(&bytes), schema, options);
  EXPECT_TRUE(writer.ok());
  for (int g = 0; g < 3; ++g) {
    auto batch = RecordBatch::make_empty(schema);
    for (int i = 0; i < 10; ++i) {
      batch.mutable_column(0).append<int64_t>(g * 100 + i);
      const char name[3] = {'n', static_cast<char>('0' + g), '\0'};
      batch.mutable_column(1).append_string(g == 2 ? std::string_view("\xc3\xa9t\xc3\xa9")
                                                   : std::string_view(name));
      batch.mutable_column(2).append_null();
    }
    EXPECT_TRUE((*writer)->write(batch).ok());
  }
  EXPECT_TRUE((*writer)->close().ok());
  return bytes;
}

TEST(ParquetReaderStatsTest, ExposesTypedStatisticsPerRowGroup) {
  auto reader = open_bytes(stats_file());
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  ASSERT_EQ((*reader)->num_row_groups(), 3);
  const auto* id = (*reader)->column_stats(1, "id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(std::get<int64_t>(*id->min), 100);
  EXPECT_EQ(std::get<int64_t>(*id->max), 109);
  EXPECT_EQ(*id->null_count, 0);
  const auto* none = (*reader)->column_stats(0, "none");
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(*none->null_count, 10);
  EXPECT_FALSE(none->min.has_value());
  EXPECT_EQ((*reader)->column_stats(0, "missing"), nullptr);
}

TEST(ParquetReaderStatsTest, PredicatesSkipRowGroupsThatCannotMatch) {
  auto reader = open_bytes(stats_file());
  ASSERT_TRUE(reader.ok());
  const ParquetReader& r = **reader;
  auto may = [&](int g, std::vector<ParquetPredicate> p) {
    auto res = r.row_group_may_match(g, p);
    EXPECT_TRUE(res.ok()) << res.status().to_string();
    return res.ok() && *res;
  };
  EXPECT_TRUE(may(1, {ParquetPredicate::equal("id", int64_t{105})}));
  EXPECT_FALSE(may(0, {ParquetPredicate::equal("id", int64_t{105})}));
  // An int32 value compares with a long column as an integer.
  EXPECT_TRUE(may(2, {ParquetPredicate::equal("id", int32_t{200})}));
  EXPECT_FALSE(may(2, {ParquetPredicate::between("id", std::nullopt, int64_t{199})}));
  EXPECT_TRUE(may(2, {ParquetPredicate::between("id", int64_t{209}, std::nullopt)}));
  EXPECT_FALSE(may(2, {ParquetPredicate::between("id", int64_t{210}, std::nullopt)}));
  // Strings compare byte-wise unsigned: "\xc3..." sorts after "z".
  EXPECT_FALSE(may(0, {ParquetPredicate::equal("name", std::string("\xc3\xa9t\xc3\xa9"))}));
  EXPECT_TRUE(may(2, {ParquetPredicate::between("name", std::string("z"), std::nullopt)}));
  EXPECT_FALSE(may(1, {ParquetPredicate::between("name", std::string("z"), std::nullopt)}));
  // Only nulls: no value can match.
  EXPECT_FALSE(may(0, {ParquetPredicate::equal("none", int32_t{1})}));
  // Both predicates must hold.
  EXPECT_FALSE(may(1, {ParquetPredicate::equal("id", int64_t{105}),
                       ParquetPredicate::equal("name", std::string("n0"))}));

  auto wrong = r.row_group_may_match(0, {ParquetPredicate::equal("id", std::string("5"))});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("'id'"), std::string::npos);
  auto unknown = r.row_group_may_match(0, {ParquetPredicate::equal("nope", int64_t{1})});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'nope' is not a column of mem.parquet"),
            std::string::npos);

  ParquetBatchIterator it(&r, std::vector<std::string>{"name"},
                          {ParquetPredicate::equal("id", int64_t{205})});
  RecordBatch b;
  auto more = it.next(&b);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(b.column(0)->string_value(0), "\xc3\xa9t\xc3\xa9");
  more = it.next(&b);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(it.skipped_row_groups(), 2);
}

TEST(ParquetReaderTest, ProjectionReturnsTheNamedColumnsInOrder) {
  auto reader = open_bytes(stats_file());
  ASSERT_TRUE(reader.ok());
  auto batch = (*reader)->read_row_group(1, std::vector<std::string>{"name", "id"});
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  ASSERT_EQ(batch->num_columns(), 2u);
  EXPECT_EQ(batch->schema().field(0).name, "name");
  EXPECT_EQ(batch->column(1)->value<int64_t>(3), 103);
  auto bad = (*reader)->read_row_group(1, std::vector<std::string>{"id", "x"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE((*reader)->read_row_group(7).ok());
}

TEST(ParquetReaderTest, OpensWithRangedReadsOnly) {
  auto batch = all_types_batch(20000);
  const std::string bytes = write_file(batch);
  ASSERT_GT(bytes.size(), 200000u);
  std::vector<std::pair<int64_t, int64_t>> reads;
  ParquetReaderOptions options;
  options.footer_read_size = 4096;
  auto reader =
      ParquetReader::open(std::make_unique<MemoryFile>(bytes, "big.parquet", &reads), options);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  int64_t total = 0;
  for (auto [off, len] : reads) total += len;
  EXPECT_LE(reads.size(), 3u);
  EXPECT_LT(total, 20000);
  reads.clear();
  auto one = (*reader)->read_row_group(0, std::vector<std::string>{"i32"});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(reads.size(), 1u);  // one column chunk, one request
  EXPECT_LT(reads[0].second, static_cast<int64_t>(bytes.size()) / 5);
}

// ---- corrupt and truncated files ---------------------------------------------------------------

TEST(ParquetReaderCorruptTest, ErrorsNameTheFileAndTheProblem) {
  const std::string good = write_file(all_types_batch(50));
  auto expect_error = [](std::string bytes, const std::string& what) {
    auto r = open_bytes(std::move(bytes), "broken.parquet");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("broken.parquet"), std::string::npos)
        << r.status().to_string();
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().to_string();
  };
  expect_error("PAR1", "too small");
  std::string bad_magic = good;
  bad_magic[bad_magic.size() - 1] = 'X';
  expect_error(bad_magic, "bad magic at the end");
  std::string bad_head = good;
  bad_head[0] = 'X';
  expect_error(bad_head, "bad magic at the start");
  std::string long_footer = good;
  const uint32_t huge = 0x7fffff00;
  std::memcpy(long_footer.data() + long_footer.size() - 8, &huge, 4);
  expect_error(long_footer, "footer length 2147483392 is beyond the file size");
  // Cut the footer short but keep a consistent length + magic: the Thrift decode runs out.
  uint32_t len = 0;
  std::memcpy(&len, good.data() + good.size() - 8, 4);
  std::string cut =
      good.substr(0, good.size() - 8 - len) + good.substr(good.size() - 8 - len, len / 2);
  const uint32_t half = len / 2;
  cut.append(reinterpret_cast<const char*>(&half), 4);
  cut += "PAR1";
  expect_error(cut, "thrift decode past end");
}

/// Truncations and byte flips at many positions: never a crash, and errors always name the file.
TEST(ParquetReaderCorruptTest, FuzzedFilesNeverCrash) {
  ParquetWriterOptions options;
  options.page_target_bytes = 512;
  const std::string good = write_file(all_types_batch(300), options);
  std::mt19937 rng(42);
  int opened = 0, failed_reads = 0, read_ok = 0;
  auto exercise = [&](std::string bytes) {
    auto r = open_bytes(std::move(bytes), "fuzz.parquet");
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("fuzz.parquet"), std::string::npos)
          << r.status().to_string();
      return;
    }
    ++opened;
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {
      auto b = (*r)->read_row_group(g);
      if (!b.ok()) {
        ++failed_reads;
        EXPECT_NE(b.status().message().find("fuzz.parquet"), std::string::npos)
            << b.status().to_string();
      } else {
        ++read_ok;
        EXPECT_TRUE(b->validate().ok());
      }
    }
  };
  for (size_t cut = 0; cut < good.size(); cut += 1 + good.size() / 300)
    exercise(good.substr(0, cut));
  for (int i = 0; i < 1500; ++i) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    exercise(std::move(bytes));
  }
  EXPECT_GT(opened, 0);
  EXPECT_GT(failed_reads, 0);  // some flips land in pages and are detected
  EXPECT_GT(read_ok, 0);
}

}  // namespace
}  // namespace lakestream
