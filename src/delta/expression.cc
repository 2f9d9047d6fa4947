#include "lakestream/delta/expression.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

/// a / b rounded toward negative infinity (b > 0), without overflow for any a.
int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// a * b, or nullopt when it does not fit 64 bits.
std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// A double as float, infinite beyond float's range (a plain cast would be undefined there).
float to_float(double d) {
  if (d > std::numeric_limits<float>::max()) return std::numeric_limits<float>::infinity();
  if (d < -std::numeric_limits<float>::max()) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(d);
}

enum class Op : uint8_t {
  kLiteral,
  kColumn,
  kNot,
  kNeg,
  kAnd,
  kOr,
  kEq,
  kNullSafeEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kConcatOp,
  kIsNull,
  kIsNotNull,
  kIn,
  kBetween,
  kLike,
  kCast,
  kFunc,
};

enum class Fn : uint8_t {
  kNone,
  kLength,
  kLower,
  kUpper,
  kTrim,
  kAbs,
  kCoalesce,
  kConcat,
  kSubstring,
  kYear,
  kMonth,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kToDate,
  kDateFormat,
  kIsNull,
  kIsNotNull,
};

struct FnInfo {
  const char* name;
  Fn fn;
  int min_args;
  int max_args;  ///< -1: any
};

constexpr FnInfo kFunctions[] = {
    {"length", Fn::kLength, 1, 1},
    {"char_length", Fn::kLength, 1, 1},
    {"character_length", Fn::kLength, 1, 1},
    {"lower", Fn::kLower, 1, 1},
    {"lcase", Fn::kLower, 1, 1},
    {"upper", Fn::kUpper, 1, 1},
    {"ucase", Fn::kUpper, 1, 1},
    {"trim", Fn::kTrim, 1, 1},
    {"abs", Fn::kAbs, 1, 1},
    {"coalesce", Fn::kCoalesce, 1, -1},
    {"concat", Fn::kConcat, 1, -1},
    {"substring", Fn::kSubstring, 2, 3},
    {"substr", Fn::kSubstring, 2, 3},
    {"year", Fn::kYear, 1, 1},
    {"month", Fn::kMonth, 1, 1},
    {"day", Fn::kDay, 1, 1},
    {"dayofmonth", Fn::kDay, 1, 1},
    {"hour", Fn::kHour, 1, 1},
    {"minute", Fn::kMinute, 1, 1},
    {"second", Fn::kSecond, 1, 1},
    {"to_date", Fn::kToDate, 1, 2},
    {"date_format", Fn::kDateFormat, 2, 2},
    {"isnull", Fn::kIsNull, 1, 1},
    {"isnotnull", Fn::kIsNotNull, 1, 1},
};

using Kind = SqlValue::Kind;

}  // namespace

struct SqlExpression::Node {
  Op op = Op::kLiteral;
  Fn fn = Fn::kNone;
  bool negated = false;  ///< NOT IN, NOT BETWEEN, NOT LIKE
  std::vector<int> args;
  SqlValue literal;
  std::vector<std::string> path;  ///< a column reference as written
  std::vector<size_t> indices;    ///< its bound position: top-level column, then struct members
  TypeId column_type = TypeId::kString;
  TypeId cast_to = TypeId::kString;
  int cast_scale = -1;  ///< decimal(p, s): s
};

namespace {

using Node = SqlExpression::Node;

// ---------------------------------------------------------------------------------------------
// Values

std::string date_text(int64_t days) { return format_date_days(static_cast<int32_t>(days)); }

std::string double_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.1f", d);
    return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  // The shortest text that reads back as the same double.
  for (int p = 1; p <= 17; ++p) {
    char shorter[40];
    std::snprintf(shorter, sizeof(shorter), "%.*g", p, d);
    if (std::strtod(shorter, nullptr) == d) return shorter;
  }
  return buf;
}

std::string number_text(double d, int scale);

/// CAST(v AS STRING).
void to_text(const SqlValue& v, std::string* out) {
  switch (v.kind) {
    case Kind::kNull:
      out->clear();
      return;
    case Kind::kBool:
      *out = v.i ? "true" : "false";
      return;
    case Kind::kInt:
      *out = std::to_string(v.i);
      return;
    case Kind::kDouble:
      *out = number_text(v.d, v.scale);
      return;
    case Kind::kString:
      if (out != &v.s) *out = v.s;
      return;
    case Kind::kDate:
      *out = date_text(v.i);
      return;
    case Kind::kTimestamp:
      *out = format_timestamp_micros(v.i);
      return;
  }
}

void set_null(SqlValue* v) { v->kind = Kind::kNull; }
void set_bool(SqlValue* v, bool b) {
  v->kind = Kind::kBool;
  v->i = b ? 1 : 0;
}
void set_int(SqlValue* v, int64_t i) {
  v->kind = Kind::kInt;
  v->i = i;
}
void set_double(SqlValue* v, double d, int scale = -1) {
  v->kind = Kind::kDouble;
  v->d = d;
  v->scale = scale;
}

