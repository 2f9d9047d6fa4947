#pragma once
// config/config: layered job configuration, the counterpart of Python's configargparse plus
// Spark's spark-defaults.conf. A job declares its options once and reads typed values:
//
//   ArgParser p("streaming_job", "Streaming Job Sample",
//   {"configuration/run_args_streaming.conf"});
//   p.add("--storage-account-key").required().env("STREAMING_STORAGE_KEY").secret()
//       .help("Azure storage account key");
//   p.add("--max-events-per-trigger").default_value(10000).help("events per micro-batch");
//   Config cfg = p.parse_or_exit(argc, argv);   // or: Result<Config> r = p.parse(argc, argv);
//   int64_t n = cfg.get_int("max-events-per-trigger");
//
// Layers, lowest to highest (a higher layer replaces a lower one's value):
//   declared default < engine defaults file `lakestream-defaults.conf` (in $LAKESTREAM_CONF_DIR,
//   else ./conf; key `lakestream.<option>`) < job config file(s) (the parser's default paths, or
//   the files given with `--config FILE`) < environment variable < command line.
// Files use configargparse syntax (`key=value`, `key: value`, `key value`, `#`/`;` comments).
// Built-in options: -h/--help, --config FILE, --print-config. docs/configuration.md has the
// details. This module owns option parsing and layering; it never opens a network connection.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// The value type of an option.
enum class OptionType {
  kString,
  kInt,  ///< 64-bit signed integer
  kDouble,
  kBool,  ///< a flag: `--flag` alone means true; `--flag=false`; files/env take
          ///< true/false/yes/no/1/0
  kList,  ///< strings; repeat on the command line to append; `[a, b]` in files and env vars
};

/// Name of an option type as shown in --help ("string", "int", "double", "bool", "list").
std::string_view option_type_name(OptionType type);

/// Where a resolved value came from; `to_string()` is the phrase used in messages and dumps.
struct ValueSource {
  enum class Kind { kUnset, kDefault, kEngineDefaults, kFile, kEnvironment, kCommandLine };
  Kind kind = Kind::kUnset;
  /// File path as given (kFile, kEngineDefaults) or environment variable name (kEnvironment).
  std::string where;
  /// 1-based line in the file (kFile, kEngineDefaults).
  int line = 0;

  /// "unset", "default", "engine defaults conf/lakestream-defaults.conf line 2",
  /// "file configuration/x.conf line 4", "environment variable NAME", "command line".
  std::string to_string() const;
};

/// One option's declaration. Obtained from ArgParser::add(); every setter returns *this so a
/// declaration reads as one sentence. The type is string unless set with a type setter or
/// inferred from the first typed default_value (an integer makes it int, a floating-point
/// number double, a bool a flag, a vector of strings a list).
class OptionSpec {
 public:
  OptionSpec& help(std::string text);
  OptionSpec& required(bool yes = true);
  /// The environment variable that supplies this option (above config files, below argv).
  OptionSpec& env(std::string variable);
  /// A secret is never shown: dumps, --help defaults and error messages say kRedacted.
  OptionSpec& secret(bool yes = true);
  OptionSpec& type(OptionType t);
  OptionSpec& as_int() { return type(OptionType::kInt); }
  OptionSpec& as_double() { return type(OptionType::kDouble); }
  OptionSpec& flag() { return type(OptionType::kBool); }
  OptionSpec& list() { return type(OptionType::kList); }
  /// The word naming the value in --help (defaults to the type: STRING, INT, ...).
  OptionSpec& metavar(std::string name);
  /// A one-letter alias used as `-x value` on the command line.
  OptionSpec& short_name(char letter);
  /// The value must be above 0 (int and number options). A value that is not is refused when
  /// the options are parsed, naming the option, where the value came from and the value.
  OptionSpec& positive();
  /// The value must be 0 or more (int and number options); refused as positive() says.
  OptionSpec& non_negative();
  /// The value must be one of `values` (string options), compared ignoring ASCII case and
  /// surrounding spaces; get_string() returns the spelling given here. Shown in --help as the
  /// metavar (`auto|group|all`) unless one is set.
  OptionSpec& choices(std::vector<std::string> values);

