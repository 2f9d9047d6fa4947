#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <deque>

#include "config/conf_file.h"
#include "config/config_state.h"
#include "lakestream/common/log.h"
#include "lakestream/common/redact.h"
#include "lakestream/common/strings.h"
#include "lakestream/config/config.h"

namespace lakestream {

namespace {

constexpr std::string_view kEngineDefaultsFile = "lakestream-defaults.conf";
constexpr std::string_view kEnginePrefix = "lakestream.";
constexpr size_t kHelpWidth = 100;

std::string join_path(const std::string& dir, const std::string& path) {
  if (dir.empty() || (!path.empty() && path.front() == '/')) return path;
  if (dir.back() == '/') return dir + path;
  return dir + "/" + path;
}

bool looks_like_number(std::string_view s) {
  if (s.empty()) return false;
  size_t i = (s.front() == '-' || s.front() == '+') ? 1 : 0;
  if (i >= s.size()) return false;
  bool digit = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digit = true;
    } else if (s[i] != '.' && s[i] != 'e' && s[i] != 'E' && s[i] != '-' && s[i] != '+') {
      return false;
    }
  }
  return digit;
}

// Which layer instance last wrote a list, so a higher layer replaces the list while repeats
// within one layer (the command line, one file) append.
struct ListLayer {
  ValueSource::Kind kind;
  std::string where;
  bool operator==(const ListLayer&) const = default;
};

struct Pending {
  const OptionSpec* spec;
  std::string value;
};

// Built-in flags that set an engine setting (Spark's --conf and its UI flags), above the
// engine defaults file like every command-line value. `value` null: the flag takes one.
struct EngineFlag {
  std::string_view flag;
  std::string_view key;
  const char* value;
};
constexpr EngineFlag kEngineFlags[] = {
    {"ui-port", "lakestream.ui.port", nullptr},
    {"ui-host", "lakestream.ui.host", nullptr},
    {"no-ui", "lakestream.ui.enabled", "false"},
};
// Environment variables that set an engine setting (between the file and the command line).
struct EngineEnv {
  std::string_view env;
  std::string_view key;
};
constexpr EngineEnv kEngineEnv[] = {
    {"LAKESTREAM_UI_PORT", "lakestream.ui.port"},
    {"LAKESTREAM_UI_HOST", "lakestream.ui.host"},
    {"LAKESTREAM_UI_ENABLED", "lakestream.ui.enabled"},
};

const EngineFlag* engine_flag(std::string_view name) {
  for (const EngineFlag& f : kEngineFlags) {
    if (f.flag == name) return &f;
  }
  return nullptr;
}

/// `--conf KEY=VALUE` or one of kEngineFlags at args[i] (advancing i past a separate value).
Status take_engine_flag(const std::string& name, const std::optional<std::string>& inline_value,
                        const std::vector<std::string>& args, size_t& i,
                        std::vector<std::pair<std::string, std::string>>& out) {
  const EngineFlag* f = engine_flag(name);
  if (f != nullptr && f->value != nullptr) {
    if (inline_value) return Status::InvalidArgument("option --" + name + " takes no value");
    out.emplace_back(std::string(f->key), f->value);
    return Status::OK();
  }
  std::string value;
  if (inline_value) {
    value = *inline_value;
  } else if (i + 1 < args.size() && !args[i + 1].empty() && args[i + 1].front() != '-') {
    value = args[++i];
  } else {
    return Status::InvalidArgument("option --" + name + " expects a value (command line)");
  }
  if (f != nullptr) {
    out.emplace_back(std::string(f->key), std::move(value));
    return Status::OK();
  }
  const size_t eq = value.find('=');
  if (eq == std::string::npos || eq == 0 ||
      value.compare(0, kEnginePrefix.size(), kEnginePrefix) != 0) {
    return Status::InvalidArgument("option --conf expects lakestream.KEY=VALUE, got '" +
                                   (is_secret_key_name(value.substr(0, eq))
                                        ? value.substr(0, eq) + "=" + std::string(kRedacted)
                                        : value) +
                                   "' (command line)");
  }
  out.emplace_back(value.substr(0, eq), value.substr(eq + 1));
  return Status::OK();
}

