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

void ThriftCompactWriter::field_struct_header(int16_t id) {
  field_header(id, CompactType::kStruct);
}

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

namespace lakestream::parquet {
namespace {
constexpr int kMaxThriftDepth = 64;
}  // namespace

void ThriftCompactReader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

bool ThriftCompactReader::read_uvarint(uint64_t* v) {
  *v = 0;
  if (!ok()) return false;
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) {
      fail("thrift decode past end at byte " + std::to_string(pos_));
      return false;
    }
    const auto b = static_cast<uint8_t>(data_[pos_++]);
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  fail("thrift varint longer than 10 bytes at byte " + std::to_string(pos_));
  return false;
}

void ThriftCompactReader::struct_begin() {
  if (stack_.size() >= static_cast<size_t>(kMaxThriftDepth)) {
    fail("thrift structs nested deeper than " + std::to_string(kMaxThriftDepth));
  }
  stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactReader::struct_end() {
  if (stack_.empty()) return;
  last_field_id_ = stack_.back();
  stack_.pop_back();
}

bool ThriftCompactReader::field_header(int16_t* id, CompactType* type) {
  *id = 0;
  *type = CompactType::kStop;
  if (!ok()) return false;
  if (pos_ >= data_.size()) {
    fail("thrift decode past end at byte " + std::to_string(pos_));
    return false;
  }
  const auto b = static_cast<uint8_t>(data_[pos_++]);
  const int t = b & 0x0F;
  if (t == 0) return true;  // stop
  if (t > static_cast<int>(CompactType::kStruct)) {
    fail("bad thrift field type " + std::to_string(t) + " at byte " + std::to_string(pos_ - 1));
    return false;
  }
  const int delta = b >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    uint64_t z = 0;
    if (!read_uvarint(&z)) return false;
    *id = static_cast<int16_t>(zigzag_decode32(static_cast<uint32_t>(z)));
  }
  last_field_id_ = *id;
  *type = static_cast<CompactType>(t);
  in_bool_field_ = *type == CompactType::kBooleanTrue || *type == CompactType::kBooleanFalse;
  pending_bool_ = *type == CompactType::kBooleanTrue;
  return true;
}

bool ThriftCompactReader::list_header(CompactType* element_type, int32_t* size) {
  *size = 0;
  *element_type = CompactType::kStop;
  in_bool_field_ = false;
  if (!ok()) return false;
  if (pos_ >= data_.size()) {
    fail("thrift decode past end at byte " + std::to_string(pos_));
    return false;
  }
  const auto b = static_cast<uint8_t>(data_[pos_++]);
  uint64_t n = b >> 4;
  if (n == 15 && !read_uvarint(&n)) return false;
  // Every element takes at least one byte, so a count beyond the bytes left is corrupt (and
  // would otherwise make callers reserve absurd amounts of memory).
  if (n > data_.size() - pos_) {
    fail("thrift decode past end: list of " + std::to_string(n) + " elements at byte " +
         std::to_string(pos_) + " is longer than the " + std::to_string(data_.size() - pos_) +
         " bytes left");
    return false;
  }
  *element_type = static_cast<CompactType>(b & 0x0F);
  *size = static_cast<int32_t>(n);
  return true;
}

bool ThriftCompactReader::read_bool(bool* v) {
  *v = false;
  if (!ok()) return false;
  if (in_bool_field_) {
    in_bool_field_ = false;
    *v = pending_bool_;
    return true;
  }
  if (pos_ >= data_.size()) {
    fail("thrift decode past end at byte " + std::to_string(pos_));
    return false;
  }
  *v = static_cast<uint8_t>(data_[pos_++]) == static_cast<uint8_t>(CompactType::kBooleanTrue);
  return true;
}

bool ThriftCompactReader::read_i8(int8_t* v) {
  *v = 0;
  if (!ok()) return false;
  if (pos_ >= data_.size()) {
    fail("thrift decode past end at byte " + std::to_string(pos_));
    return false;
  }
  *v = static_cast<int8_t>(data_[pos_++]);
  return true;
}

