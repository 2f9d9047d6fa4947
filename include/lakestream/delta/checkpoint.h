#pragma once
// delta/checkpoint: checkpoints of the Delta log. A checkpoint at version v holds the whole
// table state at v, one action per row in the struct columns txn, add, remove, metaData,
// protocol and domainMetadata, so readers start from it instead of replaying every JSON commit.
// _delta_log/_last_checkpoint ({"version":v,"size":rows[,"parts":n]}) points at the newest one.
//
// Reading takes every form PROTOCOL.md defines: classic "<v>.checkpoint.parquet", multi-part
// "<v>.checkpoint.<i>.<n>.parquet", and the v2 spec (the v2Checkpoint feature): UUID-named
// "<v>.checkpoint.<uuid>.json|parquet" with a checkpointMetadata action and sidecar actions
// naming Parquet files in _delta_log/_sidecars/ that hold the add and remove actions. On a
// v2Checkpoint table the writer writes a UUID-named Parquet v2 checkpoint (no sidecars).
//
// Writing: after every commit whose version is a multiple of `delta.checkpointInterval` (table
// configuration, default 10), the DeltaTable writes that version's checkpoint on its background
// worker (delta_table.h). The file is ordinary nested Parquet written by the project's Parquet
// writer (parquet_writer.h; uncompressed, no dictionaries), streamed to the output in row groups
// of a bounded size, so the memory it takes does not grow with the table — a file Spark, DuckDB
// and our own reader read.

#include <cstdint>
#include <functional>
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
/// protocol, domainMetadata, checkpointMetadata; a v2 checkpoint's sidecars are read in and
/// not returned). Errors name the file.
Result<CommitActions> read_checkpoint(FileSystem& fs, const std::string& table_path,
                                      const CheckpointRef& ref);

/// The protocol action of a checkpoint, reading only that column (nullopt when it has none).
Result<std::optional<ProtocolAction>> read_checkpoint_protocol(FileSystem& fs,
                                                               const std::string& table_path,
                                                               const CheckpointRef& ref);

/// Read a checkpoint one row group at a time: `fn` gets each row group's actions (txn, add,
/// remove, metaData, protocol, domainMetadata) and may move from them; the row groups of a v2
/// checkpoint's sidecar files follow its own. Memory is one row group's worth (a JSON v2
/// checkpoint is one batch).
Status for_each_checkpoint_batch(FileSystem& fs, const std::string& table_path,
                                 const CheckpointRef& ref,
                                 const std::function<Status(CommitActions&)>& fn);

/// delta.checkpointInterval of the table (default 10; an invalid value counts as the default).
int64_t checkpoint_interval(const MetadataAction& metadata);
/// Whether a commit of `version` is due a checkpoint: a positive multiple of the interval.
bool checkpoint_due(int64_t version, const MetadataAction& metadata);

/// How a checkpoint file is cut into row groups: a row group ends after `max_rows_per_row_group`
/// actions or once about `max_bytes_per_row_group` of values are buffered, whichever comes
/// first. What the writer holds at any time is two row groups (one filled while the other is
/// encoded on a second thread). 1024 actions (~0.5 MB with
/// typical stats) keep a checkpoint of 5,000 files at ~3 MB of heap where 4096 took ~9 MB, for
/// the same time (bench/checkpoint_bench.cc); readers take any number of row groups.
struct CheckpointWriteOptions {
  int64_t max_rows_per_row_group = 1024;
  int64_t max_bytes_per_row_group = 2 << 20;
};

/// Write the checkpoint of `snapshot` (single file; UUID-named v2 spec on a v2Checkpoint
/// table) and then _last_checkpoint. Writing an
/// existing checkpoint again replaces it with the same content.
Status write_checkpoint(const Snapshot& snapshot, const CheckpointWriteOptions& options = {});

/// Write the checkpoint of `version` (single file), then _last_checkpoint, without loading a
/// Snapshot: the JSON commits after the newest complete checkpoint below `version` are replayed
/// into the final action of each path they touch (what they hold is all that is kept in
/// memory), then that checkpoint is streamed through row group by row group, every action of a
/// path the commits did not touch copied as is, and the touched paths' live adds and
/// tombstones, the txn versions, metaData and protocol written after it. The result is the
/// state Snapshot::load(version) gives (tests/delta/checkpoint_test.cc checks both agree).
/// Nothing is visible until the file is complete; _last_checkpoint is written only after it.
Status write_checkpoint_at(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                           int64_t version, const CheckpointWriteOptions& options = {});

/// Synchronously write the checkpoint of `version` when checkpoint_due(version, metadata)
/// (OK and nothing written otherwise). DeltaTable calls write_checkpoint_at on its worker.
Status checkpoint_if_due(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                         int64_t version, const MetadataAction& metadata);

}  // namespace lakestream