/// Set engine key `key` (a higher layer replaces a lower one's value, keeping its position).
/// Whether a whole-number setting's text is an integer in [lo, hi].
bool integer_in(std::string_view text, int64_t lo, int64_t hi) {
  const std::string_view t = trim(text);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && end == t.data() + t.size() && !t.empty() && v >= lo && v <= hi;
}

/// The syntax of the engine settings lakestream reads (others, such as lakestream.kafka.*,
/// go to the libraries that check them); InvalidArgument naming the key, value and source.
Status check_engine_setting(const EngineSetting& e) {
  std::string expected;
  if (e.key == "lakestream.ui.enabled") {
    if (!parse_bool_text(e.value)) expected = "true or false";
  } else if (e.key == "lakestream.ui.port") {
    if (!integer_in(e.value, 0, 65535)) expected = "a port number, 0..65535 (0: any free port)";
  } else if (e.key == "lakestream.ui.host") {
    if (trim(e.value).empty()) expected = "a host name or address";
  } else if (e.key == "lakestream.ui.retainedProgressUpdates") {
    if (!integer_in(e.value, 1, 1'000'000)) expected = "a whole number >= 1";
  } else if (e.key == "lakestream.delta.autoCompact.minNumFiles") {
    if (!integer_in(e.value, 2, INT64_MAX)) expected = "a whole number >= 2";
  } else if (e.key == "lakestream.storage.local.fsync" ||
             e.key == "lakestream.delta.schema.autoMerge.enabled") {
    if (!parse_bool_text(e.value)) expected = "true or false";
  } else if (e.key == "lakestream.log.level") {
    if (!parse_log_level(e.value).ok()) expected = "trace, debug, info, warn, error or off";
  } else if (e.key == "lakestream.log.format") {
    if (!parse_log_format(e.value).ok()) expected = "text or json";
  }
  if (expected.empty()) return Status::OK();
  return Status::InvalidArgument("engine setting " + e.key + ": '" + e.value + "' (" +
                                 e.source.to_string() + ") is not " + expected);
}

void set_engine(Config::State& state, const std::string& key, std::string value,
                ValueSource source) {
  for (EngineSetting& s : state.engine) {
    if (s.key == key) {
      s.value = std::move(value);
      s.source = std::move(source);
      return;
    }
  }
  state.engine.push_back({key, std::move(value), std::move(source), is_secret_key_name(key)});
}

}  // namespace

struct ArgParser::Impl {
  std::string prog;
  std::string description;
  std::vector<std::string> default_files;
  std::deque<OptionSpec> options;  // deque: references handed out by add() stay valid

  const OptionSpec* find(std::string_view name) const {
    for (const OptionSpec& o : options) {
      if (o.name() == name) return &o;
    }
    return nullptr;
  }
  size_t index_of(const OptionSpec* spec) const {
    for (size_t i = 0; i < options.size(); ++i) {
      if (&options[i] == spec) return i;
    }
    return 0;
  }
};

namespace {

// The state being filled plus the bookkeeping that does not outlive parse().
struct Resolver {
  Config::State* state;
  std::vector<std::optional<ListLayer>> list_layers;

