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
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "lakestream/config/config.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/stream/data_stream.h"
#include "lakestream/stream/data_stream_writer.h"
#include "lakestream/stream/query_manager.h"
#include "lakestream/stream/stop_signals.h"
#include "lakestream/stream/streaming_query.h"
#include "lakestream/stream/trigger.h"

namespace lakestream {

class DataStreamReader;

/// What a session's background services (the live UI) may keep of it: shared, so they never
/// hold the Session itself.
struct SessionInfo {
  Config config;
  /// The credentials the session's queries reach Azure Storage with (Spark's fs.azure.*
  /// session settings): a table's sink, dead letters and checkpoint on abfss:// or https://.
  /// Empty: AZURE_STORAGE_CONNECTION_STRING or a SAS in the URI. Never process-wide, so two
  /// sessions (or a query's DataStreamWriter::storage) reach two accounts in one process.
  AzureStorageOptions storage;
  std::string app_name;  ///< the job's name (the config's program, else "lakestream")
  int64_t start_ms = 0;  ///< wall clock, ms since the epoch
  std::shared_ptr<StreamingQueryManager> streams;
};

/// Starts a service for every new Session (the ui module registers the live UI's server); the
/// returned handle lives as long as the session and its copies. nullptr: no service.
using SessionServiceFactory =
    std::function<std::shared_ptr<void>(std::shared_ptr<const SessionInfo>)>;
/// Register the factory (one; a later call replaces it, nullptr removes it).
void set_session_service_factory(SessionServiceFactory factory);

class Session {
 public:
  Session();
  /// A session whose engine settings (`lakestream.*` in the defaults file) come from `config`.
  /// Applies the logging settings (lakestream.log.level, lakestream.log.format) and starts the
  /// live UI when the ui module is linked (lakestream.ui.enabled, default true; docs/ui.md).
  explicit Session(Config config);
  /// The same, its queries reaching Azure Storage with `storage` (SessionInfo::storage).
  Session(Config config, AzureStorageOptions storage);

  /// Start describing a stream to read.
  DataStreamReader read_stream() const;
  const Config& config() const { return state_->info->config; }
  const AzureStorageOptions& storage() const { return state_->info->storage; }
  /// The queries started from this session (Spark's spark.streams).
  StreamingQueryManager& streams() const { return *state_->info->streams; }
  const std::shared_ptr<const SessionInfo>& info() const { return state_->info; }

 private:
  struct State {
    std::shared_ptr<const SessionInfo> info;
    std::shared_ptr<void> service;  // destroyed with the last copy of the session
  };
  std::shared_ptr<State> state_;
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

}  // namespace lakestream
