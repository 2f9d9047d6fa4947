#include "parquet/value_decoder.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "parquet/rle_decoder.h"

namespace lakestream::parquet {
namespace {

std::string bytes_msg(const char* what, size_t need, size_t have) {
  return std::string(what) + " needs " + std::to_string(need) + " bytes, the page has " +
         std::to_string(have);
}

template <typename T>
Status plain_fixed(std::string_view data, size_t n, std::vector<T>* out, const char* what) {
  if (n > data.size() / sizeof(T)) {
    return Status::Corrupt(bytes_msg(what, n * sizeof(T), data.size()));
  }
  out->resize(n);
  if (n > 0) std::memcpy(out->data(), data.data(), n * sizeof(T));
  return Status::OK();
}

Status plain_values(PhysicalType type, int32_t type_length, std::string_view data, size_t n,
                    PhysicalValues* out) {
  switch (type) {
    case PhysicalType::kBoolean: {
      if (n > data.size() * 8)
        return Status::Corrupt(bytes_msg("PLAIN BOOLEAN", (n + 7) / 8, data.size()));
      out->bools.resize(n);
      for (size_t i = 0; i < n; ++i) {
        out->bools[i] = (static_cast<uint8_t>(data[i / 8]) >> (i % 8)) & 1;
      }
      return Status::OK();
    }
    case PhysicalType::kInt32:
      return plain_fixed(data, n, &out->i32, "PLAIN INT32");
    case PhysicalType::kInt64:
      return plain_fixed(data, n, &out->i64, "PLAIN INT64");
    case PhysicalType::kFloat:
      return plain_fixed(data, n, &out->f32, "PLAIN FLOAT");
    case PhysicalType::kDouble:
      return plain_fixed(data, n, &out->f64, "PLAIN DOUBLE");
    case PhysicalType::kInt96:
    case PhysicalType::kFixedLenByteArray: {
      const size_t w = type == PhysicalType::kInt96 ? 12 : static_cast<size_t>(type_length);
      if (w == 0 ? false : n > data.size() / w) {
        return Status::Corrupt(bytes_msg("PLAIN fixed-length values", n * w, data.size()));
      }
      out->bytes.resize(n);
      for (size_t i = 0; i < n; ++i) out->bytes[i] = data.substr(i * w, w);
      return Status::OK();
    }
    case PhysicalType::kByteArray: {
      if (n > data.size() / 4) {
        return Status::Corrupt(bytes_msg("PLAIN BYTE_ARRAY length prefixes", n * 4, data.size()));
      }
      out->bytes.resize(n);
      size_t pos = 0;
      for (size_t i = 0; i < n; ++i) {
        if (data.size() - pos < 4) {
          return Status::Corrupt("PLAIN BYTE_ARRAY value " + std::to_string(i) +
                                 ": length prefix runs past the page end");
        }
        uint32_t len;
        std::memcpy(&len, data.data() + pos, 4);
        pos += 4;
        if (len > data.size() - pos) {
          return Status::Corrupt("PLAIN BYTE_ARRAY value " + std::to_string(i) + " of " +
                                 std::to_string(len) + " bytes runs past the page end");
        }
        out->bytes[i] = data.substr(pos, len);
        pos += len;
      }
      return Status::OK();
    }
  }
  return Status::Corrupt("unknown physical type " + std::to_string(static_cast<int>(type)));
}

bool read_uvarint(std::string_view data, size_t* pos, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= data.size()) return false;
    const auto b = static_cast<uint8_t>(data[(*pos)++]);
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return true;
    }
  }
  return false;
}