  Status apply(size_t index, const OptionSpec& spec, std::string_view value,
               const ValueSource& source, bool split_lists) {
    ResolvedOption& o = state->options[index];
    auto bad = [&](std::string_view expected) {
      std::string msg = "invalid value for --" + spec.name() + " from " + source.to_string() +
                        ": expected " + std::string(expected);
      if (spec.is_secret()) {
        msg += " (the value is secret and not shown)";
      } else {
        msg += ", got '" + std::string(value) + "'";
      }
      return Status::InvalidArgument(std::move(msg));
    };
    // The declared bound, for int and number options.
    auto out_of_bound = [&](double v) {
      return (spec.bound() == OptionSpec::Bound::kPositive && !(v > 0)) ||
             (spec.bound() == OptionSpec::Bound::kNonNegative && !(v >= 0));
    };
    auto bound_text = [&](std::string_view what) {
      return std::string(spec.bound() == OptionSpec::Bound::kPositive ? "a positive "
                                                                      : "a non-negative ")
          .append(what);
    };
    switch (spec.option_type()) {
      case OptionType::kString:
        o.text = std::string(value);
        if (!spec.choice_values().empty()) {
          const std::string_view given = trim(value);
          const std::vector<std::string>& allowed = spec.choice_values();
          auto match = std::find_if(allowed.begin(), allowed.end(), [&](const std::string& c) {
            return equals_ignore_case_ascii(c, given);
          });
          if (match == allowed.end()) {
            std::string expected = "one of ";
            for (size_t i = 0; i < allowed.size(); ++i) {
              if (i > 0) expected += i + 1 == allowed.size() ? " or " : ", ";
              expected += allowed[i];
            }
            return bad(expected);
          }
          o.text = *match;
        }
        break;
      case OptionType::kInt: {
        std::string_view digits = value;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        int64_t v = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          return bad(ec == std::errc::result_out_of_range ? "a 64-bit integer" : "an integer");
        }
        if (out_of_bound(static_cast<double>(v))) return bad(bound_text("integer"));
        o.int_value = v;
        o.text = std::to_string(v);
        break;
      }
      case OptionType::kDouble: {
        std::string_view digits = value;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        double v = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
          return bad("a number");
        }
        if (out_of_bound(v)) return bad(bound_text("number"));
        o.double_value = v;
        o.text = std::string(value);
        break;
      }
      case OptionType::kBool: {
        std::optional<bool> b = parse_bool_text(value);
        if (!b) return bad("true/false, yes/no or 1/0");
        o.bool_value = *b;
        o.text = *b ? "true" : "false";
        break;
      }
      case OptionType::kList: {
        ListLayer layer{source.kind, source.where};
        if (!list_layers[index] || !(*list_layers[index] == layer)) o.items.clear();
        list_layers[index] = layer;
        if (split_lists) {
          for (std::string& item : split_list_value(value)) o.items.push_back(std::move(item));
        } else {
          o.items.emplace_back(value);
        }
        o.text = "[";
        for (size_t i = 0; i < o.items.size(); ++i) {
          if (i > 0) o.text += ", ";
          o.text += o.items[i];
        }
        o.text += "]";
        break;
      }
    }
    o.set = true;
    o.source = source;
    return Status::OK();
  }
};

std::string wrap(std::string_view text, size_t indent, size_t width) {
  std::string out;
  std::string pad(indent, ' ');
  size_t col = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t sp = text.find(' ', pos);
    if (sp == std::string_view::npos) sp = text.size();
    std::string_view word = text.substr(pos, sp - pos);
    pos = sp + 1;
    if (word.empty()) continue;
    if (col == 0) {
      out += pad;
      col = indent;
    } else if (col + 1 + word.size() > width) {
      out += '\n' + pad;
      col = indent;
    } else {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
  }
  if (!out.empty()) out += '\n';
  return out;
}

std::string metavar_of(const OptionSpec& spec, std::string_view explicit_metavar) {
  if (!explicit_metavar.empty()) return std::string(explicit_metavar);
  if (!spec.choice_values().empty()) {
    std::string out;
    for (const std::string& c : spec.choice_values()) out.append(out.empty() ? "" : "|").append(c);
    return out;
  }
  switch (spec.option_type()) {
    case OptionType::kString:
      return "STRING";
    case OptionType::kInt:
      return "INT";
    case OptionType::kDouble:
      return "NUMBER";
    case OptionType::kBool:
      return "";
    case OptionType::kList:
      return "VALUE";
  }
  return "VALUE";
}

}  // namespace

ArgParser::ArgParser(std::string prog, std::string description,
                     std::vector<std::string> default_config_files)
    : impl_(std::make_unique<Impl>()) {
  impl_->prog = std::move(prog);
  impl_->description = std::move(description);
  impl_->default_files = std::move(default_config_files);
}

ArgParser::ArgParser(ArgParser&&) noexcept = default;
ArgParser& ArgParser::operator=(ArgParser&&) noexcept = default;
ArgParser::~ArgParser() = default;

const std::string& ArgParser::prog() const { return impl_->prog; }

OptionSpec& ArgParser::add(std::string_view long_name) {
  if (long_name.substr(0, 2) == "--") long_name.remove_prefix(2);
  impl_->options.push_back(OptionSpec(std::string(long_name)));
  return impl_->options.back();
}

