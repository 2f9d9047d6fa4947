#pragma once
// ui/ui_server: the live UI of a job, the counterpart of Spark's UI on port 4040. A small HTTP
// server (cpp-httplib) in the background of every Session: the application page and one
// statistics page per streaming query (charts drawn in the browser with uPlot, embedded in
// the library; no network needed), a JSON API, Prometheus metrics, the recent log lines, and
// health and readiness probes. Read-only: no endpoint changes anything. It reads what the
// queries publish (StreamingQuery::snapshot(), recent progress) and never blocks them.
// This module is the top of the stack: nothing below depends on it. docs/ui.md lists the
// endpoints and metrics.

#include <cstdint>
#include <memory>
#include <string>

#include "lakestream/common/status.h"
#include "lakestream/stream/session.h"

namespace lakestream {

/// Where and whether the UI listens.
struct UiSettings {
  bool enabled = true;
  std::string host = "127.0.0.1";  ///< loopback unless told otherwise (0.0.0.0 in a container)
  int port = 4040;                 ///< 0: any free port
  /// When `port` is taken, try the next ones up to this many further (Spark's
  /// spark.port.maxRetries).
  int max_port_retries = 16;

  /// From the engine settings lakestream.ui.enabled / .host / .port (set in
  /// lakestream-defaults.conf, LAKESTREAM_UI_* or --no-ui / --ui-host / --ui-port);
  /// InvalidArgument naming the setting and its value when one does not parse.
  static Result<UiSettings> from_config(const Config& config);
};

/// A running UI server. Destruction stops it (in-flight requests finish first).
class UiServer {
 public:
  /// Bind and start serving `session`'s queries; IOError naming the ports tried when none is free.
  static Result<std::unique_ptr<UiServer>> start(std::shared_ptr<const SessionInfo> session,
                                                 const UiSettings& settings);
  ~UiServer();
  UiServer(const UiServer&) = delete;
  UiServer& operator=(const UiServer&) = delete;

  int port() const;
  /// "http://127.0.0.1:4040/"
  std::string url() const;

  struct Impl;

 private:
  explicit UiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
