#pragma once
// parquet/variant: the Variant binary encoding of parquet-format's VariantEncoding.md (metadata
// dictionary + self-describing value) turned into JSON text, and the JSON text of the scalar
// types a shredded variant stores in typed columns. The bytes come from files: every size,
// offset and id is checked against the buffer before it is used, and anything that does not fit
// is a kCorrupt error saying what (the column reader adds the file and column). Rebuilding a
// shredded variant from its columns (VariantShredding.md) is the record assembler's job
// (parquet_reader.cc); it uses the pieces here.
//
// JSON forms (docs/parquet.md, "VARIANT"): numbers as JSON numbers (decimals with their exact
// digits, floats/doubles in Java's shortest form as Spark's to_json prints them), NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity"; dates "yyyy-MM-dd"; times
// "HH:mm:ss.ffffff"; timestamps ISO 8601 with every digit the type has (6, or 9 for nanos),
// ending in 'Z' when adjusted to UTC; binary as base64 text; UUIDs as 8-4-4-4-12 text.

#include <cstdint>
#include <string>
#include <string_view>

#include "lakestream/common/decimal.h"
#include "lakestream/common/status.h"

namespace lakestream::parquet {

/// How deep arrays and objects may nest inside one variant value (Jackson's default limit, which
/// Spark's parse_json inherits). Deeper values are refused rather than risking the stack.
constexpr int kMaxVariantDepth = 1000;

/// A checked view of a variant's metadata (its key dictionary). Holds no copy of the bytes.
class VariantMetadata {
 public:
  /// Check the header (version 1), the dictionary size and the offset list against `bytes`.
  /// Bytes after the dictionary's last string are allowed (see encoded_size()).
  static Status parse(std::string_view bytes, VariantMetadata* out);

  uint32_t dictionary_size() const { return size_; }
  bool sorted_strings() const { return sorted_; }
  /// How many bytes of the buffer the metadata occupies.
  size_t encoded_size() const { return end_; }
  /// Key `id` of the dictionary; kCorrupt when the id is beyond the dictionary or its offsets
  /// do not fit.
  Status key(uint32_t id, std::string_view* out) const;

 private:
  std::string_view bytes_;
  uint32_t size_ = 0;
  int offset_size_ = 1;
  size_t offsets_at_ = 0;  // first offset
  size_t strings_at_ = 0;  // first byte of the strings
  size_t end_ = 0;
  bool sorted_ = false;
};

/// One field of a variant object: its key and the bytes from the field's value to the end of
/// the object's data (the value is self-delimiting).
struct VariantField {
  std::string_view key;
  std::string_view value;
};

/// Decodes variant values into JSON text, appending to the caller's string. Numbers, dates,
/// timestamps and base64 go through the project's shared formatters (show's Java float text,
/// common/time, common/decimal), so one value may allocate a short temporary string.
class VariantDecoder {
 public:
  /// Append the JSON text of the variant value at the start of `value` to `out`. On error `out`
  /// may hold part of the text.
  Status to_json(const VariantMetadata& metadata, std::string_view value, std::string* out);

  /// Whether `value` starts with an object header (basic type 2).
  static bool is_object(std::string_view value);

  /// The fields of the object at the start of `value`, in their encoded order, through
  /// `on_field(const VariantField&) -> Status`. kCorrupt when `value` is not an object or its
  /// header, ids or offsets do not fit.
  template <typename F>
  Status for_each_field(const VariantMetadata& metadata, std::string_view value, F&& on_field);

  /// The size limit of the JSON text produced by one to_json call (defaults to 2 GiB - 1, the
  /// most a string column holds); exceeded, to_json is kCorrupt. Keys shared by many fields make
  /// a small value expand, so the limit stops a hostile file from exhausting memory.
  void set_output_limit(size_t bytes) { limit_ = bytes; }

 private:
  struct Container {
    uint32_t count = 0;
    int id_size = 0;  // objects only
    int offset_size = 0;
    size_t ids_at = 0;
    size_t offsets_at = 0;
    size_t data_at = 0;
    size_t data_size = 0;  // the last offset
  };
  Status container(std::string_view value, size_t pos, bool object, Container* out) const;
  /// JSON of the value at `pos`; `*size` receives its encoded size.
  Status value_json(std::string_view value, size_t pos, int depth, size_t* size);

  const VariantMetadata* metadata_ = nullptr;
  std::string* out_ = nullptr;
  size_t out_start_ = 0;
  size_t limit_ = 0x7fffffff;
};

/// Read a little-endian unsigned integer of `n` (1..4) bytes at `p`.
inline uint32_t read_le(const char* p, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

template <typename F>
Status VariantDecoder::for_each_field(const VariantMetadata& metadata, std::string_view value,
                                      F&& on_field) {
  Container c;
  LS_RETURN_NOT_OK(container(value, 0, true, &c));
  for (uint32_t i = 0; i < c.count; ++i) {
    const uint32_t id = read_le(value.data() + c.ids_at + size_t{i} * c.id_size, c.id_size);
    const uint32_t off =
        read_le(value.data() + c.offsets_at + size_t{i} * c.offset_size, c.offset_size);
    if (off >= c.data_size) {
      return Status::Corrupt("variant object field " + std::to_string(i) + " starts at offset " +
                             std::to_string(off) + ", beyond its " + std::to_string(c.data_size) +
                             " bytes of data");
    }
    VariantField field;
    LS_RETURN_NOT_OK(metadata.key(id, &field.key));
    field.value = value.substr(c.data_at + off, c.data_size - off);
    LS_RETURN_NOT_OK(on_field(field));
  }
  return Status::OK();
}

// ---- JSON text of the scalar types (shared by unshredded values and typed columns) ----------

/// A double as JSON: Java's Double.toString for finite values (what Spark's to_json prints),
/// "NaN" / "Infinity" / "-Infinity" as JSON strings (JSON has no such numbers).
void append_json_double(double v, std::string* out);
/// A float as JSON: Java's Float.toString (shortest digits of the float), non-finite as strings.
void append_json_float(float v, std::string* out);
/// An exact decimal as a JSON number: "12.340", "-0.5", "7".
void append_json_decimal(int128_t unscaled, int scale, std::string* out);
/// "yyyy-MM-dd" (quoted).
void append_json_date(int32_t days, std::string* out);
/// "HH:mm:ss.ffffff" (quoted); kCorrupt when outside one day.
Status append_json_time_micros(int64_t micros, std::string* out);
/// "yyyy-MM-ddTHH:mm:ss.ffffff[Z]" from microseconds, or ".fffffffff" from nanoseconds
/// (quoted); 'Z' when `utc`.
void append_json_timestamp(int64_t ticks, bool nanos, bool utc, std::string* out);
/// Base64 (RFC 4648, padded), quoted.
void append_json_binary(std::string_view bytes, std::string* out);
/// A UTF-8 string, quoted and escaped; kCorrupt when it is not valid UTF-8.
Status append_json_utf8(std::string_view s, std::string* out);
/// 16 big-endian bytes as "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (quoted).
void append_json_uuid(std::string_view bytes16, std::string* out);

}  // namespace lakestream::parquet
