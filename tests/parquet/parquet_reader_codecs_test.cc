// Files other writers made that earlier versions refused or misread (tests/data/parquet-testing,
// from apache/parquet-testing; tests/data/parquet-codecs, written by DuckDB; sources and
// licences in tests/data/README.md): every Parquet codec (LZ4 in its three framings, LZ4_RAW,
// Brotli, gzip pages of several members), empty v2 data pages, a 0-row chunk whose offsets
// point into the magic, Spark's INT96 beyond the Julian microsecond range, and the files that
// must be refused with the right words (encrypted columns, an unknown physical type).
// Expected values come from the files' own documentation (parquet-testing's README and
// int96_from_spark.md) or, for DuckDB's files, from the formula that generated them.

#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>

#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "lakestream/batch/take.h"
#include "lakestream/parquet/parquet_reader.h"
#include "lakestream/storage/local_file_system.h"
#include "parquet/column_chunk_reader.h"

namespace lakestream {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(LAKESTREAM_SOURCE_DIR) / "tests" / "data";

Result<std::unique_ptr<ParquetReader>> open_file(const fs::path& path) {
  LocalFileSystem local(path.parent_path().string());
  LS_ASSIGN_OR_RAISE(auto input, local.open_input_file(path.filename().string()));
  return ParquetReader::open(std::move(input));
}

/// Every row group of the file, appended into one batch.
RecordBatch read_all(const fs::path& path) {
  auto reader = open_file(path);
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  if (!reader.ok()) return RecordBatch();
  RecordBatch all = RecordBatch::make_empty((*reader)->schema());
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g);
    EXPECT_TRUE(batch.ok()) << path << " row group " << g << ": " << batch.status().to_string();
    if (!batch.ok()) return RecordBatch();
    std::vector<int32_t> rows(static_cast<size_t>(batch->num_rows()));
    std::iota(rows.begin(), rows.end(), 0);
    for (size_t c = 0; c < batch->num_columns(); ++c) {
      append_taken(*batch->column(c), rows, &all.mutable_column(c));
    }
  }
  return all;
}

// ---- LZ4, three ways, and LZ4_RAW ---------------------------------------------------------

class Lz4Files : public ::testing::TestWithParam<const char*> {};

TEST_P(Lz4Files, ReadTheSameFourRows) {
  // parquet-testing's README: the same 4 rows written with codec LZ4 in Hadoop's framing
  // (parquet-mr), as a bare block (old parquet-cpp) and with codec LZ4_RAW.
  const RecordBatch b = read_all(kData / "parquet-testing" / GetParam());
  ASSERT_EQ(b.num_rows(), 4);
  ASSERT_EQ(b.num_columns(), 3u);
  EXPECT_EQ(b.schema().field(0).type->id(), TypeId::kLong);
  EXPECT_EQ(b.schema().field(1).type->id(), TypeId::kBinary);
  EXPECT_EQ(b.schema().field(2).type->id(), TypeId::kDouble);
  const std::vector<int64_t> c0 = {1593604800, 1593604800, 1593604801, 1593604801};
  const std::vector<std::string> c1 = {"abc", "def", "abc", "def"};
  const std::vector<double> v11 = {42.0, 7.7, 42.125, 7.7};
  for (int64_t r = 0; r < 4; ++r) {
    EXPECT_EQ(b.column(0)->value<int64_t>(r), c0[r]);
    EXPECT_EQ(b.column(1)->string_value(r), c1[r]);
    EXPECT_EQ(b.column(2)->value<double>(r), v11[r]);
  }
}

INSTANTIATE_TEST_SUITE_P(ParquetTesting, Lz4Files,
                         ::testing::Values("hadoop_lz4_compressed.parquet",
                                           "non_hadoop_lz4_compressed.parquet",
                                           "lz4_raw_compressed.parquet"));

