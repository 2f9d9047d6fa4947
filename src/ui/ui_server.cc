#include "lakestream/ui/ui_server.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/log_fmt.h"
#include "lakestream/common/log.h"
#include "lakestream/common/metrics.h"
#include "lakestream/common/redact.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/version.h"
#include "ui/assets.h"

namespace lakestream {

namespace {

using json = nlohmann::ordered_json;

/// A query is not ready when its last trigger is older than this many trigger intervals...
constexpr int64_t kStaleTriggerIntervals = 3;
/// ... and never sooner than this (a 100 ms trigger waits on a slow commit now and then).
constexpr int64_t kMinStaleTriggerMs = 10'000;
/// Threads answering requests: a browser and a scraper at a time is the expected load, and the
/// pipeline's threads must keep the cores.
constexpr size_t kServerThreads = 2;

json or_null(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::string iso(int64_t ms) { return format_timestamp_iso(ms * 1000); }

/// A query's entry in /api/v1/queries, and the base of /api/v1/queries/<id>: its snapshot (no
/// progress record is copied or parsed; `lastProgress` is null here, see with_last_progress).
json query_json(const QuerySnapshot& s, int64_t now_ms) {
  json j;
  j["id"] = s.id;
  j["runId"] = s.run_id;
  j["name"] = s.name.empty() ? json(nullptr) : json(s.name);
  j["status"] = std::string(query_status_name(s.status));
  j["exception"] = s.exception.empty() ? json(nullptr) : json(s.exception);
  j["startTime"] = iso(s.start_ms);
  j["startTimeMs"] = s.start_ms;
  j["endTimeMs"] = s.end_ms > 0 ? json(s.end_ms) : json(nullptr);
  const int64_t duration = std::max<int64_t>(0, (s.end_ms > 0 ? s.end_ms : now_ms) - s.start_ms);
  j["durationMs"] = duration;
  j["avgInputRowsPerSecond"] = s.avg_input_rows_per_second;
  j["avgProcessedRowsPerSecond"] = s.avg_processed_rows_per_second;
  j["numCompletedBatches"] = s.completed_batches;
  j["numInputRowsTotal"] = s.input_rows;
  j["numOutputRowsTotal"] = s.output_rows;
  j["numDeadLetterRowsTotal"] = s.dead_letter_rows;
  j["latestBatchId"] = or_null(s.latest_batch_id);
  j["lastTriggerTimeMs"] = s.last_trigger_ms > 0 ? json(s.last_trigger_ms) : json(nullptr);
  j["sourceProblem"] = s.source_problem.empty() ? json(nullptr) : json(s.source_problem);
  json lag = json::object();
  for (const auto& [p, v] : s.lag) lag[std::to_string(p)] = v;
  j["lag"] = std::move(lag);
  j["tableVersion"] = or_null(s.table_version);
  j["lastProgress"] = nullptr;  // the last key: with_last_progress splices the record in
  return j;
}

/// `j` (from query_json) as text, its lastProgress the latest record exactly as logged.
std::string with_last_progress(const json& j, const QuerySnapshot& s) {
  std::string text = j.dump();
  constexpr std::string_view kNull = "\"lastProgress\":null}";
  if (s.last_progress_json && text.ends_with(kNull)) {
    text.resize(text.size() - 5);  // "null}"
    text += *s.last_progress_json;
    text += '}';
  }
  return text;
}

json plan_json(const QueryPlanInfo& p, const QuerySnapshot& s) {
  json source;
  source["format"] = p.source_format;
  source["description"] = p.source_description;
  source["topic"] = p.topic;
  json parts = json::array();
  for (const auto& [partition, lag] : s.lag) parts.push_back(partition);
  source["partitions"] = std::move(parts);
  json sink;
  sink["format"] = p.sink_format;
  sink["description"] = p.sink_description;
  sink["path"] = p.sink_path;
  sink["partitionBy"] = p.partition_by;
  sink["deadLetterPath"] = p.dead_letter_path;
  json j;
  j["source"] = std::move(source);
  j["schema"] = p.schema_ddl;
  j["schemaTree"] = p.schema_tree;
  j["decode"] = p.decode;
  j["flatten"] = p.flatten;
  j["transforms"] = p.transforms;
  j["sink"] = std::move(sink);
  j["trigger"] = p.trigger;
  j["triggerIntervalMs"] = p.trigger_interval_ms;
  j["maxEventsPerTrigger"] = p.max_events_per_trigger;
  return j;
}

/// The fields of /proc/self/stat from field 3 (state) on: fields[i] is field i + 3. The
/// command name before them may hold spaces, so the split starts after its ')'.
std::vector<std::string> proc_self_stat() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::vector<std::string> fields;
  const size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 > text.size()) return fields;
  std::istringstream rest(text.substr(close + 2));
  std::string w;
  while (rest >> w) fields.push_back(w);
  return fields;
}

MetricFamily single(std::string name, std::string help, MetricType type, double value) {
  MetricSample sample;
  sample.value = value;
  return {std::move(name), std::move(help), type, {std::move(sample)}};
}

/// The standard process metrics (Prometheus client libraries' names).
std::vector<MetricFamily> process_metrics(int64_t start_ms) {
  std::vector<MetricFamily> out;
  const std::vector<std::string> f = proc_self_stat();
  if (f.size() > 21) {
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    out.push_back(single("process_cpu_seconds_total",
                         "Total user and system CPU time spent in seconds.", MetricType::kCounter,
                         (std::stod(f[11]) + std::stod(f[12])) / ticks));  // utime + stime
    out.push_back(single("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                         MetricType::kGauge, std::stod(f[20])));
    out.push_back(single("process_resident_memory_bytes", "Resident memory size in bytes.",
                         MetricType::kGauge, std::stod(f[21]) * page));
  }
  out.push_back(single("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", MetricType::kGauge,
                       static_cast<double>(start_ms) / 1000.0));
  return out;
}

/// The process's start, wall clock ms (the session may start later than main): boot time
/// from /proc/stat plus the start field (22) of /proc/self/stat.
int64_t process_start_ms() {
  std::ifstream proc_stat("/proc/stat");
  std::string line;
  int64_t boot_s = 0;
  while (std::getline(proc_stat, line)) {
    if (line.rfind("btime ", 0) == 0) boot_s = std::stoll(line.substr(6));
  }
  const std::vector<std::string> f = proc_self_stat();
  if (f.size() <= 19 || boot_s == 0) return wall_clock_ms();
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return boot_s * 1000 + static_cast<int64_t>(std::stod(f[19]) / ticks * 1000.0);
}

}  // namespace

Result<UiSettings> UiSettings::from_config(const Config& config) {
  UiSettings s;
  if (auto v = config.engine_value("lakestream.ui.enabled")) {
    auto b = parse_bool_text(*v);
    if (!b) {
      return Status::InvalidArgument("lakestream.ui.enabled: '" + *v + "' is not true or false");
    }
    s.enabled = *b;
  }
  if (auto v = config.engine_value("lakestream.ui.host")) {
    const std::string host(trim(*v));
    if (host.empty()) return Status::InvalidArgument("lakestream.ui.host: empty");
    s.host = host;
  }
  if (auto v = config.engine_value("lakestream.ui.port")) {
    const std::string_view t = trim(*v);
    int port = -1;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), port);
    if (ec != std::errc() || end != t.data() + t.size() || port < 0 || port > 65535) {
      return Status::InvalidArgument("lakestream.ui.port: '" + *v +
                                     "' is not a port number (0..65535; 0: any free port)");
    }
    s.port = port;
  }
  return s;
}

