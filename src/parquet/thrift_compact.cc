#include "parquet/thrift_compact.h"

#include <cstring>

namespace lakestream::parquet {

void append_uvarint(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, static_cast<size_t>(n));
}

void ThriftCompactWriter::struct_begin() {
  stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactWriter::struct_end() {
  out_->push_back(static_cast<char>(CompactType::kStop));
  last_field_id_ = stack_.back();
  stack_.pop_back();
}

void ThriftCompactWriter::field_header(int16_t id, CompactType type) {
  const int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    append_uvarint(out_, zigzag_encode32(id));
  }
  last_field_id_ = id;
}

void ThriftCompactWriter::field_bool(int16_t id, bool v) {
  // Compact protocol folds a bool field's value into the type nibble of its header.
  field_header(id, v ? CompactType::kBooleanTrue : CompactType::kBooleanFalse);
}

void ThriftCompactWriter::field_i8(int16_t id, int8_t v) {
  field_header(id, CompactType::kByte);
  out_->push_back(static_cast<char>(v));
}

void ThriftCompactWriter::field_i16(int16_t id, int16_t v) {
  field_header(id, CompactType::kI16);
  append_uvarint(out_, zigzag_encode32(v));
}

void ThriftCompactWriter::field_i32(int16_t id, int32_t v) {
  field_header(id, CompactType::kI32);
  write_i32(v);
}

void ThriftCompactWriter::field_i64(int16_t id, int64_t v) {
  field_header(id, CompactType::kI64);
  write_i64(v);
}

void ThriftCompactWriter::field_double(int16_t id, double v) {
  field_header(id, CompactType::kDouble);
  // Doubles are 8 bytes little-endian in the compact protocol (unlike the binary protocol).
  char buf[8];
  std::memcpy(buf, &v, 8);
  out_->append(buf, 8);
}

void ThriftCompactWriter::field_binary(int16_t id, std::string_view v) {
  field_header(id, CompactType::kBinary);
  write_binary(v);
}

void ThriftCompactWriter::field_struct_begin(int16_t id) {
  field_header(id, CompactType::kStruct);
  struct_begin();
}

void ThriftCompactWriter::field_struct_header(int16_t id) { field_header(id, CompactType::kStruct); }

void ThriftCompactWriter::field_list_begin(int16_t id, CompactType element_type, int32_t size) {
  field_header(id, CompactType::kList);
  list_begin(element_type, size);
}

void ThriftCompactWriter::field_empty_struct(int16_t id) {
  field_struct_begin(id);
  struct_end();
}

void ThriftCompactWriter::list_begin(CompactType element_type, int32_t size) {
  const int type = static_cast<int>(element_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | type));
  } else {
    out_->push_back(static_cast<char>(0xF0 | type));
    append_uvarint(out_, static_cast<uint32_t>(size));
  }
}

void ThriftCompactWriter::write_bool(bool v) {
  out_->push_back(static_cast<char>(v ? CompactType::kBooleanTrue : CompactType::kBooleanFalse));
}

void ThriftCompactWriter::write_i32(int32_t v) { append_uvarint(out_, zigzag_encode32(v)); }

void ThriftCompactWriter::write_i64(int64_t v) { append_uvarint(out_, zigzag_encode64(v)); }

void ThriftCompactWriter::write_binary(std::string_view v) {
  append_uvarint(out_, v.size());
  out_->append(v.data(), v.size());
}

}  // namespace lakestream::parquet