/// DELTA_BINARY_PACKED: decodes up to `n` values (n < 0: all the header announces) as int64
/// (wrapping arithmetic, so INT32 columns truncate correctly). *consumed gets the bytes used.
Status delta_binary_packed(std::string_view data, int64_t n, std::vector<int64_t>* out,
                           std::vector<uint64_t>* wide, size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size = 0, miniblocks = 0, total = 0, first_z = 0;
  if (!read_uvarint(data, &pos, &block_size) || !read_uvarint(data, &pos, &miniblocks) ||
      !read_uvarint(data, &pos, &total) || !read_uvarint(data, &pos, &first_z)) {
    return Status::Corrupt("DELTA_BINARY_PACKED header runs past the page end");
  }
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0) {
    return Status::Corrupt("DELTA_BINARY_PACKED header has block size " +
                           std::to_string(block_size) + " and " + std::to_string(miniblocks) +
                           " miniblocks");
  }
  if (total > data.size() * 64 + 1) {
    return Status::Corrupt("DELTA_BINARY_PACKED announces " + std::to_string(total) +
                           " values, more than the page can hold");
  }
  if (n < 0) n = static_cast<int64_t>(total);
  if (static_cast<uint64_t>(n) > total) {
    return Status::Corrupt("DELTA_BINARY_PACKED holds " + std::to_string(total) +
                           " values, the page needs " + std::to_string(n));
  }
  out->resize(static_cast<size_t>(n));
  const uint64_t per_mini = block_size / miniblocks;
  wide->resize(per_mini);
  uint64_t value = static_cast<uint64_t>(
      (first_z >> 1) ^ (~(first_z & 1) + 1));  // zigzag decode without signed overflow
  uint64_t produced = 0;
  if (total > 0 && n > 0) (*out)[0] = static_cast<int64_t>(value);
  if (total > 0) produced = 1;
  while (produced < total) {
    uint64_t min_z = 0;
    if (!read_uvarint(data, &pos, &min_z)) {
      return Status::Corrupt("DELTA_BINARY_PACKED block header runs past the page end");
    }
    const uint64_t min_delta = (min_z >> 1) ^ (~(min_z & 1) + 1);
    if (data.size() - pos < miniblocks) {
      return Status::Corrupt("DELTA_BINARY_PACKED bit widths run past the page end");
    }
    const size_t widths_at = pos;
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && produced < total; ++m) {
      const int bw = static_cast<uint8_t>(data[widths_at + m]);
      if (bw > 64) {
        return Status::Corrupt("DELTA_BINARY_PACKED miniblock bit width " + std::to_string(bw));
      }
      const uint64_t bytes = per_mini * static_cast<uint64_t>(bw) / 8;
      // The last miniblock may be cut short after its final value.
      const uint64_t need_values = std::min<uint64_t>(per_mini, total - produced);
      const uint64_t need_bytes = (need_values * static_cast<uint64_t>(bw) + 7) / 8;
      if (need_bytes > data.size() - pos) {
        return Status::Corrupt("DELTA_BINARY_PACKED miniblock runs past the page end");
      }
      unpack_bits(reinterpret_cast<const uint8_t*>(data.data() + pos), data.size() - pos, bw,
                  static_cast<size_t>(need_values), wide->data());
      pos += static_cast<size_t>(std::min<uint64_t>(bytes, data.size() - pos));
      for (uint64_t i = 0; i < need_values; ++i) {
        value += min_delta + (*wide)[i];
        if (produced < static_cast<uint64_t>(n)) (*out)[produced] = static_cast<int64_t>(value);
        ++produced;
      }
    }
  }
  *consumed = pos;
  return Status::OK();
}

Status delta_length_byte_array(std::string_view data, size_t n, PhysicalValues* out,
                               size_t* consumed) {
  size_t used = 0;
  LS_RETURN_NOT_OK(
      delta_binary_packed(data, static_cast<int64_t>(n), &out->lengths, &out->wide, &used));
  out->bytes.resize(n);
  size_t pos = used;
  for (size_t i = 0; i < n; ++i) {
    const int64_t len = out->lengths[i];
    if (len < 0 || static_cast<uint64_t>(len) > data.size() - pos) {
      return Status::Corrupt("DELTA_LENGTH_BYTE_ARRAY value " + std::to_string(i) + " of " +
                             std::to_string(len) + " bytes runs past the page end");
    }
    out->bytes[i] = data.substr(pos, static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
  }
  *consumed = pos;
  return Status::OK();
}

Status delta_byte_array(std::string_view data, size_t n, PhysicalValues* out) {
  size_t used = 0;
  LS_RETURN_NOT_OK(
      delta_binary_packed(data, static_cast<int64_t>(n), &out->prefixes, &out->wide, &used));
  size_t used2 = 0;
  LS_RETURN_NOT_OK(delta_length_byte_array(data.substr(used), n, out, &used2));
  // Rebuild the values into scratch first (it may grow), then point the views at it.
  size_t total = 0;
  int64_t prev_len = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t p = out->prefixes[i];
    if (p < 0 || p > prev_len) {
      return Status::Corrupt("DELTA_BYTE_ARRAY value " + std::to_string(i) + " has prefix " +
                             std::to_string(p) + " but the previous value has " +
                             std::to_string(prev_len) + " bytes");
    }
    prev_len = p + static_cast<int64_t>(out->bytes[i].size());
    total += static_cast<size_t>(prev_len);
  }
  out->scratch.resize(total);
  out->lengths.resize(n);
  size_t at = 0, prev_at = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto p = static_cast<size_t>(out->prefixes[i]);
    if (p > 0) std::memmove(out->scratch.data() + at, out->scratch.data() + prev_at, p);
    std::memcpy(out->scratch.data() + at + p, out->bytes[i].data(), out->bytes[i].size());
    out->lengths[i] = static_cast<int64_t>(p + out->bytes[i].size());
    prev_at = at;
    at += static_cast<size_t>(out->lengths[i]);
  }
  at = 0;
  for (size_t i = 0; i < n; ++i) {
    out->bytes[i] =
        std::string_view(out->scratch.data() + at, static_cast<size_t>(out->lengths[i]));
    at += static_cast<size_t>(out->lengths[i]);
  }
  return Status::OK();
}