struct UiServer::Impl {
  std::shared_ptr<const SessionInfo> session;
  int64_t process_start_ms = 0;
  httplib::Server server;
  std::thread thread;
  std::string host;
  int port = 0;

  std::vector<StreamingQuery> ordered_queries() const {
    std::vector<StreamingQuery> all = session->streams->all();
    std::stable_partition(all.begin(), all.end(),
                          [](const StreamingQuery& q) { return q.is_active(); });
    return all;
  }

  void routes() {
    for (const ui_internal::EmbeddedAsset& a : ui_internal::embedded_assets()) {
      if (a.path == "/query.html") continue;  // served as /queries/<id>
      const std::string path(a.path);
      std::string type = "text/html; charset=utf-8";
      if (path.ends_with(".js")) type = "text/javascript; charset=utf-8";
      if (path.ends_with(".css")) type = "text/css; charset=utf-8";
      const std::string_view bytes = a.bytes;
      server.Get(path, [bytes, type](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "no-cache");
        res.set_content(bytes.data(), bytes.size(), type.c_str());
      });
    }
    std::string_view query_page;
    for (const auto& a : ui_internal::embedded_assets()) {
      if (a.path == "/query.html") query_page = a.bytes;
    }
    server.Get(R"(/queries/([0-9A-Za-z-]+)/?)",
               [query_page](const httplib::Request&, httplib::Response& res) {
                 res.set_content(query_page.data(), query_page.size(), "text/html; charset=utf-8");
               });
    server.Get("/api/v1/application", [this](const httplib::Request&, httplib::Response& res) {
      const int64_t now = wall_clock_ms();
      json j;
      j["appName"] = session->app_name;
      j["version"] = std::string(kVersion);
      j["startTime"] = iso(process_start_ms);
      j["startTimeMs"] = process_start_ms;
      j["uptimeMs"] = now - process_start_ms;
      j["pid"] = static_cast<int64_t>(::getpid());
      j["host"] = host;
      j["port"] = port;
      send_json(res, j);
    });
    server.Get("/api/v1/queries", [this](const httplib::Request&, httplib::Response& res) {
      const int64_t now = wall_clock_ms();
      std::string body = "[";
      for (const StreamingQuery& q : ordered_queries()) {
        const QuerySnapshot s = q.snapshot();
        if (body.size() > 1) body += ',';
        body += with_last_progress(query_json(s, now), s);
      }
      body += ']';
      res.set_content(redact_connection_string(body), "application/json");
    });
    server.Get(R"(/api/v1/queries/([0-9A-Za-z-]+))", [this](const httplib::Request& req,
                                                            httplib::Response& res) {
      auto q = session->streams->get(req.matches[1].str());
      if (!q) return not_found(res, req.matches[1].str());
      const QuerySnapshot s = q->snapshot();
      json j = query_json(s, wall_clock_ms());
      j.erase("lastProgress");
      j["plan"] = plan_json(q->plan_info(), s);
      j["lastProgress"] = nullptr;
      res.set_content(redact_connection_string(with_last_progress(j, s)), "application/json");
    });
    server.Get(R"(/api/v1/queries/([0-9A-Za-z-]+)/progress)", [this](const httplib::Request& req,
                                                                     httplib::Response& res) {
      auto q = session->streams->get(req.matches[1].str());
      if (!q) return not_found(res, req.matches[1].str());
      // The records exactly as logged, joined into an array without re-encoding,
      // written one record at a time (with 100s of partitions a record is ~10 KB:
      // no megabyte body is assembled).
      auto records = q->recent_progress_json();
      res.set_chunked_content_provider(
          "application/json", [records = std::move(records)](size_t, httplib::DataSink& sink) {
            bool ok = sink.write("[", 1);
            for (size_t i = 0; ok && i < records.size(); ++i) {
              const std::string text = redact_connection_string(*records[i]);
              if (i > 0) ok = sink.write(",", 1);
              ok = ok && sink.write(text.data(), text.size());
            }
            if (ok && sink.write("]", 1)) sink.done();
            return ok;
          });
    });
    server.Get("/api/v1/config", [this](const httplib::Request&, httplib::Response& res) {
      json options = json::array(), engine = json::array();
      for (const ShownSetting& s : session->config.shown_settings()) {
        json e;
        e["key"] = s.key;
        e["value"] = s.value;
        e["source"] = s.source;
        (s.engine ? engine : options).push_back(std::move(e));
      }
      json j;
      j["options"] = std::move(options);
      j["engine"] = std::move(engine);
      send_json(res, j);
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      std::vector<MetricFamily> families = MetricsRegistry::global().collect();
      for (MetricFamily& f : process_metrics(process_start_ms)) families.push_back(std::move(f));
      res.set_content(redact_connection_string(render_prometheus(families)),
                      "text/plain; version=0.0.4; charset=utf-8");
    });
    server.Get("/logs", [](const httplib::Request&, httplib::Response& res) {
      std::string body;
      for (const std::string& line : recent_log_lines()) {
        body += line;
        body += '\n';
      }
      res.set_content(redact_connection_string(body), "text/plain; charset=utf-8");
    });
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    server.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      std::string why = not_ready_reason();
      if (why.empty()) {
        res.set_content("ready\n", "text/plain");
      } else {
        res.status = 503;
        res.set_content("not ready: " + redact_connection_string(why) + "\n", "text/plain");
      }
    });
    // Read-only: every other method is refused.
    auto refuse = [](const httplib::Request&, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
      res.set_content("the lakestream UI is read-only\n", "text/plain");
    };
    server.Post(".*", refuse);
    server.Put(".*", refuse);
    server.Delete(".*", refuse);
    server.Patch(".*", refuse);
  }

  std::string not_ready_reason() const {
    const int64_t now = wall_clock_ms();
    std::vector<StreamingQuery> all = session->streams->all();
    bool any_active = false;
    for (const StreamingQuery& q : all) {
      const QuerySnapshot s = q.snapshot();
      const std::string who = "query " + (s.name.empty() ? s.id : s.name);
      if (s.status == QueryStatus::kFailed) return who + " failed: " + s.exception;
      if (s.status != QueryStatus::kActive) continue;
      any_active = true;
      if (!s.source_problem.empty()) return who + ": " + s.source_problem;
      const int64_t interval = q.plan_info().trigger_interval_ms;
      const int64_t limit = std::max(kMinStaleTriggerMs, kStaleTriggerIntervals * interval);
      const int64_t since = s.last_trigger_ms > 0 ? s.last_trigger_ms : s.start_ms;
      if (now - since > limit) {
        return who + ": no trigger for " + std::to_string((now - since) / 1000) + " s (limit " +
               std::to_string(limit / 1000) + " s)";
      }
    }
    if (!any_active) return "no active streaming query";
    return {};
  }

  static void send_json(httplib::Response& res, const json& j) {
    res.set_content(redact_connection_string(j.dump()), "application/json");
  }
  static void not_found(httplib::Response& res, const std::string& id) {
    res.status = 404;
    json j;
    j["error"] = "no streaming query with id " + id;
    send_json(res, j);
  }
};

