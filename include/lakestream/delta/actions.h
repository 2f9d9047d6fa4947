#pragma once
// delta/actions: the actions of a Delta Lake commit file (_delta_log/%020d.json, one JSON
// object per line) as PROTOCOL.md defines them, with their serialised and parsed forms.
// Only what a writer needs is modelled; unknown actions and fields are ignored when reading.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
struct ProtocolAction {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  /// Table features (reader version 3 / writer version 7); empty when absent.
  std::vector<std::string> reader_features;
  std::vector<std::string> writer_features;
  bool operator==(const ProtocolAction&) const = default;
};

/// {"metaData":{...}}: the table's identity, schema and partitioning.
struct MetadataAction {
  std::string id;           ///< a UUID, fixed at creation
  std::string name;         ///< optional ("" = absent)
  std::string description;  ///< optional ("" = absent)
  std::string format_provider = "parquet";
  std::string schema_string;  ///< Spark StructType JSON
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::optional<int64_t> created_time;  ///< ms since the epoch
};

/// An add's `deletionVector` (PROTOCOL.md "Deletion Vectors"): where the rows of its data file
/// that are deleted are listed. Read by delta/deletion_vector.h.
struct DeletionVectorDescriptor {
  /// 'u': a file named by a UUID (with a random prefix folder) in the table; 'p': an absolute
  /// path; 'i': inline in `path_or_inline_dv`.
  char storage_type = 'u';
  /// 'u': <prefix><20 z85 characters of the UUID>; 'p': the path URI; 'i': the z85 bitmap.
  std::string path_or_inline_dv;
  /// Where the DV starts in its file (its 4-byte size field); absent for inline DVs.
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;  ///< of the serialised bitmap (without size and checksum)
  int64_t cardinality = 0;    ///< how many rows it deletes
  bool operator==(const DeletionVectorDescriptor&) const = default;
};

/// {"add":{...}}: a data file joins the table.
struct AddFile {
  std::string path;  ///< relative, URI-encoded (encode_add_path)
  /// Partition column → value text; nullopt is JSON null.
  std::vector<std::pair<std::string, std::optional<std::string>>> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;  ///< ms since the epoch
  bool data_change = true;
  std::string stats;  ///< the stats JSON text ("" = absent)
  /// The rows of the file that are deleted; absent when none are.
  std::optional<DeletionVectorDescriptor> deletion_vector;
  bool has_deletion_vector() const { return deletion_vector.has_value(); }
  /// Row tracking (PROTOCOL.md "Row IDs"): the default generated row id of the file's first
  /// row (the others follow by their position in the file); absent without row tracking.
  std::optional<int64_t> base_row_id = std::nullopt;
  /// Row tracking: the first commit version in which an add of this path was committed.
  std::optional<int64_t> default_row_commit_version = std::nullopt;
  /// Liquid clustering: the clustering implementation that clustered the file ("" = none).
  std::string clustering_provider = {};
};

/// {"remove":{...}}: a data file leaves the table.
struct RemoveFile {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  /// With extendedFileMetadata true (as Spark writes a remove of a file it knows), the file's
  /// partitionValues and size are given too: VACUUM and change readers use them.
  bool extended_file_metadata = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> partition_values;
  std::optional<int64_t> size;
  /// Row tracking: the baseRowId and defaultRowCommitVersion of the add it removes.
  std::optional<int64_t> base_row_id = std::nullopt;
  std::optional<int64_t> default_row_commit_version = std::nullopt;
};

/// {"domainMetadata":{...}} (PROTOCOL.md "Domain Metadata"): the configuration of a named
/// metadata domain. The latest action per domain wins; removed=true deletes the domain.
/// Domains starting with "delta." belong to table features (delta.rowTracking,
/// delta.clustering); a writer keeps every domain, known or not.
struct DomainMetadataAction {
  std::string domain;
  std::string configuration;  ///< a string, usually JSON text
  bool removed = false;
  bool operator==(const DomainMetadataAction&) const = default;
};

/// {"checkpointMetadata":{...}}: the one row every v2-spec checkpoint has (never in commits).
struct CheckpointMetadataAction {
  int64_t version = 0;
  std::map<std::string, std::string> tags;
};

/// {"sidecar":{...}}: a v2-spec checkpoint's pointer to a Parquet file in _delta_log/_sidecars/
/// holding some of its add and remove actions.
struct SidecarAction {
  std::string path;  ///< URI-encoded; usually the file name alone
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  std::map<std::string, std::string> tags;
};

/// {"txn":{...}}: the last version an application (a stream's source partition) committed.
struct TxnAction {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

/// {"commitInfo":{...}}: provenance, ignored by readers' table state.
struct CommitInfoAction {
  int64_t timestamp = 0;
  std::string operation;  ///< "WRITE", "STREAMING UPDATE", "CREATE TABLE"
  /// Values are strings, as Spark writes them ("[]", "Append").
  std::vector<std::pair<std::string, std::string>> operation_parameters;
  std::optional<int64_t> read_version;
  bool is_blind_append = true;
  std::string engine_info;
  std::string txn_id;  ///< "" = absent
  /// What the operation did (Spark's operationMetrics: "numAddedFiles" → "3", ...); values
  /// are strings as Spark writes them. Empty: absent.
  std::vector<std::pair<std::string, std::string>> operation_metrics;
  /// The commit's in-commit timestamp (ms; the inCommitTimestamp table feature): monotonic
  /// across the table's commits, so time travel by timestamp is exact.
  std::optional<int64_t> in_commit_timestamp;
};

/// The actions of one commit file, in the order they are written.
struct CommitActions {
  std::optional<CommitInfoAction> commit_info;
  std::optional<ProtocolAction> protocol;
  std::optional<MetadataAction> metadata;
  std::vector<TxnAction> txns;
  std::vector<AddFile> adds;
  std::vector<RemoveFile> removes;
  std::vector<DomainMetadataAction> domain_metadata;
  /// Only in v2-spec checkpoints (a JSON one is parsed by parse_commit too).
  std::optional<CheckpointMetadataAction> checkpoint_metadata;
  std::vector<SidecarAction> sidecars;
};

/// One JSON line per action (each ending in '\n'): commitInfo, protocol, metaData,
/// domainMetadata, txn, add, remove — the order Delta writes them (checkpointMetadata and
/// sidecar first and last when present, as in a v2 JSON checkpoint).
std::string serialize_commit(const CommitActions& actions);
/// Parse a commit file. `where` names it in errors (Corrupt on a bad line, with its number).
Result<CommitActions> parse_commit(std::string_view text, std::string_view where);

/// "_delta_log/00000000000000000042.json" relative to the table.
std::string commit_file_path(int64_t version);
/// The version of a commit file name ("00000000000000000042.json" → 42); nullopt for
/// anything else (checkpoints, _last_checkpoint, temporary files, .crc).
std::optional<int64_t> commit_file_version(std::string_view file_name);

}  // namespace lakestream
