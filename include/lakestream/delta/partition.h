#pragma once
// delta/partition: how a partitioned Delta table lays out its files, as Spark and Delta do.
//  - A partition folder is `col=value` per partition column, both escaped with Spark's
//    ExternalCatalogUtils.escapePathName; null and "" are `__HIVE_DEFAULT_PARTITION__`.
//  - The value text is Spark's cast to string (ints, true/false, Java Double.toString, dates
//    yyyy-MM-dd, timestamps `yyyy-MM-dd HH:mm:ss[.ffffff]` in UTC, plain decimals).
//  - `add.path` in the log is the relative path URI-encoded as java.net.URI does, so the folder
//    `x=A%2FA` appears as `x=A%252FA` and a space as `%20`.
//  - Data files are named `part-00000-<uuid>.c000.snappy.parquet`.
// No value can make a path leave the table: '/' and '\' are escaped, every folder starts with
// "col=", and a folder name longer than 255 bytes (the limit of ext4, XFS, NTFS and ADLS
// segments) is refused with an error naming the column, rather than shortened (shortening
// would make two values share a folder and break the value read back from the path).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakestream/batch/column.h"
#include "lakestream/common/status.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/schema/data_type.h"

namespace lakestream {

/// The folder name Hive and Spark use for a null (or empty string) partition value.
inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";
/// The longest folder name (in bytes) a partition segment may have.
inline constexpr size_t kMaxPartitionFolderBytes = 255;

/// Spark's escapePathName: each of 0x01-0x1F, '"', '#', '%', '\'', '*', '/', ':', '=', '?',
/// '\\', 0x7F, '{', '[', ']', '^' becomes "%XX" (uppercase hex). We also escape NUL (0x00),
/// which Spark leaves alone but no file system accepts. Other bytes (space, UTF-8) stay.
std::string escape_partition_path_name(std::string_view text);
/// Undo escape_partition_path_name (Spark's unescapePathName: a '%' not followed by two hex
/// digits stays as is).
std::string unescape_partition_path_name(std::string_view text);

/// Spark's text of a partition value at `row` of `column`; nullopt for null and for "" (Spark
/// turns empty partition strings into null). InvalidArgument for types that cannot partition
/// (binary, struct, array, map).
Result<std::optional<std::string>> partition_value_text(const Column& column, int64_t row);

/// One partition column's value in a file's partition: its name and text (nullopt = null).
using PartitionValue = std::pair<std::string, std::optional<std::string>>;

/// The relative folder of a partition: "c1=v1/c2=v2" (escaped; "" when there are no partition
/// columns). InvalidArgument naming the column when a segment would exceed
/// kMaxPartitionFolderBytes or a column name is empty.
Result<std::string> partition_folder(const std::vector<PartitionValue>& values);

/// Spark's data file name: "part-<5-digit task>-<uuid>.c000.<codec>.parquet" ("…c000.parquet"
/// without compression).
std::string data_file_name(int task, std::string_view uuid, ParquetCompression compression);

/// A relative path as a URI path (what `add.path` holds): bytes outside java.net.URI's legal
/// path characters (letters, digits, "-_.!~*'()" , ",;:$&+=", "/", "@", and non-ASCII UTF-8) are
/// percent-encoded, uppercase.
std::string encode_add_path(std::string_view relative_path);
/// Decode an `add.path` back to the relative path of the file; Corrupt on a bad escape.
Result<std::string> decode_add_path(std::string_view uri_path);

}  // namespace lakestream
