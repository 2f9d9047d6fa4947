#pragma once
// config/config_state: what a resolved Config holds, shared by the parser (which fills it)
// and Config (which reads it). Internal to the config module.

#include <string>
#include <vector>

#include "lakestream/config/config.h"

namespace lakestream {

/// One option's resolved value.
struct ResolvedOption {
  std::string name;
  OptionType type = OptionType::kString;
  bool secret = false;
  bool required = false;
  bool set = false;                ///< a value came from some layer (or the default)
  std::string text;                ///< the value as text (lists as "[a, b]")
  std::vector<std::string> items;  ///< list elements (kList)
  int64_t int_value = 0;
  double double_value = 0.0;
  bool bool_value = false;
  ValueSource source;
};

struct Config::State {
  std::vector<ResolvedOption> options;  // declaration order
  std::vector<EngineSetting> engine;
  std::vector<std::string> unknown_args;
  std::vector<std::string> missing_required;
  bool help_requested = false;
  bool print_config_requested = false;
  std::string help_text;
  std::string prog;  ///< the parser's program name
};

}  // namespace lakestream
