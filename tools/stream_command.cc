// `lakestream stream`: JSON events of any schema from an Event Hub (or the local hub) to a Delta
// table, no code: the library's streaming engine with the options a job would set, exactly once
// (docs/streaming.md), dead letters, progress records and the live UI. streaming_job stays the
// sample of how such a job is written; this is the counterpart of kafka-delta-ingest's daemon.
//
//   lakestream stream --schema device.ddl --input-eh-connection-string "Endpoint=sb://..."
//       --table abfss://data@acct.dfs.core.windows.net/delta/devices
//       --checkpoint-location abfss://data@acct.dfs.core.windows.net/checkpoints/devices
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "command_args.h"
#include "lakestream/common/strings.h"
#include "lakestream/config/config.h"
#include "lakestream/source/kafka_source.h"
#include "lakestream/storage/azure_file_system.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/stream/session.h"

namespace lakestream::cli {

namespace {

int fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "lakestream stream: %s: %s\n", what.c_str(), status.to_string().c_str());
  return kExitFailure;
}

void add_storage_options(ArgParser& parser) {
  parser.add("--storage-account-key")
      .secret()
      .env("AZURE_STORAGE_KEY")
      .help("key of the storage account the abfss:// locations name");
  parser.add("--storage-sas-token")
      .secret()
      .env("AZURE_STORAGE_SAS_TOKEN")
      .help("SAS token for that account (sv=...&sig=..., with or without a leading '?')");
  parser.add("--storage-connection-string")
      .secret()
      .env(std::string(kConnectionStringEnv))
      .help(
          "storage connection string (AccountName=..;AccountKey=.. or SharedAccessSignature=..; "
          "UseDevelopmentStorage=true for Azurite)");
  parser.add("--storage-blob-endpoint")
      .metavar("URL")
      .help(
          "blob endpoint of the account when it is not https://<account>.blob.core.windows.net "
          "(a private endpoint, a proxy, Azurite)");
}

/// The Azure options for the locations given (each option checked on its own, messages naming
/// options, never values), for the command's Session; empty for local paths only.
Result<AzureStorageOptions> storage_options(
    const Config& cfg, const std::vector<std::pair<std::string, std::string>>& locations) {
  AzureStorageOptions out;
  out.account_key = cfg.get_string("storage-account-key");
  out.sas_token = cfg.get_string("storage-sas-token");
  if (out.sas_token.starts_with('?')) out.sas_token.erase(0, 1);
  out.connection_string = cfg.get_string("storage-connection-string");
  out.blob_endpoint = cfg.get_string("storage-blob-endpoint");
  while (!out.blob_endpoint.empty() && out.blob_endpoint.back() == '/')
    out.blob_endpoint.pop_back();
  if (!out.account_key.empty() && !is_account_key(out.account_key)) {
    return Status::InvalidArgument(
        "--storage-account-key: not an account key (the base64 text shown under the storage "
        "account's Access keys)");
  }
  if (!out.sas_token.empty() && !is_sas_token(out.sas_token)) {
    return Status::InvalidArgument(
        "--storage-sas-token: not a SAS token (a query string such as sv=...&sp=...&sig=...)");
  }
  std::optional<AzureConnectionString> connection;
  if (!out.connection_string.empty()) {
    auto parsed = parse_connection_string(out.connection_string);
    if (!parsed.ok()) {
      return Status::InvalidArgument("--storage-connection-string: " + parsed.status().message());
    }
    connection = std::move(*parsed);
  }
  if (!out.blob_endpoint.empty()) {
    if (!is_blob_endpoint_url(out.blob_endpoint)) {
      return Status::InvalidArgument("--storage-blob-endpoint: '" + out.blob_endpoint +
                                     "' is not an http:// or https:// URL without a query");
    }
  }
  for (const auto& [option, uri] : locations) {
    const size_t scheme_end = uri.find("://");
    if (scheme_end == std::string::npos ||
        !is_azure_scheme(to_lower_ascii(std::string_view(uri).substr(0, scheme_end)))) {
      continue;
    }
    auto location = parse_azure_uri(uri);
    if (!location.ok()) return Status::InvalidArgument(option + ": " + location.status().message());
    if (out.account_name.empty()) {
      out.account_name = location->account;
    } else if (out.account_name != location->account) {
      return Status::InvalidArgument(option + " is on storage account '" + location->account +
                                     "', the other locations on '" + out.account_name +
                                     "': one command writes to one account");
    }
    const bool credential = !out.account_key.empty() || !out.sas_token.empty() ||
                            !location->sas_token.empty() ||
                            (connection && connection->account == location->account);
    if (!credential) {
      return Status::InvalidArgument(
          option + " is on storage account '" + location->account +
          "' but no credential for it was given: --storage-account-key, --storage-sas-token or "
          "--storage-connection-string (or AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN, " +
          std::string(kConnectionStringEnv) + ")");
    }
  }
  if (out.account_name.empty()) return AzureStorageOptions{};
  return out;
}

