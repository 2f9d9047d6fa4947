#pragma once
// stream/query_checkpoint (private): the query's checkpoint location (not the Delta
// checkpoint of delta/checkpoint.h). It holds the query's identity
// (`metadata`, {"id":"<uuid>"}, written once on first start, as Spark's) and the progress of
// the latest batches (`progress/<batchId>.json`, the last 100). Offsets are not kept here:
// the Delta table's txn actions are the truth.

#include <cstdint>
#include <memory>
#include <string>

#include "lakestream/common/status.h"
#include "lakestream/storage/file_system.h"
#include "lakestream/stream/progress.h"

namespace lakestream::stream_internal {

inline constexpr int64_t kProgressRecordsKept = 100;

class QueryCheckpoint {
 public:
  /// Read (or create) the checkpoint at `path` on `fs`.
  static Result<QueryCheckpoint> open(std::shared_ptr<FileSystem> fs, std::string path);

  const std::string& query_id() const { return query_id_; }
  /// The batch id after the last one recorded (0 for a new query).
  int64_t next_batch_id() const { return next_batch_id_; }
  /// Store `progress` (as `progress_json`, its to_json()) and forget records older than the
  /// last kProgressRecordsKept.
  Status record(const QueryProgress& progress, std::string_view progress_json);

 private:
  std::shared_ptr<FileSystem> fs_;
  std::string path_;
  std::string query_id_;
  int64_t next_batch_id_ = 0;
};

}  // namespace lakestream::stream_internal