bool ThriftCompactReader::read_i16(int16_t* v) {
  uint64_t z = 0;
  const bool r = read_uvarint(&z);
  *v = static_cast<int16_t>(zigzag_decode32(static_cast<uint32_t>(z)));
  return r;
}

bool ThriftCompactReader::read_i32(int32_t* v) {
  uint64_t z = 0;
  const bool r = read_uvarint(&z);
  *v = zigzag_decode32(static_cast<uint32_t>(z));
  return r;
}

bool ThriftCompactReader::read_i64(int64_t* v) {
  uint64_t z = 0;
  const bool r = read_uvarint(&z);
  *v = zigzag_decode64(z);
  return r;
}

bool ThriftCompactReader::read_double(double* v) {
  *v = 0;
  if (!ok()) return false;
  if (data_.size() - pos_ < 8) {
    fail("thrift decode past end at byte " + std::to_string(pos_));
    return false;
  }
  std::memcpy(v, data_.data() + pos_, 8);
  pos_ += 8;
  return true;
}

bool ThriftCompactReader::read_binary(std::string_view* v) {
  *v = {};
  uint64_t n = 0;
  if (!read_uvarint(&n)) return false;
  if (n > data_.size() - pos_) {
    fail("thrift decode past end: binary of " + std::to_string(n) + " bytes at byte " +
         std::to_string(pos_) + " runs past the end (" + std::to_string(data_.size() - pos_) +
         " bytes left)");
    return false;
  }
  *v = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool ThriftCompactReader::read_binary(std::string* v) {
  std::string_view view;
  const bool r = read_binary(&view);
  v->assign(view.data(), view.size());
  return r;
}

bool ThriftCompactReader::skip(CompactType type) { return skip_depth(type, 0); }

bool ThriftCompactReader::skip_depth(CompactType type, int depth) {
  if (!ok()) return false;
  if (depth > kMaxThriftDepth) {
    fail("thrift values nested deeper than " + std::to_string(kMaxThriftDepth));
    return false;
  }
  switch (type) {
    case CompactType::kBooleanTrue:
    case CompactType::kBooleanFalse: {
      bool b = false;
      return read_bool(&b);
    }
    case CompactType::kByte: {
      int8_t b = 0;
      return read_i8(&b);
    }
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64: {
      uint64_t v = 0;
      return read_uvarint(&v);
    }
    case CompactType::kDouble: {
      double d = 0;
      return read_double(&d);
    }
    case CompactType::kBinary: {
      std::string_view v;
      return read_binary(&v);
    }
    case CompactType::kList:
    case CompactType::kSet: {
      CompactType et;
      int32_t n = 0;
      if (!list_header(&et, &n)) return false;
      for (int32_t i = 0; i < n && ok(); ++i) {
        // Bool list elements are one byte each, not folded into a header.
        if (et == CompactType::kBooleanTrue || et == CompactType::kBooleanFalse) {
          int8_t b = 0;
          read_i8(&b);
        } else {
          skip_depth(et, depth + 1);
        }
      }
      return ok();
    }
    case CompactType::kMap: {
      uint64_t n = 0;
      if (!read_uvarint(&n)) return false;
      if (n == 0) return true;
      int8_t kv = 0;
      if (!read_i8(&kv)) return false;
      if (n > data_.size() - pos_) {
        fail("thrift map of " + std::to_string(n) + " entries runs past the end");
        return false;
      }
      const auto kt = static_cast<CompactType>((static_cast<uint8_t>(kv) >> 4) & 0x0F);
      const auto vt = static_cast<CompactType>(static_cast<uint8_t>(kv) & 0x0F);
      for (uint64_t i = 0; i < n && ok(); ++i) {
        skip_depth(kt, depth + 1);
        skip_depth(vt, depth + 1);
      }
      return ok();
    }
    case CompactType::kStruct: {
      struct_begin();
      int16_t id = 0;
      CompactType t;
      while (field_header(&id, &t) && t != CompactType::kStop) skip_depth(t, depth + 1);
      struct_end();
      return ok();
    }
    case CompactType::kStop:
      break;
  }
  fail("bad thrift type " + std::to_string(static_cast<int>(type)) + " at byte " +
       std::to_string(pos_));
  return false;
}

}  // namespace lakestream::parquet