UiServer::UiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UiServer::~UiServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int UiServer::port() const { return impl_->port; }

std::string UiServer::url() const {
  return "http://" + impl_->host + ":" + std::to_string(impl_->port) + "/";
}

Result<std::unique_ptr<UiServer>> UiServer::start(std::shared_ptr<const SessionInfo> session,
                                                  const UiSettings& settings) {
  auto impl = std::make_unique<Impl>();
  impl->session = std::move(session);
  impl->process_start_ms = process_start_ms();
  impl->host = settings.host;
  impl->server.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  impl->routes();
  if (settings.port == 0) {
    impl->port = impl->server.bind_to_any_port(settings.host.c_str());
    if (impl->port <= 0) {
      return Status::IOError("UI: cannot listen on " + settings.host + " (any port)");
    }
  } else {
    const int last = std::min(65535, settings.port + settings.max_port_retries);
    for (int p = settings.port; p <= last; ++p) {
      if (impl->server.bind_to_port(settings.host.c_str(), p)) {
        impl->port = p;
        break;
      }
    }
    if (impl->port == 0) {
      return Status::IOError("UI: cannot listen on " + settings.host + ", ports " +
                             std::to_string(settings.port) + ".." + std::to_string(last) +
                             " are taken (set --ui-port or lakestream.ui.port)");
    }
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  return std::unique_ptr<UiServer>(new UiServer(std::move(impl)));
}

namespace {

// Every Session starts the UI when this module is linked (the shared library always has it).
const bool kRegistered = [] {
  set_session_service_factory(
      [](std::shared_ptr<const SessionInfo> session) -> std::shared_ptr<void> {
        auto settings = UiSettings::from_config(session->config);
        if (!settings.ok()) {
          log_error("ui", "{}; the UI is not started", settings.status().message());
          return nullptr;
        }
        if (!settings->enabled) return nullptr;
        auto server = UiServer::start(std::move(session), *settings);
        if (!server.ok()) {
          // The job's data path matters more than its UI: say so loudly and run on.
          log_error("ui", "{}; running without the UI", server.status().message());
          return nullptr;
        }
        log_info("ui", "UI: {}", (*server)->url());
        return std::shared_ptr<UiServer>(std::move(server).value());
      });
  return true;
}();

}  // namespace

}  // namespace lakestream