  /// The default value, written as it would be in a config file ("10000", "1 second").
  OptionSpec& default_text(std::string text);
  /// A typed default (see the class comment for type inference).
  template <typename T>
  OptionSpec& default_value(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      infer_type(OptionType::kBool);
      return default_text(value ? "true" : "false");
    } else if constexpr (std::is_integral_v<T>) {
      infer_type(OptionType::kInt);
      return default_text(std::to_string(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      infer_type(OptionType::kDouble);
      return default_text(format_double(static_cast<double>(value)));
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      infer_type(OptionType::kList);
      return default_list(value);
    } else {
      return default_text(std::string(std::string_view(value)));
    }
  }

  /// The long name without dashes ("storage-account-key").
  const std::string& name() const { return name_; }
  OptionType option_type() const { return type_; }
  bool is_required() const { return required_; }
  bool is_secret() const { return secret_; }
  const std::string& env_var() const { return env_; }
  const std::string& help_text() const { return help_; }
  /// The default as text (lists as "[a, b]"), if one was declared.
  const std::optional<std::string>& default_value_text() const { return default_; }
  /// The lowest value allowed: kNone, kPositive (> 0) or kNonNegative (>= 0).
  enum class Bound : uint8_t { kNone, kPositive, kNonNegative };
  Bound bound() const { return bound_; }
  const std::vector<std::string>& choice_values() const { return choices_; }

 private:
  friend class ArgParser;
  explicit OptionSpec(std::string name) : name_(std::move(name)) {}
  void infer_type(OptionType t);
  OptionSpec& default_list(const std::vector<std::string>& values);
  static std::string format_double(double v);

  std::string name_;
  OptionType type_ = OptionType::kString;
  bool type_set_ = false;
  bool required_ = false;
  bool secret_ = false;
  char short_ = 0;
  std::string env_;
  std::string help_;
  std::string metavar_;
  Bound bound_ = Bound::kNone;
  std::vector<std::string> choices_;
  std::optional<std::string> default_;
};

/// One key of the engine defaults file (`lakestream.*`), the counterpart of a
/// spark-defaults.conf entry.
struct EngineSetting {
  std::string key;    ///< full key, e.g. "lakestream.kafka.socket.keepalive.enable"
  std::string value;  ///< raw text (never show it when `secret`)
  ValueSource source;
  bool secret = false;  ///< is_secret_key_name(key), or it supplies a secret option
};

/// One line of a configuration dump: what may be shown of a setting, never a secret.
struct ShownSetting {
  std::string key;     ///< option name, or full engine key (lakestream.*)
  std::string value;   ///< kRedacted for a secret; "" when unset
  std::string source;  ///< ValueSource::to_string(), or "unset" / "unset (required)"
  bool secret = false;
  bool engine = false;  ///< an engine setting, not a declared option
};

/// The resolved configuration: an immutable value, cheap to copy. Getters take the long name
/// without dashes. Asking for an undeclared option, or with the wrong type (get_int on a
/// string option), is a bug in the job and aborts with a message naming the option.
/// An unset option (not required, no default, nowhere given) reads as "", 0, 0.0, false, {}.
class Config {
 public:
  Config();

  const std::string& get_string(std::string_view name) const;  ///< any type, as text
  int64_t get_int(std::string_view name) const;
  double get_double(std::string_view name) const;  ///< double or int options
  bool get_bool(std::string_view name) const;
  const std::vector<std::string>& get_list(std::string_view name) const;
  /// Whether the option has a value (from any layer, including its declared default).
  bool has(std::string_view name) const;
  /// Where the option's value came from.
  const ValueSource& source_of(std::string_view name) const;

