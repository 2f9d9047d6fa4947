#include "command_args.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "command.h"
#include "lakestream/common/strings.h"
#include "lakestream/delta/table_properties.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/stream/data_stream_writer.h"

namespace lakestream::cli {

CommandArgs parse_command_args(const ArgParser& parser, int argc, char** argv,
                               Positional positional) {
  CommandArgs out;
  auto parsed = parser.parse(argc, argv);
  if (!parsed.ok()) {
    out.stop = usage_error(argv[0], parsed.status().message());
    return out;
  }
  out.options = std::move(parsed).value();
  const Config& options = out.options;
  // Engine settings the commands honour without a Session (checked by the parser).
  if (auto fsync = options.engine_value("lakestream.storage.local.fsync")) {
    if (auto enabled = parse_bool_text(*fsync)) set_local_fsync_default(*enabled);
  }
  if (options.help_requested()) {
    std::fputs(options.help_text().c_str(), stdout);
    out.stop = kExitOk;
    return out;
  }
  if (options.print_config_requested()) {
    std::fputs(options.dump().c_str(), stdout);
    out.stop = options.missing_required().empty() ? kExitOk : kExitUsage;
    return out;
  }
  for (const std::string& arg : options.unknown_args()) {
    if (positional == Positional::kNone || (!arg.empty() && arg.front() == '-')) {
      out.stop = usage_error(argv[0], "unknown option '" + arg + "'");
      return out;
    }
    if (!out.table_uri.empty()) {
      out.stop = usage_error(argv[0], "more than one table given ('" + arg + "')");
      return out;
    }
    out.table_uri = arg;
  }
  if (positional == Positional::kTable && out.table_uri.empty()) {
    out.stop = usage_error(argv[0], "missing the TABLE path");
  }
  return out;
}

std::optional<int> parse_where_options(const Config& options, const char* prog,
                                       std::vector<ScanFilter>* out) {
  for (const std::string& where : options.get_list("where")) {
    const size_t eq = where.find('=');
    if (eq == std::string::npos || eq == 0) {
      return usage_error(prog, "option '--where' expects COL=VALUE, got '" + where + "'");
    }
    out->push_back({where.substr(0, eq), where.substr(eq + 1)});
  }
  return std::nullopt;
}

Result<Schema> load_schema_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("--schema: cannot open '" + path + "'");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError("--schema: reading '" + path + "' failed");
  const std::string text = buf.str();
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return Status::InvalidArgument("schema file '" + path + "' is empty");
  }
  auto schema = text[first] == '{' ? Schema::from_json(text) : Schema::from_ddl(text);
  if (!schema.ok()) return schema.status().with_context("schema file '" + path + "'");
  return schema;
}

std::optional<bool> bool_option(const Config& options, const std::string& name, const char* prog,
                                std::optional<int>* stop) {
  const std::string& text = options.get_string(name);
  std::optional<bool> value = parse_bool_text(text);
  if (!value) {
    *stop =
        usage_error(prog, "option '--" + name + "': expected true or false, got '" + text + "'");
  }
  return value;
}

void add_table_property_option(ArgParser& parser) {
  parser.add("--table-property")
      .list()
      .metavar("KEY=VALUE")
      .help(
          "a table property of the Delta table if this command creates it (e.g. "
          "delta.enableRowTracking=true, delta.enableDeletionVectors=true, delta.appendOnly=true, "
          "delta.checkpointInterval=N, delta.enableInCommitTimestamps=true, "
          "delta.checkpointPolicy=v2); unknown delta.* keys are refused; repeat for several");
}

std::optional<int> table_property_options(const Config& options, const char* prog,
                                          std::map<std::string, std::string>* out) {
  for (const std::string& text : options.get_list("table-property")) {
    auto parsed = parse_table_property(text);
    if (!parsed.ok()) {
      return usage_error(prog, "option '--table-property': " + parsed.status().message());
    }
    if (!out->emplace(parsed->first, parsed->second).second) {
      return usage_error(prog, "option '--table-property': " + parsed->first + " is given twice");
    }
  }
  return std::nullopt;
}

void add_merge_schema_option(ArgParser& parser) {
  parser.add("--merge-schema")
      .flag()
      .help(
          "let this schema add nullable columns to an existing table (Delta's mergeSchema); "
          "default: the setting lakestream.delta.schema.autoMerge.enabled");
}

bool merge_schema_option(const Config& options) {
  std::map<std::string, std::string> write_options;
  if (options.get_bool("merge-schema")) write_options["merge-schema"] = "true";
  // The setting's text was checked when the configuration was parsed (check_engine_setting).
  Result<bool> on = merge_schema_enabled(write_options, options);
  return on.ok() && *on;
}

}  // namespace lakestream::cli
