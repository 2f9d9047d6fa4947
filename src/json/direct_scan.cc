#include "json/direct_scan.h"

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "json/base64.h"
#include "json/json_text.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream::json_internal {

namespace {

/// simdjson's on-demand parser refuses documents nested deeper than this (its default), so
/// the direct path leaves deeper records to it whatever max_depth says.
constexpr int kParserDepthLimit = 1000;
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

/// Bytes of `x` that are '"', '\\' or below 0x20, as their high bits.
inline uint64_t string_stops(uint64_t x) {
  const uint64_t q = x ^ (0x22 * kOnes);
  const uint64_t b = x ^ (0x5C * kOnes);
  return (((q - kOnes) & ~q) | ((b - kOnes) & ~b) | ((x - 0x20 * kOnes) & ~x)) & kHigh;
}

inline bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

/// Two ASCII digits as 0..99, or a negative number.
inline int two_digits(const char* p) {
  const unsigned a = static_cast<unsigned>(p[0] - '0');
  const unsigned b = static_cast<unsigned>(p[1] - '0');
  return a > 9u || b > 9u ? -1 : static_cast<int>(a * 10 + b);
}

// Column appends. Vector push_back per byte, or insert/resize calls per value, cost more than
// the parsing here, so the direct path writes values into spare room at the end of a column's
// buffers: `values` and `data` are grown in steps (kSlackRows values, kSlackBytes bytes) and
// written by memcpy, while validity and offsets stay exact. A column's logical ends are
// therefore validity.size() * width and offsets.back(); Column::truncate(length()) cuts the
// spare room off, and the decoder does that (DirectScanner::close) before anything else
// appends to or looks at the columns.
constexpr size_t kSlackRows = 1024;
constexpr size_t kSlackBytes = size_t{16} * 1024;

/// Make `buffer` at least `need` long, adding up to `slack` more while that fits its capacity
/// (the decoder reserves what the input needs: spare room must not double a full buffer).
template <typename T>
[[gnu::noinline]] void grow_for(std::vector<T>& buffer, size_t need, size_t slack) {
  size_t size = need + slack;
  if (size > buffer.capacity() && need <= buffer.capacity()) size = buffer.capacity();
  buffer.resize(size);
}

template <typename T>
[[gnu::always_inline]] inline void put_fixed(Column& column, T v) {
  std::vector<uint8_t>& validity = column.mutable_validity();
  std::vector<uint8_t>& values = column.mutable_values();
  const size_t at = validity.size() * sizeof(T);
  if (values.size() < at + sizeof(T)) grow_for(values, at + sizeof(T), kSlackRows * sizeof(T));
  std::memcpy(values.data() + at, &v, sizeof(T));
  validity.push_back(1);
}

/// A string or binary row. `readable` bounds the bytes that may be read after s.data(): short
/// strings are copied as one 16-byte block when the input has them.
[[gnu::always_inline]] inline void put_string(Column& column, std::string_view s,
                                              const char* readable) {
  std::vector<char>& data = column.mutable_data();
  std::vector<int32_t>& offsets = column.mutable_offsets();
  const auto at = static_cast<size_t>(offsets.back());
  if (data.size() < at + s.size() + 16) grow_for(data, at + s.size() + 16, kSlackBytes);
  if (s.size() <= 16 && readable - s.data() >= 16) {
    std::memcpy(data.data() + at, s.data(), 16);
  } else {
    std::memcpy(data.data() + at, s.data(), s.size());
  }
  offsets.push_back(static_cast<int32_t>(at + s.size()));
  column.mutable_validity().push_back(1);
}

/// A null row (for structs: in every child too, keeping the invariant of batch/column.h).
void put_null(Column& column) {
  switch (column.type()->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap: {
      std::vector<int32_t>& offsets = column.mutable_offsets();
      offsets.push_back(offsets.back());
      break;
    }
    case TypeId::kStruct:
      for (size_t i = 0; i < column.children().size(); ++i) put_null(column.mutable_child(i));
      break;
    default: {
      const auto width = static_cast<size_t>(column.type()->fixed_width());
      if (width == 0) break;  // VOID holds no value bytes (and may have no buffer at all)
      std::vector<uint8_t>& values = column.mutable_values();
      const size_t at = column.validity().size() * width;
      if (values.size() < at + width) grow_for(values, at + width, kSlackRows * width);
      std::memset(values.data() + at, 0, width);
      break;
    }
  }
  column.mutable_validity().push_back(0);
}

bool supports_type(const TypePlan& plan) {
  if (plan.id == TypeId::kStruct) {
    if (plan.children.size() > 64) return false;
    for (const ChildPlan& c : plan.children) {
      if (!supports_type(*c.plan)) return false;
    }
  }
  if (plan.element != nullptr) return supports_type(*plan.element);
  return true;
}

}  // namespace

