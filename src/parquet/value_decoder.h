#pragma once
// parquet/value_decoder: decodes the value section of Parquet data and dictionary pages into
// physical values (PLAIN, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
// BYTE_STREAM_SPLIT, RLE booleans), then converts them to lakestream's column representation
// (days, microseconds, unscaled int128 decimals, ...). Buffers are reused from page to page,
// so decoding allocates nothing per value. Errors are kCorrupt and say what did not fit; the
// column reader adds the file and column.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/common/status.h"
#include "parquet/parquet_types.h"

namespace lakestream::parquet {

/// One page's worth of physical values. Only the vector of the column's physical type is used;
/// byte arrays, fixed-length byte arrays and INT96 (12 bytes) are views into the page buffer
/// or into `scratch`.
struct PhysicalValues {
  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<std::string_view> bytes;
  std::string scratch;
  std::vector<uint64_t> wide;    // unpacked miniblocks / lengths
  std::vector<int64_t> lengths;  // DELTA_* byte array lengths and prefixes
  std::vector<int64_t> prefixes;
};

/// Decode `n` values of `type` (FIXED_LEN_BYTE_ARRAY: `type_length` bytes each) encoded with
/// `encoding` (anything but the dictionary encodings) from `data` into `out`.
Status decode_values(Encoding encoding, PhysicalType type, int32_t type_length,
                     std::string_view data, size_t n, PhysicalValues* out);

/// Big-endian two's complement bytes (a BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY decimal) to int128;
/// false when the value needs more than 128 bits.
bool decimal_from_big_endian(std::string_view bytes, int128_t* out);

/// The canonical text of a UUID: 16 big-endian bytes at `bytes` as 36 characters
/// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower-case hex) at `out`.
void format_uuid(const char* bytes, char* out);

/// How a leaf's physical values become column values.
enum class Conversion : uint8_t {
  kBool,
  kInt32,          ///< int, or date (days)
  kInt32ToInt8,    ///< INT(8, signed): range-checked
  kInt32ToInt16,   ///< INT(16, signed)
  kUint8ToInt16,   ///< INT(8, unsigned) -> short
  kUint16ToInt32,  ///< INT(16, unsigned) -> int
  kUint32ToInt64,  ///< INT(32, unsigned) -> long
  kInt64,
  kUint64ToDecimal,  ///< INT(64, unsigned) -> decimal(20,0)
  kInt32ToDecimal,
  kInt64ToDecimal,
  kBytesToDecimal,      ///< BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY big-endian two's complement
  kMillisToMicros,      ///< INT64 TIMESTAMP(MILLIS)
  kNanosToMicros,       ///< INT64 TIMESTAMP(NANOS) / TIME(NANOS): floor division
  kTimeMillisToMicros,  ///< INT32 TIME(MILLIS)
  kInt96ToMicros,       ///< Impala/Spark INT96: nanoseconds of day + Julian day
  kFloat,
  kFloat16ToFloat,
  kDouble,
  kBytes,         ///< string / binary as is
  kUuidToString,  ///< FIXED_LEN_BYTE_ARRAY(16) UUID -> canonical text
};

/// Append the first `n` values of `in` (physical `type`) converted by `conv` to `out`, whose
/// type is the column's lakestream type. A value the target cannot hold (an INT(8) of 300, a
/// 20-byte decimal, a timestamp past the int64 microsecond range) is a kCorrupt error: we never
/// return a wrapped value.
Status append_converted(Conversion conv, PhysicalType type, const PhysicalValues& in, size_t n,
                        Column* out);

}  // namespace lakestream::parquet
