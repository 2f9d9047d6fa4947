// The live UI's server against real queries of a Session (the rate source, a foreach-batch
// sink): endpoints, the progress records, metrics, health and readiness, port fallback,
// --no-ui and secrets. The job-level checks (a real streaming_job on the hub, promtool,
// DuckDB, a browser) are in tests/scripts/ui_test.sh.

#include "lakestream/ui/ui_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "lakestream/common/log.h"
#include "lakestream/config/config.h"
#include "lakestream/stream/session.h"

namespace lakestream {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "c2VjcmV0LXVpLXRlc3Q=";

Config parse(std::vector<std::string> args) {
  ArgParser p("ui_test_job", "a job for the UI tests");
  p.add("--input-eh-connection-string").secret().help("a secret option");
  args.push_back("--input-eh-connection-string");
  args.push_back(std::string("Endpoint=sb://h/;SharedAccessKeyName=n;SharedAccessKey=") + kSecret);
  auto cfg = p.parse(args, ParseContext{"/nonexistent-dir", [](std::string_view) {
                                          return std::optional<std::string>();
                                        }});
  EXPECT_TRUE(cfg.ok()) << cfg.status().to_string();
  return *cfg;
}

/// A listening socket on 127.0.0.1 (any port), closed with the object.
struct TakenPort {
  int fd = -1;
  int port = 0;
  TakenPort() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~TakenPort() { ::close(fd); }
};

int ui_port_from_log() {
  const std::vector<std::string> lines = recent_log_lines();
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {  // the newest session's line
    const std::string& line = *it;
    auto at = line.rfind("UI: http://127.0.0.1:");
    if (at != std::string::npos) return std::stoi(line.substr(at + 21));
  }
  return 0;
}

template <typename F>
bool eventually(F f, double seconds = 10) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return f();
}

TEST(UiSettings, FromEngineSettings) {
  auto s = UiSettings::from_config(parse({"--ui-port", "5050", "--ui-host", "0.0.0.0"}));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->port, 5050);
  EXPECT_EQ(s->host, "0.0.0.0");
  auto off = UiSettings::from_config(parse({"--no-ui"}));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->enabled);
  // A bad setting stops the job's option parsing, before the session (and its UI) exists.
  ArgParser p("ui_test_job", "");
  auto bad = p.parse(std::vector<std::string>{"--conf", "lakestream.ui.port=lots"},
                     ParseContext{"/nonexistent-dir",
                                  [](std::string_view) { return std::optional<std::string>(); }});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("lakestream.ui.port: 'lots'"));
  auto defaults = UiSettings::from_config(parse({}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->port, 4040);
  EXPECT_EQ(defaults->host, "127.0.0.1");
}

class UiServerTest : public ::testing::Test {
 protected:
  /// A session with its UI on the port after a taken one, and a rate query of 200 rows/s.
  void SetUp() override {
    session_ = std::make_unique<Session>(parse({"--ui-port", std::to_string(taken_.port), "--conf",
                                                "lakestream.ui.retainedProgressUpdates=5"}));
    port_ = ui_port_from_log();
    DataStream rate = session_->read_stream().format("rate").option("rows-per-second", 200).load();
    auto q = rate.write_stream()
                 .foreach_batch([](const RecordBatch&, int64_t) { return Status::OK(); })
                 .trigger(Trigger::processing_time("100 ms"))
                 .query_name(query_name_)
                 .option("progress-log", "none")
                 .start();
    ASSERT_TRUE(q.ok()) << q.status().to_string();
    query_.emplace(*q);
  }
  void TearDown() override {
    if (query_) query_->stop();
  }

  httplib::Result get(const std::string& path) {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c.Get(path.c_str());
  }