bool DirectScanner::supports(const TypePlan& root) { return supports_type(root); }

void DirectScanner::close(const std::vector<ColumnPtr>& columns) {
  for (const ColumnPtr& column : columns) column->truncate(column->length());
}

template <bool kLines>
[[gnu::always_inline]] inline void DirectScanner::skip_ws() {
  while (p_ < end_) {
    const char c = *p_;
    if (c == ' ' || c == '\t' || c == '\r' || (!kLines && c == '\n')) {
      ++p_;
    } else {
      break;
    }
  }
}

void DirectScanner::add_rescued(std::string_view name, std::string_view text) {
  rescued_.push_back(rescued_.empty() ? '{' : ',');
  append_json_string(rescued_, name);
  rescued_.push_back(':');
  rescued_.append(text);
}

void DirectScanner::finish_rescue(const std::vector<ColumnPtr>& columns) {
  Column& column = *columns.back();
  if (rescued_.empty()) {
    put_null(column);
  } else {
    rescued_.push_back('}');
    put_string(column, rescued_, rescued_.data() + rescued_.size());
  }
}

bool DirectScanner::decode_event(const char* p, const char* end,
                                 const std::vector<ColumnPtr>& columns) {
  p_ = p;
  end_ = end;
  if (rescue_) rescued_.clear();
  skip_ws<false>();
  if (p_ == end_ || *p_ != '{') return false;
  ++p_;
  if (!object_members<false>(*root_, columns, 1)) return false;
  skip_ws<false>();
  if (p_ != end_) return false;
  if (rescue_) finish_rescue(columns);
  return true;
}

const char* DirectScanner::decode_line(const char* p, const char* end,
                                       const std::vector<ColumnPtr>& columns) {
  p_ = p;
  end_ = end;
  if (rescue_) rescued_.clear();
  if (p_ == end_ || *p_ != '{') return nullptr;
  ++p_;
  if (!object_members<true>(*root_, columns, 1)) return nullptr;
  skip_ws<true>();
  if (p_ != end_ && *p_ != '\n') return nullptr;  // trailing content on the line
  if (rescue_) finish_rescue(columns);
  return p_;
}

[[gnu::always_inline]] inline bool DirectScanner::plain_string(std::string_view* out) {
  // p_ is at the opening quote. Eight bytes at a time while they are there, then one by one.
  const char* const begin = p_ + 1;
  const char* q = begin;
  while (end_ - q >= 8) {
    uint64_t x = 0;
    std::memcpy(&x, q, 8);
    const uint64_t stops = string_stops(x);
    if (stops != 0) {
      q += __builtin_ctzll(stops) / 8;
      break;
    }
    q += 8;
  }
  while (q < end_ && *q != '"' && *q != '\\' && static_cast<unsigned char>(*q) >= 0x20) ++q;
  if (q == end_ || *q != '"') return false;  // an escape, a control character or no end
  *out = std::string_view(begin, static_cast<size_t>(q - begin));
  p_ = q + 1;
  return true;
}

[[gnu::always_inline]] inline bool DirectScanner::number_token(std::string_view* out) {
  const char* const begin = p_;
  while (p_ < end_ && is_number_char(*p_)) ++p_;
  *out = std::string_view(begin, static_cast<size_t>(p_ - begin));
  return !out->empty();
}

[[gnu::always_inline]] inline bool DirectScanner::integer_token(int64_t* value, int* digits) {
  // The same tokens number_token + plain_integer accept, in one pass.
  const char* q = p_;
  const bool negative = q < end_ && *q == '-';
  if (negative) ++q;
  const char* const first = q;
  uint64_t v = 0;
  while (q < end_ && static_cast<unsigned>(*q - '0') <= 9u && q - first < 19) {
    v = v * 10 + static_cast<unsigned>(*q - '0');
    ++q;
  }
  const auto n = static_cast<size_t>(q - first);
  if (n == 0 || n > 18 || (n > 1 && *first == '0') || (q < end_ && is_number_char(*q))) {
    return false;
  }
  *value = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  *digits = v == 0 ? 0 : static_cast<int>(n);
  p_ = q;
  return true;
}

