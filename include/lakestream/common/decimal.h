#pragma once
// common/decimal: exact decimal text <-> unscaled 128-bit integers for decimal(p, s), with no
// detour through double. Shared by the JSON decoder, the console display, Parquet statistics
// and Delta partition values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lakestream {

__extension__ using int128_t = __int128;  // GCC/Clang extension; decimal(38) needs 128 bits

/// Why a decimal text was refused.
enum class DecimalParseError { kNone, kMalformed, kOverflow, kTooManyFractionDigits };

/// Parse "123", "-12.50", "1.5e3", "1E-2" into the unscaled value for decimal(precision, scale).
/// Fraction digits beyond `scale` that are not zero are refused (kTooManyFractionDigits) rather
/// than rounded silently; more than `precision` integer+scale digits is kOverflow. Accepts an
/// optional sign, ".5" and "5.", and an exponent of any size; no whitespace. A precision outside
/// 1..38 or a scale outside 0..precision is reported as kMalformed. Never allocates.
std::optional<int128_t> parse_decimal(std::string_view text, int precision, int scale,
                                      DecimalParseError* error = nullptr);

/// Plain text of an unscaled value at `scale`: "12345", "-0.50", "0.001" (Spark's toString).
std::string format_decimal(int128_t unscaled, int scale);

/// 10^n for 0 <= n <= 38.
int128_t pow10_i128(int n);

}  // namespace lakestream
