#pragma once
// json/json_text: small checks on raw JSON text that simdjson's on-demand API leaves to us
// (number grammar of raw tokens, nesting depth of text kept verbatim, plain strings and plain
// integers read without simdjson) and the quoting of values in reject reasons. Internal to the
// json module.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace lakestream::json_internal {

/// `text` without trailing JSON whitespace (raw tokens from simdjson may carry some).
std::string_view trim_json_ws(std::string_view text);

/// True when `text` is exactly a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text);

/// True when a JSON number text has a fraction or an exponent (is not written as an integer).
bool has_fraction_or_exponent(std::string_view number);

/// Deepest object/array nesting inside a piece of well-formed JSON text ("1" -> 0,
/// "[1]" -> 1, "{\"a\":[2]}" -> 2). Brackets inside strings do not count.
int json_nesting_depth(std::string_view text);

/// The length of the one JSON value `text` starts with (no leading whitespace), checked
/// against strict JSON grammar (literals, numbers, strings and their escapes, objects,
/// arrays); 0 when it is not one. UTF-8 is not checked (the decoder has done that).
/// `stack` is scratch for the open brackets, so deep values need no recursion. Used for the
/// values the rescued-data column keeps, which must read back as JSON.
size_t json_value_length(std::string_view text, std::string* stack);

/// A value for a reason message: 'text' (single-quoted), cut to 64 bytes with "..." so a huge
/// value cannot blow up a dead-letter row.
std::string quote_value(std::string_view text);

/// True when `n` bytes hold no '\\' and no control character (< 0x20): a string with such
/// bytes between its quotes reads as itself. Eight bytes at a time; a false alarm only sends
/// the string down simdjson's unescaping path.
inline bool plain_string_bytes(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x = 0;
    std::memcpy(&x, p + i, 8);
    const uint64_t below_space = (x - 0x20 * kOnes) & ~x;
    const uint64_t b = x ^ (0x5C * kOnes);
    const uint64_t backslash = (b - kOnes) & ~b;
    if ((below_space | backslash) & kHigh) return false;
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c < 0x20 || c == '\\') return false;
  }
  return true;
}

/// An integer token in plain form (-?[1-9][0-9]{0,17} or 0) as its value and digit count;
/// false for anything else (fractions, exponents, long numbers, malformed text).
inline bool plain_integer(std::string_view text, int64_t* value, int* digits) {
  const char* p = text.data();
  size_t n = text.size();
  bool negative = false;
  if (n > 0 && *p == '-') {
    negative = true;
    ++p;
    --n;
  }
  if (n == 0 || n > 18 || (p[0] == '0' && n > 1)) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned>(p[i] - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *value = negative ? -v : v;
  *digits = v == 0 ? 0 : static_cast<int>(n);
  return true;
}

}  // namespace lakestream::json_internal
