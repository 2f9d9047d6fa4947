#pragma once
// parquet/parquet_reader: reads Parquet files written by Spark, parquet-mr, Impala, pyarrow,
// parquet-rs, DuckDB and lakestream into RecordBatches. It reads only through a
// RandomAccessFile with ranged reads (the footer, then one column chunk at a time), so files
// on Azure are never downloaded whole. It must not know about Delta.
//
//   LS_ASSIGN_OR_RAISE(auto file, fs.open_input_file(path));
//   LS_ASSIGN_OR_RAISE(auto reader, ParquetReader::open(std::move(file)));
//   for (int i = 0; i < reader->num_row_groups(); ++i) {
//     LS_ASSIGN_OR_RAISE(bool may_match, reader->row_group_may_match(i, {ParquetPredicate::equal(
//                                            "SupplierId", std::string("19"))}));
//     if (!may_match) continue;
//     LS_ASSIGN_OR_RAISE(RecordBatch batch, reader->read_row_group(i, {{"MeterId", "Value"}}));
//   }
//
// Type mapping (physical + logical/converted type -> lakestream type) is documented in
// docs/parquet.md ("Reading"); a VARIANT column (unshredded or shredded) reads as a string
// column of JSON text. Columns whose type has no lakestream equivalent (INTERVAL, the UNKNOWN
// null type, decimals over 38 digits, malformed nested or variant groups, groups with a logical
// type we do not know) are left out of schema() and listed by skipped_columns() with the
// reason: never read wrongly (in a shape other than their type), never silently.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// A top-level column of the file that the reader leaves out, and why.
struct ParquetSkippedColumn {
  std::string name;
  std::string reason;
};

/// Metadata and statistics of one leaf column chunk in a row group.
struct ParquetColumnChunkInfo {
  std::string path;        ///< dotted path of the leaf in the file schema ("a.list.element")
  std::string codec;       ///< "uncompressed", "snappy", "gzip", "zstd", "lz4_raw", ...
  int64_t num_values = 0;  ///< level entries, nulls included
  int64_t compressed_size = 0;
  int64_t uncompressed_size = 0;
  std::optional<int64_t> null_count;
  /// Typed bounds in the leaf's lakestream type (see ParquetStatValue), present only when the
  /// file's statistics can be trusted for that type's order: min_value/max_value always;
  /// the deprecated min/max only for signed numeric and boolean columns (older writers
  /// compared byte arrays as signed bytes and unsigned integers as signed).
  std::optional<ParquetStatValue> min;
  std::optional<ParquetStatValue> max;
};

struct ParquetRowGroupInfo {
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;
  std::vector<ParquetColumnChunkInfo> columns;  ///< one per leaf column, in file order
};

/// A condition on a top-level primitive column, for skipping row groups by statistics.
/// Bounds are inclusive and use the column's statistics type: integers of any width compare
/// as integers (a decimal compares as its unscaled value at the column's scale), float and
/// double compare as double, strings and binary byte-wise unsigned.
struct ParquetPredicate {
  std::string column;
  std::optional<ParquetStatValue> lower;  ///< none: unbounded
  std::optional<ParquetStatValue> upper;

  /// column = value
  static ParquetPredicate equal(std::string column, ParquetStatValue value);
  /// lower <= column <= upper (either bound may be absent)
  static ParquetPredicate between(std::string column, std::optional<ParquetStatValue> lower,
                                  std::optional<ParquetStatValue> upper);
};

struct ParquetReaderOptions {
  /// Bytes read from the end of the file in the first request; the footer usually fits, so
  /// opening costs one ranged read (two when the footer is larger).
  int64_t footer_read_size = 64 * 1024;
};

/// Reads one Parquet file. The reader is immutable after open(): read_row_group may be called
/// from several threads as long as the RandomAccessFile supports concurrent read_at.
class ParquetReader {
 public:
  /// Read and check the footer. Errors (kCorrupt, kIOError, kNotImplemented) name the file
  /// and what is wrong: bad magic, a footer length beyond the file, a Thrift decode past the
  /// end, a schema that does not match the row groups, an encrypted footer, ...
  static Result<std::unique_ptr<ParquetReader>> open(std::unique_ptr<RandomAccessFile> file,
                                                     ParquetReaderOptions options = {});
  ~ParquetReader();
  ParquetReader(const ParquetReader&) = delete;
  ParquetReader& operator=(const ParquetReader&) = delete;

  /// The readable top-level columns (skipped columns excluded), nullability as in the file.
  const Schema& schema() const;
  /// Top-level columns left out of schema(), with the reason.
  const std::vector<ParquetSkippedColumn>& skipped_columns() const;
  const std::string& path() const;
  int64_t num_rows() const;
  int num_row_groups() const;
  const ParquetRowGroupInfo& row_group(int i) const;
  /// The footer's created_by ("" when absent) and key/value metadata.
  const std::string& created_by() const;
  const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const;

  /// Statistics of the top-level primitive column `name` in row group `i`, or nullptr when
  /// the column is nested, skipped or unknown.
  const ParquetColumnChunkInfo* column_stats(int i, std::string_view name) const;

  /// Whether row group `i` may hold a row matching all `predicates` (false only when the
  /// statistics prove it cannot). An unknown column or a value of the wrong kind is an
  /// InvalidArgument error naming the column.
  Result<bool> row_group_may_match(int i, const std::vector<ParquetPredicate>& predicates) const;

  /// Read row group `i`: all columns of schema(), or the named top-level columns in the
  /// order given. A skipped column asked for by name is an error giving its reason.
  Result<RecordBatch> read_row_group(
      int i, const std::optional<std::vector<std::string>>& projection = std::nullopt) const;

  class Impl;

 private:
  explicit ParquetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Iterates a file's row groups as RecordBatches, one per row group, with a projection and
/// skipping the row groups the predicates rule out.
///
///   ParquetBatchIterator it(reader.get(), {{"a", "b"}}, {ParquetPredicate::equal("a", 5)});
///   RecordBatch batch;
///   while (true) { LS_ASSIGN_OR_RAISE(bool more, it.next(&batch)); if (!more) break; ... }
class ParquetBatchIterator {
 public:
  ParquetBatchIterator(const ParquetReader* reader,
                       std::optional<std::vector<std::string>> projection = std::nullopt,
                       std::vector<ParquetPredicate> predicates = {});
  /// The next batch into `out`; false at the end.
  Result<bool> next(RecordBatch* out);
  /// Row groups skipped by statistics so far.
  int skipped_row_groups() const { return skipped_; }

 private:
  const ParquetReader* reader_;
  std::optional<std::vector<std::string>> projection_;
  std::vector<ParquetPredicate> predicates_;
  int next_ = 0;
  int skipped_ = 0;
};

}  // namespace lakestream
