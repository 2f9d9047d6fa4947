#pragma once
// stream/data_stream_writer: where a DataStream goes and when (Spark's DataStreamWriter).
//
//   stream.write_stream().format("delta").partition_by("SupplierId")
//         .trigger(Trigger::processing_time("1 second"))
//         .option("checkpoint-location", "checkpoints/streaming").start("delta/meter-data");
//
// Formats: "delta" (exactly-once append, see docs/streaming.md) and "foreach-batch" (a
// callback per batch, at-least-once). Options (Spark's camelCase spellings are accepted too):
//   checkpoint-location  the query's identity and progress (required for delta)
//   dead-letter-path     the dead-letter table (default: <table path>_dead_letter)
//   query-name           the progress records' "name"
//   progress-log         "stderr" (default: one JSON line per batch) or "none"
//   compression          Parquet codec of data files (default snappy)
//   merge-schema         "true": the stream's schema may add nullable columns to an existing
//                        table (Delta's mergeSchema; docs/delta.md "Schema evolution"); default:
//                        the engine setting lakestream.delta.schema.autoMerge.enabled, else false

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/storage/file_system.h"
#include "lakestream/stream/data_stream.h"
#include "lakestream/stream/progress.h"
#include "lakestream/stream/streaming_query.h"
#include "lakestream/stream/trigger.h"

namespace lakestream {

/// A fault-injection point for tests: called at each stage of a batch ("written": data files
/// written, nothing committed; "dead-letter-committed"; "committed": the table commit is done,
/// the source offsets not yet). A non-OK status fails the batch there, as a crash would.
using StreamTestHook = std::function<Status(std::string_view stage, int64_t batch_id)>;

/// Everything start() needs; filled by DataStreamWriter.
struct WriteSpec {
  std::string format = "delta";
  std::vector<std::string> partition_columns;
  Trigger trigger = Trigger::processing_time_ms(0);
  std::map<std::string, std::string> options;
  /// Table properties the Delta table gets if this query creates it (delta/table_properties.h).
  std::map<std::string, std::string> table_properties;
  std::function<Status(const RecordBatch&, int64_t)> foreach_batch;
  std::function<void(const QueryProgress&)> on_progress;
  std::shared_ptr<FileSystem> file_system;  ///< null: from the paths' URIs
  /// Credentials for Azure paths of this query; unset: the session's.
  std::optional<AzureStorageOptions> storage;
  StreamTestHook test_hook;
};

/// The engine setting that turns Delta's mergeSchema on for writes that do not say (Databricks'
/// spark.databricks.delta.schema.autoMerge.enabled).
inline constexpr std::string_view kSchemaAutoMergeSetting =
    "lakestream.delta.schema.autoMerge.enabled";

/// Whether a write merges its schema into the table's: the write option "merge-schema" (Spark's
/// "mergeSchema" once normalized by DataStreamWriter::option), else kSchemaAutoMergeSetting in
/// `config`, else false. InvalidArgument naming the option or setting when it is not a boolean.
/// `lakestream ingest` and the streaming sink share it.
Result<bool> merge_schema_enabled(const std::map<std::string, std::string>& options,
                                  const Config& config);

class DataStreamWriter {
 public:
  explicit DataStreamWriter(DataStream stream) : stream_(std::move(stream)) {}

  DataStreamWriter& format(std::string name);
  DataStreamWriter& partition_by(std::vector<std::string> columns);
  DataStreamWriter& partition_by(std::string column) {
    return partition_by(std::vector<std::string>{std::move(column)});
  }
  DataStreamWriter& trigger(Trigger trigger);
  /// A write option. Keys are normalized (mergeSchema is merge-schema), except that a key
  /// starting with "delta." is a table property, as in Delta's DataFrameWriter options.
  DataStreamWriter& option(std::string key, std::string value);
  /// A table property (metaData.configuration) of the Delta table when this query creates it;
  /// ignored for an existing table. Unknown delta.* keys fail start() before anything is
  /// written (delta/table_properties.h).
  DataStreamWriter& table_property(std::string key, std::string value);
  DataStreamWriter& query_name(std::string name) { return option("query-name", std::move(name)); }
  /// Call `fn(batch, batch_id)` for every micro-batch (format "foreach-batch").
  DataStreamWriter& foreach_batch(std::function<Status(const RecordBatch&, int64_t)> fn);
  /// Also hand every progress record to `fn` (on the query's thread; keep it short).
  DataStreamWriter& on_progress(std::function<void(const QueryProgress&)> fn);
  /// Open the table and checkpoint paths on `fs` instead of by their URIs.
  DataStreamWriter& file_system(std::shared_ptr<FileSystem> fs);
  /// Reach this query's Azure paths (table, dead letters, checkpoint) with `storage` instead
  /// of the session's credentials: a second storage account in the same job.
  DataStreamWriter& storage(AzureStorageOptions storage);
  /// Fault injection for tests (see StreamTestHook).
  DataStreamWriter& test_hook(StreamTestHook hook);

  /// Start the query writing to the Delta table at `path` (a local path or URI).
  Result<StreamingQuery> start(const std::string& path);
  /// Start a query whose sink needs no path (foreach-batch).
  Result<StreamingQuery> start();

 private:
  DataStream stream_;
  WriteSpec spec_;
};

}  // namespace lakestream
