#pragma once
// batch/show: console display of a RecordBatch laid out exactly as Spark's Dataset.show() prints
// it, so output can be compared line by line with a Spark session.
//
// What Spark does (Dataset.showString / getRows, Spark 3.x), and therefore what we do:
//  - every value is cast to a string (Cast/ToStringBase rules: structs "{a, b}", arrays
//    "[1, 2]", maps "{k -> v}", nested nulls "null", timestamps "yyyy-MM-dd HH:mm:ss[.fff]"
//    in UTC, dates "yyyy-MM-dd", floating point as Java's Double/Float.toString), a top-level
//    binary value is printed as upper-case hex "[01 02 FF]", a null cell as "null";
//  - \n \r \t \f \b \v \a in cells and headers are escaped as two characters ("\\n", ...);
//  - with truncate > 0 a cell longer than `truncate` keeps its first truncate-3 characters
//    plus "..." (the first `truncate` characters, no dots, when truncate < 4) and every cell
//    (headers too) is right-aligned; truncate <= 0 keeps cells whole and left-aligns them;
//  - lengths are Java String lengths (UTF-16 units); the display width adds one for each
//    full-width (East Asian) character, using Spark's own list of full-width ranges;
//  - columns are at least 3 wide; the table is framed by "+---+" separators (top, under the
//    header, bottom); "only showing top N rows" (or "row" for N = 1) follows when the batch
//    has more rows than shown; an empty batch prints the header between its borders.
//  - Dataset.show() is println(showString(...)): a blank line follows every table.
//
// Deliberate differences from Spark 3.x, all in rare corners:
//  - decimals print plain ("0.00000001"), as Spark does under ANSI mode (the Spark 4 default);
//    Spark 3's non-ANSI cast uses BigDecimal.toString and prints "1E-8" when the adjusted
//    exponent is below -6.
//  - floating point uses the shortest round-trip digits (what JDK 19+ prints); JDK 8-18's
//    FloatingDecimal occasionally printed one more digit than needed (JDK-4511638).
//  - a binary value nested in a struct/array/map is printed as hex too; Spark 3 decodes it as
//    UTF-8 text, which garbles non-text bytes.
//  - truncation never splits a UTF-16 surrogate pair (Java would leave half of it).

#include <cstdint>
#include <string>
#include <string_view>

#include "lakestream/batch/column.h"
#include "lakestream/batch/record_batch.h"

namespace lakestream {

/// The text Spark's Dataset.showString(num_rows, truncate, vertical) returns for `batch`:
/// the table (or, when `vertical`, one "-RECORD i" block per row) and the footer, ending in
/// "\n". `num_rows` below 0 counts as 0.
std::string show_string(const RecordBatch& batch, int num_rows = 20, int truncate = 20,
                        bool vertical = false);

/// Print show_string(...) and a newline to stdout, as Spark's show() does with println.
void show(const RecordBatch& batch, int num_rows = 20, int truncate = 20, bool vertical = false);

/// One value as Spark casts it to a string for show(): "null" for a null row, before
/// truncation and escaping.
std::string cell_string(const Column& column, int64_t row);

/// Java's Double.toString: "1.0", "0.1", "1.0E10", "1.0E-5", "NaN", "-Infinity", "-0.0".
std::string java_double_string(double value);
/// Java's Float.toString (shortest digits that identify the float, not the double).
std::string java_float_string(float value);

/// Spark's Utils.stringHalfWidth of UTF-8 text: Java string length (UTF-16 units) plus one
/// for each full-width character.
int display_width(std::string_view utf8);

}  // namespace lakestream