/// A double's text: a decimal's with its scale's digits (as Spark prints decimals).
std::string number_text(double d, int scale) {
  if (scale < 0 || std::isnan(d) || std::isinf(d)) return double_text(d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", scale, d);
  return buf;
}

bool is_numeric(Kind k) { return k == Kind::kInt || k == Kind::kDouble; }
double as_double(const SqlValue& v) {
  return v.kind == Kind::kInt ? static_cast<double>(v.i) : v.d;
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<int32_t> text_to_date(std::string_view s) {
  s = trim_view(s);
  // Spark's CAST to DATE takes the date part of a timestamp text.
  if (s.size() > 10 && (s[10] == ' ' || s[10] == 'T')) s = s.substr(0, 10);
  return parse_date_days(s);
}

std::optional<int64_t> text_to_timestamp(std::string_view s) {
  return parse_timestamp_micros(trim_view(s));
}

std::optional<double> text_to_double(std::string_view s) {
  s = trim_view(s);
  if (s.empty()) return std::nullopt;
  std::string buf(s);
  char* end = nullptr;
  const double d = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return std::nullopt;
  return d;
}

/// CAST(v AS <to>) into `out` (which may be `v` itself).
void cast_value(const SqlValue& v, TypeId to, int scale, SqlValue* out) {
  if (v.is_null()) {
    set_null(out);
    return;
  }
  switch (to) {
    case TypeId::kString:
    case TypeId::kBinary:
      to_text(v, &out->s);
      out->kind = Kind::kString;
      return;
    case TypeId::kBoolean:
      if (v.kind == Kind::kBool) {
        set_bool(out, v.i != 0);
      } else if (is_numeric(v.kind)) {
        set_bool(out, as_double(v) != 0);
      } else if (v.kind == Kind::kString) {
        auto b = parse_bool_text(trim_view(v.s));
        if (b) {
          set_bool(out, *b);
        } else {
          set_null(out);
        }
      } else {
        set_null(out);
      }
      return;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t i = 0;
      if (v.kind == Kind::kInt || v.kind == Kind::kBool) {
        i = v.i;
      } else if (v.kind == Kind::kDouble) {
        if (std::isnan(v.d)) {
          i = 0;
        } else if (v.d >= 9.2e18 || v.d <= -9.2e18) {
          set_null(out);
          return;
        } else {
          i = static_cast<int64_t>(v.d);  // truncates toward zero, as Spark
        }
      } else if (v.kind == Kind::kString) {
        auto d = text_to_double(v.s);
        if (!d || std::isnan(*d) || *d >= 9.2e18 || *d <= -9.2e18) {
          set_null(out);
          return;
        }
        i = static_cast<int64_t>(*d);
      } else if (v.kind == Kind::kTimestamp) {
        i = floor_div(v.i, 1000000);  // seconds, floored
      } else {
        set_null(out);
        return;
      }
      // Narrow types wrap, as Spark's (non-ANSI) casts do.
      if (to == TypeId::kByte) i = static_cast<int8_t>(i);
      if (to == TypeId::kShort) i = static_cast<int16_t>(i);
      if (to == TypeId::kInt) i = static_cast<int32_t>(i);
      set_int(out, i);
      return;
    }
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal: {
      double d = 0;
      if (is_numeric(v.kind) || v.kind == Kind::kBool) {
        d = v.kind == Kind::kDouble ? v.d : static_cast<double>(v.i);
      } else if (v.kind == Kind::kString) {
        auto parsed = text_to_double(v.s);
        if (!parsed) {
          set_null(out);
          return;
        }
        d = *parsed;
      } else {
        set_null(out);
        return;
      }
      if (to == TypeId::kFloat) d = to_float(d);
      if (to == TypeId::kDecimal && scale >= 0) {
        const double f = std::pow(10.0, scale);
        d = std::round(d * f) / f;  // HALF_UP away from zero, as Spark's decimal casts
      }
      set_double(out, d, to == TypeId::kDecimal ? scale : -1);
      return;
    }
    case TypeId::kDate: {
      if (v.kind == Kind::kDate) {
        out->kind = Kind::kDate;
        out->i = v.i;
      } else if (v.kind == Kind::kTimestamp) {
        const int64_t us = v.i;
        out->kind = Kind::kDate;
        out->i = floor_div(us, kMicrosPerDay);
      } else if (v.kind == Kind::kString) {
        auto d = text_to_date(v.s);
        if (!d) {
          set_null(out);
          return;
        }
        out->kind = Kind::kDate;
        out->i = *d;
      } else {
        set_null(out);
      }
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      if (v.kind == Kind::kTimestamp) {
        out->kind = Kind::kTimestamp;
        out->i = v.i;
      } else if (v.kind == Kind::kDate) {
        auto micros = checked_mul(v.i, kMicrosPerDay);
        if (!micros) {
          set_null(out);
          return;
        }
        out->kind = Kind::kTimestamp;
        out->i = *micros;
      } else if (v.kind == Kind::kString) {
        auto t = text_to_timestamp(v.s);
        if (!t) {
          set_null(out);
          return;
        }
        out->kind = Kind::kTimestamp;
        out->i = *t;
      } else if (v.kind == Kind::kInt) {
        auto micros = checked_mul(v.i, 1000000);
        if (!micros) {
          set_null(out);
          return;
        }
        out->kind = Kind::kTimestamp;
        out->i = *micros;
      } else if (v.kind == Kind::kDouble) {
        const double micros = v.d * 1e6;
        if (!(micros > -9.2e18 && micros < 9.2e18)) {  // NaN too
          set_null(out);
          return;
        }
        out->kind = Kind::kTimestamp;
        out->i = static_cast<int64_t>(micros);
      } else {
        set_null(out);
      }
      return;
    }
    default:
      set_null(out);
      return;
  }
}

/// Compare two non-null values: -1, 0, 1, or nullopt when they do not compare.
std::optional<int> compare_values(const SqlValue& a, const SqlValue& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.kind == b.kind) {
    switch (a.kind) {
      case Kind::kDouble:
        return sign(a.d, b.d);
      case Kind::kString:
        return sign(std::string_view(a.s), std::string_view(b.s));
      default:
        return sign(a.i, b.i);
    }
  }
  if (is_numeric(a.kind) && is_numeric(b.kind)) return sign(as_double(a), as_double(b));
  // Dates meet timestamps at midnight; strings are cast to the other side's type, as Spark's
  // implicit casts do.
  const bool a_time = a.kind == Kind::kDate || a.kind == Kind::kTimestamp;
  const bool b_time = b.kind == Kind::kDate || b.kind == Kind::kTimestamp;
  if (a_time && b_time) {
    // In 128 bits: a far date times the day's microseconds does not fit 64.
    const int128_t x = a.kind == Kind::kDate ? static_cast<int128_t>(a.i) * kMicrosPerDay : a.i;
    const int128_t y = b.kind == Kind::kDate ? static_cast<int128_t>(b.i) * kMicrosPerDay : b.i;
    return sign(x, y);
  }
  if (a.kind == Kind::kString || b.kind == Kind::kString) {
    const bool a_str = a.kind == Kind::kString;
    const SqlValue& str = a_str ? a : b;
    const SqlValue& other = a_str ? b : a;
    SqlValue converted;
    TypeId to = TypeId::kDouble;
    if (other.kind == Kind::kDate) to = TypeId::kDate;
    if (other.kind == Kind::kTimestamp) to = TypeId::kTimestamp;
    if (other.kind == Kind::kBool) to = TypeId::kBoolean;
    cast_value(str, to, -1, &converted);
    if (converted.is_null()) return std::nullopt;
    auto c = a_str ? compare_values(converted, other) : compare_values(other, converted);
    return c;
  }
  return std::nullopt;
}

/// Number of UTF-8 characters.
int64_t utf8_length(std::string_view s) {
  int64_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// Byte offset of character `ch` (0-based) in `s`, clamped to s.size().
size_t utf8_offset(std::string_view s, int64_t ch) {
  size_t i = 0;
  int64_t seen = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == ch) return i;
      ++seen;
    }
    ++i;
  }
  return s.size();
}

