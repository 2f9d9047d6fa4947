#pragma once
// config/conf_file: reads configargparse-syntax files (job config files and the engine
// defaults file). Internal to the config module.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// One `key=value` line of a config file.
struct ConfEntry {
  std::string key;                   ///< as written (may start with "--")
  std::optional<std::string> value;  ///< nullopt when the line holds only a key (a flag)
  int line = 0;                      ///< 1-based
};

/// Parse configargparse syntax: `key=value`, `key: value`, `key value`, or `key` alone;
/// lines starting (after whitespace) with `#`, `;`, `[` or `---` and blank lines are skipped;
/// whitespace followed by `#` or `;` starts a trailing comment; the value is trimmed and
/// otherwise verbatim, so `;` and `=` inside a connection string are kept. `display_path`
/// names the file in errors, which never quote a line (it may hold a secret).
Result<std::vector<ConfEntry>> parse_conf_text(std::string_view text,
                                               std::string_view display_path);

/// The contents of `path`, nullopt when it does not exist, IOError when it exists but cannot
/// be read (`display_path` names it in the error).
Result<std::optional<std::string>> read_file_if_exists(const std::string& path,
                                                       std::string_view display_path);

/// Split a list written as `[a, b, c]` into trimmed elements; any other text is one element.
std::vector<std::string> split_list_value(std::string_view text);

}  // namespace lakestream
