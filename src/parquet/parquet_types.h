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
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

/// The unit of TIME and TIMESTAMP logical types (union TimeUnit).
enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

/// The LogicalType union. The writer emits kString, kDecimal, kDate, kTimestamp (MICROS),
/// kInteger, kList and kMap; the reader recognises every member up to VARIANT (kUnknown is the
/// "always null" type; GEOMETRY and GEOGRAPHY are kOther).
struct LogicalType {
  enum class Kind : uint8_t {
    kNone,
    kString,
    kDecimal,
    kDate,
    kTimestamp,
    kInteger,
    kMap,
    kList,
    kEnum,
    kTime,
    kUnknown,
    kJson,
    kBson,
    kUuid,
    kFloat16,
    kVariant,  ///< a group holding a Variant (metadata, value[, typed_value])
    kOther,    ///< a union member this reader does not know
  };
  Kind kind = Kind::kNone;
  int32_t scale = 0;                  ///< kDecimal
  int32_t precision = 0;              ///< kDecimal
  bool adjusted_to_utc = true;        ///< kTimestamp, kTime
  TimeUnit unit = TimeUnit::kMicros;  ///< kTimestamp, kTime
  int8_t bit_width = 0;               ///< kInteger
  bool is_signed = true;              ///< kInteger
  int8_t variant_version = 1;         ///< kVariant: specification_version, 1 when absent
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
  /// The field id (Iceberg's, and Delta's in column mapping id mode), if the writer gave one.
  std::optional<int32_t> field_id;
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
  std::optional<std::string> file_path;  ///< read only: set when the chunk lives in another file
  int64_t file_offset = 0;
  ColumnMetaData meta_data;
  /// Read only: the chunk carries crypto_metadata / encrypted_column_metadata (fields 8, 9),
  /// i.e. its pages are encrypted (modular encryption with a plaintext footer).
  bool encrypted = false;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

/// ColumnOrder union: TYPE_ORDER, or a member this reader does not know.
enum class ColumnOrder : uint8_t { kTypeOrder, kUnknown };

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
  /// Read only: the column_orders list as found (empty when the writer wrote none).
  std::vector<ColumnOrder> column_orders;
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

/// Data page v2: levels are stored uncompressed before the (maybe compressed) values.
struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;  ///< read only
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

/// Decode a footer. On failure the reader's error() says what and at which byte; the caller
/// adds the file name.
bool read_thrift(ThriftCompactReader& r, FileMetaData* v);
/// Decode a page header; r.position() afterwards is the header's size.
bool read_thrift(ThriftCompactReader& r, PageHeader* v);

}  // namespace lakestream::parquet
