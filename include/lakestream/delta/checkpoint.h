#pragma once
// delta/checkpoint: Parquet checkpoints of the Delta log. A checkpoint at version v holds the
// whole table state at v, one action per row in the struct columns txn, add, remove, metaData
// and protocol, so readers start from it instead of replaying every JSON commit.
// _delta_log/_last_checkpoint ({"version":v,"size":rows[,"parts":n]}) points at the newest one.
//
// Writing: Transaction::commit writes a checkpoint after every commit whose version is a
// multiple of `delta.checkpointInterval` (table configuration, default 10). Our Parquet writer
// only writes flat columns, so checkpoints have their own small writer here: nested columns
// with repetition/definition levels, PLAIN values, uncompressed data page v1, one row group —
// a file Spark, DuckDB and our own reader all read.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// The default of delta.checkpointInterval.
inline constexpr int64_t kDefaultCheckpointInterval = 10;

/// "_delta_log/00000000000000000010.checkpoint.parquet" relative to the table.
std::string checkpoint_file_path(int64_t version);
/// Part `part` (1-based) of `parts`: "_delta_log/<v>.checkpoint.<part:010>.<parts:010>.parquet".
std::string checkpoint_part_path(int64_t version, int part, int parts);
/// Parse a checkpoint file name: its version and part count (1 = single file; `part` is set
/// to the part number). nullopt for anything else.
std::optional<CheckpointRef> checkpoint_file_ref(std::string_view file_name, int* part = nullptr);

/// Read every part of a checkpoint into one set of actions (txn, add, remove, metaData,
/// protocol). Errors name the file.
Result<CommitActions> read_checkpoint(FileSystem& fs, const std::string& table_path,
                                      const CheckpointRef& ref);

/// delta.checkpointInterval of the table (default 10; an invalid value counts as the default).
int64_t checkpoint_interval(const MetadataAction& metadata);

/// Write the checkpoint of `snapshot` (single file) and then _last_checkpoint. Writing an
/// existing checkpoint again replaces it with the same content.
Status write_checkpoint(const Snapshot& snapshot);

/// Called after a commit of `version`: when the version is a positive multiple of the table's
/// checkpoint interval, load the snapshot at that version (from the previous checkpoint) and
/// write its checkpoint.
Status checkpoint_if_due(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                         int64_t version, const MetadataAction& metadata);

}  // namespace lakestream
