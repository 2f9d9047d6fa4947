#include "lakestream/stream/data_stream_writer.h"

#include <cctype>
#include <charconv>

#include "lakestream/common/strings.h"
#include "lakestream/delta/uuid.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"
#include "lakestream/stream/query_manager.h"
#include "query_checkpoint.h"
#include "query_runner.h"

namespace lakestream {

namespace {

std::string option_or(const std::map<std::string, std::string>& options, const std::string& key,
                      std::string fallback) {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

/// The file system and path a location lives on: the writer's file system when one was
/// given, else the one its URI names, with the query's storage credentials or the session's.
Result<std::pair<std::shared_ptr<FileSystem>, std::string>> locate(const WriteSpec& spec,
                                                                   const StreamPlan& plan,
                                                                   const std::string& uri) {
  if (spec.file_system) return std::make_pair(spec.file_system, uri);
  return open_file_system(uri, spec.storage ? *spec.storage : plan.storage);
}

/// What the UI's plan shows; the runner adds the source's and the sink's descriptions.
QueryPlanInfo describe_plan(const DataStream& stream, const WriteSpec& spec) {
  const StreamPlan& plan = stream.plan();
  QueryPlanInfo info;
  info.source_format = plan.format;
  info.schema_ddl = plan.schema.to_ddl();
  info.schema_tree = plan.schema.tree_string();
  if (plan.parse) {
    const std::string& rescued = plan.parse->options.rescued_data_column;
    info.decode = "schema-driven JSON (" + std::string(decode_mode_name(plan.parse->options.mode)) +
                  (rescued.empty() ? "" : ", rescued data in " + rescued) +
                  (plan.raw_layout == RawLayout::kEvents ? ", events)" : ")");
  } else {
    info.decode = "raw events";
  }
  for (const BatchTransform& t : plan.transforms) {
    info.transforms.push_back(t.name);
    if (t.name == "flatten") info.flatten = true;
  }
  info.sink_format = spec.format;
  info.partition_by = spec.partition_columns;
  info.trigger = spec.trigger.to_string();
  info.trigger_interval_ms =
      spec.trigger.kind() == Trigger::Kind::kProcessingTime ? spec.trigger.interval_ms() : 0;
  info.max_events_per_trigger = plan.max_events_per_trigger;
  return info;
}

}  // namespace

Result<bool> merge_schema_enabled(const std::map<std::string, std::string>& options,
                                  const Config& config) {
  if (auto it = options.find("merge-schema"); it != options.end()) {
    auto on = parse_bool_text(it->second);
    if (!on) {
      return Status::InvalidArgument("write_stream option merge-schema: '" + it->second +
                                     "' (expected true or false)");
    }
    return *on;
  }
  if (auto v = config.engine_value(kSchemaAutoMergeSetting)) {
    auto on = parse_bool_text(*v);
    if (!on) {
      return Status::InvalidArgument(std::string(kSchemaAutoMergeSetting) + ": '" + *v +
                                     "' is not true or false");
    }
    return *on;
  }
  return false;
}

DataStreamWriter& DataStreamWriter::format(std::string name) {
  spec_.format = std::move(name);
  return *this;
}
DataStreamWriter& DataStreamWriter::partition_by(std::vector<std::string> columns) {
  spec_.partition_columns = std::move(columns);
  return *this;
}
DataStreamWriter& DataStreamWriter::trigger(Trigger trigger) {
  spec_.trigger = std::move(trigger);
  return *this;
}
DataStreamWriter& DataStreamWriter::option(std::string key, std::string value) {
  if (key.starts_with("delta.")) return table_property(std::move(key), std::move(value));
  spec_.options[kebab_case_option(key)] = std::move(value);
  return *this;
}
DataStreamWriter& DataStreamWriter::table_property(std::string key, std::string value) {
  spec_.table_properties[std::move(key)] = std::move(value);
  return *this;
}
DataStreamWriter& DataStreamWriter::foreach_batch(
    std::function<Status(const RecordBatch&, int64_t)> fn) {
  spec_.format = "foreach-batch";
  spec_.foreach_batch = std::move(fn);
  return *this;
}
DataStreamWriter& DataStreamWriter::on_progress(std::function<void(const QueryProgress&)> fn) {
  spec_.on_progress = std::move(fn);
  return *this;
}
DataStreamWriter& DataStreamWriter::file_system(std::shared_ptr<FileSystem> fs) {
  spec_.file_system = std::move(fs);
  return *this;
}
DataStreamWriter& DataStreamWriter::storage(AzureStorageOptions storage) {
  spec_.storage = std::move(storage);
  return *this;
}
DataStreamWriter& DataStreamWriter::test_hook(StreamTestHook hook) {
  spec_.test_hook = std::move(hook);
  return *this;
}

Result<StreamingQuery> DataStreamWriter::start() {
  if (spec_.format != "foreach-batch") {
    return Status::InvalidArgument("write_stream: format '" + spec_.format +
                                   "' needs a path: start(path)");
  }
  return start(std::string());
}

namespace {

/// The write option auto-compact (true | false, default true) and the engine setting
/// lakestream.delta.autoCompact.minNumFiles (default 50).
Result<stream_internal::AutoCompactSettings> auto_compact_settings(const WriteSpec& spec,
                                                                   const Config& config) {
  stream_internal::AutoCompactSettings s;
  const std::string text = option_or(spec.options, "auto-compact", "true");
  auto on = parse_bool_text(text);
  if (!on) {
    return Status::InvalidArgument("write_stream option auto-compact: '" + text +
                                   "' (expected true or false)");
  }
  s.enabled = *on;
  if (auto v = config.engine_value("lakestream.delta.autoCompact.minNumFiles")) {
    int64_t n = 0;
    const std::string_view t = trim(*v);
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (ec != std::errc() || end != t.data() + t.size() || n < 2) {
      return Status::InvalidArgument("lakestream.delta.autoCompact.minNumFiles: '" + *v +
                                     "' is not a whole number >= 2");
    }
    s.min_num_files = n;
  }
  return s;
}

}  // namespace

Result<StreamingQuery> DataStreamWriter::start(const std::string& path) {
  LS_RETURN_NOT_OK(stream_.status());
  LS_RETURN_NOT_OK(spec_.trigger.status());
  stream_internal::RunnerSetup setup;
  setup.plan = std::make_shared<const StreamPlan>(stream_.plan());
  setup.name = option_or(spec_.options, "query-name", "");
  const std::string progress_log = option_or(spec_.options, "progress-log", "stderr");
  if (progress_log != "stderr" && progress_log != "none") {
    return Status::InvalidArgument("write_stream option progress-log: '" + progress_log +
                                   "' (expected stderr or none)");
  }
  setup.log_progress = progress_log == "stderr";
  setup.commit_source_offsets =
      option_or(spec_.options, "commit-source-offsets", "true") != "false";

  const std::string checkpoint = option_or(spec_.options, "checkpoint-location", "");
  if (!checkpoint.empty()) {
    LS_ASSIGN_OR_RAISE(auto where, locate(spec_, stream_.plan(), checkpoint));
    LS_ASSIGN_OR_RAISE(auto cp, stream_internal::QueryCheckpoint::open(where.first, where.second));
    setup.query_id = cp.query_id();
    setup.checkpoint.emplace(std::move(cp));
  } else {
    setup.query_id = uuid_v4();
  }

  if (spec_.format == "delta") {
    if (path.empty()) return Status::InvalidArgument("write_stream: delta needs a table path");
    if (checkpoint.empty()) {
      return Status::InvalidArgument(
          "write_stream to delta: option checkpoint-location is required (it holds the "
          "query id that the table's txn versions are kept under)");
    }
    LS_ASSIGN_OR_RAISE(auto table, locate(spec_, stream_.plan(), path));
    std::string dl_uri = option_or(spec_.options, "dead-letter-path", "");
    std::pair<std::shared_ptr<FileSystem>, std::string> dl;
    if (dl_uri.empty()) {
      dl = {table.first, table.second + "_dead_letter"};
    } else {
      LS_ASSIGN_OR_RAISE(dl, locate(spec_, stream_.plan(), dl_uri));
    }
    LS_ASSIGN_OR_RAISE(auto auto_compact, auto_compact_settings(spec_, stream_.plan().config));
    LS_ASSIGN_OR_RAISE(const bool merge_schema,
                       merge_schema_enabled(spec_.options, stream_.plan().config));
    LS_ASSIGN_OR_RAISE(
        setup.sink, stream_internal::make_delta_sink(table.first, table.second, dl.first, dl.second,
                                                     stream_.schema(), spec_, setup.query_id,
                                                     auto_compact, merge_schema));
  } else if (spec_.format == "foreach-batch") {
    if (!spec_.foreach_batch) {
      return Status::InvalidArgument("write_stream: foreach-batch needs foreach_batch(fn)");
    }
    setup.sink = stream_internal::make_foreach_sink(spec_.foreach_batch, "ForeachBatchSink");
  } else {
    return Status::InvalidArgument("write_stream: unknown format '" + spec_.format +
                                   "' (expected delta or foreach-batch)");
  }
  setup.spec = spec_;
  setup.plan_info = describe_plan(stream_, spec_);
  const Config& config = stream_.plan().config;
  if (auto kept = config.engine_value("lakestream.ui.retainedProgressUpdates")) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(kept->data(), kept->data() + kept->size(), v);
    if (ec != std::errc() || end != kept->data() + kept->size() || v <= 0) {
      return Status::InvalidArgument("lakestream.ui.retainedProgressUpdates: '" + *kept +
                                     "' is not a positive integer");
    }
    setup.retained_progress = v;
  }
  LS_ASSIGN_OR_RAISE(auto runner, stream_internal::QueryRunner::start(std::move(setup)));
  StreamingQuery query(std::move(runner));
  if (stream_.plan().streams) stream_.plan().streams->add(query);
  return query;
}

}  // namespace lakestream