Status byte_stream_split(PhysicalType type, int32_t type_length, std::string_view data, size_t n,
                         PhysicalValues* out) {
  size_t w = 0;
  switch (type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      w = 4;
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      w = 8;
      break;
    case PhysicalType::kFixedLenByteArray:
      w = static_cast<size_t>(type_length);
      break;
    default:
      return Status::Corrupt("BYTE_STREAM_SPLIT is not defined for physical type " +
                             std::to_string(static_cast<int>(type)));
  }
  if (w == 0 || n > data.size() / w) {
    return Status::Corrupt(bytes_msg("BYTE_STREAM_SPLIT", n * w, data.size()));
  }
  // Streams hold byte k of every value; the value count is the page's, not data.size() / w.
  const size_t stride = data.size() / w;
  out->scratch.resize(n * w);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < w; ++k) out->scratch[i * w + k] = data[k * stride + i];
  }
  return plain_values(type, type_length, out->scratch, n, out);
}

}  // namespace

Status decode_values(Encoding encoding, PhysicalType type, int32_t type_length,
                     std::string_view data, size_t n, PhysicalValues* out) {
  switch (encoding) {
    case Encoding::kPlain:
      return plain_values(type, type_length, data, n, out);
    case Encoding::kRle: {
      if (type != PhysicalType::kBoolean) break;
      if (data.size() < 4) return Status::Corrupt("RLE BOOLEAN values lack their length prefix");
      uint32_t len;
      std::memcpy(&len, data.data(), 4);
      if (len > data.size() - 4)
        return Status::Corrupt(bytes_msg("RLE BOOLEAN", len, data.size() - 4));
      RleDecoder dec(reinterpret_cast<const uint8_t*>(data.data() + 4), len, 1);
      out->wide.resize(n);
      std::vector<uint32_t> tmp(n);  // once per page, not per value
      if (!dec.get(tmp.data(), n))
        return Status::Corrupt("RLE BOOLEAN values run past the page end");
      out->bools.resize(n);
      for (size_t i = 0; i < n; ++i) out->bools[i] = static_cast<uint8_t>(tmp[i] & 1);
      return Status::OK();
    }
    case Encoding::kDeltaBinaryPacked: {
      size_t used = 0;
      if (type == PhysicalType::kInt64) {
        return delta_binary_packed(data, static_cast<int64_t>(n), &out->i64, &out->wide, &used);
      }
      if (type != PhysicalType::kInt32) break;
      LS_RETURN_NOT_OK(
          delta_binary_packed(data, static_cast<int64_t>(n), &out->lengths, &out->wide, &used));
      out->i32.resize(n);
      for (size_t i = 0; i < n; ++i) out->i32[i] = static_cast<int32_t>(out->lengths[i]);
      return Status::OK();
    }
    case Encoding::kDeltaLengthByteArray: {
      if (type != PhysicalType::kByteArray) break;
      size_t used = 0;
      return delta_length_byte_array(data, n, out, &used);
    }
    case Encoding::kDeltaByteArray: {
      if (type != PhysicalType::kByteArray && type != PhysicalType::kFixedLenByteArray) break;
      LS_RETURN_NOT_OK(delta_byte_array(data, n, out));
      if (type == PhysicalType::kFixedLenByteArray) {
        for (size_t i = 0; i < n; ++i) {
          if (out->bytes[i].size() != static_cast<size_t>(type_length)) {
            return Status::Corrupt("DELTA_BYTE_ARRAY value " + std::to_string(i) + " has " +
                                   std::to_string(out->bytes[i].size()) + " bytes, the column " +
                                   std::to_string(type_length));
          }
        }
      }
      return Status::OK();
    }
    case Encoding::kByteStreamSplit:
      return byte_stream_split(type, type_length, data, n, out);
    default:
      break;
  }
  return Status::NotImplemented("encoding " + std::to_string(static_cast<int>(encoding)) +
                                " for physical type " + std::to_string(static_cast<int>(type)));
}

