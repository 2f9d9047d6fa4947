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