  TakenPort taken_;
  // The registry is the process's: each test's query counts under its own name.
  std::string query_name_ =
      std::string("rate_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::unique_ptr<Session> session_;
  std::optional<StreamingQuery> query_;
  int port_ = 0;
};

TEST_F(UiServerTest, TakesTheNextPortWhenItsOwnIsTaken) {
  ASSERT_NE(port_, 0) << "no 'UI: http://127.0.0.1:<port>/' line logged";
  EXPECT_GT(port_, taken_.port);
  EXPECT_LE(port_, taken_.port + 16);
  auto r = get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(UiServerTest, ApiMatchesTheQuery) {
  ASSERT_TRUE(eventually([&] { return query_->snapshot().completed_batches >= 6; }));
  auto r = get("/api/v1/queries");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto list = nlohmann::json::parse(r->body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], query_->id());
  EXPECT_EQ(list[0]["runId"], query_->run_id());
  EXPECT_EQ(list[0]["name"], query_name_);
  EXPECT_EQ(list[0]["status"], "ACTIVE");
  EXPECT_GE(list[0]["numCompletedBatches"].get<int64_t>(), 6);

  // The retained records are the query's own, as logged (retainedProgressUpdates=5).
  auto p = get("/api/v1/queries/" + query_->id() + "/progress");
  ASSERT_TRUE(p);
  auto records = nlohmann::json::parse(p->body);
  ASSERT_EQ(records.size(), 5u);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i]["batchId"].get<int64_t>(), records[i - 1]["batchId"].get<int64_t>() + 1);
  }
  bool found = false;
  for (const auto& line : query_->recent_progress_json()) {
    if (nlohmann::json::parse(*line) == records.back()) found = true;
  }
  EXPECT_TRUE(found) << "the newest served record is not one of the query's";

  auto one = get("/api/v1/queries/" + query_->id());
  ASSERT_TRUE(one);
  auto detail = nlohmann::json::parse(one->body);
  EXPECT_EQ(detail["plan"]["source"]["format"], "rate");
  EXPECT_EQ(detail["plan"]["sink"]["format"], "foreach-batch");
  EXPECT_EQ(detail["plan"]["trigger"], Trigger::processing_time("100 ms").to_string());

  auto missing = get("/api/v1/queries/00000000-0000-0000-0000-000000000000");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(UiServerTest, MetricsCountWhatTheQueryDid) {
  ASSERT_TRUE(eventually([&] { return query_->recent_progress().size() >= 3; }));
  query_->stop();
  const QuerySnapshot s = query_->snapshot();
  auto r = get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_THAT(r->get_header_value("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  const std::string q = "{query=\"" + query_name_ + "\"} ";
  EXPECT_THAT(r->body, HasSubstr("lakestream_batches_total" + q +
                                 std::to_string(s.completed_batches) + "\n"));
  EXPECT_THAT(r->body,
              HasSubstr("lakestream_input_rows_total" + q + std::to_string(s.input_rows) + "\n"));
  EXPECT_THAT(r->body, HasSubstr("lakestream_batch_duration_seconds_count" + q +
                                 std::to_string(s.completed_batches) + "\n"));
  EXPECT_THAT(r->body, HasSubstr("# TYPE process_resident_memory_bytes gauge"));
  EXPECT_THAT(r->body, HasSubstr("process_cpu_seconds_total "));
  EXPECT_THAT(r->body, HasSubstr("process_start_time_seconds "));
}

TEST_F(UiServerTest, ReadyWhileActiveNotAfter) {
  ASSERT_TRUE(eventually([&] {
    auto r = get("/readyz");
    return r && r->status == 200;
  }));
  query_->stop();
  auto r = get("/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_THAT(r->body, HasSubstr("no active streaming query"));
  auto h = get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  auto list = nlohmann::json::parse(get("/api/v1/queries")->body);
  EXPECT_EQ(list[0]["status"], "TERMINATED");
}

TEST_F(UiServerTest, PagesAndAssetsAreServedAndNothingChanges) {
  for (const char* path :
       {"/", "/static/ui.js", "/static/app.js", "/static/query.js", "/static/ui.css",
        "/static/uPlot.iife.min.js", "/static/uPlot.min.css"}) {
    auto r = get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_GT(r->body.size(), 100u) << path;
  }
  auto page = get("/queries/" + query_->id());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->body, HasSubstr("/static/query.js"));
  httplib::Client c("127.0.0.1", port_);
  auto post = c.Post("/api/v1/queries", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST_F(UiServerTest, NoSecretAnywhere) {
  log(LogLevel::kWarn, "test",
      std::string("connecting with Endpoint=sb://h/;SharedAccessKeyName=n;SharedAccessKey=") +
          kSecret);
  for (const char* path : {"/api/v1/config", "/logs", "/metrics", "/api/v1/queries", "/"}) {
    auto r = get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_THAT(r->body, Not(HasSubstr(kSecret))) << path;
  }
  auto cfg = nlohmann::json::parse(get("/api/v1/config")->body);
  bool shown = false;
  for (const auto& o : cfg["options"]) {
    if (o["key"] == "input-eh-connection-string") {
      EXPECT_EQ(o["value"], "*********(redacted)");
      EXPECT_EQ(o["source"], "command line");
      shown = true;
    }
  }
  EXPECT_TRUE(shown);
  EXPECT_THAT(get("/logs")->body, HasSubstr("SharedAccessKey=*********(redacted)"));
}

TEST(UiServerOff, NoUiStartsNoServer) {
  TakenPort probe;  // a port known free once closed
  const int port = probe.port;
  ::close(probe.fd);
  probe.fd = ::socket(AF_INET, SOCK_STREAM, 0);
  Session session(parse({"--no-ui", "--ui-port", std::to_string(port)}));
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  EXPECT_FALSE(c.Get("/healthz"));
}

}  // namespace
}  // namespace lakestream