TEST(ParquetCodecs, Lz4PagesInEveryFramingDecompress) {
  std::string plain;
  for (int i = 0; i < 20000; ++i) plain += "value " + std::to_string(i % 977) + ";";
  auto block = [](std::string_view in) {
    std::string out(static_cast<size_t>(LZ4_compressBound(static_cast<int>(in.size()))), '\0');
    const int n = LZ4_compress_default(in.data(), out.data(), static_cast<int>(in.size()),
                                       static_cast<int>(out.size()));
    out.resize(static_cast<size_t>(n));
    return out;
  };
  auto be32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
    return s;
  };
  // Hadoop framing with two blocks (parquet-mr cuts pages into blocks of its buffer size).
  const std::string_view first = std::string_view(plain).substr(0, 70000);
  const std::string_view second = std::string_view(plain).substr(70000);
  const std::string b1 = block(first);
  const std::string b2 = block(second);
  const std::string hadoop =
      be32(static_cast<uint32_t>(first.size())) + be32(static_cast<uint32_t>(b1.size())) + b1 +
      be32(static_cast<uint32_t>(second.size())) + be32(static_cast<uint32_t>(b2.size())) + b2;
  std::string frame(LZ4F_compressFrameBound(plain.size(), nullptr), '\0');
  frame.resize(LZ4F_compressFrame(frame.data(), frame.size(), plain.data(), plain.size(), nullptr));
  ASSERT_FALSE(LZ4F_isError(frame.size()));

  std::string out;
  for (const std::string& page : {hadoop, frame, block(plain)}) {
    ASSERT_TRUE(
        parquet::decompress_page(parquet::CompressionCodec::kLz4, page, plain.size(), &out).ok());
    EXPECT_EQ(out, plain);
  }
  ASSERT_TRUE(
      parquet::decompress_page(parquet::CompressionCodec::kLz4Raw, block(plain), plain.size(), &out)
          .ok());
  EXPECT_EQ(out, plain);
  // A truncated page is corrupt, named by codec, in either codec.
  const Status bad = parquet::decompress_page(
      parquet::CompressionCodec::kLz4, hadoop.substr(0, hadoop.size() / 2), plain.size(), &out);
  EXPECT_EQ(bad.code(), StatusCode::kCorrupt);
  EXPECT_NE(bad.message().find("lz4 page"), std::string::npos) << bad.message();
  EXPECT_EQ(parquet::decompress_page(parquet::CompressionCodec::kLz4Raw, block(plain),
                                     plain.size() + 1, &out)
                .code(),
            StatusCode::kCorrupt);
}

// ---- DuckDB's Brotli and LZ4_RAW files ------------------------------------------------------

class DuckDbCodecFiles : public ::testing::TestWithParam<const char*> {};

TEST_P(DuckDbCodecFiles, ReadWhatTheFormulaWrote) {
  // Written by DuckDB (tests/data/README.md has the statement): 3,000 rows (DuckDB rounds the
  // row groups up to 2,048): id i, name 'name-' || i % 97, score i * 0.25, pair [i, i + 1] (null
  // when i % 7 = 0), s {a: i % 5, b: 'x' || i % 3}.
  const RecordBatch b = read_all(kData / "parquet-codecs" / GetParam());
  ASSERT_EQ(b.num_rows(), 3000);
  ASSERT_EQ(b.num_columns(), 5u);
  const Column& id = *b.column(0);
  const Column& name = *b.column(1);
  const Column& pair = *b.column(3);
  const Column& s = *b.column(4);
  for (int64_t i = 0; i < 3000; ++i) {
    ASSERT_EQ(id.value<int64_t>(i), i);
    std::string want_name = "name-";
    want_name += std::to_string(i % 97);
    ASSERT_EQ(name.string_value(i), want_name);
    ASSERT_EQ(b.column(2)->decimal_value(i), i * 25) << "score is decimal(.., 2)";
    ASSERT_EQ(pair.is_null(i), i % 7 == 0);
    if (i % 7 != 0) {
      const int32_t begin = pair.offsets()[static_cast<size_t>(i)];
      ASSERT_EQ(pair.offsets()[static_cast<size_t>(i) + 1] - begin, 2);
      EXPECT_EQ(pair.child(0)->value<int64_t>(begin), i);
      EXPECT_EQ(pair.child(0)->value<int64_t>(begin + 1), i + 1);
    }
    ASSERT_EQ(s.child(0)->value<int64_t>(i), i % 5);
    std::string want_b = "x";
    want_b += std::to_string(i % 3);
    ASSERT_EQ(s.child(1)->string_value(i), want_b);
  }
}

INSTANTIATE_TEST_SUITE_P(DuckDb, DuckDbCodecFiles,
                         ::testing::Values("duckdb_brotli.parquet", "duckdb_lz4.parquet"));

