#pragma once
// common/log_fmt: fmt-style logging for library code, over lakestream/common/log.h:
//   log_warn("stream", "batch {} dropped ({})", batch_id, why);
// The format string is checked at compile time, and a disabled level returns before any
// argument is formatted, so a log_debug on a busy path costs one atomic load.
//
// This header is not installed (it lives under src/, not include/): fmt is a private dependency
// of the shipped library and installed headers may use only the standard library
// (tests/scripts/packaging_test.sh checks). Module code and tests include it as
// "common/log_fmt.h".

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "lakestream/common/log.h"

namespace lakestream {

namespace log_internal {
/// Format and log, the one non-template body behind the helpers (keeps them small at each call).
void log_vformat(LogLevel level, std::string_view component, fmt::string_view format,
                 fmt::format_args args);

template <typename... Args>
void log_formatted(LogLevel level, std::string_view component, fmt::format_string<Args...> f,
                   Args&&... args) {
  if (!log_enabled(level)) return;
  log_vformat(level, component, fmt::string_view(f), fmt::make_format_args(args...));
}
}  // namespace log_internal

/// log(LogLevel::kTrace, component, fmt::format(f, args...)), formatting only when enabled.
template <typename... Args>
void log_trace(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  log_internal::log_formatted<Args...>(LogLevel::kTrace, component, f, std::forward<Args>(args)...);
}

/// log(LogLevel::kDebug, component, fmt::format(f, args...)), formatting only when enabled.
template <typename... Args>
void log_debug(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  log_internal::log_formatted<Args...>(LogLevel::kDebug, component, f, std::forward<Args>(args)...);
}

/// log(LogLevel::kInfo, component, fmt::format(f, args...)), formatting only when enabled.
template <typename... Args>
void log_info(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  log_internal::log_formatted<Args...>(LogLevel::kInfo, component, f, std::forward<Args>(args)...);
}

/// log(LogLevel::kWarn, component, fmt::format(f, args...)), formatting only when enabled.
template <typename... Args>
void log_warn(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  log_internal::log_formatted<Args...>(LogLevel::kWarn, component, f, std::forward<Args>(args)...);
}

/// log(LogLevel::kError, component, fmt::format(f, args...)), formatting only when enabled.
template <typename... Args>
void log_error(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
  log_internal::log_formatted<Args...>(LogLevel::kError, component, f, std::forward<Args>(args)...);
}

}  // namespace lakestream