std::string ArgParser::help() const {
  const Impl& im = *impl_;
  const std::string usage_prefix = "usage: " + im.prog + " ";
  std::string usage = "[-h] [--config FILE] [--print-config]";
  bool has_optional = false;
  for (const OptionSpec& o : im.options) {
    if (o.is_required()) {
      usage += " --" + o.name() + " " + metavar_of(o, o.metavar_);
    } else {
      has_optional = true;
    }
  }
  if (has_optional) usage += " [options]";
  // Continuation lines of the usage hang under the first option, as argparse lays it out.
  std::string out = wrap(usage, usage_prefix.size(), kHelpWidth);
  out.replace(0, usage_prefix.size(), usage_prefix);
  if (!im.description.empty()) out += "\n" + wrap(im.description, 0, kHelpWidth);
  out += "\noptions:\n";
  out += "  -h, --help\n      show this help message and exit\n";
  std::string config_help = "job config file to read instead of the default";
  if (!im.default_files.empty()) {
    config_help += " (";
    for (size_t i = 0; i < im.default_files.size(); ++i) {
      if (i > 0) config_help += ", ";
      config_help += im.default_files[i];
    }
    config_help += ")";
  }
  config_help += "; may be repeated";
  out += "  --config FILE\n" + wrap(config_help, 6, kHelpWidth);
  out += "  --print-config\n      print the resolved configuration (secrets redacted) and exit\n";
  out += "  --conf lakestream.KEY=VALUE\n" +
         wrap("an engine setting, above the engine defaults file; may be repeated", 6, kHelpWidth);
  out += "  --ui-port INT\n" +
         wrap(
             "port of the live UI (lakestream.ui.port, env LAKESTREAM_UI_PORT; default 4040, "
             "else the next free one up to 16 further)",
             6, kHelpWidth);
  out += "  --ui-host STRING\n" +
         wrap(
             "address the live UI listens on (lakestream.ui.host, env LAKESTREAM_UI_HOST; "
             "default 127.0.0.1, 0.0.0.0 in a container)",
             6, kHelpWidth);
  out += "  --no-ui\n" +
         wrap("start no UI server (lakestream.ui.enabled=false, env LAKESTREAM_UI_ENABLED)", 6,
              kHelpWidth);
  for (const OptionSpec& o : im.options) {
    out += "  ";
    if (o.short_ != 0) out += std::string("-") + o.short_ + ", ";
    out += "--" + o.name();
    std::string mv = metavar_of(o, o.metavar_);
    if (!mv.empty()) out += " " + mv;
    out += '\n';
    if (!o.help_text().empty()) out += wrap(o.help_text(), 6, kHelpWidth);
    std::string facts = "[type: " + std::string(option_type_name(o.option_type())) + "]";
    if (o.is_required()) facts += " [required]";
    if (o.default_value_text()) {
      facts +=
          " [default: " + (o.is_secret() ? std::string(kRedacted) : *o.default_value_text()) + "]";
    }
    if (!o.env_var().empty()) facts += " [env var: " + o.env_var() + "]";
    if (o.is_secret()) facts += " [secret]";
    out += wrap(facts, 6, kHelpWidth);
  }
  std::string files = im.default_files.empty() ? std::string("the files given with --config")
                                               : "the job config file (";
  if (!im.default_files.empty()) {
    for (size_t i = 0; i < im.default_files.size(); ++i) {
      if (i > 0) files += ", ";
      files += im.default_files[i];
    }
    files += ", or the files given with --config)";
  }
  out += "\n" + wrap(
                    "Each option takes its value from the highest of: the command line, its "
                    "environment variable, " +
                        files + ", the engine defaults file " + std::string(kEngineDefaultsFile) +
                        " ($LAKESTREAM_CONF_DIR, else ./conf; key lakestream.<option>), "
                        "the declared default.",
                    0, kHelpWidth);
  out += wrap(
      "Config file syntax: key=value, key: value or key value, one per line; a line "
      "starting with # or ; is a comment; flag=true; list=[a, b].",
      0, kHelpWidth);
  return out;
}