// ---- gzip, empty pages, empty chunks ---------------------------------------------------------

TEST(ParquetTestingFiles, GzipPageOfTwoMembersReadsEveryValue) {
  // README: 513 UINT64 numbers compressed using 2 concatenated gzip members in a single page.
  const RecordBatch b = read_all(kData / "parquet-testing" / "concatenated_gzip_members.parquet");
  ASSERT_EQ(b.num_rows(), 513);
  ASSERT_EQ(b.schema().field(0).type->simple_string(), "decimal(20,0)");  // UINT64's range
  for (int64_t r = 0; r < 513; ++r) EXPECT_EQ(b.column(0)->decimal_value(r), r + 1);
}

TEST(ParquetTestingFiles, DataPageV2WithAnEmptyBodyIsAllNulls) {
  // README: one FLOAT row, null, snappy, and no bytes at all to decompress.
  const RecordBatch one =
      read_all(kData / "parquet-testing" / "datapage_v2_empty_datapage.snappy.parquet");
  ASSERT_EQ(one.num_rows(), 1);
  EXPECT_TRUE(one.column(0)->is_null(0));
  // README: 10 INT32 nulls in a v2 page whose 0 bytes are a valid (non-empty) zstd stream.
  const RecordBatch ten = read_all(kData / "parquet-testing" / "page_v2_empty_compressed.parquet");
  ASSERT_EQ(ten.num_rows(), 10);
  for (int64_t r = 0; r < 10; ++r) EXPECT_TRUE(ten.column(0)->is_null(r));
}

TEST(ParquetTestingFiles, ZeroRowChunksAreNotReadWhereverTheyPoint) {
  // Two INT32 columns and no rows; the chunks' offsets are 0, inside the leading magic.
  auto reader = open_file(kData / "parquet-testing" / "column_chunk_key_value_metadata.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->num_rows(), 0);
  EXPECT_EQ((*reader)->schema().size(), 2u);
  const RecordBatch b =
      read_all(kData / "parquet-testing" / "column_chunk_key_value_metadata.parquet");
  EXPECT_EQ(b.num_rows(), 0);
}

// ---- INT96 as Spark reads it ----------------------------------------------------------------

TEST(ParquetTestingFiles, Int96BeyondTheJulianRangeReadsAsSparkWroteIt) {
  // int96_from_spark.md: "As microseconds since the epoch, they correspond to ...". The last is
  // 290000-12-31, which Spark wrote with wrapping arithmetic (Julian day -105862232).
  const RecordBatch b = read_all(kData / "parquet-testing" / "int96_from_spark.parquet");
  ASSERT_EQ(b.num_rows(), 6);
  ASSERT_EQ(b.schema().field(0).type->id(), TypeId::kTimestamp);
  const std::vector<int64_t> want = {
      1704141296123456,   1704070800000000, 253402225200000000, 1735599600000000, 0,
      9089380393200000000};
  for (int64_t r = 0; r < 6; ++r) {
    if (r == 4) {
      EXPECT_TRUE(b.column(0)->is_null(r));
    } else {
      EXPECT_EQ(b.column(0)->value<int64_t>(r), want[static_cast<size_t>(r)]) << "row " << r;
    }
  }
}

// ---- files refused, with the right words ------------------------------------------------------

TEST(ParquetTestingFiles, EncryptedColumnsAreRefusedAsEncrypted) {
  auto reader =
      open_file(kData / "parquet-testing" / "encrypt_columns_plaintext_footer.parquet.encrypted");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotImplemented);
  EXPECT_NE(reader.status().message().find("is encrypted"), std::string::npos)
      << reader.status().message();
  EXPECT_EQ(reader.status().message().find("orrupt"), std::string::npos);
}

TEST(ParquetTestingFiles, AnUnknownPhysicalTypeRefusesTheFile) {
  // bad_data/PARQUET-1481: the schema's Thrift type value was corrupted to -7. Skipping the
  // column would silently return a file without it.
  auto reader = open_file(kData / "parquet-testing" / "PARQUET-1481.parquet");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(reader.status().message().find("unknown physical type -7"), std::string::npos)
      << reader.status().message();
}

}  // namespace
}  // namespace lakestream
