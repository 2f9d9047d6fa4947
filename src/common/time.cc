// Calendar arithmetic and timestamp text forms. The parsers run once per JSON value, so they
// scan the text by hand, once, with no allocation, locale or tz database.
#include "lakestream/common/time.h"

#include <charconv>
#include <chrono>
#include <cstddef>

#include "lakestream/common/strings.h"

namespace lakestream {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

constexpr bool is_leap(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int days_in_month(int64_t year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Floor division/modulo: negative epoch values must land on the previous day, not round to 0.
constexpr int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// A cursor over the text; every reader advances only on success.
struct Scanner {
  const char* p;
  const char* end;

  bool at_end() const { return p == end; }
  bool peek(char c) const { return p != end && *p == c; }
  bool consume(char c) {
    if (!peek(c)) return false;
    ++p;
    return true;
  }
  /// Exactly `n` decimal digits.
  bool digits(int n, int* out) {
    if (end - p < n) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const unsigned d = static_cast<unsigned>(p[i] - '0');
      if (d > 9) return false;
      v = v * 10 + static_cast<int>(d);
    }
    p += n;
    *out = v;
    return true;
  }
};

/// yyyy-MM-dd at the cursor, as days since the epoch.
std::optional<int32_t> scan_date(Scanner& s) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!s.digits(4, &year) || !s.consume('-') || !s.digits(2, &month) || !s.consume('-') ||
      !s.digits(2, &day)) {
    return std::nullopt;
  }
  return days_from_civil(year, month, day);
}