Result<Config> ArgParser::parse(int argc, const char* const* argv, const ParseContext& ctx) const {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i] ? argv[i] : "");
  return parse(args, ctx);
}

Result<Config> ArgParser::parse(const std::vector<std::string>& args,
                                const ParseContext& ctx) const {
  const Impl& im = *impl_;
  auto getenv = [&](std::string_view name) -> std::optional<std::string> {
    if (ctx.getenv) return ctx.getenv(name);
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };

  // -- Declarations: mistakes here are the job author's, reported before anything else.
  for (size_t i = 0; i < im.options.size(); ++i) {
    const OptionSpec& o = im.options[i];
    if (o.name().empty() || o.name().front() == '-' ||
        o.name().find_first_of(" =:#;\t") != std::string::npos) {
      return Status::InvalidArgument("option name '" + o.name() + "' declared by " + im.prog +
                                     " is not a valid long name");
    }
    if (o.name() == "help" || o.name() == "config" || o.name() == "print-config" ||
        o.name() == "conf" || engine_flag(o.name()) != nullptr) {
      return Status::InvalidArgument("option --" + o.name() + " declared by " + im.prog +
                                     " is built in and cannot be redeclared");
    }
    for (size_t j = 0; j < i; ++j) {
      if (im.options[j].name() == o.name()) {
        return Status::InvalidArgument("option --" + o.name() + " is declared twice by " + im.prog);
      }
      if (o.short_ != 0 && im.options[j].short_ == o.short_) {
        return Status::InvalidArgument("short option -" + std::string(1, o.short_) +
                                       " is declared twice by " + im.prog);
      }
    }
    if (o.short_ == 'h') {
      return Status::InvalidArgument("short option -h is built in (help)");
    }
  }

  auto state = std::make_shared<Config::State>();
  state->help_text = help();
  state->prog = im.prog;
  Resolver resolver{state.get(), std::vector<std::optional<ListLayer>>(im.options.size())};
  for (const OptionSpec& o : im.options) {
    ResolvedOption r;
    r.name = o.name();
    r.type = o.option_type();
    r.secret = o.is_secret();
    r.required = o.is_required();
    if (r.type == OptionType::kBool) r.text = "false";
    state->options.push_back(std::move(r));
  }
  for (size_t i = 0; i < im.options.size(); ++i) {
    const OptionSpec& o = im.options[i];
    if (!o.default_value_text()) continue;
    ValueSource src{ValueSource::Kind::kDefault, "", 0};
    Status st = resolver.apply(i, o, *o.default_value_text(), src, true);
    if (!st.ok()) return st.with_context("the declared default of --" + o.name());
  }

  // -- Command line, scanned first: --config decides which files are read, --help skips them.
  std::vector<Pending> cli;
  std::vector<std::string> explicit_files;
  std::vector<std::pair<std::string, std::string>> engine_cli;  // --conf and the UI flags
  const size_t n = args.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      for (; i < n; ++i) state->unknown_args.push_back(args[i]);
      break;
    }
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    std::string shown;  // how the option is named in messages
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      size_t eq = arg.find('=');
      std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (eq != std::string::npos) inline_value = arg.substr(eq + 1);
      shown = "--" + name;
      if (name == "help" && !inline_value) {
        state->help_requested = true;
        continue;
      }
      if (name == "print-config" && !inline_value) {
        state->print_config_requested = true;
        continue;
      }
      if (name == "conf" || engine_flag(name) != nullptr) {
        LS_RETURN_NOT_OK(take_engine_flag(name, inline_value, args, i, engine_cli));
        continue;
      }
      if (name == "config") {
        if (inline_value) {
          explicit_files.push_back(*inline_value);
        } else if (i + 1 < n && (args[i + 1].empty() || args[i + 1].front() != '-')) {
          explicit_files.push_back(args[++i]);
        } else {
          return Status::InvalidArgument("option --config expects a file name (command line)");
        }
        continue;
      }
      spec = im.find(name);
    } else if (arg.size() >= 2 && arg.front() == '-' && arg[1] != '-' && !looks_like_number(arg)) {
      if (arg == "-h") {
        state->help_requested = true;
        continue;
      }
      for (const OptionSpec& o : im.options) {
        if (o.short_ != 0 && o.short_ == arg[1]) spec = &o;
      }
      if (spec != nullptr && arg.size() > 2) {
        inline_value = arg.substr(arg[2] == '=' ? 3 : 2);
      }
      shown = arg.substr(0, 2);
    }
    if (spec == nullptr) {
      state->unknown_args.push_back(arg);
      continue;
    }
    if (spec->option_type() == OptionType::kBool) {
      cli.push_back({spec, inline_value.value_or("true")});
      continue;
    }
    if (!inline_value) {
      // A lone "-" is a value (stdin by convention), as argparse treats it.
      bool next_is_value = i + 1 < n && (args[i + 1].empty() || args[i + 1].front() != '-' ||
                                         args[i + 1] == "-" || looks_like_number(args[i + 1]));
      if (!next_is_value) {
        return Status::InvalidArgument("option " + shown + " expects a value (command line)");
      }
      inline_value = args[++i];
    }
    cli.push_back({spec, std::move(*inline_value)});
  }
  if (state->help_requested) return Config(std::move(state));

  // -- Engine defaults file: the first of $LAKESTREAM_CONF_DIR/, ./conf/ that has one.
  std::vector<std::string> engine_candidates;
  if (std::optional<std::string> dir = getenv("LAKESTREAM_CONF_DIR"); dir && !dir->empty()) {
    engine_candidates.push_back(join_path(*dir, std::string(kEngineDefaultsFile)));
  }
  engine_candidates.push_back("conf/" + std::string(kEngineDefaultsFile));
  for (const std::string& shown_path : engine_candidates) {
    LS_ASSIGN_OR_RAISE(std::optional<std::string> text,
                       read_file_if_exists(join_path(ctx.cwd, shown_path), shown_path));
    if (!text) continue;
    LS_ASSIGN_OR_RAISE(std::vector<ConfEntry> entries, parse_conf_text(*text, shown_path));
    for (ConfEntry& e : entries) {
      ValueSource src{ValueSource::Kind::kEngineDefaults, shown_path, e.line};
      if (e.key.size() <= kEnginePrefix.size() ||
          e.key.compare(0, kEnginePrefix.size(), kEnginePrefix) != 0) {
        return Status::InvalidArgument(
            "engine defaults " + shown_path + " line " + std::to_string(e.line) + ": key '" +
            e.key + "' does not start with '" + std::string(kEnginePrefix) + "'");
      }
      std::string value = e.value.value_or("true");
      std::string option_name = e.key.substr(kEnginePrefix.size());
      const OptionSpec* spec = im.find(option_name);
      if (spec != nullptr) {
        LS_RETURN_NOT_OK(resolver.apply(im.index_of(spec), *spec, value, src, true));
      }
      bool secret = is_secret_key_name(e.key) || (spec != nullptr && spec->is_secret());
      bool replaced = false;
      for (EngineSetting& s : state->engine) {
        if (s.key == e.key) {
          s.value = value;
          s.source = src;
          replaced = true;
        }
      }
      if (!replaced) state->engine.push_back({e.key, std::move(value), src, secret});
    }
    break;
  }

  // -- Job config files: --config replaces the defaults; only an explicit file must exist.
  const bool explicit_config = !explicit_files.empty();
  const std::vector<std::string>& files = explicit_config ? explicit_files : im.default_files;
  for (const std::string& shown_path : files) {
    LS_ASSIGN_OR_RAISE(std::optional<std::string> text,
                       read_file_if_exists(join_path(ctx.cwd, shown_path), shown_path));
    if (!text) {
      if (explicit_config) {
        return Status::NotFound("config file " + shown_path +
                                " (given with --config) does not exist");
      }
      continue;
    }
    LS_ASSIGN_OR_RAISE(std::vector<ConfEntry> entries, parse_conf_text(*text, shown_path));
    for (const ConfEntry& e : entries) {
      std::string_view key = e.key;
      if (key.substr(0, 2) == "--") key.remove_prefix(2);
      const OptionSpec* spec = im.find(key);
      std::string at = "file " + shown_path + " line " + std::to_string(e.line);
      if (spec == nullptr) {
        return Status::InvalidArgument(at + ": unknown option '" + std::string(key) +
                                       "' (not an option of " + im.prog + "; see --help)");
      }
      if (!e.value && spec->option_type() != OptionType::kBool) {
        return Status::InvalidArgument(at + ": option --" + spec->name() + " expects a value");
      }
      LS_RETURN_NOT_OK(resolver.apply(im.index_of(spec), *spec, e.value.value_or("true"),
                                      ValueSource{ValueSource::Kind::kFile, shown_path, e.line},
                                      true));
    }
  }

  // -- Environment variables. An empty variable counts as unset (`export X=` clears it).
  for (size_t i = 0; i < im.options.size(); ++i) {
    const OptionSpec& o = im.options[i];
    if (o.env_var().empty()) continue;
    std::optional<std::string> v = getenv(o.env_var());
    if (!v || v->empty()) continue;
    LS_RETURN_NOT_OK(resolver.apply(
        i, o, *v, ValueSource{ValueSource::Kind::kEnvironment, o.env_var(), 0}, true));
  }

  // -- Command line, highest.
  for (const Pending& p : cli) {
    LS_RETURN_NOT_OK(resolver.apply(im.index_of(p.spec), *p.spec, p.value,
                                    ValueSource{ValueSource::Kind::kCommandLine, "", 0}, false));
  }

  // -- Engine settings from the environment, then the command line, above the defaults file.
  for (const EngineEnv& e : kEngineEnv) {
    std::optional<std::string> v = getenv(e.env);
    if (!v || v->empty()) continue;
    set_engine(*state, std::string(e.key), std::move(*v),
               ValueSource{ValueSource::Kind::kEnvironment, std::string(e.env), 0});
  }
  for (auto& [key, value] : engine_cli) {
    set_engine(*state, key, std::move(value), ValueSource{ValueSource::Kind::kCommandLine, "", 0});
  }

  // -- The engine settings lakestream itself reads must parse: a bad one stops the program
  // here, before anything is opened, as a bad option does.
  for (const EngineSetting& e : state->engine) {
    LS_RETURN_NOT_OK(check_engine_setting(e));
  }

  // -- Required options.
  std::string missing;
  for (size_t i = 0; i < im.options.size(); ++i) {
    const OptionSpec& o = im.options[i];
    if (!o.is_required() || state->options[i].set) continue;
    state->missing_required.push_back(o.name());
    if (!missing.empty()) missing += ", ";
    missing += "--" + o.name();
    if (!o.env_var().empty()) missing += " (or environment variable " + o.env_var() + ")";
  }
  if (!missing.empty() && !state->print_config_requested) {
    std::string where = files.empty() ? std::string(" or in a file given with --config")
                                      : " or in " + files.front();
    return Status::InvalidArgument("missing required option" +
                                   std::string(state->missing_required.size() > 1 ? "s" : "") +
                                   ": " + missing + "; set it on the command line" + where);
  }
  return Config(std::move(state));
}

Config ArgParser::parse_or_exit(int argc, const char* const* argv, const ParseContext& ctx) const {
  Result<Config> r = parse(argc, argv, ctx);
  if (!r.ok()) {
    std::fprintf(stderr, "%s: error: %s\n", impl_->prog.c_str(), r.status().message().c_str());
    std::fprintf(stderr, "Run '%s --help' to see the options.\n", impl_->prog.c_str());
    std::exit(2);
  }
  Config cfg = std::move(r).value();
  if (cfg.help_requested()) {
    std::fputs(cfg.help_text().c_str(), stdout);
    std::exit(0);
  }
  if (!cfg.unknown_args().empty()) std::printf("%s\n", cfg.unknown_args_line().c_str());
  if (cfg.print_config_requested()) {
    std::fputs(cfg.dump().c_str(), stdout);
    std::fflush(stdout);
    if (!cfg.missing_required().empty()) {
      std::string names;
      for (const std::string& m : cfg.missing_required())
        names += (names.empty() ? "--" : ", --") + m;
      std::fprintf(stderr, "%s: error: missing required option(s): %s\n", impl_->prog.c_str(),
                   names.c_str());
      std::exit(2);
    }
    std::exit(0);
  }
  return cfg;
}

}  // namespace lakestream
