#pragma once
// stream/progress: the record of one micro-batch, with the fields of Spark's
// StreamingQueryProgress, so tools that read Spark's progress JSON read ours.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lakestream {

/// Offsets of one source: partition → offset (Spark's Kafka form {"topic":{"0":123}}).
using PartitionOffsets = std::map<int32_t, int64_t>;

struct SourceProgress {
  std::string description;
  std::string topic;
  PartitionOffsets start_offset;   ///< next offset to read per partition when the batch began
  PartitionOffsets end_offset;     ///< next offset to read after the batch
  PartitionOffsets latest_offset;  ///< the source's end when the batch began
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  /// Spark's string map; the Kafka source's avgOffsetsBehindLatest, maxOffsetsBehindLatest,
  /// minOffsetsBehindLatest (latestOffset - endOffset over the batch's partitions).
  std::map<std::string, std::string> metrics;
};

struct SinkProgress {
  std::string description;
  int64_t num_output_rows = 0;
  int64_t num_dead_letter_rows = 0;  ///< reported in Spark's string "metrics" map
  /// Further entries of that map: numFilesWritten, numBytesWritten, tableVersion, and
  /// min/avg/maxEventLatencyMs (enqueued time to commit) when the events carry one.
  std::map<std::string, std::string> metrics;
};

/// One micro-batch's progress (Spark's StreamingQueryProgress).
struct QueryProgress {
  std::string id;
  std::string run_id;
  std::string name;          ///< "" is written as null
  int64_t timestamp_ms = 0;  ///< when the trigger started
  int64_t batch_id = 0;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  /// latestOffset, getBatch, addBatch, walCommit, commitOffsets, triggerExecution.
  std::map<std::string, int64_t> duration_ms;
  std::vector<SourceProgress> sources;
  SinkProgress sink;

  /// Spark's progress JSON on one line (camelCase names, timestamp "yyyy-MM-ddTHH:mm:ss.SSSZ").
  std::string to_json() const;
};

}  // namespace lakestream