  /// Every `lakestream.*` key of the engine defaults file, in file order (a repeated key keeps
  /// its first position and its last value).
  const std::vector<EngineSetting>& engine_conf() const;
  /// The value of an engine key ("lakestream.kafka.socket.keepalive.enable"), if set.
  std::optional<std::string> engine_value(std::string_view key) const;

  /// Command-line arguments that matched no option, in order (the original prints and ignores
  /// them).
  const std::vector<std::string>& unknown_args() const;
  /// "Unknown args: ['--foo', 'bar']" (Python's list repr, as the original prints it).
  std::string unknown_args_line() const;

  /// The resolved configuration, one `key=value  # <source>` line per option in declaration
  /// order (unset ones as `key=  # unset`), then the engine keys; secrets as kRedacted.
  /// What --print-config prints and what jobs print at start.
  std::string dump() const;
  /// The same lines as data (the UI's configuration table).
  std::vector<ShownSetting> shown_settings() const;

  /// The program the configuration was parsed for (the ArgParser's prog; "" for Config()).
  const std::string& program() const;

  /// --help / -h was given: parse() skipped the required check; show help_text().
  bool help_requested() const;
  /// --print-config was given: parse() skipped the required check; show dump().
  bool print_config_requested() const;
  /// The parser's --help text (also set when help was not requested).
  const std::string& help_text() const;
  /// Required options without a value (non-empty only when help or print-config was
  /// requested; otherwise parse() fails instead).
  const std::vector<std::string>& missing_required() const;

  struct State;  ///< implementation detail (config.cc)

 private:
  friend class ArgParser;
  explicit Config(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

/// How parse() sees the process environment; the defaults use the real process state, tests
/// pass their own.
struct ParseContext {
  /// Directory that relative paths (job config files, ./conf) resolve against; empty means the
  /// current directory. Messages show paths as written, not resolved.
  std::string cwd;
  /// Environment lookup (option env vars and LAKESTREAM_CONF_DIR); empty means ::getenv.
  std::function<std::optional<std::string>(std::string_view)> getenv;
};

/// Declares a job's options and parses the layers into a Config.
class ArgParser {
 public:
  /// `prog` names the job in usage and errors; `default_config_files` are read in order when no
  /// `--config` is given (missing ones are skipped; later files override earlier ones).
  ArgParser(std::string prog, std::string description,
            std::vector<std::string> default_config_files = {});
  ArgParser(ArgParser&&) noexcept;
  ArgParser& operator=(ArgParser&&) noexcept;
  ~ArgParser();

  /// Declare an option by long name ("--storage-account-key" or "storage-account-key").
  /// The reference stays valid for the parser's lifetime.
  OptionSpec& add(std::string_view long_name);

  /// Resolve every layer. argv[0] is the program and is skipped. Fails with InvalidArgument
  /// (bad value, unknown key in a job config file, missing required option, bad declaration)
  /// or NotFound (an explicit --config file is missing), the message naming the option and
  /// where its value came from. Prints nothing.
  Result<Config> parse(int argc, const char* const* argv, const ParseContext& ctx = {}) const;
  /// Same, from the arguments without the program name.
  Result<Config> parse(const std::vector<std::string>& args, const ParseContext& ctx = {}) const;

  /// parse() for a job's main(): prints "Unknown args: [...]" to stdout when there are any;
  /// on --help prints help and exits 0; on --print-config prints dump() and exits 0 (or 2 when
  /// a required option is missing, after printing); on an error prints
  /// "<prog>: error: <message>" to stderr and exits 2.
  Config parse_or_exit(int argc, const char* const* argv, const ParseContext& ctx = {}) const;

  /// The --help text: usage, description, every option with its type, default (secrets
  /// redacted), environment variable and required marker, then how the layers combine.
  std::string help() const;

  const std::string& prog() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
