#include "lakestream/config/config.h"

#include <fmt/format.h>

#include <cstdlib>

#include "common/log_fmt.h"
#include "config/config_state.h"
#include "lakestream/common/redact.h"

namespace lakestream {

std::string_view option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "string";
    case OptionType::kInt:
      return "int";
    case OptionType::kDouble:
      return "double";
    case OptionType::kBool:
      return "bool";
    case OptionType::kList:
      return "list";
  }
  return "string";
}

std::string ValueSource::to_string() const {
  switch (kind) {
    case Kind::kUnset:
      return "unset";
    case Kind::kDefault:
      return "default";
    case Kind::kEngineDefaults:
      return "engine defaults " + where + " line " + std::to_string(line);
    case Kind::kFile:
      return "file " + where + " line " + std::to_string(line);
    case Kind::kEnvironment:
      return "environment variable " + where;
    case Kind::kCommandLine:
      return "command line";
  }
  return "unset";
}

// ---- OptionSpec ----------------------------------------------------------------------------

OptionSpec& OptionSpec::help(std::string text) {
  help_ = std::move(text);
  return *this;
}
OptionSpec& OptionSpec::required(bool yes) {
  required_ = yes;
  return *this;
}
OptionSpec& OptionSpec::env(std::string variable) {
  env_ = std::move(variable);
  return *this;
}
OptionSpec& OptionSpec::secret(bool yes) {
  secret_ = yes;
  return *this;
}
OptionSpec& OptionSpec::type(OptionType t) {
  type_ = t;
  type_set_ = true;
  return *this;
}
OptionSpec& OptionSpec::metavar(std::string name) {
  metavar_ = std::move(name);
  return *this;
}
OptionSpec& OptionSpec::short_name(char letter) {
  short_ = letter;
  return *this;
}
OptionSpec& OptionSpec::positive() {
  bound_ = Bound::kPositive;
  return *this;
}
OptionSpec& OptionSpec::non_negative() {
  bound_ = Bound::kNonNegative;
  return *this;
}
OptionSpec& OptionSpec::choices(std::vector<std::string> values) {
  choices_ = std::move(values);
  return *this;
}
OptionSpec& OptionSpec::default_text(std::string text) {
  default_ = std::move(text);
  return *this;
}
void OptionSpec::infer_type(OptionType t) {
  if (!type_set_) type_ = t;
}
OptionSpec& OptionSpec::default_list(const std::vector<std::string>& values) {
  return default_text(fmt::format("[{}]", fmt::join(values, ", ")));
}
std::string OptionSpec::format_double(double v) { return fmt::format("{}", v); }

// ---- Config --------------------------------------------------------------------------------

namespace {

[[noreturn]] void config_bug(std::string_view what, std::string_view name) {
  log_error("config",
            "{}(\"{}\"): no such option, or the option has another type (a bug in the job)", what,
            name);
  std::abort();
}

const ResolvedOption* find_option(const Config::State& state, std::string_view name) {
  if (name.substr(0, 2) == "--") name.remove_prefix(2);
  for (const ResolvedOption& o : state.options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const ResolvedOption& require(const Config::State& state, std::string_view getter,
                              std::string_view name) {
  const ResolvedOption* o = find_option(state, name);
  if (o == nullptr) config_bug(getter, name);
  return *o;
}

// Python's repr() of a str, so the line matches what the original printed.
std::string python_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

}  // namespace

Config::Config() : state_(std::make_shared<const State>()) {}

const std::string& Config::get_string(std::string_view name) const {
  return require(*state_, "get_string", name).text;
}

int64_t Config::get_int(std::string_view name) const {
  const ResolvedOption& o = require(*state_, "get_int", name);
  if (o.type != OptionType::kInt) config_bug("get_int", name);
  return o.int_value;
}

double Config::get_double(std::string_view name) const {
  const ResolvedOption& o = require(*state_, "get_double", name);
  if (o.type == OptionType::kInt) return static_cast<double>(o.int_value);
  if (o.type != OptionType::kDouble) config_bug("get_double", name);
  return o.double_value;
}

bool Config::get_bool(std::string_view name) const {
  const ResolvedOption& o = require(*state_, "get_bool", name);
  if (o.type != OptionType::kBool) config_bug("get_bool", name);
  return o.bool_value;
}

const std::vector<std::string>& Config::get_list(std::string_view name) const {
  const ResolvedOption& o = require(*state_, "get_list", name);
  if (o.type != OptionType::kList) config_bug("get_list", name);
  return o.items;
}

bool Config::has(std::string_view name) const { return require(*state_, "has", name).set; }

const ValueSource& Config::source_of(std::string_view name) const {
  return require(*state_, "source_of", name).source;
}

const std::vector<EngineSetting>& Config::engine_conf() const { return state_->engine; }

std::optional<std::string> Config::engine_value(std::string_view key) const {
  for (const EngineSetting& e : state_->engine) {
    if (e.key == key) return e.value;
  }
  return std::nullopt;
}

const std::vector<std::string>& Config::unknown_args() const { return state_->unknown_args; }

std::string Config::unknown_args_line() const {
  std::string out = "Unknown args: [";
  for (size_t i = 0; i < state_->unknown_args.size(); ++i) {
    if (i > 0) out += ", ";
    out += python_repr(state_->unknown_args[i]);
  }
  out += "]";
  return out;
}

std::vector<ShownSetting> Config::shown_settings() const {
  std::vector<ShownSetting> out;
  for (const ResolvedOption& o : state_->options) {
    ShownSetting s;
    s.key = o.name;
    s.secret = o.secret;
    if (!o.set) {
      s.source = o.required ? "unset (required)" : "unset";
    } else {
      s.value = o.secret ? std::string(kRedacted) : o.text;
      s.source = o.source.to_string();
    }
    out.push_back(std::move(s));
  }
  for (const EngineSetting& e : state_->engine) {
    out.push_back(
        {e.key, e.secret ? std::string(kRedacted) : e.value, e.source.to_string(), e.secret, true});
  }
  return out;
}

std::string Config::dump() const {
  std::string out;
  for (const ShownSetting& s : shown_settings()) {
    out += s.key + '=' + s.value + "  # " + s.source + '\n';
  }
  return out;
}

bool Config::help_requested() const { return state_->help_requested; }
const std::string& Config::program() const { return state_->prog; }
bool Config::print_config_requested() const { return state_->print_config_requested; }
const std::string& Config::help_text() const { return state_->help_text; }
const std::vector<std::string>& Config::missing_required() const {
  return state_->missing_required;
}

}  // namespace lakestream
