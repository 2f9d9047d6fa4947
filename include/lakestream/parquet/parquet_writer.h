#pragma once
// parquet/parquet_writer: writes RecordBatches as one Parquet file, the way Spark 3 does
// (outputTimestampType=TIMESTAMP_MICROS): dictionary encoding with PLAIN fallback, RLE
// repetition/definition levels, data page v1, snappy/zstd/gzip, column-chunk statistics.
// Structs, arrays and maps at any depth are written as parquet-mr writes them: structs as
// groups, arrays as 3-level LISTs (`list` / `element`), maps as MAPs (`key_value` / `key`,
// `value`), their leaves shredded into Dremel levels. It writes through an OutputStream only,
// so where the bytes go (local disk, Azure) is not its concern.
// It must not know about Delta: close() hands back typed facts the Delta writer formats.
//
//   LS_ASSIGN_OR_RAISE(auto writer, ParquetWriter::open(std::move(stream), schema, options));
//   LS_RETURN_NOT_OK(writer->write(batch));
//   LS_ASSIGN_OR_RAISE(ParquetFileInfo info, writer->close());

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// The field-metadata key under which Spark keeps a Parquet field id ({"parquet.field.id":5}):
/// the writer writes it into the file's schema; the reader puts a file's ids there.
inline constexpr std::string_view kParquetFieldIdKey = "parquet.field.id";
/// The Parquet field id in `field`'s metadata, if it has one (an integer that fits 32 bits).
std::optional<int32_t> parquet_field_id(const Field& field);

/// Page compression codec.
enum class ParquetCompression : uint8_t { kNone, kSnappy, kZstd, kGzip };

/// "none", "snappy", "zstd", "gzip".
std::string_view parquet_compression_name(ParquetCompression c);
/// Parse a codec name (case-insensitive; "uncompressed" is accepted for none).
Result<ParquetCompression> parse_parquet_compression(std::string_view name);
/// The file-name infix Spark uses: "snappy", "zstd", "gz", "" for none.
std::string_view parquet_compression_file_infix(ParquetCompression c);

struct ParquetWriterOptions {
  ParquetCompression compression = ParquetCompression::kSnappy;
  /// Codec level; < 0 means the codec's default (zstd 3, gzip 6). Ignored by snappy.
  int compression_level = -1;
  /// A row group is closed once its buffered (compressed) size reaches this.
  int64_t row_group_target_bytes = 128LL << 20;
  /// ... or once it holds this many rows (Arrow's default maximum row group length). A reader
  /// decodes a row group at a time: narrow rows compress so well that 128 MB would be ~10
  /// million of them, hundreds of MB decoded (OPTIMIZE re-reading its own output grew a
  /// streaming job's memory that way, bench/soak.sh).
  int64_t row_group_row_limit = 1LL << 20;
  /// A data page is closed once its encoded (uncompressed) size reaches this.
  int64_t page_target_bytes = 1LL << 20;
  /// ... or once it holds this many rows (parquet-mr's page.row.count.limit). Dictionary
  /// indices of a low-cardinality column take a bit or two per row, so without it a page could
  /// span millions of rows and its unencoded indices and levels would grow with it.
  int64_t page_row_limit = 20000;
  /// A column chunk's dictionary stops growing past this many PLAIN-encoded bytes; later
  /// values in the chunk are written PLAIN (pages already written stay dictionary-encoded).
  int64_t dictionary_page_limit_bytes = 1LL << 20;
  /// Use dictionary encoding at all (boolean columns never do).
  bool enable_dictionary = true;
  /// Written as the footer's created_by; empty means "lakestream version <kVersion>".
  std::string created_by;
  /// Footer key-value metadata (e.g. org.apache.spark.version).
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

/// A typed statistics value. The alternative follows the column's type:
/// boolean → bool; byte, short, int, date (days) → int32_t; long, timestamp, timestamp_ntz
/// (microseconds) → int64_t; float → float; double → double; decimal → int128_t (unscaled, at
/// the column's scale); string, binary → std::string (full bytes, never truncated here).
using ParquetStatValue = std::variant<bool, int32_t, int64_t, float, double, int128_t, std::string>;

/// Statistics of one column over the whole file.
struct ParquetColumnStats {
  /// The column's name; for a leaf of a nested column its dotted Parquet path
  /// ("tags.key_value.key", "readings.list.element.t").
  std::string name;
  DataTypePtr type;
  int64_t null_count = 0;
  /// Absent when the column has no non-null value (or, for float/double, only NaN values).
  std::optional<ParquetStatValue> min;
  std::optional<ParquetStatValue> max;
};

/// What a closed file holds: what a Delta `add` action needs.
struct ParquetFileInfo {
  int64_t num_rows = 0;
  int64_t file_size = 0;
  int64_t num_row_groups = 0;
  /// One per top-level column, in schema order. A nested column has only its null_count
  /// (rows whose value is null): bounds belong to its leaves.
  std::vector<ParquetColumnStats> columns;
  /// One per leaf column (file order: depth first); for a flat schema the same as `columns`.
  /// A leaf's null_count counts its level entries without a value (null or empty ancestors
  /// included), as parquet-mr counts them.
  std::vector<ParquetColumnStats> leaves;
  /// One per array or map column reached from a top-level struct through struct members only,
  /// named by its dotted path of members ("device.tags"), in schema order: its null_count is
  /// the rows where it, or a struct above it, is null (no bounds). Delta's nullCount of such a
  /// member; the leaves below it cannot tell a null list from an empty one.
  std::vector<ParquetColumnStats> groups;
};

/// Writes one Parquet file. Not thread-safe; one writer per file.
class ParquetWriter {
 public:
  /// Check the schema (every type is writable but a struct without fields; the error names
  /// the column) and start a file on `out`. The writer owns the stream: close() closes it, and
  /// destroying a writer that was not closed aborts it.
  static Result<std::unique_ptr<ParquetWriter>> open(std::unique_ptr<OutputStream> out,
                                                     const Schema& schema,
                                                     ParquetWriterOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  /// Append a batch whose schema has the writer's column types in the same order (names are
  /// not compared). A null in a non-nullable column is an InvalidArgument error.
  Status write(const RecordBatch& batch);
  /// End the open row group now (no-op when it holds no row): for callers that cut row
  /// groups by their own measure, e.g. Delta checkpoints streamed ~1024 actions at a time.
  Status flush_row_group();
  /// Rows written so far.
  int64_t num_rows() const;
  /// Bytes written to the stream plus what the open row group holds (compressed pages, open
  /// pages, dictionaries): about the file's size if it were closed now. For rolling files.
  int64_t estimated_size() const;
  /// Flush the last row group, write the footer, close the stream.
  Result<ParquetFileInfo> close();
  /// Discard the file (the stream is aborted). Safe to call more than once.
  void abort();

  class Impl;

 private:
  explicit ParquetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
