#pragma once
// stream/data_stream: an unbounded table being defined, Spark's streaming DataFrame. A
// DataStream is an immutable plan: where events come from, how each micro-batch's events become
// a RecordBatch (the source's raw columns, or JSON bodies decoded against a schema), then a
// short list of per-batch transforms (flatten, with_column, ...). Nothing runs until
// write_stream().start() or preview_stream().
//
//   Session session(config);
//   DataStream raw = session.read_stream().format("eventhubs")
//                        .option("connection-string", cs).option("max-events-per-trigger", 100)
//                        .load();
//   DataStream parsed = event_hub_parse(raw, meter_schema).flatten();
//   preview_stream(parsed, 5);
//
// Errors in building the plan (unknown format, a flatten name collision) are kept in the
// stream and reported by status(), start() and preview_stream(), so a chain stays fluent.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/schema/schema.h"
#include "lakestream/source/stream_source.h"
#include "lakestream/storage/azure_options.h"

namespace lakestream {

class DataStreamWriter;

/// Makes a fresh source each time a query starts.
using StreamSourceFactory = std::function<Result<std::unique_ptr<StreamSource>>()>;

/// What a per-batch transform does: a batch in, a batch of the transform's schema out.
using BatchFunction = std::function<Result<RecordBatch>(const RecordBatch&)>;

/// One step applied to every micro-batch after decoding.
struct BatchTransform {
  std::string name;  ///< "flatten", "with_column(Foo)", for messages
  BatchFunction apply;
};

/// How the events' JSON bodies become columns (event_hub_parse).
struct ParseSpec {
  Schema schema;  ///< the body's schema
  /// Mode, depth limit, and the rescued-data column (options.rescued_data_column, "" = none):
  /// when set, the parsed stream has that string column after the schema's columns, before
  /// the enqueued time.
  JsonDecodeOptions options;
  /// The event's enqueued time is added as this timestamp column ("" = not added).
  std::string enqueued_time_column = "EventHubEnqueueTime";
};

/// The raw columns a source's events have before any parsing.
enum class RawLayout {
  /// body binary, partition int, offset long, enqueuedTime timestamp, partitionKey string
  kEvents,
  /// timestamp timestamp, value long (Spark's rate source)
  kRate,
};

class StreamingQueryManager;

/// The plan behind a DataStream.
struct StreamPlan {
  /// Where started queries are listed (the session's streams()); null for a plan made without
  /// a session.
  std::shared_ptr<StreamingQueryManager> streams;
  /// The session's configuration (engine settings such as lakestream.ui.retainedProgressUpdates).
  Config config;
  /// The session's storage credentials (SessionInfo::storage).
  AzureStorageOptions storage;
  std::string format;                          ///< "eventhubs", "kafka", "rate", "memory"
  std::map<std::string, std::string> options;  ///< reader options (may hold secrets)
  StreamSourceFactory make_source;
  RawLayout raw_layout = RawLayout::kEvents;
  int64_t max_events_per_trigger = 0;  ///< 0: no limit
  std::optional<ParseSpec> parse;
  std::vector<BatchTransform> transforms;
  Schema schema;  ///< the schema after every step
  Status status;  ///< the first error met while building the plan
};

/// The schema of a source's raw events.
Schema raw_schema(RawLayout layout);
/// Convert raw events [begin, end) of `raw` into a batch of raw_schema(layout).
RecordBatch raw_to_batch(RawLayout layout, const RawBatch& raw, size_t begin, size_t end);

class DataStream {
 public:
  explicit DataStream(std::shared_ptr<const StreamPlan> plan) : plan_(std::move(plan)) {}

  const Schema& schema() const { return plan_->schema; }
  /// OK, or the first error met while building this stream.
  const Status& status() const { return plan_->status; }
  const StreamPlan& plan() const { return *plan_; }

  /// Spark's printSchema() text.
  std::string tree_string() const { return plan_->schema.tree_string(); }
  /// Print tree_string() to stdout.
  void print_schema() const;

  /// Nested struct columns become top-level Parent_Child columns (Schema::flatten).
  DataStream flatten() const;
  /// Append (or replace) column `name` of `type`, computed from each batch by `fn`.
  DataStream with_column(std::string name, DataTypePtr type,
                         std::function<Result<ColumnPtr>(const RecordBatch&)> fn) const;
  /// Any batch-to-batch step whose output has schema `output`.
  DataStream transform(std::string name, Schema output, BatchFunction fn) const;

  /// Start describing where the stream goes.
  DataStreamWriter write_stream() const;

 private:
  DataStream with_step(std::string name, Result<Schema> output, BatchFunction fn) const;
  std::shared_ptr<const StreamPlan> plan_;
};

/// The original's event_hub_parse: each event's body is JSON decoded against `schema`, and the
/// enqueued time is added as the timestamp column `EventHubEnqueueTime`. Records that do not
/// fit go to the dead-letter table (options.mode dead-letter, the default) or as the mode says.
/// With options.rescued_data_column set, what the schema does not expect is kept in that
/// column (docs/decoding.md, "Rescued data").
DataStream event_hub_parse(const DataStream& raw, const Schema& schema,
                           JsonDecodeOptions options = {});

/// event_hub_parse without the enqueued-time column: each event's body decoded against
/// `schema`, nothing added (e.g. the lines of an "ndjson" file stream, which have no enqueued
/// time). Records that do not fit go where options.mode says, as for event_hub_parse.
DataStream json_parse(const DataStream& raw, const Schema& schema, JsonDecodeOptions options = {});

/// The original's preview_stream: print the schema tree, then each micro-batch as Spark's
/// console sink does (43 dashes, "Batch: N", 43 dashes, show()) for `seconds`, then stop.
/// Commits nothing to any table and does not touch the consumer group. Sources start at their
/// configured starting position.
Status preview_stream(const DataStream& stream, double seconds, std::ostream& out,
                      int num_rows = 20, int truncate = 20);
/// preview_stream to stdout.
Status preview_stream(const DataStream& stream, double seconds = 5);

}  // namespace lakestream