[[gnu::always_inline]] inline bool DirectScanner::short_number(ShortNumber* out) {
  // -?(0|[1-9][0-9]*)(\.[0-9]+)? with at most 18 digits in all, not followed by more of a
  // number (an exponent, a second point): its digits as one integer, below 10^18.
  const char* q = p_;
  const bool negative = q < end_ && *q == '-';
  if (negative) ++q;
  const char* const first = q;
  uint64_t m = 0;
  while (q < end_ && static_cast<unsigned>(*q - '0') <= 9u && q - first < 19) {
    m = m * 10 + static_cast<unsigned>(*q - '0');
    ++q;
  }
  const auto int_digits = static_cast<int>(q - first);
  if (int_digits == 0 || (int_digits > 1 && *first == '0')) return false;
  int frac_digits = 0;
  if (q < end_ && *q == '.') {
    const char* const frac = ++q;
    while (q < end_ && static_cast<unsigned>(*q - '0') <= 9u && q - frac < 19) {
      m = m * 10 + static_cast<unsigned>(*q - '0');
      ++q;
    }
    frac_digits = static_cast<int>(q - frac);
    if (frac_digits == 0) return false;
  }
  if (int_digits + frac_digits > 18 || (q < end_ && is_number_char(*q))) return false;
  out->digits = m;
  out->negative = negative;
  // "0.5": the integer part's one zero is not a significant digit.
  out->int_digits = *first == '0' ? 0 : int_digits;
  out->frac_digits = frac_digits;
  out->end = q;
  return true;
}

[[gnu::always_inline]] inline bool DirectScanner::short_double(double* out) {
  // The digits as an integer m < 2^53 and 10^k for k <= 22 are both exact doubles, so the one
  // IEEE division m / 10^k is the correctly rounded value (Clinger's fast path): the same
  // double from_chars gives. (k counts every fraction digit, leading zeros included:
  // 0.0800000000000125 is m = 800000000000125, k = 16.)
  static constexpr double kPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  ShortNumber n;
  if (!short_number(&n) || n.digits >= (uint64_t{1} << 53)) return false;
  static_assert(18 < sizeof(kPow10) / sizeof(kPow10[0]), "short_number's fraction digits");
  const double d = static_cast<double>(n.digits) / kPow10[n.frac_digits];
  *out = n.negative ? -d : d;
  p_ = n.end;
  return true;
}

[[gnu::always_inline]] inline bool DirectScanner::literal(const char* word, size_t len) {
  if (static_cast<size_t>(end_ - p_) < len || std::memcmp(p_, word, len) != 0) return false;
  p_ += len;
  return true;
}

bool DirectScanner::fixed_timestamp(std::string_view text, int64_t* micros) {
  const int64_t time_of_day = fixed_shape_time_of_day(text);
  if (time_of_day < 0) return false;
  // The date through a one-entry cache: a batch's events mostly share their day.
  const char* p = text.data();
  uint64_t head = 0;
  uint16_t tail = 0;
  std::memcpy(&head, p, 8);
  std::memcpy(&tail, p + 8, 2);
  if (!have_cached_date_ || head != cached_head_ || tail != cached_tail_) {
    if (p[4] != '-' || p[7] != '-' || two_digits(p) < 0 || two_digits(p + 2) < 0) return false;
    const auto parsed = parse_date_days(text.substr(0, 10));
    if (!parsed) return false;
    cached_head_ = head;
    cached_tail_ = tail;
    cached_days_ = *parsed;
    have_cached_date_ = true;
  }
  *micros = cached_days_ * kMicrosPerDay + time_of_day;
  return true;
}

template <bool kLines>
bool DirectScanner::skip_scalar() {
  if (p_ == end_) return false;
  std::string_view text;
  switch (*p_) {
    case '"':
      return plain_string(&text);
    case 't':
      return literal("true", 4);
    case 'f':
      return literal("false", 5);
    case 'n':
      return literal("null", 4);
    default:
      // Objects and arrays in unknown members are left to the on-demand path (it checks
      // their depth); so are malformed tokens.
      return number_token(&text) && is_json_number(text);
  }
}

