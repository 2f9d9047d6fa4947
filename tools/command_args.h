#pragma once
// tools/command_args: the option parsing every CLI command shares. --help prints the help,
// --print-config the resolved configuration; unknown options are refused (a CLI command never
// lets a typo pass, unlike the jobs); commands that read one Delta table (show, describe,
// history) take it as their one positional argument.
//
//   CommandArgs args = parse_command_args(parser, argc, argv, Positional::kTable);
//   if (args.stop) return *args.stop;  // usage error printed, or help/config shown
//   TableReader::open(args.table_uri, ...);

#include <map>
#include <optional>
#include <string>

#include "lakestream/config/config.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/schema/schema.h"

namespace lakestream::cli {

enum class Positional {
  kNone,   ///< every argument is an option
  kTable,  ///< exactly one TABLE besides the options
};

struct CommandArgs {
  Config options;
  std::string table_uri;    ///< with Positional::kTable
  std::optional<int> stop;  ///< set: the command ends now with this exit code
};

/// Parse argv with `parser`. A parse error, an unknown option, or (with kTable) a second table
/// or none at all is a usage error (printed, exit code 2); --help prints the help and stops with
/// 0; --print-config prints the configuration and stops with 0, or 2 when a required option is
/// missing.
CommandArgs parse_command_args(const ArgParser& parser, int argc, char** argv,
                               Positional positional = Positional::kNone);

/// The `--where COL=VALUE` options (a list option) as filters appended to `out`; a usage error
/// (printed, exit code 2) for one without a column or '='.
std::optional<int> parse_where_options(const Config& options, const char* prog,
                                       std::vector<ScanFilter>* out);

/// The schema in the file at `path`: Spark DDL text, or StructType JSON (the text whose first
/// non-blank character is '{'). Errors name the file.
Result<Schema> load_schema_file(const std::string& path);

/// The value of the true|false option `name`; a usage error (printed, exit code 2, in `stop`)
/// for anything else.
std::optional<bool> bool_option(const Config& options, const std::string& name, const char* prog,
                                std::optional<int>* stop);

/// Add --table-property KEY=VALUE (repeatable) to a command that may create a Delta table.
void add_table_property_option(ArgParser& parser);
/// The --table-property options into `out`; a usage error (printed, exit code 2) for one that
/// is not KEY=VALUE or repeats a key. The keys are checked when the table is opened
/// (delta/table_properties.h), before anything is written.
std::optional<int> table_property_options(const Config& options, const char* prog,
                                          std::map<std::string, std::string>* out);

/// Add --merge-schema to a command that appends to a Delta table (ingest; stream).
void add_merge_schema_option(ArgParser& parser);
/// Whether the command merges its schema into the table's (Delta's mergeSchema): --merge-schema
/// given, else the engine setting lakestream.delta.schema.autoMerge.enabled (--conf, conf files),
/// else false; the rule stream/data_stream_writer.h merge_schema_enabled() applies.
bool merge_schema_option(const Config& options);

}  // namespace lakestream::cli
