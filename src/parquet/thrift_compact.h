#pragma once
// parquet/thrift_compact: the Thrift compact protocol, as much of it as Parquet metadata needs
// (structs, unions, lists, bool/i8/i16/i32/i64/double/binary). Hand-written because Apache
// Thrift's C++ library drags in a runtime we do not want in the write path; the format is
// small and exact (see Thrift's "compact protocol" spec).
//
// The writer appends to a caller-owned std::string so the footer and page headers reuse their
// buffers. A reader of the same wire format will live beside it (ThriftCompactReader); the
// type codes and varint/zigzag helpers below are shared for that reason.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lakestream::parquet {

/// Type codes of the compact protocol as they appear in field headers and list headers.
enum class CompactType : uint8_t {
  kStop = 0,
  kBooleanTrue = 1,
  kBooleanFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// ZigZag mapping of signed integers onto unsigned ones (0, -1, 1, -2 ... -> 0, 1, 2, 3 ...).
inline uint32_t zigzag_encode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t zigzag_encode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int32_t zigzag_decode32(uint32_t v) {
  return static_cast<int32_t>(v >> 1) ^ -static_cast<int32_t>(v & 1);
}
inline int64_t zigzag_decode64(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

/// Append `v` as an unsigned LEB128 varint (7 bits per byte, low bits first).
void append_uvarint(std::string* out, uint64_t v);

/// Serializes Thrift structs in the compact protocol. Usage mirrors the IDL:
///
///   ThriftCompactWriter w(&buf);
///   w.struct_begin();
///   w.field_i32(1, version);
///   w.field_list_begin(2, CompactType::kStruct, n);  // then n x (struct_begin ... struct_end)
///   w.struct_end();
///
/// Field ids inside one struct must be written in increasing order only to get the short
/// (delta) header form; any order is valid Thrift.
class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  /// Start a struct (top level, list element, or after field_struct_begin).
  void struct_begin();
  /// Finish the innermost struct: writes the stop byte.
  void struct_end();

  void field_bool(int16_t id, bool v);
  void field_i8(int16_t id, int8_t v);
  void field_i16(int16_t id, int16_t v);
  void field_i32(int16_t id, int32_t v);
  void field_i64(int16_t id, int64_t v);
  void field_double(int16_t id, double v);
  /// A `binary` or `string` field.
  void field_binary(int16_t id, std::string_view v);
  /// A struct (or union) field: follow with the members and struct_end().
  void field_struct_begin(int16_t id);
  /// Only the header of a struct field: follow with struct_begin() ... struct_end() (for
  /// helpers that serialize a whole struct, header-less, like list elements).
  void field_struct_header(int16_t id);
  /// A list field: follow with exactly `size` elements written with the element writers below.
  void field_list_begin(int16_t id, CompactType element_type, int32_t size);
  /// An empty struct as a field: the marker structs of LogicalType unions (StringType ...).
  void field_empty_struct(int16_t id);

  // ---- list elements (no field header) ------------------------------------------------
  void list_begin(CompactType element_type, int32_t size);
  /// Bools inside lists are one byte each: 1 for true, 2 for false (as Apache Thrift writes
  /// them; readers must treat anything but 1 as false).
  void write_bool(bool v);
  void write_i32(int32_t v);
  void write_i64(int64_t v);
  void write_binary(std::string_view v);

  std::string* buffer() { return out_; }

 private:
  void field_header(int16_t id, CompactType type);

  std::string* out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> stack_;  // last field ids of the enclosing structs
};

}  // namespace lakestream::parquet

namespace lakestream::parquet {

/// Decodes the compact protocol from a bounded buffer. Every read checks the remaining bytes,
/// so a truncated or corrupt footer gives an error ("thrift decode past end at byte 812")
/// instead of a crash; unknown fields are skipped (newer writers add fields), nesting is
/// limited so a hostile file cannot recurse the stack away. Usage mirrors the writer:
///
///   ThriftCompactReader r(bytes);
///   r.struct_begin();
///   int16_t id; CompactType type;
///   while (r.field_header(&id, &type) && type != CompactType::kStop) {
///     switch (id) { case 1: r.read_i32(&version); break; default: r.skip(type); }
///   }
///   r.struct_end();
///   if (!r.ok()) return r.status();
///
/// Errors are sticky: after the first one every read fails and returns zero values, so
/// decoders can check once at the end of a struct.
class ThriftCompactReader {
 public:
  explicit ThriftCompactReader(std::string_view data) : data_(data) {}

  bool ok() const { return error_.empty(); }
  /// The first error, or "" (callers wrap it in a Status with the file name).
  const std::string& error() const { return error_; }
  /// Bytes consumed so far (a page header's size).
  size_t position() const { return pos_; }

  void struct_begin();
  void struct_end();
  /// Read the next field header; `type` is kStop at the end of the struct. Returns ok().
  /// For bool fields the value is in the header: read it with read_bool() afterwards.
  bool field_header(int16_t* id, CompactType* type);
  /// A list (or set) header: the element type and the count (checked against the bytes left).
  bool list_header(CompactType* element_type, int32_t* size);

  bool read_bool(bool* v);  ///< a bool field (after its header) or a list element
  bool read_i8(int8_t* v);
  bool read_i16(int16_t* v);
  bool read_i32(int32_t* v);
  bool read_i64(int64_t* v);
  bool read_double(double* v);
  /// A binary/string value; `v` views the input buffer.
  bool read_binary(std::string_view* v);
  bool read_binary(std::string* v);
  /// Skip a value of `type` (after its field header or as a list element).
  bool skip(CompactType type);

  /// Record an error (e.g. a value out of range) unless one is already recorded.
  void fail(std::string message);

 private:
  bool read_uvarint(uint64_t* v);
  bool skip_depth(CompactType type, int depth);

  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> stack_;
  bool pending_bool_ = false;  // the value of the last bool field header
  bool in_bool_field_ = false;
};

}  // namespace lakestream::parquet