/// SQL LIKE with % and _ (one character) and \ escaping the next pattern character.
bool like_match(std::string_view text, std::string_view pattern) {
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  auto char_len = [&](size_t at) {
    size_t n = 1;
    while (at + n < text.size() && (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80) ++n;
    return n;
  };
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      if (pattern[p] == '_') {
        t += char_len(t);
        ++p;
        continue;
      }
      char want = pattern[p];
      size_t plen = 1;
      if (want == '\\' && p + 1 < pattern.size()) {
        want = pattern[p + 1];
        plen = 2;
      }
      if (text[t] == want) {
        ++t;
        p += plen;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = star_t + char_len(star_t);
    star_t = t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

/// date_format's pattern letters (Spark's datetime patterns): y, M, d, H, m, s, S.
bool format_pattern_supported(std::string_view fmt, std::string* bad) {
  bool quoted = false;
  for (const char c : fmt) {
    if (c == '\'') {
      quoted = !quoted;
      continue;
    }
    if (quoted) continue;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (std::strchr("yMdHmsS", c) == nullptr) {
        *bad = std::string(1, c);
        return false;
      }
    }
  }
  return true;
}

void pad(std::string* out, int64_t v, size_t width) {
  std::string digits =
      std::to_string(v < 0 ? 0ULL - static_cast<uint64_t>(v) : static_cast<uint64_t>(v));
  if (v < 0) out->push_back('-');
  for (size_t i = digits.size(); i < width; ++i) out->push_back('0');
  out->append(digits);
}

void format_datetime(int64_t micros, std::string_view fmt, std::string* out) {
  const int64_t day = floor_div(micros, kMicrosPerDay);
  int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) in_day += kMicrosPerDay;
  int64_t year = 0;
  int month = 0, dom = 0;
  civil_from_days(static_cast<int32_t>(day), &year, &month, &dom);
  const int64_t hour = in_day / 3600000000LL;
  const int64_t minute = in_day / 60000000LL % 60;
  const int64_t second = in_day / 1000000 % 60;
  const int64_t micro = in_day % 1000000;
  out->clear();
  size_t i = 0;
  while (i < fmt.size()) {
    const char c = fmt[i];
    if (c == '\'') {
      size_t j = i + 1;
      while (j < fmt.size() && fmt[j] != '\'') out->push_back(fmt[j++]);
      if (j == i + 1 && j < fmt.size()) out->push_back('\'');  // '' is a quote
      i = j + 1;
      continue;
    }
    size_t run = 1;
    while (i + run < fmt.size() && fmt[i + run] == c) ++run;
    switch (c) {
      case 'y':
        if (run == 2) {
          pad(out, year % 100, 2);
        } else {
          pad(out, year, run);
        }
        break;
      case 'M':
        pad(out, month, run);
        break;
      case 'd':
        pad(out, dom, run);
        break;
      case 'H':
        pad(out, hour, run);
        break;
      case 'm':
        pad(out, minute, run);
        break;
      case 's':
        pad(out, second, run);
        break;
      case 'S': {
        std::string frac;
        pad(&frac, micro, 6);
        for (size_t k = 0; k < run; ++k) out->push_back(k < frac.size() ? frac[k] : '0');
        break;
      }
      default:
        out->append(run, c);
    }
    i += run;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct Token {
  enum Type : uint8_t { kEnd, kIdent, kQuotedIdent, kNumber, kString, kSymbol } type = kEnd;
  std::string text;
  size_t pos = 0;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Parser {
 public:
  Parser(std::string_view text, std::vector<Node>* nodes) : text_(text), nodes_(nodes) {}

  Result<int> parse_all() {
    LS_RETURN_NOT_OK(tokenize());
    LS_ASSIGN_OR_RAISE(int root, parse_or());
    if (peek().type != Token::kEnd) return expected("the end of the expression");
    return root;
  }

 private:
  Status error(const std::string& what, size_t pos) const {
    return Status::InvalidArgument("cannot parse the SQL expression '" + std::string(text_) +
                                   "' at position " + std::to_string(pos + 1) + ": " + what);
  }
  Status expected(const std::string& what) const {
    const Token& t = peek();
    return error("expected " + what + ", found " +
                     (t.type == Token::kEnd ? std::string("the end") : "'" + t.text + "'"),
                 t.pos);
  }
  Status unsupported(const std::string& what) const {
    return Status::NotImplemented("the SQL expression '" + std::string(text_) + "' uses " + what +
                                  ", which lakestream's expression evaluator does not support");
  }

  Status tokenize() {
    size_t i = 0;
    const std::string_view s = text_;
    while (i < s.size()) {
      const char c = s[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.pos = i;
      if (ident_start(c)) {
        size_t j = i;
        while (j < s.size() && ident_char(s[j])) ++j;
        t.type = Token::kIdent;
        t.text = std::string(s.substr(i, j - i));
        i = j;
      } else if (c == '`') {
        size_t j = i + 1;
        while (true) {
          if (j >= s.size()) return error("unterminated `quoted` name", i);
          if (s[j] == '`') {
            if (j + 1 < s.size() && s[j + 1] == '`') {
              t.text.push_back('`');
              j += 2;
              continue;
            }
            break;
          }
          t.text.push_back(s[j++]);
        }
        t.type = Token::kQuotedIdent;
        i = j + 1;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && i + 1 < s.size() &&
                  std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
        size_t j = i;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        if (j < s.size() && s[j] == '.') {
          ++j;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
        if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
          size_t k = j + 1;
          if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
          if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
            while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
            j = k;
          }
        }
        // Spark's literal suffixes: 10L, 1.5D, 2.0BD, 3S, 4Y.
        size_t k = j;
        if (k < s.size()) {
          if ((s[k] == 'B' || s[k] == 'b') && k + 1 < s.size() &&
              (s[k + 1] == 'D' || s[k + 1] == 'd')) {
            k += 2;
          } else if (s[k] != '\0' && std::strchr("LlDdSsYy", s[k]) != nullptr) {
            k += 1;
          }
        }
        if (k < s.size() && ident_char(s[k])) return error("malformed number", i);
        t.type = Token::kNumber;
        t.text = std::string(s.substr(i, k - i));
        i = k;
      } else if (c == '\'' || c == '"') {
        size_t j = i + 1;
        while (true) {
          if (j >= s.size()) return error("unterminated string literal", i);
          if (s[j] == '\\' && j + 1 < s.size()) {
            const char e = s[j + 1];
            t.text.push_back(e == 'n'   ? '\n'
                             : e == 't' ? '\t'
                             : e == 'r' ? '\r'
                             : e == '0' ? '\0'
                                        : e);
            j += 2;
            continue;
          }
          if (s[j] == c) {
            if (j + 1 < s.size() && s[j + 1] == c) {
              t.text.push_back(c);
              j += 2;
              continue;
            }
            break;
          }
          t.text.push_back(s[j++]);
        }
        t.type = Token::kString;
        i = j + 1;
      } else {
        static const char* const kSymbols[] = {"<=>", "<=", ">=", "<>", "!=", "==", "||",
                                               "=",   "<",  ">",  "+",  "-",  "*",  "/",
                                               "%",   "(",  ")",  ",",  "."};
        bool found = false;
        for (const char* sym : kSymbols) {
          const size_t n = std::strlen(sym);
          if (s.substr(i, n) == sym) {
            t.type = Token::kSymbol;
            t.text = sym;
            i += n;
            found = true;
            break;
          }
        }
        if (!found) return error("unexpected character '" + std::string(1, c) + "'", i);
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.pos = s.size();
    tokens_.push_back(end);
    return Status::OK();
  }

  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool is_keyword(const Token& t, std::string_view kw) const {
    return t.type == Token::kIdent && to_lower_ascii(t.text) == kw;
  }
  bool accept_keyword(std::string_view kw) {
    if (!is_keyword(peek(), kw)) return false;
    ++pos_;
    return true;
  }
  bool accept_symbol(std::string_view sym) {
    if (peek().type != Token::kSymbol || peek().text != sym) return false;
    ++pos_;
    return true;
  }
  Status expect_symbol(std::string_view sym) {
    if (!accept_symbol(sym)) return expected("'" + std::string(sym) + "'");
    return Status::OK();
  }

  int add(Node n) {
    nodes_->push_back(std::move(n));
    return static_cast<int>(nodes_->size()) - 1;
  }
  int add_op(Op op, std::vector<int> args) {
    Node n;
    n.op = op;
    n.args = std::move(args);
    return add(std::move(n));
  }

  /// Nesting (parentheses, NOT, unary minus, arguments) deeper than this is refused: the parser
  /// and the evaluator recurse, and the text comes from a table's log.
  static constexpr int kMaxDepth = 200;

  struct DepthGuard {
    explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
    ~DepthGuard() { --*depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int* depth_;
  };

  Status check_depth() const {
    if (depth_ <= kMaxDepth) return Status::OK();
    return error("nested deeper than " + std::to_string(kMaxDepth) + " levels", peek().pos);
  }

  Result<int> parse_or() {
    DepthGuard guard(&depth_);
    LS_RETURN_NOT_OK(check_depth());
    LS_ASSIGN_OR_RAISE(int left, parse_and());
    while (accept_keyword("or")) {
      LS_ASSIGN_OR_RAISE(int right, parse_and());
      left = add_op(Op::kOr, {left, right});
    }
    return left;
  }
  Result<int> parse_and() {
    LS_ASSIGN_OR_RAISE(int left, parse_not());
    while (accept_keyword("and")) {
      LS_ASSIGN_OR_RAISE(int right, parse_not());
      left = add_op(Op::kAnd, {left, right});
    }
    return left;
  }
  Result<int> parse_not() {
    DepthGuard guard(&depth_);
    LS_RETURN_NOT_OK(check_depth());
    if (accept_keyword("not")) {
      LS_ASSIGN_OR_RAISE(int inner, parse_not());
      return add_op(Op::kNot, {inner});
    }
    return parse_predicate();
  }
  Result<int> parse_predicate() {
    LS_ASSIGN_OR_RAISE(int left, parse_additive());
    while (true) {
      const Token& t = peek();
      if (t.type == Token::kSymbol) {
        Op op;
        if (t.text == "=" || t.text == "==") {
          op = Op::kEq;
        } else if (t.text == "<=>") {
          op = Op::kNullSafeEq;
        } else if (t.text == "!=" || t.text == "<>") {
          op = Op::kNe;
        } else if (t.text == "<") {
          op = Op::kLt;
        } else if (t.text == "<=") {
          op = Op::kLe;
        } else if (t.text == ">") {
          op = Op::kGt;
        } else if (t.text == ">=") {
          op = Op::kGe;
        } else {
          return left;
        }
        ++pos_;
        LS_ASSIGN_OR_RAISE(int right, parse_additive());
        left = add_op(op, {left, right});
        continue;
      }
      if (accept_keyword("is")) {
        const bool neg = accept_keyword("not");
        if (!accept_keyword("null")) {
          if (is_keyword(peek(), "true") || is_keyword(peek(), "false") ||
              is_keyword(peek(), "distinct") || is_keyword(peek(), "unknown")) {
            return unsupported("IS " + to_upper(peek().text));
          }
          return expected("NULL after IS");
        }
        left = add_op(neg ? Op::kIsNotNull : Op::kIsNull, {left});
        continue;
      }
      bool neg = false;
      if (is_keyword(t, "not") && (is_keyword(peek(1), "in") || is_keyword(peek(1), "between") ||
                                   is_keyword(peek(1), "like"))) {
        ++pos_;
        neg = true;
      }
      if (accept_keyword("in")) {
        LS_RETURN_NOT_OK(expect_symbol("("));
        std::vector<int> args{left};
        if (is_keyword(peek(), "select")) return unsupported("a subquery");
        do {
          LS_ASSIGN_OR_RAISE(int item, parse_or());
          args.push_back(item);
        } while (accept_symbol(","));
        LS_RETURN_NOT_OK(expect_symbol(")"));
        left = add_op(Op::kIn, std::move(args));
        (*nodes_)[static_cast<size_t>(left)].negated = neg;
        continue;
      }
      if (accept_keyword("between")) {
        LS_ASSIGN_OR_RAISE(int lo, parse_additive());
        if (!accept_keyword("and")) return expected("AND in BETWEEN");
        LS_ASSIGN_OR_RAISE(int hi, parse_additive());
        left = add_op(Op::kBetween, {left, lo, hi});
        (*nodes_)[static_cast<size_t>(left)].negated = neg;
        continue;
      }
      if (accept_keyword("like")) {
        LS_ASSIGN_OR_RAISE(int pattern, parse_additive());
        if (is_keyword(peek(), "escape")) return unsupported("LIKE ... ESCAPE");
        left = add_op(Op::kLike, {left, pattern});
        (*nodes_)[static_cast<size_t>(left)].negated = neg;
        continue;
      }
      if (is_keyword(t, "rlike") || is_keyword(t, "regexp") || is_keyword(t, "ilike")) {
        return unsupported(to_upper(t.text));
      }
      return left;
    }
  }
  static std::string to_upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  Result<int> parse_additive() {
    LS_ASSIGN_OR_RAISE(int left, parse_multiplicative());
    while (true) {
      Op op;
      if (accept_symbol("+")) {
        op = Op::kAdd;
      } else if (accept_symbol("-")) {
        op = Op::kSub;
      } else if (accept_symbol("||")) {
        op = Op::kConcatOp;
      } else {
        return left;
      }
      LS_ASSIGN_OR_RAISE(int right, parse_multiplicative());
      left = add_op(op, {left, right});
    }
  }
  Result<int> parse_multiplicative() {
    LS_ASSIGN_OR_RAISE(int left, parse_unary());
    while (true) {
      Op op;
      if (accept_symbol("*")) {
        op = Op::kMul;
      } else if (accept_symbol("/")) {
        op = Op::kDiv;
      } else if (accept_symbol("%")) {
        op = Op::kMod;
      } else if (is_keyword(peek(), "div")) {
        return unsupported("DIV");
      } else {
        return left;
      }
      LS_ASSIGN_OR_RAISE(int right, parse_unary());
      left = add_op(op, {left, right});
    }
  }
  Result<int> parse_unary() {
    DepthGuard guard(&depth_);
    LS_RETURN_NOT_OK(check_depth());
    if (accept_symbol("-")) {
      // A negative number literal stays a literal (so -9223372036854775808 fits).
      if (peek().type == Token::kNumber) {
        LS_ASSIGN_OR_RAISE(int lit, parse_number(true));
        return lit;
      }
      LS_ASSIGN_OR_RAISE(int inner, parse_unary());
      return add_op(Op::kNeg, {inner});
    }
    if (accept_symbol("+")) return parse_unary();
    return parse_primary();
  }

  Result<int> parse_number(bool negative) {
    const Token t = peek();
    ++pos_;
    std::string digits = (negative ? "-" : "") + t.text;
    Node n;
    n.op = Op::kLiteral;
    char suffix = 0;
    if (!digits.empty() && std::isalpha(static_cast<unsigned char>(digits.back()))) {
      suffix = static_cast<char>(std::toupper(static_cast<unsigned char>(digits.back())));
      digits.pop_back();
      if (suffix == 'D' && !digits.empty() && (digits.back() == 'B' || digits.back() == 'b')) {
        digits.pop_back();
        suffix = 'B';  // BD: decimal
      }
    }
    const bool fractional = digits.find_first_of(".eE") != std::string::npos;
    if (!fractional && suffix != 'D' && suffix != 'B') {
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(digits.c_str(), &end, 10);
      if (errno == ERANGE) {
        // Spark reads an integer literal past bigint as a decimal.
        set_double(&n.literal, std::strtod(digits.c_str(), nullptr));
      } else {
        set_int(&n.literal, v);
      }
    } else {
      set_double(&n.literal, std::strtod(digits.c_str(), nullptr));
    }
    return add(std::move(n));
  }

  Result<std::pair<TypeId, int>> parse_type() {
    const Token t = peek();
    if (t.type != Token::kIdent) return expected("a type name");
    ++pos_;
    const std::string name = to_lower_ascii(t.text);
    int scale = -1;
    TypeId id;
    if (name == "string" || name == "varchar" || name == "char") {
      id = TypeId::kString;
    } else if (name == "boolean" || name == "bool") {
      id = TypeId::kBoolean;
    } else if (name == "tinyint" || name == "byte") {
      id = TypeId::kByte;
    } else if (name == "smallint" || name == "short") {
      id = TypeId::kShort;
    } else if (name == "int" || name == "integer") {
      id = TypeId::kInt;
    } else if (name == "bigint" || name == "long") {
      id = TypeId::kLong;
    } else if (name == "float" || name == "real") {
      id = TypeId::kFloat;
    } else if (name == "double") {
      id = TypeId::kDouble;
    } else if (name == "decimal" || name == "dec" || name == "numeric") {
      id = TypeId::kDecimal;
      scale = 0;
    } else if (name == "date") {
      id = TypeId::kDate;
    } else if (name == "timestamp" || name == "timestamp_ltz") {
      id = TypeId::kTimestamp;
    } else if (name == "timestamp_ntz") {
      id = TypeId::kTimestampNtz;
    } else {
      return unsupported("CAST to " + t.text);
    }
    if (accept_symbol("(")) {
      // varchar(n), decimal(p[, s])
      std::vector<int64_t> params;
      do {
        if (peek().type != Token::kNumber) return expected("a number in the type");
        params.push_back(std::strtoll(peek().text.c_str(), nullptr, 10));
        ++pos_;
      } while (accept_symbol(","));
      LS_RETURN_NOT_OK(expect_symbol(")"));
      if (id == TypeId::kDecimal) scale = params.size() > 1 ? static_cast<int>(params[1]) : 0;
    }
    return std::make_pair(id, scale);
  }

  Result<int> parse_primary() {
    const Token t = peek();
    switch (t.type) {
      case Token::kEnd:
        return expected("an expression");
      case Token::kNumber:
        return parse_number(false);
      case Token::kString: {
        ++pos_;
        Node n;
        n.literal.kind = Kind::kString;
        n.literal.s = t.text;
        return add(std::move(n));
      }
      case Token::kSymbol: {
        if (accept_symbol("(")) {
          LS_ASSIGN_OR_RAISE(int inner, parse_or());
          LS_RETURN_NOT_OK(expect_symbol(")"));
          return inner;
        }
        return expected("an expression");
      }
      case Token::kQuotedIdent:
        return parse_column();
      case Token::kIdent:
        break;
    }
    const std::string kw = to_lower_ascii(t.text);
    if (kw == "null" || kw == "true" || kw == "false") {
      ++pos_;
      Node n;
      if (kw != "null") set_bool(&n.literal, kw == "true");
      return add(std::move(n));
    }
    if ((kw == "date" || kw == "timestamp" || kw == "timestamp_ntz" || kw == "timestamp_ltz") &&
        peek(1).type == Token::kString) {
      pos_ += 2;
      const std::string& text = tokens_[pos_ - 1].text;
      Node n;
      if (kw == "date") {
        auto d = text_to_date(text);
        if (!d) return error("'" + text + "' is not a date", t.pos);
        n.literal.kind = Kind::kDate;
        n.literal.i = *d;
      } else {
        auto ts = text_to_timestamp(text);
        if (!ts) return error("'" + text + "' is not a timestamp", t.pos);
        n.literal.kind = Kind::kTimestamp;
        n.literal.i = *ts;
      }
      return add(std::move(n));
    }
    if (kw == "interval") return unsupported("INTERVAL");
    if (kw == "case") return unsupported("CASE");
    if ((kw == "cast" || kw == "try_cast") && peek(1).type == Token::kSymbol &&
        peek(1).text == "(") {
      pos_ += 2;
      LS_ASSIGN_OR_RAISE(int inner, parse_or());
      if (!accept_keyword("as")) return expected("AS in CAST");
      LS_ASSIGN_OR_RAISE(auto type, parse_type());
      LS_RETURN_NOT_OK(expect_symbol(")"));
      Node n;
      n.op = Op::kCast;
      n.args = {inner};
      n.cast_to = type.first;
      n.cast_scale = type.second;
      return add(std::move(n));
    }
    if (peek(1).type == Token::kSymbol && peek(1).text == "(") {
      // A function call.
      pos_ += 2;
      const FnInfo* info = nullptr;
      for (const FnInfo& f : kFunctions) {
        if (kw == f.name) info = &f;
      }
      if (info == nullptr) return unsupported("the function " + t.text + "()");
      std::vector<int> args;
      if (!accept_symbol(")")) {
        do {
          LS_ASSIGN_OR_RAISE(int a, parse_or());
          args.push_back(a);
        } while (accept_symbol(","));
        LS_RETURN_NOT_OK(expect_symbol(")"));
      }
      const int n_args = static_cast<int>(args.size());
      if (n_args < info->min_args || (info->max_args >= 0 && n_args > info->max_args)) {
        return error(t.text + "() takes " + std::to_string(info->min_args) +
                         (info->max_args == info->min_args ? ""
                          : info->max_args < 0             ? " or more"
                                               : " to " + std::to_string(info->max_args)) +
                         " arguments, not " + std::to_string(n_args),
                     t.pos);
      }
      Node n;
      n.op = Op::kFunc;
      n.fn = info->fn;
      n.path = {kw};
      n.args = std::move(args);
      return add(std::move(n));
    }
    return parse_column();
  }

  Result<int> parse_column() {
    Node n;
    n.op = Op::kColumn;
    while (true) {
      const Token& t = peek();
      if (t.type != Token::kIdent && t.type != Token::kQuotedIdent)
        return expected("a column name");
      n.path.push_back(t.text);
      ++pos_;
      if (!accept_symbol(".")) break;
    }
    if (peek().type == Token::kSymbol && peek().text == "(") {
      return unsupported("the function " + n.path.back() + "()");
    }
    return add(std::move(n));
  }

  std::string_view text_;
  std::vector<Node>* nodes_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

std::string path_text(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) {
    if (!out.empty()) out += '.';
    bool plain = !p.empty() && ident_start(p[0]);
    for (const char c : p) plain = plain && ident_char(c);
    if (plain) {
      out += p;
    } else {
      out += '`';
      for (const char c : p) {
        if (c == '`') out += '`';
        out += c;
      }
      out += '`';
    }
  }
  return out;
}

/// The member of `fields` named `name`: exact match first, then case-insensitive (Spark).
std::optional<size_t> find_field(const std::vector<Field>& fields, const std::string& name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return i;
  }
  const std::string lower = to_lower_ascii(name);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (to_lower_ascii(fields[i].name) == lower) return i;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

class Evaluator {
 public:
  Evaluator(const std::vector<Node>& nodes, const RecordBatch& batch, int64_t row,
            SqlScratch& scratch)
      : nodes_(nodes), batch_(batch), row_(row), scratch_(scratch) {
    if (scratch_.values.size() < nodes_.size()) scratch_.values.resize(nodes_.size());
    if (scratch_.strings.size() < nodes_.size()) scratch_.strings.resize(nodes_.size());
  }

  void eval(int index, SqlValue* out) {
    const Node& n = nodes_[static_cast<size_t>(index)];
    switch (n.op) {
      case Op::kLiteral:
        *out = n.literal;
        return;
      case Op::kColumn:
        read_column(n, out);
        return;
      case Op::kNot: {
        eval(n.args[0], out);
        if (out->kind == Kind::kBool) {
          out->i = !out->i;
        } else {
          set_null(out);
        }
        return;
      }
      case Op::kNeg: {
        eval(n.args[0], out);
        if (out->kind == Kind::kInt) {
          out->i = static_cast<int64_t>(0ULL - static_cast<uint64_t>(out->i));
        } else if (out->kind == Kind::kDouble) {
          out->d = -out->d;
        } else {
          set_null(out);
        }
        return;
      }
      case Op::kAnd:
      case Op::kOr: {
        const bool is_and = n.op == Op::kAnd;
        SqlValue& left = arg(n, 0);
        eval(n.args[0], &left);
        const bool left_bool = left.kind == Kind::kBool;
        if (left_bool && (left.i != 0) != is_and) {
          set_bool(out, !is_and);  // FALSE AND x, TRUE OR x
          return;
        }
        eval(n.args[1], out);
        const bool right_bool = out->kind == Kind::kBool;
        if (right_bool && (out->i != 0) != is_and) {
          set_bool(out, !is_and);
          return;
        }
        if (left_bool && right_bool) {
          set_bool(out, is_and);
        } else {
          set_null(out);
        }
        return;
      }
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        SqlValue& a = arg(n, 0);
        eval(n.args[0], &a);
        eval(n.args[1], out);
        if (a.is_null() || out->is_null()) {
          set_null(out);
          return;
        }
        auto c = compare_values(a, *out);
        if (!c) {
          set_null(out);
          return;
        }
        bool r = false;
        switch (n.op) {
          case Op::kEq:
            r = *c == 0;
            break;
          case Op::kNe:
            r = *c != 0;
            break;
          case Op::kLt:
            r = *c < 0;
            break;
          case Op::kLe:
            r = *c <= 0;
            break;
          case Op::kGt:
            r = *c > 0;
            break;
          default:
            r = *c >= 0;
        }
        set_bool(out, r);
        return;
      }
      case Op::kNullSafeEq: {
        SqlValue& a = arg(n, 0);
        eval(n.args[0], &a);
        eval(n.args[1], out);
        set_bool(out, sql_values_equal(a, *out));
        return;
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        arithmetic(n, out);
        return;
      case Op::kConcatOp:
        concat(n, out);
        return;
      case Op::kIsNull:
      case Op::kIsNotNull:
        eval(n.args[0], out);
        set_bool(out, out->is_null() == (n.op == Op::kIsNull));
        return;
      case Op::kIn: {
        SqlValue& needle = arg(n, 0);
        eval(n.args[0], &needle);
        if (needle.is_null()) {
          set_null(out);
          return;
        }
        bool saw_null = false;
        for (size_t k = 1; k < n.args.size(); ++k) {
          eval(n.args[k], out);
          if (out->is_null()) {
            saw_null = true;
            continue;
          }
          auto c = compare_values(needle, *out);
          if (c && *c == 0) {
            set_bool(out, !n.negated);
            return;
          }
        }
        if (saw_null) {
          set_null(out);
        } else {
          set_bool(out, n.negated);
        }
        return;
      }
      case Op::kBetween: {
        SqlValue& v = arg(n, 0);
        SqlValue& lo = arg(n, 1);
        eval(n.args[0], &v);
        eval(n.args[1], &lo);
        eval(n.args[2], out);
        // v >= lo AND v <= hi, with three-valued logic.
        std::optional<bool> ge, le;
        if (!v.is_null() && !lo.is_null()) {
          if (auto c = compare_values(v, lo)) ge = *c >= 0;
        }
        if (!v.is_null() && !out->is_null()) {
          if (auto c = compare_values(v, *out)) le = *c <= 0;
        }
        std::optional<bool> r;
        if ((ge && !*ge) || (le && !*le)) {
          r = false;
        } else if (ge && le) {
          r = true;
        }
        if (!r) {
          set_null(out);
        } else {
          set_bool(out, n.negated ? !*r : *r);
        }
        return;
      }
      case Op::kLike: {
        SqlValue& text = arg(n, 0);
        eval(n.args[0], &text);
        eval(n.args[1], out);
        if (text.is_null() || out->is_null()) {
          set_null(out);
          return;
        }
        if (text.kind != Kind::kString) to_text(text, &text.s);
        if (out->kind != Kind::kString) to_text(*out, &out->s);
        const bool m = like_match(text.s, out->s);
        set_bool(out, n.negated ? !m : m);
        return;
      }
      case Op::kCast:
        eval(n.args[0], out);
        cast_value(*out, n.cast_to, n.cast_scale, out);
        return;
      case Op::kFunc:
        function(n, out);
        return;
    }
  }

 private:
  SqlValue& arg(const Node& n, size_t k) { return scratch_.values[static_cast<size_t>(n.args[k])]; }

  void read_column(const Node& n, SqlValue* out) {
    const Column* c = batch_.column(n.indices[0]).get();
    for (size_t k = 1; k < n.indices.size(); ++k) {
      if (c->is_null(row_)) {
        set_null(out);
        return;
      }
      c = c->child(n.indices[k]).get();
    }
    column_sql_value(*c, row_, out);
  }

  void arithmetic(const Node& n, SqlValue* out) {
    SqlValue& a = arg(n, 0);
    eval(n.args[0], &a);
    eval(n.args[1], out);
    if (a.is_null() || out->is_null()) {
      set_null(out);
      return;
    }
    SqlValue& b = *out;
    // date +/- days
    if (a.kind == Kind::kDate && b.kind == Kind::kInt && (n.op == Op::kAdd || n.op == Op::kSub)) {
      int64_t days = 0;
      const bool overflow = n.op == Op::kAdd ? __builtin_add_overflow(a.i, b.i, &days)
                                             : __builtin_sub_overflow(a.i, b.i, &days);
      if (overflow || days < std::numeric_limits<int32_t>::min() ||
          days > std::numeric_limits<int32_t>::max()) {
        set_null(out);  // beyond the date range
        return;
      }
      out->kind = Kind::kDate;
      out->i = days;
      return;
    }
    SqlValue x = a;  // strings in arithmetic are cast to double, as Spark does
    if (x.kind == Kind::kString) cast_value(x, TypeId::kDouble, -1, &x);
    if (b.kind == Kind::kString) cast_value(b, TypeId::kDouble, -1, &b);
    if (!is_numeric(x.kind) || !is_numeric(b.kind)) {
      set_null(out);
      return;
    }
    if (x.kind == Kind::kInt && b.kind == Kind::kInt && n.op != Op::kDiv) {
      const auto ux = static_cast<uint64_t>(x.i), ub = static_cast<uint64_t>(b.i);
      switch (n.op) {
        case Op::kAdd:
          set_int(out, static_cast<int64_t>(ux + ub));
          return;
        case Op::kSub:
          set_int(out, static_cast<int64_t>(ux - ub));
          return;
        case Op::kMul:
          set_int(out, static_cast<int64_t>(ux * ub));
          return;
        default:  // %
          if (b.i == 0) {
            set_null(out);
          } else if (b.i == -1) {
            set_int(out, 0);
          } else {
            set_int(out, x.i % b.i);
          }
          return;
      }
    }
    const double dx = as_double(x), db = as_double(b);
    switch (n.op) {
      case Op::kAdd:
        set_double(out, dx + db);
        return;
      case Op::kSub:
        set_double(out, dx - db);
        return;
      case Op::kMul:
        set_double(out, dx * db);
        return;
      case Op::kDiv:
        if (db == 0) {
          set_null(out);  // Spark: division by zero is NULL (non-ANSI)
        } else {
          set_double(out, dx / db);
        }
        return;
      default:
        if (db == 0) {
          set_null(out);
        } else {
          set_double(out, std::fmod(dx, db));
        }
        return;
    }
  }

  void concat(const Node& n, SqlValue* out) {
    // Built in this node's own buffer (not a value slot: `out` may be one), then swapped out.
    std::string& acc = scratch_.strings[static_cast<size_t>(&n - nodes_.data())];
    acc.clear();
    for (size_t k = 0; k < n.args.size(); ++k) {
      eval(n.args[k], out);
      if (out->is_null()) {
        set_null(out);
        return;
      }
      if (out->kind != Kind::kString) to_text(*out, &out->s);
      acc.append(out->s);
    }
    out->kind = Kind::kString;
    std::swap(out->s, acc);
  }

  void function(const Node& n, SqlValue* out) {
    switch (n.fn) {
      case Fn::kCoalesce:
        for (int a : n.args) {
          eval(a, out);
          if (!out->is_null()) return;
        }
        set_null(out);
        return;
      case Fn::kConcat:
        concat(n, out);
        return;
      case Fn::kIsNull:
      case Fn::kIsNotNull:
        eval(n.args[0], out);
        set_bool(out, out->is_null() == (n.fn == Fn::kIsNull));
        return;
      default:
        break;
    }
    eval(n.args[0], out);
    if (out->is_null()) return;
    switch (n.fn) {
      case Fn::kLength:
        if (out->kind != Kind::kString) to_text(*out, &out->s);
        set_int(out, utf8_length(out->s));
        return;
      case Fn::kLower:
      case Fn::kUpper:
        if (out->kind != Kind::kString) to_text(*out, &out->s);
        out->kind = Kind::kString;
        for (char& c : out->s) {
          c = static_cast<char>(n.fn == Fn::kLower ? std::tolower(static_cast<unsigned char>(c))
                                                   : std::toupper(static_cast<unsigned char>(c)));
        }
        return;
      case Fn::kTrim: {
        if (out->kind != Kind::kString) to_text(*out, &out->s);
        out->kind = Kind::kString;
        size_t b = 0, e = out->s.size();
        while (b < e && out->s[b] == ' ') ++b;
        while (e > b && out->s[e - 1] == ' ') --e;
        out->s = out->s.substr(b, e - b);
        return;
      }
      case Fn::kAbs:
        if (out->kind == Kind::kInt) {
          if (out->i < 0) out->i = static_cast<int64_t>(0ULL - static_cast<uint64_t>(out->i));
        } else if (out->kind == Kind::kDouble) {
          out->d = std::fabs(out->d);
        } else {
          set_null(out);
        }
        return;
      case Fn::kSubstring: {
        if (out->kind != Kind::kString) to_text(*out, &out->s);
        SqlValue& pos = arg(n, 1);
        eval(n.args[1], &pos);
        std::optional<int64_t> len;
        if (n.args.size() > 2) {
          SqlValue& l = arg(n, 2);
          eval(n.args[2], &l);
          if (l.is_null() || pos.is_null()) {
            set_null(out);
            return;
          }
          cast_value(l, TypeId::kLong, -1, &l);
          len = l.i;
        }
        if (pos.is_null()) {
          set_null(out);
          return;
        }
        cast_value(pos, TypeId::kLong, -1, &pos);
        const int64_t chars = utf8_length(out->s);
        // Spark: 1-based; 0 is 1; negative counts from the end.
        // In 128 bits: positions and lengths may be anywhere in 64.
        int128_t start = pos.i > 0 ? static_cast<int128_t>(pos.i) - 1
                                   : (pos.i < 0 ? static_cast<int128_t>(chars) + pos.i : 0);
        int128_t end = len ? (*len <= 0 ? start : start + *len) : chars;
        if (pos.i < 0 && start < 0) {
          end = len ? std::max<int128_t>(start + *len, 0) : chars;
          start = 0;
        }
        start = std::clamp<int128_t>(start, 0, chars);
        end = std::clamp<int128_t>(end, start, chars);
        const size_t b = utf8_offset(out->s, static_cast<int64_t>(start));
        const size_t e = utf8_offset(out->s, static_cast<int64_t>(end));
        out->s = out->s.substr(b, e - b);
        out->kind = Kind::kString;
        return;
      }
      case Fn::kYear:
      case Fn::kMonth:
      case Fn::kDay: {
        cast_value(*out, TypeId::kDate, -1, out);
        if (out->is_null()) return;
        int64_t y = 0;
        int m = 0, d = 0;
        civil_from_days(static_cast<int32_t>(out->i), &y, &m, &d);
        set_int(out, n.fn == Fn::kYear ? y : n.fn == Fn::kMonth ? m : d);
        return;
      }
      case Fn::kHour:
      case Fn::kMinute:
      case Fn::kSecond: {
        cast_value(*out, TypeId::kTimestamp, -1, out);
        if (out->is_null()) return;
        int64_t in_day = out->i % kMicrosPerDay;
        if (in_day < 0) in_day += kMicrosPerDay;
        const int64_t v = n.fn == Fn::kHour     ? in_day / 3600000000LL
                          : n.fn == Fn::kMinute ? in_day / 60000000LL % 60
                                                : in_day / 1000000 % 60;
        set_int(out, v);
        return;
      }
      case Fn::kToDate:
        cast_value(*out, TypeId::kDate, -1, out);
        return;
      case Fn::kDateFormat: {
        cast_value(*out, TypeId::kTimestamp, -1, out);
        if (out->is_null()) return;
        SqlValue& fmt = arg(n, 1);
        eval(n.args[1], &fmt);
        if (fmt.is_null()) {
          set_null(out);
          return;
        }
        const int64_t micros = out->i;
        format_datetime(micros, fmt.s, &out->s);
        out->kind = Kind::kString;
        return;
      }
      default:
        set_null(out);
        return;
    }
  }

  const std::vector<Node>& nodes_;
  const RecordBatch& batch_;
  int64_t row_;
  SqlScratch& scratch_;
};

}  // namespace

std::string SqlValue::to_sql() const {
  switch (kind) {
    case Kind::kNull:
      return "NULL";
    case Kind::kBool:
      return i ? "true" : "false";
    case Kind::kInt:
      return std::to_string(i);
    case Kind::kDouble:
      return number_text(d, scale);
    case Kind::kString: {
      std::string out = "'";
      for (const char c : s) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case Kind::kDate:
      return "DATE'" + date_text(i) + "'";
    case Kind::kTimestamp:
      return "TIMESTAMP'" + format_timestamp_micros(i) + "'";
  }
  return "NULL";
}

void column_sql_value(const Column& column, int64_t row, SqlValue* out) {
  if (column.is_null(row)) {
    set_null(out);
    return;
  }
  switch (column.type()->id()) {
    case TypeId::kBoolean:
      set_bool(out, column.bool_value(row));
      return;
    case TypeId::kByte:
      set_int(out, column.value<int8_t>(row));
      return;
    case TypeId::kShort:
      set_int(out, column.value<int16_t>(row));
      return;
    case TypeId::kInt:
      set_int(out, column.value<int32_t>(row));
      return;
    case TypeId::kLong:
      set_int(out, column.value<int64_t>(row));
      return;
    case TypeId::kFloat:
      set_double(out, column.value<float>(row));
      return;
    case TypeId::kDouble:
      set_double(out, column.value<double>(row));
      return;
    case TypeId::kDecimal:
      set_double(
          out,
          static_cast<double>(column.decimal_value(row)) / std::pow(10.0, column.type()->scale()),
          column.type()->scale());
      return;
    case TypeId::kDate:
      out->kind = Kind::kDate;
      out->i = column.value<int32_t>(row);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      out->kind = Kind::kTimestamp;
      out->i = column.value<int64_t>(row);
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      out->kind = Kind::kString;
      out->s.assign(column.string_value(row));
      return;
    default:
      set_null(out);
      return;
  }
}

Status append_sql_value(const SqlValue& value, Column* column) {
  const DataType& type = *column->type();
  SqlValue v;
  cast_value(value, type.id(), type.id() == TypeId::kDecimal ? type.scale() : -1, &v);
  if (v.is_null()) {
    column->append_null();
    return Status::OK();
  }
  switch (type.id()) {
    case TypeId::kBoolean:
      column->append_bool(v.i != 0);
      return Status::OK();
    case TypeId::kByte:
      column->append<int8_t>(static_cast<int8_t>(v.i));
      return Status::OK();
    case TypeId::kShort:
      column->append<int16_t>(static_cast<int16_t>(v.i));
      return Status::OK();
    case TypeId::kInt:
      column->append<int32_t>(static_cast<int32_t>(v.i));
      return Status::OK();
    case TypeId::kLong:
      column->append<int64_t>(v.i);
      return Status::OK();
    case TypeId::kFloat:
      column->append<float>(to_float(v.d));
      return Status::OK();
    case TypeId::kDouble:
      column->append<double>(v.d);
      return Status::OK();
    case TypeId::kDecimal:
      column->append_decimal(
          static_cast<int128_t>(std::llround(v.d * std::pow(10.0, type.scale()))));
      return Status::OK();
    case TypeId::kDate:
      column->append<int32_t>(static_cast<int32_t>(v.i));
      return Status::OK();
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      column->append<int64_t>(v.i);
      return Status::OK();
    case TypeId::kString:
    case TypeId::kBinary:
      column->append_string(v.s);
      return Status::OK();
    default:
      return Status::InvalidArgument("an expression cannot fill a column of type " +
                                     type.simple_string());
  }
}

void sql_cast(const SqlValue& value, const DataType& type, SqlValue* out) {
  cast_value(value, type.id(), type.id() == TypeId::kDecimal ? type.scale() : -1, out);
}

bool sql_values_equal(const SqlValue& a, const SqlValue& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  auto c = compare_values(a, b);
  return c && *c == 0;
}

Result<SqlExpression> SqlExpression::parse(std::string_view text) {
  SqlExpression e;
  e.text_ = std::string(text);
  e.nodes_ = std::make_shared<std::vector<Node>>();
  Parser parser(e.text_, e.nodes_.get());
  LS_ASSIGN_OR_RAISE(int root, parser.parse_all());
  // The root last: evaluation starts at back().
  if (root != static_cast<int>(e.nodes_->size()) - 1) {
    Node copy = (*e.nodes_)[static_cast<size_t>(root)];
    e.nodes_->push_back(std::move(copy));
  }
  return e;
}

Status SqlExpression::bind(const Schema& schema) {
  // A copy: expressions share their parsed nodes, each binding owns its positions.
  auto nodes = std::make_shared<std::vector<Node>>(*nodes_);
  for (Node& n : *nodes) {
    if (n.op == Op::kFunc && n.fn == Fn::kDateFormat) {
      const Node& fmt = (*nodes)[static_cast<size_t>(n.args[1])];
      if (fmt.op != Op::kLiteral || fmt.literal.kind != Kind::kString) {
        return Status::NotImplemented("the SQL expression '" + text_ +
                                      "' calls date_format with a pattern that is not a string "
                                      "literal, which lakestream's evaluator does not support");
      }
      std::string bad;
      if (!format_pattern_supported(fmt.literal.s, &bad)) {
        return Status::NotImplemented("the SQL expression '" + text_ +
                                      "' calls date_format with '" + fmt.literal.s +
                                      "', whose pattern letter '" + bad +
                                      "' lakestream's evaluator does not support (y M d H m s S)");
      }
    }
    if (n.op == Op::kFunc && n.fn == Fn::kToDate && n.args.size() == 2) {
      const Node& fmt = (*nodes)[static_cast<size_t>(n.args[1])];
      if (fmt.op != Op::kLiteral || fmt.literal.kind != Kind::kString ||
          fmt.literal.s != "yyyy-MM-dd") {
        return Status::NotImplemented("the SQL expression '" + text_ +
                                      "' calls to_date with a format other than 'yyyy-MM-dd', "
                                      "which lakestream's evaluator does not support");
      }
    }
    if (n.op != Op::kColumn) continue;
    n.indices.clear();
    const std::vector<Field>* fields = &schema.fields();
    const DataType* type = nullptr;
    for (size_t k = 0; k < n.path.size(); ++k) {
      if (fields == nullptr) {
        return Status::InvalidArgument(
            "the SQL expression '" + text_ + "' refers to " + path_text(n.path) + ", but " +
            path_text({n.path.begin(), n.path.begin() + static_cast<long>(k)}) +
            " is not a struct");
      }
      auto index = find_field(*fields, n.path[k]);
      if (!index) {
        return Status::InvalidArgument("the SQL expression '" + text_ + "' refers to the column " +
                                       path_text(n.path) + ", which is not in the schema " +
                                       schema.to_ddl());
      }
      n.indices.push_back(*index);
      type = (*fields)[*index].type.get();
      fields = type->id() == TypeId::kStruct ? &type->fields() : nullptr;
    }
    if (type->is_nested() || type->id() == TypeId::kNull) {
      return Status::NotImplemented("the SQL expression '" + text_ + "' reads the column " +
                                    path_text(n.path) + " of type " + type->simple_string() +
                                    ", which lakestream's evaluator does not support");
    }
    n.column_type = type->id();
  }
  nodes_ = std::move(nodes);
  bound_ = true;
  return Status::OK();
}

void SqlExpression::evaluate(const RecordBatch& batch, int64_t row, SqlScratch& scratch,
                             SqlValue* out) const {
  if (!bound_) {
    set_null(out);
    return;
  }
  Evaluator ev(*nodes_, batch, row, scratch);
  ev.eval(static_cast<int>(nodes_->size()) - 1, out);
}

std::vector<std::string> SqlExpression::columns() const {
  std::vector<std::string> out;
  for (const Node& n : *nodes_) {
    if (n.op != Op::kColumn) continue;
    std::string p = path_text(n.path);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  }
  return out;
}

std::string SqlExpression::describe_row(const RecordBatch& batch, int64_t row) const {
  std::string out;
  std::vector<std::string> seen;
  SqlScratch scratch;
  for (size_t k = 0; k < nodes_->size(); ++k) {
    const Node& n = (*nodes_)[k];
    if (n.op != Op::kColumn) continue;
    std::string p = path_text(n.path);
    if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
    seen.push_back(p);
    SqlValue v;
    if (bound_) {
      Evaluator ev(*nodes_, batch, row, scratch);
      ev.eval(static_cast<int>(k), &v);
    }
    if (!out.empty()) out += ", ";
    out += p + " = " + v.to_sql();
  }
  return out;
}

}  // namespace lakestream
