#pragma once
// parquet/parquet_types: the parts of parquet.thrift that lakestream writes (and will read),
// as plain structs, with their compact-protocol serialization. Field ids follow
// parquet-format's parquet.thrift; optional fields are std::optional so a future reader can
// fill the same structs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/thrift_compact.h"

namespace lakestream::parquet {

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kDecimal = 5,
  kDate = 6,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kRleDictionary = 8,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kZstd = 6,
};

enum class PageType : int32_t { kDataPage = 0, kDictionaryPage = 2, kDataPageV2 = 3 };

/// The LogicalType union, restricted to the members lakestream writes.
struct LogicalType {
  enum class Kind : uint8_t { kNone, kString, kDecimal, kDate, kTimestamp, kInteger };
  Kind kind = Kind::kNone;
  int32_t scale = 0;        ///< kDecimal
  int32_t precision = 0;    ///< kDecimal
  bool adjusted_to_utc = true;  ///< kTimestamp (unit is always MICROS here)
  int8_t bit_width = 0;     ///< kInteger
  bool is_signed = true;    ///< kInteger
};

struct SchemaElement {
  std::optional<PhysicalType> type;
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  LogicalType logical_type;  ///< written only when kind != kNone
};

struct Statistics {
  std::optional<std::string> max;  ///< deprecated field 1: only for signed-order types
  std::optional<std::string> min;  ///< deprecated field 2
  std::optional<int64_t> null_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  ColumnMetaData meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  /// One TYPE_ORDER entry per leaf column when set: tells readers min_value/max_value use the
  /// type's defined sort order.
  bool type_defined_column_orders = true;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
};

void write_thrift(ThriftCompactWriter& w, const LogicalType& v);
void write_thrift(ThriftCompactWriter& w, const SchemaElement& v);
void write_thrift(ThriftCompactWriter& w, const Statistics& v);
void write_thrift(ThriftCompactWriter& w, const KeyValue& v);
void write_thrift(ThriftCompactWriter& w, const ColumnMetaData& v);
void write_thrift(ThriftCompactWriter& w, const ColumnChunk& v);
void write_thrift(ThriftCompactWriter& w, const RowGroup& v);
void write_thrift(ThriftCompactWriter& w, const FileMetaData& v);
void write_thrift(ThriftCompactWriter& w, const PageHeader& v);

}  // namespace lakestream::parquet
