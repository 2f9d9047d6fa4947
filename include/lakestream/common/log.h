#pragma once
// common/log: the library's one logging facility. Every module reports what an operator should
// know (a dropped batch, a failed checkpoint, a retried request) through log(); nothing in
// library code writes to stderr or stdout itself. Programs (tools/, jobs/) may still print their
// own output. It owns the process's log settings, the stderr writer and the buffer of recent
// lines the UI shows; it must not depend on any other module.
//
// Every message, and every raw line, goes through redact_connection_string (common/redact.h)
// before it is written or kept, so a connection string, AccountKey or SAS `sig` logged by
// mistake never reaches a log line in clear text.
//
// Output: one line per message on stderr, written with a single write(2) so lines of two threads
// never interleave. The layout depends on LogSettings::format:
//
//   text (the default), UTC timestamp with milliseconds, level padded to five characters,
//   component in brackets; control characters of the message are escaped (\n, \t, ...; see
//   escape_meta_characters in common/strings.h) so a message is always one line:
//     2026-12-02 18:50:01.123 INFO  [stream] batch 3 dropped (...)
//     2026-12-02 18:50:01.124 WARN  [stream] writing a Delta checkpoint: ...
//
//   json (for log shippers), one object per line, fields always in this order:
//     {"ts":"2026-12-02T18:50:01.123Z","level":"info","component":"stream","msg":"...","thread":12345}
//   `level` is log_level_name(), `thread` the OS thread id.
//
// Raw lines (log_raw_line: the streaming progress records, JSON already, as Spark prints them)
// are written as is in both formats, without timestamp or level.
//
// The initial settings come from the environment, read once at first use:
// LAKESTREAM_LOG_LEVEL (see parse_log_level) and LAKESTREAM_LOG_FORMAT (see parse_log_format).
// An empty variable counts as unset; a bad value keeps the default and writes one warning line
// saying so. configure_logging() replaces them at any time.
//
// The fmt-style helpers (log_info("stream", "batch {} dropped ({})", id, why), ...) are in
// src/common/log_fmt.h: fmt is a private dependency of the shipped library, and public headers
// use only the standard library.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// How much to log; a message is written when its level is at least the configured one.
/// kOff as a setting writes nothing (raw lines included); as a message level it is never written.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

/// The layout of a log line (see the file comment).
enum class LogFormat { kText, kJson };

/// How many lines recent_log_lines() can return: older ones are dropped (bounded memory).
inline constexpr size_t kLogLinesKept = 1000;

/// "trace", "debug", "info", "warn" or "warning", "error", "off", in any case and with
/// surrounding blanks ignored; InvalidArgument naming the text otherwise.
Result<LogLevel> parse_log_level(std::string_view text);
/// "trace", "debug", "info", "warn", "error" or "off" (as parse_log_level reads it back).
std::string_view log_level_name(LogLevel level);

/// "text" or "json", in any case and with surrounding blanks ignored; InvalidArgument naming
/// the text otherwise.
Result<LogFormat> parse_log_format(std::string_view text);
/// "text" or "json".
std::string_view log_format_name(LogFormat format);

/// The process-wide log settings.
struct LogSettings {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
};

/// Apply `settings` process-wide, from any thread, as often as needed; messages already written
/// keep their layout.
void configure_logging(const LogSettings& settings);
/// The settings in force.
LogSettings logging_settings();

/// Whether a message of `level` would be written (false for kOff). Cheap: one atomic load.
bool log_enabled(LogLevel level);

/// Log one message from `component`, a short literal naming the module ("source", "stream",
/// "delta", "storage", "config", "ui", ...). The message is redacted, then written as one line
/// on stderr and kept for recent_log_lines(); nothing happens when `level` is not enabled.
void log(LogLevel level, std::string_view component, std::string_view message);

/// Write `line` as is (redacted, but no timestamp, level or component, in either format) and
/// keep it for recent_log_lines(): the streaming progress records. Written when kInfo is enabled,
/// the level Spark logs its progress at, so a warn-level setting quiets them too.
void log_raw_line(std::string_view line);

/// The last `max` lines written (at most kLogLinesKept), oldest first, without their newline:
/// text lines exactly as printed, JSON lines in json format, raw lines as is.
std::vector<std::string> recent_log_lines(size_t max = kLogLinesKept);

/// For tests: send every line (without its newline) to `sink` instead of stderr; an empty
/// function restores stderr. Lines are still kept for recent_log_lines(). Calls to `sink` are
/// serialised, one whole line each.
void set_log_sink_for_testing(std::function<void(std::string_view line)> sink);

}  // namespace lakestream
