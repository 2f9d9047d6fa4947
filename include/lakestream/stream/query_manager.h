#pragma once
// stream/query_manager: the queries of a Session (Spark's spark.streams) and what a watcher
// (the live UI, a health probe, a test) may read about each without slowing it down: a plan
// description fixed at start and a status snapshot the query's threads keep current. Readers
// copy under a short lock; nothing here blocks a batch.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/stream/streaming_query.h"

namespace lakestream {

/// A query's lifecycle as Spark's UI names it.
enum class QueryStatus { kActive, kTerminated, kFailed };

/// "ACTIVE", "TERMINATED", "FAILED".
std::string_view query_status_name(QueryStatus status);

/// What a query runs: the counterpart of the plan Spark's SQL tab shows. No secrets.
struct QueryPlanInfo {
  std::string source_format;       ///< "eventhubs", "kafka", "rate", "memory"
  std::string source_description;  ///< "KafkaV2[Subscribe[input]]"
  std::string topic;
  std::string schema_ddl;   ///< the written rows' schema, Spark DDL
  std::string schema_tree;  ///< printSchema() text
  std::string decode;       ///< "raw events", "schema-driven JSON (dead-letter)", ...
  bool flatten = false;
  std::vector<std::string> transforms;  ///< per-batch steps in order ("flatten", ...)
  std::string sink_format;              ///< "delta", "foreach-batch"
  std::string sink_description;         ///< "DeltaSink[<path>]"
  std::string sink_path;
  std::string dead_letter_path;
  std::vector<std::string> partition_by;
  std::string trigger;  ///< Trigger::to_string()
  int64_t trigger_interval_ms = 0;
  int64_t max_events_per_trigger = 0;
};

/// What a query has done so far; a copy, safe to keep.
struct QuerySnapshot {
  std::string id;
  std::string run_id;
  std::string name;
  QueryStatus status = QueryStatus::kActive;
  std::string exception;  ///< why it failed ("" otherwise)
  int64_t start_ms = 0;   ///< wall clock, ms since the epoch
  int64_t end_ms = 0;     ///< 0 while active
  int64_t completed_batches = 0;
  int64_t input_rows = 0;
  int64_t output_rows = 0;
  int64_t dead_letter_rows = 0;
  std::optional<int64_t> latest_batch_id;
  /// When the query last asked its source for events (wall clock ms; 0: not yet). A query whose
  /// pipeline stalls stops moving it.
  int64_t last_trigger_ms = 0;
  /// Why the source delivers nothing ("no broker reachable: ..."), "" while it is healthy.
  std::string source_problem;
  /// Per assigned partition: events in the source not yet committed to the sink.
  std::map<int32_t, int64_t> lag;
  /// The sink table's latest version (Delta), if it has one.
  std::optional<int64_t> table_version;
  /// Spark's "Avg Input /sec" and "Avg Process /sec": means over the retained progress records.
  double avg_input_rows_per_second = 0;
  double avg_processed_rows_per_second = 0;
  /// The latest progress record as logged (null before the first batch).
  std::shared_ptr<const std::string> last_progress_json;
};

/// The queries a Session started, oldest first. Thread-safe.
class StreamingQueryManager {
 public:
  /// Every query started in the session, active or not, oldest first.
  std::vector<StreamingQuery> all() const;
  /// The queries still running.
  std::vector<StreamingQuery> active() const;
  /// The query with this id (the newest run when a checkpoint was reused), if any.
  std::optional<StreamingQuery> get(std::string_view id) const;
  /// Called by DataStreamWriter::start().
  void add(StreamingQuery query);

 private:
  mutable std::mutex mu_;
  std::vector<StreamingQuery> queries_;
};

}  // namespace lakestream
