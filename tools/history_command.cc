// `lakestream history TABLE`: the commits of a Delta table, newest first, like Spark's
// DESCRIBE HISTORY: version, timestamp, operation, operationParameters, readVersion,
// isBlindAppend, operationMetrics, engineInfo — laid out as show() prints a DataFrame.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "command.h"
#include "command_args.h"
#include "lakestream/batch/show.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace lakestream::cli {

namespace {

int run_history(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Show the commits of a Delta table, newest first, as DESCRIBE HISTORY does. "
                   "Usage: lakestream history TABLE [--limit N]");
  parser.add("--limit").short_name('n').as_int().metavar("N").help("newest N commits only");
  parser.add("--truncate")
      .short_name('t')
      .metavar("N")
      .default_value(0)
      .help("cut cells longer than N characters; 0 shows them whole");
  CommandArgs args = parse_command_args(parser, argc, argv, Positional::kTable);
  if (args.stop) return *args.stop;
  const Config& options = args.options;
  const std::string& table_uri = args.table_uri;
  const int64_t limit = options.has("limit") ? options.get_int("limit") : -1;
  auto fail = [](const Status& st) {
    std::fprintf(stderr, "lakestream history: %s\n", st.to_string().c_str());
    return kExitFailure;
  };
  auto opened = open_file_system(table_uri);
  if (!opened.ok()) return fail(opened.status());
  auto history = read_history(*opened->first, opened->second, limit);
  if (!history.ok()) return fail(history.status());

  Schema schema =
      Schema()
          .add("version", DataType::long_())
          .add("timestamp", DataType::timestamp())
          .add("operation", DataType::string())
          .add("operationParameters", DataType::map(DataType::string(), DataType::string()))
          .add("readVersion", DataType::long_())
          .add("isBlindAppend", DataType::boolean())
          .add("operationMetrics", DataType::map(DataType::string(), DataType::string()))
          .add("engineInfo", DataType::string());
  RecordBatch batch = RecordBatch::make_empty(schema);
  for (const HistoryEntry& e : *history) {
    batch.mutable_column(0).append<int64_t>(e.version);
    batch.mutable_column(1).append<int64_t>(e.info.timestamp * 1000);
    batch.mutable_column(2).append_string(e.info.operation);
    Column& params = batch.mutable_column(3);
    for (const auto& [k, v] : e.info.operation_parameters) {
      params.mutable_child(0).append_string(k);
      params.mutable_child(1).append_string(v);
    }
    params.append_list_end();
    if (e.info.read_version) {
      batch.mutable_column(4).append<int64_t>(*e.info.read_version);
    } else {
      batch.mutable_column(4).append_null();
    }
    batch.mutable_column(5).append_bool(e.info.is_blind_append);
    Column& metrics = batch.mutable_column(6);
    for (const auto& [k, v] : e.info.operation_metrics) {
      metrics.mutable_child(0).append_string(k);
      metrics.mutable_child(1).append_string(v);
    }
    metrics.append_list_end();
    if (e.info.engine_info.empty()) {
      batch.mutable_column(7).append_null();
    } else {
      batch.mutable_column(7).append_string(e.info.engine_info);
    }
  }
  show(batch, static_cast<int>(std::min<int64_t>(batch.num_rows(), INT32_MAX)),
       static_cast<int>(options.get_int("truncate")));
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("history", "list the commits of a Delta table (DESCRIBE HISTORY)", run_history);

}  // namespace lakestream::cli
