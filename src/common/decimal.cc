// Exact decimal text <-> unscaled int128. Parsing never goes through double (which would turn
// 0.1 into 0.1000000000000000055...), and never allocates: it runs once per JSON value.
#include "lakestream/common/decimal.h"

#include <cstddef>

namespace lakestream {

namespace {

__extension__ using uint128_t = unsigned __int128;

constexpr int kMaxPrecision = 38;

struct Pow10Table {
  int128_t v[kMaxPrecision + 1];
  constexpr Pow10Table() : v() {
    v[0] = 1;
    for (int i = 1; i <= kMaxPrecision; ++i) v[i] = v[i - 1] * 10;
  }
};
constexpr Pow10Table kPow10;

constexpr bool is_digit(char c) { return static_cast<unsigned>(c - '0') <= 9u; }

std::optional<int128_t> fail(DecimalParseError* error, DecimalParseError why) {
  if (error) *error = why;
  return std::nullopt;
}

}  // namespace

int128_t pow10_i128(int n) { return kPow10.v[n]; }

std::optional<int128_t> parse_decimal(std::string_view text, int precision, int scale,
                                      DecimalParseError* error) {
  if (error) *error = DecimalParseError::kNone;
  if (precision < 1 || precision > kMaxPrecision || scale < 0 || scale > precision) {
    return fail(error, DecimalParseError::kMalformed);
  }
  const char* p = text.data();
  const char* const end = p + text.size();

  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';

  // The mantissa's digits are int_begin..int_end then frac_begin..frac_end; the exponent moves
  // the decimal point. Only the span between the first and last non-zero digit matters.
  const char* const int_begin = p;
  while (p != end && is_digit(*p)) ++p;
  const char* const int_end = p;
  const char* frac_begin = p;
  const char* frac_end = p;
  if (p != end && *p == '.') {
    frac_begin = ++p;
    while (p != end && is_digit(*p)) ++p;
    frac_end = p;
  }
  const ptrdiff_t int_len = int_end - int_begin;
  const ptrdiff_t frac_len = frac_end - frac_begin;
  if (int_len + frac_len == 0) return fail(error, DecimalParseError::kMalformed);

  int64_t exponent = 0;
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exp_negative = false;
    if (p != end && (*p == '-' || *p == '+')) exp_negative = *p++ == '-';
    if (p == end || !is_digit(*p)) return fail(error, DecimalParseError::kMalformed);
    for (; p != end && is_digit(*p); ++p) {
      // Saturate: any exponent this large over- or underflows every decimal(38) anyway.
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (*p - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  if (p != end) return fail(error, DecimalParseError::kMalformed);

  auto digit_at = [&](ptrdiff_t i) -> int {
    return (i < int_len ? int_begin[i] : frac_begin[i - int_len]) - '0';
  };
  const ptrdiff_t total = int_len + frac_len;
  ptrdiff_t first = 0;
  while (first < total && digit_at(first) == 0) ++first;
  if (first == total) return int128_t{0};  // any zero fits any decimal
  ptrdiff_t last = total - 1;
  while (digit_at(last) == 0) --last;

  // value = significant * 10^shift in units of 10^-scale.
  const int64_t significant_digits = last - first + 1;
  const int64_t shift = exponent - frac_len + scale + (total - 1 - last);
  if (shift < 0) return fail(error, DecimalParseError::kTooManyFractionDigits);
  if (significant_digits + shift > precision) return fail(error, DecimalParseError::kOverflow);

  int128_t unscaled = 0;
  for (ptrdiff_t i = first; i <= last; ++i) unscaled = unscaled * 10 + digit_at(i);
  unscaled *= kPow10.v[shift];
  return negative ? -unscaled : unscaled;
}

std::string format_decimal(int128_t unscaled, int scale) {
  // 39 digits of magnitude at most, plus sign, point and the "0." of small fractions.
  char buf[96];
  char* const end = buf + sizeof(buf);
  char* p = end;
  const bool negative = unscaled < 0;
  uint128_t magnitude =
      negative ? uint128_t{0} - static_cast<uint128_t>(unscaled) : static_cast<uint128_t>(unscaled);
  if (scale < 0) scale = 0;
  if (scale > kMaxPrecision) scale = kMaxPrecision;
  int written = 0;
  // At least scale + 1 digits, so 5 at scale 3 reads "0.005".
  while (magnitude != 0 || written <= scale) {
    if (written == scale && scale > 0) *--p = '.';
    *--p = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
    ++written;
  }
  if (negative) *--p = '-';
  return std::string(p, static_cast<size_t>(end - p));
}

}  // namespace lakestream
