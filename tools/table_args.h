#pragma once
// tools/table_args: the option parsing shared by the commands that read one Delta table
// (show, describe, history): the command's own options plus exactly one positional TABLE.
//
//   TableArgs args = parse_table_args(parser, argc, argv);
//   if (args.stop) return *args.stop;  // usage error printed, or --help shown
//   TableReader::open(args.table_uri, ...);

#include <optional>
#include <string>

#include "lakestream/config/config.h"

namespace lakestream::cli {

struct TableArgs {
  Config options;
  std::string table_uri;
  std::optional<int> stop;  ///< set: the command ends now with this exit code
};

/// Parse argv with `parser`; the one argument left over is the TABLE. An unknown option, a
/// second table or none at all is a usage error (printed, exit code 2); --help prints the help
/// and stops with 0.
TableArgs parse_table_args(const ArgParser& parser, int argc, char** argv);

}  // namespace lakestream::cli
