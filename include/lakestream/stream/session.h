#pragma once
// stream/session: the entry point of a streaming job, Spark's SparkSession in miniature.
// One header a job needs: it brings in DataStream, DataStreamWriter, StreamingQuery, Trigger
// and the stop-on-signal helper.
//
//   Session session(config);
//   auto raw = session.read_stream().format("eventhubs").option("connection-string", cs)
//                  .option("max-events-per-trigger", 100).load();
//   auto parsed = event_hub_parse(raw, schema).flatten();
//   LS_ASSIGN_OR_RAISE(StreamingQuery query,
//       parsed.write_stream().format("delta").partition_by("SupplierId")
//             .trigger(Trigger::processing_time("1 second"))
//             .option("checkpoint-location", checkpoint).start(table_path));
//   stop_on_signals(query);
//   auto done = query.await_termination(30);
//
// Reader formats:
//   "eventhubs" / "kafka": the librdkafka source (module `source`); its options are passed
//       through (connection-string, bootstrap-servers, topic, consumer-group,
//       starting-position, ...), and `lakestream.kafka.*` engine settings from the config.
//   "rate": Spark's rate source; option rows-per-second (default 1).
//   "memory": a source given with source(...) (tests, examples).
// Every format: max-events-per-trigger (also maxEventsPerTrigger / maxOffsetsPerTrigger).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "lakestream/config/config.h"
#include "lakestream/stream/data_stream.h"
#include "lakestream/stream/data_stream_writer.h"
#include "lakestream/stream/stop_signals.h"
#include "lakestream/stream/streaming_query.h"
#include "lakestream/stream/trigger.h"

namespace lakestream {

class DataStreamReader;

class Session {
 public:
  Session() = default;
  /// A session whose engine settings (`lakestream.*` in the defaults file) come from `config`.
  explicit Session(Config config) : config_(std::move(config)) {}

  /// Start describing a stream to read.
  DataStreamReader read_stream() const;
  const Config& config() const { return config_; }

 private:
  Config config_;
};

/// Builder of a DataStream (Spark's DataStreamReader).
class DataStreamReader {
 public:
  explicit DataStreamReader(const Session* session) : session_(session) {}

  DataStreamReader& format(std::string name);
  DataStreamReader& option(std::string key, std::string value);
  DataStreamReader& option(std::string key, const char* value) {
    return option(std::move(key), std::string(value));
  }
  DataStreamReader& option(std::string key, int64_t value);
  DataStreamReader& option(std::string key, int value) {
    return option(std::move(key), static_cast<int64_t>(value));
  }
  DataStreamReader& option(std::string key, bool value);
  /// Read from sources `factory` makes (format "memory" unless one was set).
  DataStreamReader& source(StreamSourceFactory factory, RawLayout layout = RawLayout::kEvents);

  /// The stream. Errors (unknown format, bad option values) are kept in it: status().
  DataStream load() const;

 private:
  const Session* session_;
  std::string format_;
  std::map<std::string, std::string> options_;
  StreamSourceFactory factory_;
  RawLayout layout_ = RawLayout::kEvents;
};

/// How the "eventhubs" / "kafka" formats make their source; set by the kafka adapter
/// (src/stream/kafka_stream_source.cc). Returns NotImplemented when no adapter is linked.
Result<std::unique_ptr<StreamSource>> make_kafka_stream_source(
    const std::string& format, const std::map<std::string, std::string>& options,
    const Config& config);

}  // namespace lakestream
