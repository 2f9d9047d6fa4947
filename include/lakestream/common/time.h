#pragma once
// common/time: calendar arithmetic and text forms of dates and timestamps, shared by the JSON
// decoder (parsing), the console display (formatting) and the Parquet/Delta writers (stats,
// partition values). Pure functions, no allocation on the parse paths, no locale, no tzdb.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lakestream/common/status.h"

namespace lakestream {

/// Days since 1970-01-01 of a proleptic Gregorian date; nullopt if the date does not exist
/// (month 19, February 30, ...).
std::optional<int32_t> days_from_civil(int64_t year, int month, int day);
/// The inverse of days_from_civil.
void civil_from_days(int32_t days, int64_t* year, int* month, int* day);

/// Parse an ISO-8601 / Spark timestamp into microseconds since the epoch (UTC):
///   2021-01-19T10:33:00Z, 2021-01-19T10:33:00.123456+01:00, 2021-01-19 10:33:00 (as UTC),
///   2021-01-19T10:33:00 (as UTC), 2021-01-19 (midnight UTC). Seconds may be omitted
///   (10:33Z); offsets are Z, ±hh:mm, ±hhmm or ±hh (at most ±18:00); the separator is T or a
///   space. Fractions (after '.' or ',') up to 9 digits are accepted and truncated to
///   microseconds. Fixed-width fields: 4-digit years 0000-9999, 2-digit month/day/time parts.
///   nullopt when malformed, followed by anything else, or the date/time does not exist
///   (hour 24, minute 60, second 60, month 19, February 29 of a non-leap year, ...).
std::optional<int64_t> parse_timestamp_micros(std::string_view text);
/// The time of day of a timestamp in the shape producers write most, yyyy-MM-dd[T ]HH:mm:ss
/// followed by an optional fraction (1-9 digits after '.' or ',', truncated to microseconds)
/// and an optional Z: microseconds since midnight, or -1 when the text has another shape (an
/// offset, no seconds, ...) or an impossible time. The date part (the first 10 bytes) is not
/// looked at: callers resolve it their own way (parse_timestamp_micros by calendar arithmetic,
/// the JSON decoder through a one-entry cache). Inline: it is on the decoder's hot path.
inline int64_t fixed_shape_time_of_day(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  if (n < 19 || p[13] != ':' || p[16] != ':' || (p[10] != 'T' && p[10] != 't' && p[10] != ' ')) {
    return -1;
  }
  const auto digit = [](char c) { return static_cast<unsigned>(c - '0'); };
  const unsigned h1 = digit(p[11]), h2 = digit(p[12]), m1 = digit(p[14]), m2 = digit(p[15]);
  const unsigned s1 = digit(p[17]), s2 = digit(p[18]);
  if (h1 > 9u || h2 > 9u || m1 > 9u || m2 > 9u || s1 > 9u || s2 > 9u) return -1;
  const unsigned hour = h1 * 10 + h2, minute = m1 * 10 + m2, second = s1 * 10 + s2;
  if (hour > 23 || minute > 59 || second > 59) return -1;
  int64_t fraction = 0;
  size_t i = 19;
  if (n == 24 && p[19] == '.' && (p[23] == 'Z' || p[23] == 'z') && digit(p[20]) <= 9u &&
      digit(p[21]) <= 9u && digit(p[22]) <= 9u) {
    // Milliseconds and Z, as Spark and most producers write them.
    fraction = static_cast<int64_t>(digit(p[20]) * 100 + digit(p[21]) * 10 + digit(p[22])) * 1000;
    i = 24;
  } else if (i < n && (p[i] == '.' || p[i] == ',')) {
    ++i;
    int count = 0;
    while (i < n && digit(p[i]) <= 9u) {
      if (++count > 9) return -1;
      if (count <= 6) fraction = fraction * 10 + digit(p[i]);
      ++i;
    }
    if (count == 0) return -1;
    for (int k = count; k < 6; ++k) fraction *= 10;
  }
  if (i < n && (p[i] == 'Z' || p[i] == 'z')) ++i;
  if (i != n) return -1;
  return (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * 1'000'000 + fraction;
}

/// Parse yyyy-MM-dd into days since the epoch; nullopt when malformed or impossible.
std::optional<int32_t> parse_date_days(std::string_view text);

/// "yyyy-MM-dd HH:mm:ss[.ffffff]" as Spark's show() prints a timestamp in UTC: the fraction is
/// printed only when non-zero, with trailing zeros removed (".5", ".123").
std::string format_timestamp_micros(int64_t micros);
/// "yyyy-MM-ddTHH:mm:ss.SSSZ" (milliseconds, as Delta stats and Spark's JSON write timestamps),
/// or with `fraction_digits` 6 "yyyy-MM-ddTHH:mm:ss.ffffffZ" (every microsecond kept).
std::string format_timestamp_iso(int64_t micros, int fraction_digits = 3);
/// Milliseconds since the epoch by the system clock (commit timestamps, progress records).
int64_t wall_clock_ms();

/// "yyyy-MM-dd" (years past 9999 get more digits, years before 1 a '-' sign).
std::string format_date_days(int32_t days);

/// Parse Spark's interval text into milliseconds: "<n> <unit>" with units ms / milli(s) /
/// millisecond(s), s / sec(s) / second(s), m / min(s) / minute(s), h / hour(s), d / day(s),
/// week(s); the space may be omitted ("10ms"), "interval " may prefix it ("interval 7 days", as
/// Delta's retention properties), units are case-insensitive. A bare number is milliseconds.
/// InvalidArgument quoting the text otherwise.
Result<int64_t> parse_interval_ms(std::string_view text);

}  // namespace lakestream
