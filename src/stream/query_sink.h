#pragma once
// stream/query_sink (private): what the micro-batch engine asks of a sink. The engine owns
// triggers, polling, decoding and progress; a sink owns where rows go and, for Delta, the
// exactly-once protocol (docs/streaming.md).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/delta/constraints.h"
#include "lakestream/json/rejected_record.h"
#include "lakestream/source/stream_source.h"
#include "lakestream/stream/data_stream_writer.h"
#include "stream/auto_compactor.h"

namespace lakestream::stream_internal {

/// A record the decoder refused, with the enqueued time of its event.
struct DeadLetter {
  RejectedRecord record;
  int64_t enqueued_time_ms = 0;
};

/// How a batch ended in the sink.
struct CommitOutcome {
  bool committed = false;
  /// When not committed: another writer owns some of the batch's partitions now (a rebalance
  /// race); continue each partition at this offset.
  std::map<int32_t, int64_t> reseek;
  std::string why;  ///< why the batch was dropped, for the log
  int64_t num_output_rows = 0;
  int64_t num_dead_letter_rows = 0;
  int64_t num_files_written = 0;  ///< data files the commit added (dead letters' included)
  int64_t num_bytes_written = 0;
  std::optional<int64_t> table_version;  ///< the table version committed (Delta)
};

/// The data of one micro-batch on its way into the sink.
class SinkBatch {
 public:
  virtual ~SinkBatch() = default;
  /// Write a transformed chunk. Chunks are written concurrently, each from one thread. Rows
  /// the table's constraints refuse (delta/constraints.h) are not written but appended to
  /// `*violations` (row numbers of `batch`), for the engine to dead-letter.
  virtual Status write(int chunk, const RecordBatch& batch,
                       std::vector<RowViolation>* violations) = 0;
  /// Called from the chunk's thread after its last write: close what the chunk wrote (for
  /// Delta, encode and close its Parquet files), so that commit() only publishes.
  virtual Status finish_chunk(int /*chunk*/) { return Status::OK(); }
  /// Make the batch visible exactly once, or drop it (outcome.committed false). On an error
  /// the sink has cleaned up what it could; the engine fails the query. Called from another
  /// thread than write(), in batch order, once the previous batch's commit() returned.
  virtual Result<CommitOutcome> commit(const RawBatch& raw, std::vector<DeadLetter> dead_letters,
                                       const StreamTestHook& hook, int64_t batch_id) = 0;
  /// Delete whatever this batch wrote. Safe after commit failed, and twice.
  virtual void abort() = 0;
};

class QuerySink {
 public:
  virtual ~QuerySink() = default;
  virtual std::string description() const = 0;
  /// How many chunks of a large batch may be written in parallel.
  virtual int max_chunks() const = 0;
  /// Where `partition` continues: the sink's committed offset + 1, or nullopt (the source's
  /// starting position). Called from the polling thread.
  virtual Result<std::optional<int64_t>> start_offset(const std::string& topic,
                                                      int32_t partition) = 0;
  virtual Result<std::unique_ptr<SinkBatch>> begin_batch(int64_t batch_id, int chunks) = 0;
  /// The table's latest version as the sink last saw it (Delta), for the UI before any commit.
  virtual std::optional<int64_t> table_version() const { return std::nullopt; }
  /// What the UI's plan shows of the sink.
  virtual std::string path() const { return {}; }
  virtual std::string dead_letter_path() const { return {}; }
};

/// The Delta sink: `table_path` on `fs`, exactly-once per source partition.
/// `auto_compact`: whether and when it compacts small files behind the stream
/// (stream/auto_compactor.h). `merge_schema`: the stream's schema may add columns to the
/// table's (TableCreateOptions::merge_schema); the dead-letter table's schema never changes.
Result<std::unique_ptr<QuerySink>> make_delta_sink(
    std::shared_ptr<FileSystem> fs, std::string table_path,
    std::shared_ptr<FileSystem> dead_letter_fs, std::string dead_letter_path, const Schema& schema,
    const WriteSpec& spec, std::string query_id, AutoCompactSettings auto_compact,
    bool merge_schema = false);

/// A sink calling `fn(batch, batch_id)` for every batch (at-least-once; offsets not kept).
std::unique_ptr<QuerySink> make_foreach_sink(std::function<Status(const RecordBatch&, int64_t)> fn,
                                             std::string description);

/// "<query id>-<topic>-<partition>": the txn app id of a source partition in the table.
std::string txn_app_id(const std::string& query_id, const std::string& topic, int32_t partition);
/// The dead-letter table's app id of a source partition.
std::string dead_letter_app_id(const std::string& query_id, const std::string& topic,
                               int32_t partition);
/// The dead-letter table's schema.
Schema dead_letter_schema();

}  // namespace lakestream::stream_internal
