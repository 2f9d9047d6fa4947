// streaming_job: the original sample's main job. Reads meter readings from an Event Hub (from
// the start of the stream), parses the JSON bodies against the meter schema adding the event's
// enqueued time, previews the stream on the console, then appends the flattened rows to a Delta
// table partitioned by SupplierId, exactly once, until terminated or for --await-seconds.
//
//   streaming_job --output-root ./data --input-eh-connection-string "Endpoint=sb://..."
//   STREAMING_STORAGE_KEY=... streaming_job --storage-account-name acct
//       --input-eh-connection-string "Endpoint=sb://..."  (abfss://data@acct.dfs.core.windows.net/)
//
// The storage options (account + key, SAS, connection string, blob endpoint) are checked and
// handed to the storage layer before anything is opened; a bad one exits 2 naming it.
// Options, environment variables and the default config file are the original's
// (configuration/run_args_streaming.conf relative to the working directory); docs/jobs.md.

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "lakestream/common/strings.h"
#include "lakestream/config/config.h"
#include "lakestream/stream/session.h"
#include "meter_utils/meter_utils.h"
#include "meter_utils/storage_options.h"

using namespace lakestream;

namespace {

int fail(const std::string& what, const Status& status) {
  std::cerr << "streaming_job: " << what << ": " << status.to_string() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  ArgParser parser("streaming_job", "Streaming Job Sample: Event Hubs -> Delta Lake",
                   {"configuration/run_args_streaming.conf"});
  meter::add_storage_options(parser, "STREAMING_STORAGE_KEY", "delta/streaming-data/");
  parser.add("--input-eh-connection-string")
      .required()
      .secret()
      .env("STREAMING_INPUT_EH_CONNECTION_STRING")
      .help("Event Hubs connection string of the input hub (EntityPath names the hub)");
  parser.add("--max-events-per-trigger")
      .default_value(10000)
      .positive()
      .help("events per micro-batch");
  parser.add("--trigger-interval")
      .default_value("1 second")
      .help(
          "micro-batch interval in Spark's syntax ('1 second', '500 ms'), or available-now "
          "(drain what the hub holds, then stop)");
  parser.add("--streaming-checkpoint-path")
      .default_value("checkpoints/streaming")
      .help("checkpoint location in the container (or under --output-root)");
  parser.add("--consumer-group").default_value("$Default").help("Event Hubs consumer group");
  parser.add("--partition-assignment")
      .default_value("auto")
      .choices({"auto", "group", "all"})
      .help(
          "group: instances in the consumer group share the partitions (joining takes the "
          "broker's ~3 s rebalance delay); all: read every partition without joining; auto: all "
          "with available-now, group otherwise");
  parser.add("--auto-compact")
      .metavar("true|false")
      .default_value("true")
      .help(
          "compact a partition's small files in the background once it holds "
          "lakestream.delta.autoCompact.minNumFiles (50) of them (Databricks' autoCompact)");
  parser.add("--stop-timeout-seconds")
      .default_value(20)
      .non_negative()
      .help(
          "on SIGTERM/SIGINT, how long the batch in flight may take to commit before the job "
          "exits anyway (abandoning it; 0: no limit). Keep it under the orchestrator's grace "
          "period (Kubernetes: 30 s)");
  parser.add("--await-seconds")
      .default_value(0)
      .non_negative()
      .help("stop after this many seconds (0: run until terminated or drained)");
  parser.add("--preview-seconds")
      .default_value(5)
      .non_negative()
      .help("preview the parsed stream on the console this long first (0: no preview)");
  Config cfg = parser.parse_or_exit(argc, argv);
  const std::optional<bool> auto_compact = parse_bool_text(cfg.get_string("auto-compact"));
  if (!auto_compact) {
    std::fprintf(stderr, "%s: error: option '--auto-compact': expected true or false, got '%s'\n",
                 parser.prog().c_str(), cfg.get_string("auto-compact").c_str());
    return 2;
  }
  const AzureStorageOptions storage = meter::storage_options_or_exit(cfg, parser.prog());

  auto trigger = Trigger::parse(cfg.get_string("trigger-interval"));
  if (!trigger.ok()) {
    std::cerr << "streaming_job: error: --trigger-interval: " << trigger.status().message() << "\n";
    return 2;
  }

  // The effective configuration, secrets redacted (the original printed its whole config).
  std::cout << cfg.dump() << std::flush;

  const std::string table = meter::table_location(cfg);
  const std::string checkpoint =
      meter::storage_location(cfg, cfg.get_string("streaming-checkpoint-path"));

  Session session(cfg, storage);
  DataStream raw = session.read_stream()
                       .format("eventhubs")
                       .option("connection-string", cfg.get_string("input-eh-connection-string"))
                       .option("consumer-group", cfg.get_string("consumer-group"))
                       .option("partition-assignment", cfg.get_string("partition-assignment"))
                       .option("starting-position", "earliest")
                       .option("max-events-per-trigger", cfg.get_int("max-events-per-trigger"))
                       .load();
  if (!raw.status().ok()) return fail("reading the Event Hub", raw.status());
  std::cout << "Input stream schema:\n";
  raw.print_schema();

  DataStream parsed = event_hub_parse(raw, meter::meter_schema());
  std::cout << "Parsed stream schema:\n";
  parsed.print_schema();

  if (const int64_t seconds = cfg.get_int("preview-seconds"); seconds > 0) {
    const Status previewed = preview_stream(parsed, static_cast<double>(seconds));
    if (!previewed.ok()) return fail("previewing the stream", previewed);
  }

  auto query = parsed.flatten()
                   .write_stream()
                   .format("delta")
                   .partition_by(std::string(meter::kPartitionColumn))
                   .trigger(*trigger)
                   .option("checkpoint-location", checkpoint)
                   .option("auto-compact", *auto_compact ? "true" : "false")
                   .query_name("streaming_job")
                   .start(table);
  if (!query.ok()) return fail("starting the query to " + table, query.status());
  set_stop_timeout_seconds(static_cast<double>(cfg.get_int("stop-timeout-seconds")));
  stop_on_signals(*query);
  std::cout << "Writing to " << table << " (checkpoint " << checkpoint << ", trigger "
            << trigger->to_string() << ")\n"
            << std::flush;

  const int64_t await_seconds = cfg.get_int("await-seconds");
  auto ended =
      query->await_termination(await_seconds > 0 ? static_cast<double>(await_seconds) : -1.0);
  query->stop();
  if (!ended.ok()) return fail("the query failed", ended.status());
  if (!query->exception().ok()) return fail("the query failed", query->exception());
  if (stop_signal_received()) std::cout << "Stopped on signal.\n";
  std::cout << "Job complete." << std::endl;
  return 0;
}