template <bool kLines>
bool DirectScanner::object_members(TypePlan& plan, const std::vector<ColumnPtr>& columns,
                                   int depth) {
  // p_ is just past the '{'.
  const size_t n = plan.children.size();
  uint64_t seen = 0;
  size_t expected = 0;
  skip_ws<kLines>();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
  } else {
    while (true) {
      size_t i = n;
      // Members in schema order and compact form (the common case): one 16-byte compare
      // covers the quotes, the key and the colon.
      if (expected < n && end_ - p_ >= 16 && plan.children[expected].matches_member(p_)) {
        i = expected;
        p_ += plan.children[i].name.size() + 3;
      } else {
        if (p_ == end_ || *p_ != '"') return false;
        if (expected < n && end_ - p_ >= 17 && plan.children[expected].mask[0] != 0 &&
            plan.children[expected].matches_raw(p_ + 1)) {
          i = expected;
          p_ += plan.children[i].name.size() + 2;
        } else {
          std::string_view name;
          if (!plain_string(&name)) return false;  // escaped keys: on-demand unescapes them
          const auto it = plan.index.find(name);
          if (it != plan.index.end()) {
            i = it->second;
          } else {
            unknown_name_ = name;  // kept aside, so the in-order path carries nothing extra
          }
        }
        skip_ws<kLines>();
        if (p_ == end_ || *p_ != ':') return false;
        ++p_;
      }
      skip_ws<kLines>();
      if (i == n) {
        const char* const start = p_;
        if (!skip_scalar<kLines>()) return false;
        if (rescue_) {
          // Paths below the top level are the on-demand path's business.
          if (depth != 1) return false;
          add_rescued(unknown_name_, {start, static_cast<size_t>(p_ - start)});
        }
      } else {
        const uint64_t bit = uint64_t{1} << i;
        if ((seen & bit) != 0) return false;  // duplicate: rejected by the on-demand path
        seen |= bit;
        expected = i + 1;
        const ChildPlan& child = plan.children[i];
        if (!value<kLines>(*child.plan, child.nullable, *columns[i], depth + 1)) return false;
      }
      skip_ws<kLines>();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        skip_ws<kLines>();
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      break;
    }
  }
  const uint64_t all = n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  if (seen != all) {
    for (size_t i = 0; i < n; ++i) {
      if ((seen >> i) & 1) continue;
      if (!plan.children[i].nullable) return false;  // missing: the on-demand path rejects it
      put_null(*columns[i]);
    }
  }
  return true;
}

