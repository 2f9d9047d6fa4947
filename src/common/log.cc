#include "lakestream/common/log.h"

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/log_fmt.h"
#include "lakestream/common/redact.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::off;
}

LogLevel from_spdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return LogLevel::kTrace;
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarn;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::kError;
    default:
      return LogLevel::kOff;
  }
}

// Padded to one width so the components and messages of a text log line up.
std::string_view text_level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO ";
    case spdlog::level::warn:
      return "WARN ";
    default:
      return "ERROR";
  }
}

// Loops only on a partial write (a signal, a full pipe): a line under PIPE_BUF bytes goes out in
// one write(2), which is what keeps the lines of two processes sharing a pipe whole too.
void write_to_stderr(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stderr is gone: there is nowhere left to report that
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Formats, writes and keeps the lines. base_sink holds mutex_ around sink_it_, so one line is
// formatted, written and kept before the next starts: lines never interleave, and the buffer's
// order is the order on stderr.
class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_format(LogFormat format) { format_.store(format, std::memory_order_relaxed); }
  LogFormat format() const { return format_.load(std::memory_order_relaxed); }

  // Raw lines skip the logger (they have no level or component) but share the lock.
  void write_raw(std::string line) {
    std::lock_guard<std::mutex> lock(mutex_);
    emit(std::move(line));
  }

  std::vector<std::string> recent(size_t max) {
    std::lock_guard<std::mutex> lock(mutex_);
    const size_t n = std::min(max, kept_.size());
    return {kept_.end() - static_cast<std::ptrdiff_t>(n), kept_.end()};
  }

  void set_test_sink(std::function<void(std::string_view)> sink) {
    std::lock_guard<std::mutex> lock(mutex_);
    test_sink_ = std::move(sink);
  }

 protected:
  // The payload is redacted already (log() does it before taking the lock); the component
  // travels as the message's logger name (see ComponentLogger).
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    std::string ts = format_timestamp_iso(micros);  // yyyy-MM-ddTHH:mm:ss.SSSZ
    const std::string_view component(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    std::string line;
    line.reserve(payload.size() + component.size() + 96);
    if (format() == LogFormat::kJson) {
      line += "{\"ts\":";
      append_json_string(line, ts);
      line += ",\"level\":";
      append_json_string(line, log_level_name(from_spdlog(msg.level)));
      line += ",\"component\":";
      append_json_string(line, component);
      line += ",\"msg\":";
      append_json_string(line, payload);
      line += ",\"thread\":";
      line += std::to_string(msg.thread_id);
      line += '}';
    } else {
      ts[10] = ' ';
      ts.pop_back();  // the 'Z': the layout documents the zone once, in log.h
      line += ts;
      line += ' ';
      line += text_level_name(msg.level);
      line += " [";
      line += component;
      line += "] ";
      line += escape_meta_characters(payload);
    }
    emit(std::move(line));
  }

  void flush_() override {}  // every line is written unbuffered

 private:
  // Called with mutex_ held.
  void emit(std::string line) {
    if (test_sink_) {
      test_sink_(line);
    } else {
      line.push_back('\n');
      write_to_stderr(line);
      line.pop_back();
    }
    if (kept_.size() == kLogLinesKept) kept_.pop_front();
    kept_.push_back(std::move(line));
  }

  std::atomic<LogFormat> format_{LogFormat::kText};
  std::deque<std::string> kept_;
  std::function<void(std::string_view)> test_sink_;
};

// spdlog names a logger once; ours passes the component as each message's logger name instead,
// so one logger (one level, one sink) serves every module without a registry lookup per call.
class ComponentLogger final : public spdlog::logger {
 public:
  using spdlog::logger::logger;

  void log_from(std::string_view component, spdlog::level::level_enum level,
                std::string_view message) {
    const spdlog::details::log_msg msg(
        spdlog::source_loc{}, spdlog::string_view_t(component.data(), component.size()), level,
        spdlog::string_view_t(message.data(), message.size()));
    log_it_(msg, should_log(level), /*traceback_enabled=*/false);
  }
};

