#pragma once
// delta/stats: the `stats` JSON string of an `add` action, from the Parquet writer's typed
// column statistics, as Delta's StatisticsCollection writes it:
//   {"numRecords":N,"minValues":{...},"maxValues":{...},"nullCount":{...}}
//  - min/max only for numbers, dates, timestamps and strings (Delta's skipping-eligible types;
//    not booleans or binary), nullCount for every column.
//  - Strings are cut to 32 UTF-16 units (Java string length): the min is the prefix, the max is
//    the prefix plus a tie-breaker (U+007F, or U+10FFFF when the next character is not below
//    U+007F) so it still bounds every value; a max that cannot be bounded within 64 units is
//    left out, as Delta does.
//  - Timestamps "yyyy-MM-ddTHH:mm:ss.SSSZ" (timestamp_ntz without the Z), dates yyyy-MM-dd,
//    decimals as exact JSON numbers, NaN and infinities left out (a missing bound is safe).
//  - Nested columns as Spark writes them: a struct's stats nest per member
//    ({"minValues":{"s":{"a":1}}}, recursively); an array or a map has a nullCount (its null
//    rows) and no bounds; a member's nullCount counts the rows where it or a parent is null.
//  - Only the first `num_indexed_columns` leaves (delta.dataSkippingNumIndexedCols, 32), counted
//    as Delta does: each struct member, recursively; an array or a map counts as one; columns
//    asked for by name (a clustered table's clustering columns) whatever their position.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/parquet/parquet_writer.h"

namespace lakestream {

/// Delta's default prefix length for string statistics.
inline constexpr int kStatsStringPrefixLength = 32;
/// Delta's default delta.dataSkippingNumIndexedCols.
inline constexpr int kDefaultNumIndexedColumns = 32;

/// The stats JSON of one data file from what the Parquet writer reports (`columns` for the
/// types and the null rows of top-level arrays and maps, `leaves` for everything else).
/// `always_columns` (column paths by the file's names, e.g. a clustered table's clustering
/// columns) get their statistics even past num_indexed_columns.
std::string stats_json(const ParquetFileInfo& info,
                       int num_indexed_columns = kDefaultNumIndexedColumns,
                       const std::vector<std::vector<std::string>>& always_columns = {});
/// The same for a flat file (one leaf per column): `columns` serve as both.
std::string stats_json(int64_t num_records, const std::vector<ParquetColumnStats>& columns,
                       int num_indexed_columns = kDefaultNumIndexedColumns);
/// delta.dataSkippingNumIndexedCols of a table's configuration: 32 when absent or invalid, -1
/// (every column) when -1.
int num_indexed_columns(const std::map<std::string, std::string>& configuration);

/// Delta's truncateMinStringAgg on UTF-8 text: the first `prefix_length` UTF-16 units, not
/// splitting a surrogate pair (a 4-byte UTF-8 character).
std::string truncate_min_string(std::string_view utf8,
                                int prefix_length = kStatsStringPrefixLength);
/// Delta's truncateMaxStringAgg on UTF-8 text; nullopt when no bound fits in 2 * prefix_length.
std::optional<std::string> truncate_max_string(std::string_view utf8,
                                               int prefix_length = kStatsStringPrefixLength);

}  // namespace lakestream