std::string without_trailing_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

int run_stream(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Stream JSON events from an Event Hub into a Delta table, exactly once: "
                   "decode each event against a schema (the enqueued time added as "
                   "EventHubEnqueueTime), optionally flatten nested structs, append every "
                   "micro-batch in one commit; records that do not fit go to a dead-letter "
                   "table. Runs until stopped (SIGINT/SIGTERM) or --await-seconds.");
  parser.add("--schema")
      .required()
      .metavar("FILE")
      .help("schema of the event bodies: Spark DDL text or StructType JSON");
  parser.add("--input-eh-connection-string")
      .required()
      .secret()
      .env("STREAMING_INPUT_EH_CONNECTION_STRING")
      .help("Event Hubs connection string of the input hub (EntityPath names the hub)");
  parser.add("--table").required().metavar("PATH").help("Delta table path or URI (abfss://...)");
  parser.add("--checkpoint-location")
      .required()
      .metavar("PATH")
      .help("the query's checkpoint (its identity and progress): path or URI");
  parser.add("--partition-by")
      .list()
      .metavar("COL")
      .help("partition column of the written schema; repeat for several");
  parser.add("--dead-letter-table")
      .metavar("PATH")
      .help("where records that do not fit go (default: <table>_dead_letter)");
  parser.add("--mode")
      .short_name('m')
      .metavar("MODE")
      .default_value("dead-letter")
      .help("what happens to a bad record: dead-letter | permissive | fail-fast");
  parser.add("--flatten")
      .metavar("true|false")
      .default_value("true")
      .help(
          "write nested structs as top-level Parent_Child columns (false: keep them as struct "
          "columns; arrays and maps are written as they are either way)");
  parser.add("--rescued-data-column")
      .metavar("NAME")
      .help(
          "keep what the schema does not expect (unknown members at any depth; values of the "
          "wrong type under --mode permissive) as a JSON object in this string column");
  parser.add("--trigger-interval")
      .default_value("1 second")
      .help(
          "micro-batch interval in Spark's syntax ('1 second', '500 ms'), or available-now "
          "(drain what the hub holds, then stop)");
  parser.add("--max-events-per-trigger").default_value(10000).help("events per micro-batch");
  parser.add("--consumer-group").default_value("$Default").help("Event Hubs consumer group");
  parser.add("--starting-position")
      .metavar("earliest|latest")
      .default_value("earliest")
      .help(
          "where a new query starts reading; a restarted one continues from its checkpoint and "
          "the table's log");
  parser.add("--partition-assignment")
      .default_value("auto")
      .help(
          "group: instances in the consumer group share the partitions; all: read every "
          "partition without joining; auto: all with available-now, group otherwise");
  parser.add("--compression")
      .metavar("C")
      .default_value("snappy")
      .help("Parquet codec of the data files: snappy | zstd | gzip | none");
  parser.add("--auto-compact")
      .metavar("true|false")
      .default_value("true")
      .help(
          "compact a partition's small files in the background once it holds "
          "lakestream.delta.autoCompact.minNumFiles (50) of them");
  parser.add("--query-name")
      .default_value("stream")
      .help("the query's name in progress records and the UI");
  parser.add("--stop-timeout-seconds")
      .default_value(20)
      .help(
          "on SIGTERM/SIGINT, how long the batch in flight may take to commit before the "
          "command exits anyway (0: no limit); keep it under the orchestrator's grace period");
  parser.add("--await-seconds")
      .default_value(0)
      .help("stop after this many seconds (0: run until stopped, or drained with available-now)");
  add_merge_schema_option(parser);
  add_table_property_option(parser);
  add_storage_options(parser);

  CommandArgs args = parse_command_args(parser, argc, argv);
  if (args.stop) return *args.stop;
  const Config& cfg = args.options;
  const char* prog = argv[0];

  // Every option is checked before anything is opened.
  auto trigger = Trigger::parse(cfg.get_string("trigger-interval"));
  if (!trigger.ok()) {
    return usage_error(prog, "option '--trigger-interval': " + trigger.status().message());
  }
  const int64_t max_events = cfg.get_int("max-events-per-trigger");
  if (max_events <= 0) {
    return usage_error(prog, "option '--max-events-per-trigger' must be positive, got " +
                                 std::to_string(max_events));
  }
  const std::string assignment = cfg.get_string("partition-assignment");
  if (auto parsed = parse_partition_assignment(assignment); !parsed.ok()) {
    return usage_error(prog, "option '--partition-assignment': " + parsed.status().message());
  }
  const std::string starting = to_lower_ascii(cfg.get_string("starting-position"));
  if (starting != "earliest" && starting != "latest") {
    return usage_error(prog, "option '--starting-position': expected earliest or latest, got '" +
                                 cfg.get_string("starting-position") + "'");
  }
  auto mode = parse_decode_mode(cfg.get_string("mode"));
  if (!mode) {
    return usage_error(prog,
                       "option '--mode': expected dead-letter, permissive or fail-fast, got '" +
                           cfg.get_string("mode") + "'");
  }
  if (auto codec = parse_parquet_compression(cfg.get_string("compression")); !codec.ok()) {
    return usage_error(prog, codec.status().message());
  }
  const std::optional<bool> flatten = bool_option(cfg, "flatten", prog, &args.stop);
  if (!flatten) return *args.stop;
  const std::optional<bool> auto_compact = bool_option(cfg, "auto-compact", prog, &args.stop);
  if (!auto_compact) return *args.stop;
  const int64_t stop_timeout = cfg.get_int("stop-timeout-seconds");
  const int64_t await_seconds = cfg.get_int("await-seconds");
  if (stop_timeout < 0) return usage_error(prog, "option '--stop-timeout-seconds' must be >= 0");
  if (await_seconds < 0) return usage_error(prog, "option '--await-seconds' must be >= 0");
  std::map<std::string, std::string> table_properties;
  if (auto stop = table_property_options(cfg, prog, &table_properties)) return *stop;

  const std::string table = without_trailing_slashes(cfg.get_string("table"));
  const std::string checkpoint = without_trailing_slashes(cfg.get_string("checkpoint-location"));
  const std::string dead_letter =
      cfg.get_string("dead-letter-table").empty()
          ? table + "_dead_letter"
          : without_trailing_slashes(cfg.get_string("dead-letter-table"));
  auto storage = storage_options(cfg, {{"--table", table},
                                       {"--checkpoint-location", checkpoint},
                                       {"--dead-letter-table", dead_letter}});
  if (!storage.ok()) return usage_error(prog, storage.status().message());

  auto schema = load_schema_file(cfg.get_string("schema"));
  if (!schema.ok()) return fail("reading the schema", schema.status());

  Session session(cfg, *storage);
  DataStream raw = session.read_stream()
                       .format("eventhubs")
                       .option("connection-string", cfg.get_string("input-eh-connection-string"))
                       .option("consumer-group", cfg.get_string("consumer-group"))
                       .option("partition-assignment", assignment)
                       .option("starting-position", starting)
                       .option("max-events-per-trigger", max_events)
                       .load();
  JsonDecodeOptions decode;
  decode.mode = *mode;
  if (cfg.has("rescued-data-column")) {
    decode.rescued_data_column = cfg.get_string("rescued-data-column");
    if (decode.rescued_data_column.empty()) {
      return usage_error(prog, "option '--rescued-data-column': the name is empty");
    }
  }
  DataStream parsed = event_hub_parse(raw, *schema, decode);
  DataStream written = *flatten ? parsed.flatten() : parsed;
  if (!written.status().ok()) return fail("the stream's plan", written.status());
  const std::vector<std::string> partition_by = cfg.get_list("partition-by");
  for (const std::string& column : partition_by) {
    const std::optional<size_t> index = written.schema().index_of(column);
    if (!index) {
      return usage_error(prog, "option '--partition-by': no column '" + column +
                                   "' in the written schema:\n" + written.tree_string());
    }
    if (const DataType& type = *written.schema().field(*index).type; type.is_nested()) {
      return usage_error(prog, "option '--partition-by': column '" + column + "' is a " +
                                   type.simple_string() +
                                   "; partition columns are primitive values");
    }
  }

  DataStreamWriter writer = written.write_stream();
  writer.format("delta")
      .partition_by(partition_by)
      .trigger(*trigger)
      .option("checkpoint-location", checkpoint)
      .option("dead-letter-path", dead_letter)
      .option("compression", cfg.get_string("compression"))
      .option("auto-compact", *auto_compact ? "true" : "false")
      .query_name(cfg.get_string("query-name"));
  // Only when given: otherwise the writer applies lakestream.delta.schema.autoMerge.enabled.
  if (cfg.get_bool("merge-schema")) writer.option("merge-schema", "true");
  for (const auto& [key, value] : table_properties) writer.table_property(key, value);
  auto query = writer.start(table);
  if (!query.ok()) return fail("starting the query to " + table, query.status());
  set_stop_timeout_seconds(static_cast<double>(stop_timeout));
  stop_on_signals(*query);
  std::cout << "Streaming " << (starting == "earliest" ? "from the earliest event" : "new events")
            << " into " << table << " (checkpoint " << checkpoint << ", dead letters "
            << dead_letter << ", trigger " << trigger->to_string() << ")\n"
            << std::flush;

  auto ended =
      query->await_termination(await_seconds > 0 ? static_cast<double>(await_seconds) : -1.0);
  query->stop();
  if (!ended.ok()) return fail("the query failed", ended.status());
  if (!query->exception().ok()) return fail("the query failed", query->exception());
  if (stop_signal_received()) std::cout << "Stopped on signal.\n";
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("stream", "stream JSON events from an Event Hub into a Delta table", run_stream);

}  // namespace lakestream::cli
