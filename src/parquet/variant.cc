#include "parquet/variant.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>

#include "lakestream/batch/show.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/storage/azure_shared_key.h"  // base64_encode, the project's one encoder
#include "parquet/value_decoder.h"

namespace lakestream::parquet {
namespace {

// Basic types (the low two bits of a value's first byte); 0 is a primitive, whose type id is
// in the upper six bits (what is left once the other three are handled).
constexpr int kShortString = 1;
constexpr int kObject = 2;
constexpr int kArray = 3;

// Primitive type ids (VariantEncoding.md, "Encoding types").
enum PrimitiveId : int {
  kNull = 0,
  kTrue = 1,
  kFalse = 2,
  kInt8 = 3,
  kInt16 = 4,
  kInt32 = 5,
  kInt64 = 6,
  kDouble = 7,
  kDecimal4 = 8,
  kDecimal8 = 9,
  kDecimal16 = 10,
  kDate = 11,
  kTimestamp = 12,
  kTimestampNtz = 13,
  kFloat = 14,
  kBinary = 15,
  kString = 16,
  kTime = 17,
  kTimestampNanos = 18,
  kTimestampNtzNanos = 19,
  kUuid = 20,
};

constexpr int64_t kMicrosPerDay = 86'400'000'000;

template <typename T>
T load_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // little-endian hosts only, as the rest of the reader
  return v;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void put_digits(std::string* out, int64_t v, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out->append(buf, static_cast<size_t>(width));
}

Status truncated(const char* what, size_t pos, size_t need, size_t have) {
  return Status::Corrupt(std::string("variant ") + what + " at byte " + std::to_string(pos) +
                         " needs " + std::to_string(need) + " bytes, the value has " +
                         std::to_string(have));
}

}  // namespace

// ---- metadata ---------------------------------------------------------------------------------

Status VariantMetadata::parse(std::string_view bytes, VariantMetadata* out) {
  if (bytes.empty()) return Status::Corrupt("variant metadata is empty");
  const auto header = static_cast<uint8_t>(bytes[0]);
  const int version = header & 0x0F;
  if (version != 1) {
    if (version > 1) {
      return Status::NotImplemented("variant metadata version " + std::to_string(version) +
                                    " (only version 1 is defined)");
    }
    return Status::Corrupt("variant metadata version 0 (must be 1)");
  }
  VariantMetadata m;
  m.bytes_ = bytes;
  m.sorted_ = (header >> 4) & 1;
  m.offset_size_ = ((header >> 6) & 3) + 1;
  const auto osize = static_cast<size_t>(m.offset_size_);
  if (bytes.size() < 1 + osize) {
    return Status::Corrupt("variant metadata of " + std::to_string(bytes.size()) +
                           " bytes ends inside its dictionary size");
  }
  m.size_ = read_le(bytes.data() + 1, m.offset_size_);
  m.offsets_at_ = 1 + osize;
  // 64-bit arithmetic: size_ + 1 offsets of up to 4 bytes cannot overflow it.
  const uint64_t offsets_bytes = (uint64_t{m.size_} + 1) * osize;
  if (offsets_bytes > bytes.size() - m.offsets_at_) {
    return Status::Corrupt("variant metadata announces " + std::to_string(m.size_) +
                           " keys, whose offsets need more than its " +
                           std::to_string(bytes.size()) + " bytes");
  }
  m.strings_at_ = m.offsets_at_ + static_cast<size_t>(offsets_bytes);
  const uint32_t last =
      read_le(bytes.data() + m.offsets_at_ + size_t{m.size_} * osize, m.offset_size_);
  if (last > bytes.size() - m.strings_at_) {
    return Status::Corrupt("variant metadata's keys end at byte " +
                           std::to_string(m.strings_at_ + last) + ", beyond its " +
                           std::to_string(bytes.size()) + " bytes");
  }
  m.end_ = m.strings_at_ + last;
  *out = m;
  return Status::OK();
}

Status VariantMetadata::key(uint32_t id, std::string_view* out) const {
  if (id >= size_) {
    return Status::Corrupt("variant field id " + std::to_string(id) +
                           " is beyond the metadata dictionary of " + std::to_string(size_) +
                           " keys");
  }
  const char* offsets = bytes_.data() + offsets_at_;
  const auto osize = static_cast<size_t>(offset_size_);
  const uint32_t begin = read_le(offsets + size_t{id} * osize, offset_size_);
  const uint32_t end = read_le(offsets + (size_t{id} + 1) * osize, offset_size_);
  if (begin > end || end > end_ - strings_at_) {
    return Status::Corrupt("variant metadata key " + std::to_string(id) + " spans bytes " +
                           std::to_string(begin) + ".." + std::to_string(end) +
                           " of a dictionary of " + std::to_string(end_ - strings_at_) + " bytes");
  }
  *out = bytes_.substr(strings_at_ + begin, end - begin);
  return Status::OK();
}

// ---- values -----------------------------------------------------------------------------------

bool VariantDecoder::is_object(std::string_view value) {
  return !value.empty() && (static_cast<uint8_t>(value[0]) & 3) == kObject;
}

Status VariantDecoder::container(std::string_view value, size_t pos, bool object,
                                 Container* out) const {
  const auto first = static_cast<uint8_t>(value[pos]);
  if ((first & 3) != (object ? kObject : kArray)) {
    return Status::Corrupt(std::string("variant value at byte ") + std::to_string(pos) +
                           " is not an " + (object ? "object" : "array"));
  }
  const int header = first >> 2;
  Container c;
  c.offset_size = (header & 3) + 1;
  bool large = false;
  if (object) {
    c.id_size = ((header >> 2) & 3) + 1;
    large = (header >> 4) & 1;
  } else {
    large = (header >> 2) & 1;
  }
  const size_t count_size = large ? 4 : 1;
  const char* what = object ? "object" : "array";
  if (value.size() - pos < 1 + count_size) {
    return truncated(what, pos, 1 + count_size, value.size() - pos);
  }
  c.count = read_le(value.data() + pos + 1, static_cast<int>(count_size));
  c.ids_at = pos + 1 + count_size;
  const uint64_t table = uint64_t{c.count} * static_cast<uint64_t>(c.id_size) +
                         (uint64_t{c.count} + 1) * static_cast<uint64_t>(c.offset_size);
  if (table > value.size() - c.ids_at) {
    return Status::Corrupt(std::string("variant ") + what + " at byte " + std::to_string(pos) +
                           " announces " + std::to_string(c.count) +
                           " elements, whose ids and offsets run past the value's " +
                           std::to_string(value.size()) + " bytes");
  }
  c.offsets_at = c.ids_at + size_t{c.count} * static_cast<size_t>(c.id_size);
  c.data_at = c.ids_at + static_cast<size_t>(table);
  c.data_size =
      read_le(value.data() + c.offsets_at + size_t{c.count} * c.offset_size, c.offset_size);
  if (c.data_size > value.size() - c.data_at) {
    return Status::Corrupt(std::string("variant ") + what + " at byte " + std::to_string(pos) +
                           " has " + std::to_string(c.data_size) + " bytes of data, the value " +
                           std::to_string(value.size() - c.data_at) + " after its header");
  }
  *out = c;
  return Status::OK();
}

Status VariantDecoder::to_json(const VariantMetadata& metadata, std::string_view value,
                               std::string* out) {
  metadata_ = &metadata;
  out_ = out;
  out_start_ = out->size();
  size_t size = 0;
  return value_json(value, 0, 0, &size);
}

Status VariantDecoder::value_json(std::string_view value, size_t pos, int depth, size_t* size) {
  if (pos >= value.size()) return truncated("value", pos, 1, 0);
  const auto first = static_cast<uint8_t>(value[pos]);
  const int basic = first & 3;
  const int header = first >> 2;
  const size_t left = value.size() - pos - 1;  // bytes after the header byte
  const char* p = value.data() + pos + 1;
  std::string& out = *out_;
  auto need = [&](size_t n) -> Status {
    if (left < n) return truncated("primitive", pos, n + 1, left + 1);
    *size = n + 1;
    return Status::OK();
  };

  if (basic == kShortString) {
    LS_RETURN_NOT_OK(need(static_cast<size_t>(header)));
    return append_json_utf8(std::string_view(p, static_cast<size_t>(header)), &out);
  }
  if (basic == kObject || basic == kArray) {
    if (depth >= kMaxVariantDepth) {
      return Status::Corrupt("variant value nested deeper than " +
                             std::to_string(kMaxVariantDepth) + " arrays/objects");
    }
    const bool object = basic == kObject;
    Container c;
    LS_RETURN_NOT_OK(container(value, pos, object, &c));
    out.push_back(object ? '{' : '[');
    // The children's sizes must add up to no more than the data: children that share bytes
    // could otherwise expand a small value exponentially.
    uint64_t used = 0;
    for (uint32_t i = 0; i < c.count; ++i) {
      if (i > 0) out.push_back(',');
      if (object) {
        const uint32_t id = read_le(value.data() + c.ids_at + size_t{i} * c.id_size, c.id_size);
        std::string_view key;
        LS_RETURN_NOT_OK(metadata_->key(id, &key));
        LS_RETURN_NOT_OK(append_json_utf8(key, &out));
        out.push_back(':');
      }
      const uint32_t off =
          read_le(value.data() + c.offsets_at + size_t{i} * c.offset_size, c.offset_size);
      if (off >= c.data_size) {
        return Status::Corrupt(std::string("variant ") + (object ? "object" : "array") +
                               " element " + std::to_string(i) + " starts at offset " +
                               std::to_string(off) + ", beyond its " + std::to_string(c.data_size) +
                               " bytes of data");
      }
      size_t child = 0;
      LS_RETURN_NOT_OK(
          value_json(value.substr(0, c.data_at + c.data_size), c.data_at + off, depth + 1, &child));
      used += child;
      if (used > c.data_size) {
        return Status::Corrupt(std::string("variant ") + (object ? "object" : "array") +
                               " at byte " + std::to_string(pos) +
                               ": its elements overlap (they take more than its " +
                               std::to_string(c.data_size) + " bytes of data)");
      }
      if (out.size() - out_start_ > limit_) {
        return Status::Corrupt("variant value expands to more than " + std::to_string(limit_) +
                               " bytes of JSON text");
      }
    }
    out.push_back(object ? '}' : ']');
    *size = c.data_at + c.data_size - pos;
    return Status::OK();
  }

  switch (header) {
    case kNull:
      *size = 1;
      out += "null";
      return Status::OK();
    case kTrue:
    case kFalse:
      *size = 1;
      out += header == kTrue ? "true" : "false";
      return Status::OK();
    case kInt8:
      LS_RETURN_NOT_OK(need(1));
      out += std::to_string(static_cast<int8_t>(p[0]));
      return Status::OK();
    case kInt16:
      LS_RETURN_NOT_OK(need(2));
      out += std::to_string(load_le<int16_t>(p));
      return Status::OK();
    case kInt32:
      LS_RETURN_NOT_OK(need(4));
      out += std::to_string(load_le<int32_t>(p));
      return Status::OK();
    case kInt64:
      LS_RETURN_NOT_OK(need(8));
      out += std::to_string(load_le<int64_t>(p));
      return Status::OK();
    case kDouble:
      LS_RETURN_NOT_OK(need(8));
      append_json_double(load_le<double>(p), &out);
      return Status::OK();
    case kFloat:
      LS_RETURN_NOT_OK(need(4));
      append_json_float(load_le<float>(p), &out);
      return Status::OK();
    case kDecimal4:
    case kDecimal8:
    case kDecimal16: {
      const size_t width = header == kDecimal4 ? 4 : header == kDecimal8 ? 8 : 16;
      LS_RETURN_NOT_OK(need(1 + width));
      const int scale = static_cast<uint8_t>(p[0]);
      if (scale > 38) {
        return Status::Corrupt("variant decimal at byte " + std::to_string(pos) + " has scale " +
                               std::to_string(scale) + " (at most 38)");
      }
      int128_t unscaled = 0;
      if (width == 4) {
        unscaled = load_le<int32_t>(p + 1);
      } else if (width == 8) {
        unscaled = load_le<int64_t>(p + 1);
      } else {
        unscaled = load_le<int128_t>(p + 1);
      }
      append_json_decimal(unscaled, scale, &out);
      return Status::OK();
    }
    case kDate:
      LS_RETURN_NOT_OK(need(4));
      append_json_date(load_le<int32_t>(p), &out);
      return Status::OK();
    case kTimestamp:
    case kTimestampNtz:
    case kTimestampNanos:
    case kTimestampNtzNanos:
      LS_RETURN_NOT_OK(need(8));
      append_json_timestamp(load_le<int64_t>(p), header >= kTimestampNanos,
                            header == kTimestamp || header == kTimestampNanos, &out);
      return Status::OK();
    case kTime:
      LS_RETURN_NOT_OK(need(8));
      return append_json_time_micros(load_le<int64_t>(p), &out);
    case kBinary:
    case kString: {
      LS_RETURN_NOT_OK(need(4));
      const uint32_t n = load_le<uint32_t>(p);
      LS_RETURN_NOT_OK(need(4 + size_t{n}));
      const std::string_view bytes(p + 4, n);
      if (header == kBinary) {
        append_json_binary(bytes, &out);
        return Status::OK();
      }
      return append_json_utf8(bytes, &out);
    }
    case kUuid:
      LS_RETURN_NOT_OK(need(16));
      append_json_uuid(std::string_view(p, 16), &out);
      return Status::OK();
    default:
      // Types may be added to the spec without a new version, but their size is unknown to
      // us, so nothing after them could be found either.
      return Status::NotImplemented("variant primitive type id " + std::to_string(header) +
                                    " (at byte " + std::to_string(pos) + ") is not known");
  }
}

// ---- scalar JSON ------------------------------------------------------------------------------

namespace {

template <typename T>
void append_json_floating(T v, std::string* out) {
  if (std::isnan(v)) {
    *out += "\"NaN\"";
  } else if (std::isinf(v)) {
    *out += v < 0 ? "\"-Infinity\"" : "\"Infinity\"";
  } else if constexpr (sizeof(T) == sizeof(float)) {
    *out += java_float_string(v);
  } else {
    *out += java_double_string(v);
  }
}

}  // namespace

void append_json_double(double v, std::string* out) { append_json_floating(v, out); }
void append_json_float(float v, std::string* out) { append_json_floating(v, out); }

void append_json_decimal(int128_t unscaled, int scale, std::string* out) {
  *out += format_decimal(unscaled, scale);
}

void append_json_date(int32_t days, std::string* out) {
  out->push_back('"');
  *out += format_date_days(days);
  out->push_back('"');
}

Status append_json_time_micros(int64_t micros, std::string* out) {
  if (micros < 0 || micros >= kMicrosPerDay) {
    return Status::Corrupt("time of day " + std::to_string(micros) +
                           " microseconds is outside one day");
  }
  const int64_t secs = micros / 1'000'000;
  out->push_back('"');
  put_digits(out, secs / 3600, 2);
  out->push_back(':');
  put_digits(out, secs / 60 % 60, 2);
  out->push_back(':');
  put_digits(out, secs % 60, 2);
  out->push_back('.');
  put_digits(out, micros % 1'000'000, 6);
  out->push_back('"');
  return Status::OK();
}

void append_json_timestamp(int64_t ticks, bool nanos, bool utc, std::string* out) {
  const int64_t micros = nanos ? floor_div(ticks, 1000) : ticks;
  std::string text = format_timestamp_iso(micros, 6);  // ...ss.ffffffZ
  text.pop_back();
  out->push_back('"');
  *out += text;
  if (nanos) put_digits(out, ticks - micros * 1000, 3);
  if (utc) out->push_back('Z');
  out->push_back('"');
}

void append_json_binary(std::string_view bytes, std::string* out) {
  out->push_back('"');
  *out += base64_encode(bytes);
  out->push_back('"');
}

Status append_json_utf8(std::string_view s, std::string* out) {
  if (!simdjson::validate_utf8(s.data(), s.size())) {
    return Status::Corrupt("variant string of " + std::to_string(s.size()) +
                           " bytes is not valid UTF-8");
  }
  append_json_string(*out, s);
  return Status::OK();
}

void append_json_uuid(std::string_view bytes16, std::string* out) {
  char buf[38];
  buf[0] = '"';
  format_uuid(bytes16.data(), buf + 1);
  buf[37] = '"';
  out->append(buf, sizeof(buf));
}

}  // namespace lakestream::parquet
