#include "lakestream/stream/session.h"

#include <cctype>
#include <charconv>
#include <mutex>

#include "common/log_fmt.h"
#include "lakestream/common/log.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/source/kafka_source.h"
#include "lakestream/source/ndjson_file_source.h"
#include "lakestream/source/rate_source.h"
#include "lakestream/storage/local_file_system.h"

namespace lakestream {

namespace {

Result<int64_t> int_option(const std::map<std::string, std::string>& options,
                           const std::string& key, int64_t fallback) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  int64_t v = 0;
  const std::string& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return Status::InvalidArgument("read_stream option " + key + ": '" + s + "' is not an integer");
  }
  return v;
}

}  // namespace

namespace {

std::mutex& service_mu() {
  static std::mutex mu;
  return mu;
}
SessionServiceFactory& service_factory() {
  static SessionServiceFactory factory;
  return factory;
}

/// lakestream.log.level / lakestream.log.format (the environment's LAKESTREAM_LOG_* were read
/// when logging started; an engine setting wins, being the job's own configuration).
void apply_log_settings(const Config& config) {
  LogSettings settings = logging_settings();
  bool changed = false;
  if (auto level = config.engine_value("lakestream.log.level")) {
    auto parsed = parse_log_level(*level);
    if (parsed.ok()) {
      settings.level = *parsed;
      changed = true;
    } else {
      log_warn("session", "lakestream.log.level: {}; keeping the current level",
               parsed.status().message());
    }
  }
  if (auto format = config.engine_value("lakestream.log.format")) {
    auto parsed = parse_log_format(*format);
    if (parsed.ok()) {
      settings.format = *parsed;
      changed = true;
    } else {
      log_warn("session", "lakestream.log.format: {}; keeping the current format",
               parsed.status().message());
    }
  }
  if (changed) configure_logging(settings);
}

/// lakestream.storage.local.fsync (checked by the config): false turns off the fsyncs of local
/// writes for the process.
void apply_storage_settings(const Config& config) {
  if (auto fsync = config.engine_value("lakestream.storage.local.fsync")) {
    if (auto enabled = parse_bool_text(*fsync)) set_local_fsync_default(*enabled);
  }
}

}  // namespace

void set_session_service_factory(SessionServiceFactory factory) {
  std::lock_guard lock(service_mu());
  service_factory() = std::move(factory);
}

Session::Session() : Session(Config()) {}

Session::Session(Config config) : Session(std::move(config), AzureStorageOptions{}) {}

Session::Session(Config config, AzureStorageOptions storage) : state_(std::make_shared<State>()) {
  apply_log_settings(config);
  apply_storage_settings(config);
  auto info = std::make_shared<SessionInfo>();
  info->app_name = config.program().empty() ? std::string("lakestream") : config.program();
  info->config = std::move(config);
  info->start_ms = wall_clock_ms();
  info->storage = std::move(storage);
  info->streams = std::make_shared<StreamingQueryManager>();
  state_->info = info;
  SessionServiceFactory factory;
  {
    std::lock_guard lock(service_mu());
    factory = service_factory();
  }
  if (factory) state_->service = factory(state_->info);
}

DataStreamReader Session::read_stream() const { return DataStreamReader(this); }

DataStreamReader& DataStreamReader::format(std::string name) {
  format_ = std::move(name);
  return *this;
}

DataStreamReader& DataStreamReader::option(std::string key, std::string value) {
  options_[kebab_case_option(key)] = std::move(value);
  return *this;
}

DataStreamReader& DataStreamReader::option(std::string key, int64_t value) {
  return option(std::move(key), std::to_string(value));
}

DataStreamReader& DataStreamReader::option(std::string key, bool value) {
  return option(std::move(key), std::string(value ? "true" : "false"));
}

DataStreamReader& DataStreamReader::source(StreamSourceFactory factory, RawLayout layout) {
  factory_ = std::move(factory);
  layout_ = layout;
  if (format_.empty()) format_ = "memory";
  return *this;
}

DataStream DataStreamReader::load() const {
  auto plan = std::make_shared<StreamPlan>();
  if (session_ != nullptr) {
    plan->streams = session_->info()->streams;
    plan->config = session_->config();
    plan->storage = session_->storage();
  }
  plan->format = format_;
  plan->options = options_;
  plan->raw_layout = layout_;
  auto fail = [&](Status s) {
    plan->status = std::move(s);
    return DataStream(plan);
  };
  // Spark's Kafka source calls it maxOffsetsPerTrigger; both spellings work.
  std::string max_key = "max-events-per-trigger";
  if (!options_.count(max_key) && options_.count("max-offsets-per-trigger")) {
    max_key = "max-offsets-per-trigger";
  }
  auto max_events = int_option(options_, max_key, 0);
  if (!max_events.ok()) return fail(max_events.status());
  if (*max_events < 0) {
    return fail(
        Status::InvalidArgument("read_stream option max-events-per-trigger must not be "
                                "negative"));
  }
  plan->max_events_per_trigger = *max_events;

  if (factory_) {
    plan->make_source = factory_;
  } else if (format_ == "rate") {
    auto rps = int_option(options_, "rows-per-second", 1);
    if (!rps.ok()) return fail(rps.status());
    if (*rps <= 0) {
      return fail(
          Status::InvalidArgument("read_stream rate option rows-per-second must be "
                                  "positive"));
    }
    plan->raw_layout = RawLayout::kRate;
    const int64_t rows = *rps;
    plan->make_source = [rows]() -> Result<std::unique_ptr<StreamSource>> {
      return std::unique_ptr<StreamSource>(std::make_unique<RateSource>(rows));
    };
  } else if (format_ == "eventhubs" || format_ == "kafka") {
    Config config = session_ != nullptr ? session_->config() : Config();
    std::string format = format_;
    auto options = options_;
    plan->make_source = [format, options, config]() -> Result<std::unique_ptr<StreamSource>> {
      auto parsed = KafkaSourceOptions::from_options(options, &config);
      if (!parsed.ok()) return parsed.status().with_context("read_stream format '" + format + "'");
      LS_ASSIGN_OR_RAISE(std::unique_ptr<KafkaSource> source, KafkaSource::create(*parsed));
      return std::unique_ptr<StreamSource>(std::move(source));
    };
  } else if (format_ == "ndjson") {
    auto parsed = NdjsonFileSourceOptions::from_options(options_);
    if (!parsed.ok()) return fail(parsed.status());
    plan->make_source = [files = *parsed]() -> Result<std::unique_ptr<StreamSource>> {
      return std::unique_ptr<StreamSource>(std::make_unique<NdjsonFileSource>(files));
    };
  } else if (format_.empty()) {
    return fail(
        Status::InvalidArgument("read_stream: no format given (eventhubs, kafka, ndjson, rate)"));
  } else {
    return fail(Status::InvalidArgument("read_stream: unknown format '" + format_ +
                                        "' (expected eventhubs, kafka, ndjson or rate)"));
  }
  plan->schema = raw_schema(plan->raw_layout);
  return DataStream(plan);
}

}  // namespace lakestream