/// Time-zone designator at the cursor: Z, ±hh, ±hh:mm or ±hhmm; the offset east of UTC.
bool scan_zone(Scanner& s, int64_t* offset_micros) {
  if (s.consume('Z') || s.consume('z')) {
    *offset_micros = 0;
    return true;
  }
  int sign = 0;
  if (s.consume('+')) {
    sign = 1;
  } else if (s.consume('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!s.digits(2, &hours)) return false;
  if (s.consume(':')) {
    if (!s.digits(2, &minutes)) return false;
  } else if (!s.at_end()) {
    if (!s.digits(2, &minutes)) return false;
  }
  // Real offsets stay within ±18:00 (java.time's limit, which Spark inherits).
  if (hours > 18 || minutes > 59 || (hours == 18 && minutes != 0)) return false;
  *offset_micros = sign * (hours * 3600 + minutes * 60) * kMicrosPerSecond;
  return true;
}

/// Writes `v` as exactly `width` zero-padded digits ending just before `out + width`.
void put_digits(char* out, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

/// "yyyy-MM-dd" (or "-yyyy-MM-dd" / wider years outside 0..9999) into `out`; returns its length.
size_t put_date(char* out, int32_t days) {
  int64_t year = 0;
  int month = 0;
  int day = 0;
  civil_from_days(days, &year, &month, &day);
  size_t n = 0;
  if (year < 0) {
    out[n++] = '-';
    year = -year;
  }
  int width = 4;
  for (int64_t y = year; y >= 10000; y /= 10) ++width;
  put_digits(out + n, year, width);
  n += static_cast<size_t>(width);
  out[n++] = '-';
  put_digits(out + n, month, 2);
  n += 2;
  out[n++] = '-';
  put_digits(out + n, day, 2);
  return n + 2;
}

/// "HH:mm:ss" of the time of day into `out` (8 chars).
void put_time(char* out, int64_t micros_of_day) {
  const int64_t secs = micros_of_day / kMicrosPerSecond;
  put_digits(out, secs / 3600, 2);
  out[2] = ':';
  put_digits(out + 3, secs / 60 % 60, 2);
  out[5] = ':';
  put_digits(out + 6, secs % 60, 2);
}

}  // namespace

std::optional<int32_t> days_from_civil(int64_t year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  // Shift the year to start in March so the leap day is the last day of the (shifted) year;
  // then whole 400-year eras of 146097 days make the count exact for any year.
  const int64_t y = month <= 2 ? year - 1 : year;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;                          // [0, 399]
  const int64_t mp = (month + 9) % 12;                        // March = 0
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;           // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  const int64_t days = era * 146097 + doe - 719468;           // 1970-03-01 offset
  if (days < INT32_MIN || days > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(days);
}

void civil_from_days(int32_t days, int64_t* year, int* month, int* day) {
  const int64_t z = static_cast<int64_t>(days) + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

namespace {

/// Two ASCII digits at `p` as 0..99, or -1.
inline int two_digits(const char* p) {
  const unsigned a = static_cast<unsigned>(p[0] - '0');
  const unsigned b = static_cast<unsigned>(p[1] - '0');
  return (a > 9u || b > 9u) ? -1 : static_cast<int>(a * 10 + b);
}

/// Days since the epoch of a date with a 4-digit year (0..9999, validated by the caller), month
/// 1..12 into *days; false when the day does not exist in that month. Unsigned arithmetic: for
/// these years the March-based era count needs no floor division.
inline bool days_from_civil_4digit(unsigned year, unsigned month, unsigned day, int64_t* days) {
  constexpr unsigned char kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const unsigned last = month == 2 && leap ? 29u : kDays[month - 1];
  if (day == 0 || day > last) return false;
  // Shifted by 400 years so January/February of year 0 stay non-negative.
  const unsigned y = (month <= 2 ? year + 399 : year + 400);
  const unsigned era = y / 400;
  const unsigned yoe = y - era * 400;
  const unsigned mp = month > 2 ? month - 3 : month + 9;
  const unsigned doy = (153 * mp + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = static_cast<int64_t>(era) * 146097 + doe - 719468 - 146097;
  return true;
}

/// The common shape yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}][Z] parsed with fixed offsets (the time of
/// day by fixed_shape_time_of_day, shared with the JSON decoder). Returns false when the text
/// has another shape or an impossible time (the caller then runs the general scanner, which
/// says no to the latter); true with *ok = false for an impossible date.
inline bool parse_timestamp_fast(std::string_view text, bool* ok, int64_t* out) {
  const char* p = text.data();
  if (text.size() < 19 || p[4] != '-' || p[7] != '-') return false;
  const int y1 = two_digits(p);
  const int y2 = two_digits(p + 2);
  const int month = two_digits(p + 5);
  const int day = two_digits(p + 8);
  if ((y1 | y2 | month | day) < 0) return false;
  const int64_t time_of_day = fixed_shape_time_of_day(text);
  if (time_of_day < 0) return false;
  *ok = false;
  if (month < 1 || month > 12) return true;
  int64_t days = 0;
  if (!days_from_civil_4digit(static_cast<unsigned>(y1 * 100 + y2), static_cast<unsigned>(month),
                              static_cast<unsigned>(day), &days)) {
    return true;
  }
  *out = days * kMicrosPerDay + time_of_day;
  *ok = true;
  return true;
}

}  // namespace

std::optional<int64_t> parse_timestamp_micros(std::string_view text) {
  bool ok = false;
  int64_t micros_fast = 0;
  if (parse_timestamp_fast(text, &ok, &micros_fast)) {
    if (!ok) return std::nullopt;
    return micros_fast;
  }
  Scanner s{text.data(), text.data() + text.size()};
  const auto days = scan_date(s);
  if (!days) return std::nullopt;
  int64_t micros = *days * kMicrosPerDay;
  if (s.at_end()) return micros;
  if (!s.consume('T') && !s.consume('t') && !s.consume(' ')) return std::nullopt;

  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!s.digits(2, &hour) || !s.consume(':') || !s.digits(2, &minute)) return std::nullopt;
  if (s.consume(':')) {
    if (!s.digits(2, &second)) return std::nullopt;
    if (s.consume('.') || s.consume(',')) {
      // Up to nanoseconds; digits past the sixth are dropped (truncation, as Spark does).
      int64_t fraction = 0;
      int count = 0;
      while (!s.at_end() && static_cast<unsigned>(*s.p - '0') <= 9u) {
        if (++count > 9) return std::nullopt;
        if (count <= 6) fraction = fraction * 10 + (*s.p - '0');
        ++s.p;
      }
      if (count == 0) return std::nullopt;
      for (int i = count; i < 6; ++i) fraction *= 10;
      micros += fraction;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  micros += (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * kMicrosPerSecond;

  if (s.at_end()) return micros;
  int64_t offset = 0;
  if (!scan_zone(s, &offset) || !s.at_end()) return std::nullopt;
  return micros - offset;
}

std::optional<int32_t> parse_date_days(std::string_view text) {
  Scanner s{text.data(), text.data() + text.size()};
  const auto days = scan_date(s);
  if (!days || !s.at_end()) return std::nullopt;
  return days;
}

std::string format_timestamp_micros(int64_t micros) {
  const int64_t days = floor_div(micros, kMicrosPerDay);
  // Not micros - days * kMicrosPerDay: that product overflows for the earliest timestamps.
  int64_t of_day = micros % kMicrosPerDay;
  if (of_day < 0) of_day += kMicrosPerDay;
  char buf[48];
  size_t n = put_date(buf, static_cast<int32_t>(days));
  buf[n++] = ' ';
  put_time(buf + n, of_day);
  n += 8;
  int64_t fraction = of_day % kMicrosPerSecond;
  if (fraction != 0) {
    int width = 6;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --width;
    }
    buf[n++] = '.';
    put_digits(buf + n, fraction, width);
    n += static_cast<size_t>(width);
  }
  return std::string(buf, n);
}

std::string format_timestamp_iso(int64_t micros, int fraction_digits) {
  const int64_t days = floor_div(micros, kMicrosPerDay);
  // Not micros - days * kMicrosPerDay: that product overflows for the earliest timestamps.
  int64_t of_day = micros % kMicrosPerDay;
  if (of_day < 0) of_day += kMicrosPerDay;
  char buf[48];
  size_t n = put_date(buf, static_cast<int32_t>(days));
  buf[n++] = 'T';
  put_time(buf + n, of_day);
  n += 8;
  buf[n++] = '.';
  if (fraction_digits == 6) {
    put_digits(buf + n, of_day % kMicrosPerSecond, 6);
    n += 6;
  } else {
    put_digits(buf + n, of_day % kMicrosPerSecond / 1000, 3);
    n += 3;
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

std::string format_date_days(int32_t days) {
  char buf[24];
  return std::string(buf, put_date(buf, days));
}

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

/// Milliseconds per unit, or 0 for an unknown unit.
int64_t unit_ms(const std::string& unit) {
  if (unit.empty() || unit == "ms" || unit == "milli" || unit == "millis" ||
      unit == "millisecond" || unit == "milliseconds")
    return 1;
  if (unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds")
    return 1000;
  if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes")
    return 60'000;
  if (unit == "h" || unit == "hour" || unit == "hours") return 3'600'000;
  if (unit == "d" || unit == "day" || unit == "days") return 86'400'000;
  if (unit == "week" || unit == "weeks") return 7 * 86'400'000LL;
  return 0;
}

}  // namespace

Result<int64_t> parse_interval_ms(std::string_view text) {
  auto bad = [&](std::string_view why) {
    std::string msg = "'";
    msg.append(text);
    msg.append("': ");
    msg.append(why);
    msg.append(" (expected e.g. '1 second', '500 milliseconds', '2 minutes', 'interval 7 days')");
    return Status::InvalidArgument(msg);
  };
  std::string t = to_lower_ascii(trim(text));
  std::string_view s = t;
  if (s.starts_with("interval")) s = trim(s.substr(8));
  if (s.empty()) return bad("empty");
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return bad("no number");
  if (n < 0) return bad("negative");
  const std::string unit(
      trim(std::string_view(end, static_cast<size_t>(s.data() + s.size() - end))));
  const int64_t per = unit_ms(unit);
  if (per == 0) return bad("unknown unit '" + unit + "'");
  if (n > INT64_MAX / per) return bad("too large");
  return n * per;
}

}  // namespace lakestream