template <bool kLines>
[[gnu::always_inline]] inline bool DirectScanner::value(TypePlan& plan, bool nullable,
                                                        Column& column, int depth) {
  if (p_ == end_) return false;
  const char c = *p_;
  if (c == 'n') {
    if (!nullable || !literal("null", 4)) return false;
    put_null(column);
    return true;
  }
  std::string_view text;
  switch (plan.id) {
    case TypeId::kString:
      // Other JSON kinds keep their text; the on-demand path does that (and checks depth).
      if (c != '"' || !plain_string(&text)) return false;
      put_string(column, text, end_);
      return true;
    case TypeId::kBoolean:
      if (literal("true", 4)) {
        put_fixed<uint8_t>(column, 1);
        return true;
      }
      if (literal("false", 5)) {
        put_fixed<uint8_t>(column, 0);
        return true;
      }
      return false;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t v = 0;
      int digits = 0;
      if (!integer_token(&v, &digits)) return false;
      switch (plan.id) {
        case TypeId::kByte:
          if (v < INT8_MIN || v > INT8_MAX) return false;
          put_fixed(column, static_cast<int8_t>(v));
          break;
        case TypeId::kShort:
          if (v < INT16_MIN || v > INT16_MAX) return false;
          put_fixed(column, static_cast<int16_t>(v));
          break;
        case TypeId::kInt:
          if (v < INT32_MIN || v > INT32_MAX) return false;
          put_fixed(column, static_cast<int32_t>(v));
          break;
        default:
          put_fixed(column, v);
          break;
      }
      return true;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d = 0;
      if (!short_double(&d)) {
        // Plain decimal notation only (no exponent, so never out of range): correctly rounded
        // by from_chars exactly as simdjson rounds it. Floats go through double, as there.
        if (!number_token(&text) || !is_json_number(text)) return false;
        for (const char ch : text) {
          if (ch == 'e' || ch == 'E') return false;
        }
        const char* first = text.data();
        const auto r = std::from_chars(first, first + text.size(), d);
        if (r.ec != std::errc() || r.ptr != first + text.size()) return false;
      }
      if (plan.id == TypeId::kFloat) {
        if (std::fabs(d) > FLT_MAX) return false;
        put_fixed(column, static_cast<float>(d));
      } else {
        put_fixed(column, d);
      }
      return true;
    }
    case TypeId::kDecimal: {
      if (c == '"') {
        if (!plain_string(&text)) return false;
      } else {
        // Up to 18 digits with no more fraction digits than the scale: exact as an integer
        // times a power of ten; anything else (rounding, exponents, range) parse_decimal decides.
        ShortNumber n;
        if (short_number(&n) && n.frac_digits <= plan.scale &&
            n.int_digits + plan.scale <= plan.precision) {
          const auto v = static_cast<int128_t>(n.digits) * pow10_i128(plan.scale - n.frac_digits);
          put_fixed(column, n.negative ? -v : v);
          p_ = n.end;
          return true;
        }
        if (!number_token(&text) || !is_json_number(text)) return false;
      }
      const auto unscaled = parse_decimal(text, plan.precision, plan.scale);
      if (!unscaled) return false;
      put_fixed(column, *unscaled);
      return true;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      if (c != '"') return false;  // numbers: the on-demand path
      int64_t micros = 0;
      // yyyy-MM-ddTHH:mm:ss.SSSZ between quotes: fixed_timestamp checks every one of those 24
      // bytes against its expected character, so no string scan is needed first.
      if (end_ - p_ >= 26 && p_[25] == '"' && fixed_timestamp({p_ + 1, 24}, &micros)) {
        p_ += 26;
        put_fixed(column, micros);
        return true;
      }
      if (!plain_string(&text)) return false;
      if (!fixed_timestamp(text, &micros)) {
        const auto parsed = parse_timestamp_micros(text);
        if (!parsed) return false;
        micros = *parsed;
      }
      put_fixed(column, micros);
      return true;
    }
    case TypeId::kDate: {
      if (c != '"' || !plain_string(&text)) return false;
      const auto days = parse_date_days(text);
      if (!days) return false;
      put_fixed(column, *days);
      return true;
    }
    case TypeId::kBinary:
      if (c != '"' || !plain_string(&text) || !decode_base64(text, &binary_)) return false;
      put_string(column, binary_, binary_.data() + binary_.size());
      return true;
    case TypeId::kStruct:
      if (c != '{' || depth > max_depth_ || depth > kParserDepthLimit) return false;
      ++p_;
      column.append_struct_valid();
      return object_members<kLines>(plan, column.children(), depth);
    case TypeId::kArray:
      if (c != '[' || depth > max_depth_ || depth > kParserDepthLimit) return false;
      ++p_;
      return array_elements<kLines>(plan, column, depth);
    case TypeId::kMap:
      if (c != '{' || depth > max_depth_ || depth > kParserDepthLimit) return false;
      ++p_;
      return map_entries<kLines>(plan, column, depth);
    case TypeId::kNull:  // only null fits a void field (the on-demand path says why)
      return false;
  }
  return false;
}

template <bool kLines, typename Item>
bool DirectScanner::comma_separated(char close, Item&& item) {
  skip_ws<kLines>();
  if (p_ < end_ && *p_ == close) {
    ++p_;
    return true;
  }
  while (true) {
    if (!item()) return false;
    skip_ws<kLines>();
    if (p_ == end_) return false;
    if (*p_ == ',') {
      ++p_;
      skip_ws<kLines>();
      continue;
    }
    if (*p_ != close) return false;
    ++p_;
    return true;
  }
}

template <bool kLines>
bool DirectScanner::array_elements(TypePlan& plan, Column& column, int depth) {
  // p_ is just past the '['. A failure leaves elements behind; the caller's truncate of the
  // record's columns removes them (an unfinished list row's elements go with it).
  Column& elements = column.mutable_child(0);
  const bool closed = comma_separated<kLines>(']', [&] {
    return value<kLines>(*plan.element, plan.element_nullable, elements, depth + 1);
  });
  if (!closed) return false;
  column.append_list_end();
  return true;
}

template <bool kLines>
bool DirectScanner::map_entries(TypePlan& plan, Column& column, int depth) {
  // p_ is just past the '{'. Keys are kept as given, duplicates included.
  Column& keys = column.mutable_child(0);
  Column& values = column.mutable_child(1);
  const bool closed = comma_separated<kLines>('}', [&] {
    std::string_view key;
    if (p_ == end_ || *p_ != '"' || !plain_string(&key)) return false;
    skip_ws<kLines>();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    skip_ws<kLines>();
    put_string(keys, key, end_);
    return value<kLines>(*plan.element, plan.element_nullable, values, depth + 1);
  });
  if (!closed) return false;
  column.append_list_end();
  return true;
}

}  // namespace lakestream::json_internal
