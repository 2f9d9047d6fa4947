#include "table_args.h"

#include <cstdio>

#include "command.h"

namespace lakestream::cli {

TableArgs parse_table_args(const ArgParser& parser, int argc, char** argv) {
  TableArgs out;
  auto parsed = parser.parse(argc, argv);
  if (!parsed.ok()) {
    out.stop = usage_error(argv[0], parsed.status().message());
    return out;
  }
  out.options = std::move(parsed).value();
  if (out.options.help_requested()) {
    std::fputs(out.options.help_text().c_str(), stdout);
    out.stop = kExitOk;
    return out;
  }
  for (const std::string& arg : out.options.unknown_args()) {
    if (!arg.empty() && arg.front() == '-') {
      out.stop = usage_error(argv[0], "unknown option '" + arg + "'");
      return out;
    }
    if (!out.table_uri.empty()) {
      out.stop = usage_error(argv[0], "more than one table given ('" + arg + "')");
      return out;
    }
    out.table_uri = arg;
  }
  if (out.table_uri.empty()) out.stop = usage_error(argv[0], "missing the TABLE path");
  return out;
}

}  // namespace lakestream::cli