struct LogState {
  LogState()
      : sink(std::make_shared<LineSink>()), logger(std::make_shared<ComponentLogger>("", sink)) {
    logger->set_level(to_spdlog(LogSettings{}.level));
  }

  // Warnings about the environment are written through `this`, not through state(), which is
  // still being initialised when this runs.
  void apply_environment() {
    const char* level = std::getenv("LAKESTREAM_LOG_LEVEL");
    const char* format = std::getenv("LAKESTREAM_LOG_FORMAT");
    std::vector<std::string> warnings;
    if (format != nullptr && *format != '\0') {
      Result<LogFormat> f = parse_log_format(format);
      if (f.ok()) {
        sink->set_format(*f);
      } else {
        warnings.push_back(fmt::format("LAKESTREAM_LOG_FORMAT: {}; using {}", f.status().message(),
                                       log_format_name(LogSettings{}.format)));
      }
    }
    if (level != nullptr && *level != '\0') {
      Result<LogLevel> l = parse_log_level(level);
      if (l.ok()) {
        logger->set_level(to_spdlog(*l));
      } else {
        warnings.push_back(fmt::format("LAKESTREAM_LOG_LEVEL: {}; using {}", l.status().message(),
                                       log_level_name(LogSettings{}.level)));
      }
    }
    for (const std::string& w : warnings) {
      logger->log_from("log", spdlog::level::warn, redact_connection_string(w));
    }
  }

  std::shared_ptr<LineSink> sink;
  std::shared_ptr<ComponentLogger> logger;
};

// Created at first use and never destroyed: a static initialiser of another file may log before
// main(), and a static destructor after it. Not registered with spdlog's registry, so a program
// that uses spdlog itself keeps its own default logger and names.
LogState& state() {
  static LogState* const s = [] {
    auto* created = new LogState();
    created->apply_environment();
    return created;
  }();
  return *s;
}

Status bad_value(std::string_view what, std::string_view text, std::string_view expected) {
  return Status::InvalidArgument(
      fmt::format("{} '{}' is not one of {}", what, redact_connection_string(text), expected));
}

}  // namespace

Result<LogLevel> parse_log_level(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "trace") return LogLevel::kTrace;
  if (t == "debug") return LogLevel::kDebug;
  if (t == "info") return LogLevel::kInfo;
  if (t == "warn" || t == "warning") return LogLevel::kWarn;
  if (t == "error") return LogLevel::kError;
  if (t == "off") return LogLevel::kOff;
  return bad_value("log level", text, "trace, debug, info, warn, error, off");
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      return "off";
  }
  return "off";
}

Result<LogFormat> parse_log_format(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "text") return LogFormat::kText;
  if (t == "json") return LogFormat::kJson;
  return bad_value("log format", text, "text, json");
}

std::string_view log_format_name(LogFormat format) {
  return format == LogFormat::kJson ? "json" : "text";
}

void configure_logging(const LogSettings& settings) {
  LogState& s = state();
  s.sink->set_format(settings.format);
  s.logger->set_level(to_spdlog(settings.level));
}

LogSettings logging_settings() {
  LogState& s = state();
  return {from_spdlog(s.logger->level()), s.sink->format()};
}

bool log_enabled(LogLevel level) {
  return level != LogLevel::kOff && state().logger->should_log(to_spdlog(level));
}

void log(LogLevel level, std::string_view component, std::string_view message) {
  if (!log_enabled(level)) return;
  // Redacted before the sink's lock is taken: the scan is the costly part of a line.
  state().logger->log_from(component, to_spdlog(level), redact_connection_string(message));
}

void log_raw_line(std::string_view line) {
  if (!log_enabled(LogLevel::kInfo)) return;
  state().sink->write_raw(redact_connection_string(line));
}

std::vector<std::string> recent_log_lines(size_t max) { return state().sink->recent(max); }

void set_log_sink_for_testing(std::function<void(std::string_view line)> sink) {
  state().sink->set_test_sink(std::move(sink));
}

namespace log_internal {
void log_vformat(LogLevel level, std::string_view component, fmt::string_view format,
                 fmt::format_args args) {
  log(level, component, fmt::vformat(format, args));
}
}  // namespace log_internal

}  // namespace lakestream