namespace {

__extension__ using uint128_t = unsigned __int128;

}  // namespace

bool decimal_from_big_endian(std::string_view b, int128_t* out) {
  if (b.empty()) {
    *out = 0;
    return true;
  }
  const bool negative = static_cast<uint8_t>(b[0]) & 0x80;
  size_t skip = 0;
  // Leading bytes beyond 16 must be pure sign extension.
  while (b.size() - skip > 16) {
    if (static_cast<uint8_t>(b[skip]) != (negative ? 0xFF : 0x00)) return false;
    ++skip;
  }
  uint128_t v = negative ? ~static_cast<uint128_t>(0) : 0;
  for (size_t i = skip; i < b.size(); ++i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  if (b.size() - skip == 16 && negative != ((v >> 127) != 0)) return false;
  *out = static_cast<int128_t>(v);
  return true;
}

namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

constexpr int64_t kJulianEpochDay = 2440588;  // Julian day number of 1970-01-01
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

}  // namespace

void format_uuid(const char* bytes, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t at = 0;
  for (size_t k = 0; k < 16; ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out[at++] = '-';
    const auto b = static_cast<uint8_t>(bytes[k]);
    out[at++] = kHex[b >> 4];
    out[at++] = kHex[b & 15];
  }
}

Status append_converted(Conversion conv, PhysicalType type, const PhysicalValues& in, size_t n,
                        Column* out) {
  (void)type;
  switch (conv) {
    case Conversion::kBool:
      for (size_t i = 0; i < n; ++i) out->append_bool(in.bools[i] != 0);
      return Status::OK();
    case Conversion::kInt32:
      for (size_t i = 0; i < n; ++i) out->append<int32_t>(in.i32[i]);
      return Status::OK();
    case Conversion::kInt32ToInt8:
      for (size_t i = 0; i < n; ++i) {
        if (in.i32[i] < -128 || in.i32[i] > 127) {
          return Status::Corrupt("value " + std::to_string(in.i32[i]) +
                                 " is out of range for INT(8)");
        }
        out->append<int8_t>(static_cast<int8_t>(in.i32[i]));
      }
      return Status::OK();
    case Conversion::kInt32ToInt16:
      for (size_t i = 0; i < n; ++i) {
        if (in.i32[i] < -32768 || in.i32[i] > 32767) {
          return Status::Corrupt("value " + std::to_string(in.i32[i]) +
                                 " is out of range for INT(16)");
        }
        out->append<int16_t>(static_cast<int16_t>(in.i32[i]));
      }
      return Status::OK();
    case Conversion::kUint8ToInt16:
      for (size_t i = 0; i < n; ++i) {
        const auto u = static_cast<uint32_t>(in.i32[i]);
        if (u > 255)
          return Status::Corrupt("value " + std::to_string(u) + " is out of range for UINT(8)");
        out->append<int16_t>(static_cast<int16_t>(u));
      }
      return Status::OK();
    case Conversion::kUint16ToInt32:
      for (size_t i = 0; i < n; ++i) {
        const auto u = static_cast<uint32_t>(in.i32[i]);
        if (u > 65535)
          return Status::Corrupt("value " + std::to_string(u) + " is out of range for UINT(16)");
        out->append<int32_t>(static_cast<int32_t>(u));
      }
      return Status::OK();
    case Conversion::kUint32ToInt64:
      for (size_t i = 0; i < n; ++i) out->append<int64_t>(static_cast<uint32_t>(in.i32[i]));
      return Status::OK();
    case Conversion::kInt64:
      for (size_t i = 0; i < n; ++i) out->append<int64_t>(in.i64[i]);
      return Status::OK();
    case Conversion::kUint64ToDecimal:
      for (size_t i = 0; i < n; ++i)
        out->append_decimal(static_cast<int128_t>(static_cast<uint64_t>(in.i64[i])));
      return Status::OK();
    case Conversion::kInt32ToDecimal:
      for (size_t i = 0; i < n; ++i) out->append_decimal(in.i32[i]);
      return Status::OK();
    case Conversion::kInt64ToDecimal:
      for (size_t i = 0; i < n; ++i) out->append_decimal(in.i64[i]);
      return Status::OK();
    case Conversion::kBytesToDecimal:
      for (size_t i = 0; i < n; ++i) {
        int128_t v = 0;
        if (!decimal_from_big_endian(in.bytes[i], &v)) {
          return Status::Corrupt("a decimal value of " + std::to_string(in.bytes[i].size()) +
                                 " bytes does not fit 38 digits");
        }
        out->append_decimal(v);
      }
      return Status::OK();
    case Conversion::kMillisToMicros:
      for (size_t i = 0; i < n; ++i) {
        int64_t v = 0;
        if (__builtin_mul_overflow(in.i64[i], int64_t{1000}, &v)) {
          return Status::Corrupt("timestamp of " + std::to_string(in.i64[i]) +
                                 " ms is out of the microsecond range");
        }
        out->append<int64_t>(v);
      }
      return Status::OK();
    case Conversion::kNanosToMicros:
      for (size_t i = 0; i < n; ++i) out->append<int64_t>(floor_div(in.i64[i], 1000));
      return Status::OK();
    case Conversion::kTimeMillisToMicros:
      for (size_t i = 0; i < n; ++i) out->append<int64_t>(static_cast<int64_t>(in.i32[i]) * 1000);
      return Status::OK();
    case Conversion::kInt96ToMicros:
      for (size_t i = 0; i < n; ++i) {
        int64_t nanos;
        int32_t julian;
        std::memcpy(&nanos, in.bytes[i].data(), 8);
        std::memcpy(&julian, in.bytes[i].data() + 8, 4);
        // Spark's reading (DateTimeUtils.fromJulianDay): (day - epoch day) * micros per day +
        // nanos / 1000 in wrapping 64-bit arithmetic. Spark writes timestamps beyond the Julian
        // microsecond range with the same wrapping (toJulianDay), so this gives them back
        // exactly: 290000-12-31 is written as Julian day -105862232.
        const auto days = static_cast<int32_t>(static_cast<uint32_t>(julian) -
                                               static_cast<uint32_t>(kJulianEpochDay));
        const uint64_t wrapped = static_cast<uint64_t>(static_cast<int64_t>(days)) *
                                     static_cast<uint64_t>(kMicrosPerDay) +
                                 static_cast<uint64_t>(nanos / 1000);
        const auto v = static_cast<int64_t>(wrapped);
        out->append<int64_t>(v);
      }
      return Status::OK();
    case Conversion::kFloat:
      for (size_t i = 0; i < n; ++i) out->append<float>(in.f32[i]);
      return Status::OK();
    case Conversion::kFloat16ToFloat:
      for (size_t i = 0; i < n; ++i) {
        if (in.bytes[i].size() != 2) return Status::Corrupt("FLOAT16 value is not 2 bytes");
        const uint16_t h = static_cast<uint16_t>(static_cast<uint8_t>(in.bytes[i][0]) |
                                                 (static_cast<uint8_t>(in.bytes[i][1]) << 8));
        out->append<float>(half_to_float(h));
      }
      return Status::OK();
    case Conversion::kDouble:
      for (size_t i = 0; i < n; ++i) out->append<double>(in.f64[i]);
      return Status::OK();
    case Conversion::kBytes:
      for (size_t i = 0; i < n; ++i) out->append_string(in.bytes[i]);
      return Status::OK();
    case Conversion::kUuidToString: {
      char buf[36];
      for (size_t i = 0; i < n; ++i) {
        if (in.bytes[i].size() != 16) return Status::Corrupt("UUID value is not 16 bytes");
        format_uuid(in.bytes[i].data(), buf);
        out->append_string(std::string_view(buf, 36));
      }
      return Status::OK();
    }
  }
  return Status::Internal("unknown Parquet value conversion");
}

}  // namespace lakestream::parquet
