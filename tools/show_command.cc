// `lakestream show TABLE`: read a Delta table (any writer's: Spark, Databricks, delta-rs,
// lakestream) at its latest or a given version and print its rows as Spark's show() does, or as
// JSON lines / CSV. `--where COL=VALUE` on a partition column reads only that partition's files;
// on a data column it skips files and row groups by statistics.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "command_args.h"
#include "lakestream/batch/show.h"
#include "lakestream/batch/take.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/status.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/config/config.h"
#include "lakestream/delta/table_reader.h"

namespace lakestream::cli {

namespace {

int fail(const Status& status) {
  std::fprintf(stderr, "lakestream show: %s\n", status.to_string().c_str());
  return kExitFailure;
}

template <typename T>
void append_number(std::string& out, T v) {
  char buf[48];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_base64(std::string& out, std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
}

/// One value as Spark's to_json / DataFrame.write.json writes it: numbers bare, strings
/// quoted, dates "yyyy-MM-dd", binary base64, structs as objects, arrays as lists, maps as
/// objects; NaN/Infinity as strings. Timestamps keep all six fraction digits
/// ("yyyy-MM-ddTHH:mm:ss.ffffffZ"; Spark's writer cuts them to milliseconds, which would lose
/// data on export).
void append_json_value(std::string& out, const Column& c, int64_t row) {
  if (c.is_null(row)) {
    out += "null";
    return;
  }
  switch (c.type()->id()) {
    case TypeId::kString:
      append_json_string(out, c.string_value(row));
      break;
    case TypeId::kBinary:
      out.push_back('"');
      append_base64(out, c.string_value(row));
      out.push_back('"');
      break;
    case TypeId::kBoolean:
      out += c.bool_value(row) ? "true" : "false";
      break;
    case TypeId::kByte:
      append_number(out, static_cast<int>(c.value<int8_t>(row)));
      break;
    case TypeId::kShort:
      append_number(out, c.value<int16_t>(row));
      break;
    case TypeId::kInt:
      append_number(out, c.value<int32_t>(row));
      break;
    case TypeId::kLong:
      append_number(out, c.value<int64_t>(row));
      break;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const std::string text = c.type()->id() == TypeId::kFloat
                                   ? java_float_string(c.value<float>(row))
                                   : java_double_string(c.value<double>(row));
      if (text == "NaN" || text.ends_with("Infinity")) {
        append_json_string(out, text);
      } else {
        out += text;
      }
      break;
    }
    case TypeId::kDecimal:
      out += format_decimal(c.decimal_value(row), c.type()->scale());
      break;
    case TypeId::kDate:
      out.push_back('"');
      out += format_date_days(c.value<int32_t>(row));
      out.push_back('"');
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      std::string text = format_timestamp_iso(c.value<int64_t>(row), 6);
      if (c.type()->id() == TypeId::kTimestampNtz && text.ends_with('Z')) text.pop_back();
      out.push_back('"');
      out += text;
      out.push_back('"');
      break;
    }
    case TypeId::kStruct: {
      out.push_back('{');
      bool first = true;
      const auto& fields = c.type()->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (c.child(i)->is_null(row)) continue;  // Spark leaves null fields out
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, fields[i].name);
        out.push_back(':');
        append_json_value(out, *c.child(i), row);
      }
      out.push_back('}');
      break;
    }
    case TypeId::kArray: {
      out.push_back('[');
      for (int32_t i = c.offset(row); i < c.offset(row + 1); ++i) {
        if (i != c.offset(row)) out.push_back(',');
        append_json_value(out, *c.child(0), i);
      }
      out.push_back(']');
      break;
    }
    case TypeId::kMap: {
      out.push_back('{');
      for (int32_t i = c.offset(row); i < c.offset(row + 1); ++i) {
        if (i != c.offset(row)) out.push_back(',');
        append_json_string(out, cell_string(*c.child(0), i));
        out.push_back(':');
        append_json_value(out, *c.child(1), i);
      }
      out.push_back('}');
      break;
    }
    case TypeId::kNull:  // every row of a void column is null: not reached
      out += "null";
      break;
  }
}

void append_json_rows(std::string& out, const RecordBatch& batch) {
  const Schema& schema = batch.schema();
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    out.push_back('{');
    bool first = true;
    for (size_t i = 0; i < batch.num_columns(); ++i) {
      const Column& c = *batch.column(i);
      if (c.is_null(r)) continue;  // Spark's JSON writer omits null fields
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, schema.field(i).name);
      out.push_back(':');
      append_json_value(out, c, r);
    }
    out += "}\n";
  }
}

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos && !text.empty()) {
    out += text;
    return;
  }
  out.push_back('"');
  for (char ch : text) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
}

void append_csv_rows(std::string& out, const RecordBatch& batch) {
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    for (size_t i = 0; i < batch.num_columns(); ++i) {
      if (i) out.push_back(',');
      const Column& c = *batch.column(i);
      // A null is an empty field; an empty string is "" so the two stay apart (Spark's CSV).
      if (c.is_null(r)) continue;
      if (c.type()->id() == TypeId::kString) {
        append_csv_field(out, c.string_value(r));
      } else {
        append_csv_field(out, cell_string(c, r));
      }
    }
    out.push_back('\n');
  }
}

int run_show(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Show the rows of a Delta table (written by lakestream, Spark, Databricks, "
                   "delta-rs) as Spark's show() does, or as JSON lines or CSV. Usage: "
                   "lakestream show TABLE [options]");
  parser.add("--where")
      .list()
      .metavar("COL=VALUE")
      .help(
          "keep rows where COL equals VALUE (repeatable); COL may be a struct member "
          "(location.floor.level). On a partition column only that partition's files are read; "
          "on others the files' statistics skip what cannot match");
  parser.add("--columns").metavar("A,B").help("columns to show, in this order (default: all)");
  parser.add("--limit").short_name('n').as_int().metavar("N").help(
      "rows to show (default: 20 for --format table, all otherwise)");
  parser.add("--version").as_int().metavar("N").help("read the table as of version N");
  parser.add("--format").metavar("FMT").default_value("table").help("table | json | csv");
  parser.add("--truncate")
      .short_name('t')
      .metavar("N")
      .default_value(20)
      .help("table format: cut cells longer than N characters; 0 shows them whole");
  parser.add("--metrics").flag().help("print what the scan read and skipped to stderr");

  CommandArgs args = parse_command_args(parser, argc, argv, Positional::kTable);
  if (args.stop) return *args.stop;
  const Config& options = args.options;
  const std::string& table_uri = args.table_uri;
  const std::string& format = options.get_string("format");
  if (format != "table" && format != "json" && format != "csv") {
    return usage_error(argv[0],
                       "option '--format': expected table, json or csv, got '" + format + "'");
  }
  ScanOptions scan_options;
  if (auto bad = parse_where_options(options, argv[0], &scan_options.filters)) return *bad;
  if (options.has("columns") && !options.get_string("columns").empty()) {
    std::vector<std::string> columns;
    std::string_view text = options.get_string("columns");
    while (!text.empty()) {
      const size_t comma = text.find(',');
      std::string_view name = text.substr(0, comma);
      if (!name.empty()) columns.emplace_back(name);
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
    scan_options.columns = std::move(columns);
  }
  int64_t limit = format == "table" ? 20 : -1;
  if (options.has("limit")) {
    limit = options.get_int("limit");
    if (limit < 0) return usage_error(argv[0], "option '--limit' must be >= 0");
  }
  const int64_t truncate = options.get_int("truncate");
  std::optional<int64_t> version;
  if (options.has("version")) version = options.get_int("version");

  auto table = TableReader::open(table_uri, version);
  if (!table.ok()) return fail(table.status());
  // The table layout says "only showing top N rows" when there are more: read one extra.
  scan_options.limit = format == "table" ? limit + 1 : limit;
  auto scan = table->scan(scan_options);
  if (!scan.ok()) return fail(scan.status());

  if (format == "table") {
    auto all = RecordBatch::make_empty(scan->schema());
    RecordBatch batch;
    while (true) {
      auto more = scan->next(&batch);
      if (!more.ok()) return fail(more.status());
      if (!*more) break;
      std::vector<int32_t> rows(static_cast<size_t>(batch.num_rows()));
      for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int32_t>(i);
      for (size_t i = 0; i < batch.num_columns(); ++i) {
        append_taken(*batch.column(i), rows, &all.mutable_column(i));
      }
    }
    std::fputs(show_string(all, static_cast<int>(limit), static_cast<int>(truncate)).c_str(),
               stdout);
    std::fputc('\n', stdout);
  } else {
    std::string out;
    if (format == "csv") {
      for (size_t i = 0; i < scan->schema().size(); ++i) {
        if (i) out.push_back(',');
        append_csv_field(out, scan->schema().field(i).name);
      }
      out.push_back('\n');
    }
    RecordBatch batch;
    while (true) {
      auto more = scan->next(&batch);
      if (!more.ok()) return fail(more.status());
      if (!*more) break;
      if (format == "json") {
        append_json_rows(out, batch);
      } else {
        append_csv_rows(out, batch);
      }
      if (out.size() >= (1u << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  if (options.get_bool("metrics")) {
    const ScanMetrics& m = scan->metrics();
    std::fprintf(
        stderr,
        "files: %lld live, %lld pruned by partition, %lld skipped by stats, %lld read; "
        "row groups: %lld read, %lld skipped; rows: %lld\n",
        static_cast<long long>(m.files_total), static_cast<long long>(m.files_pruned_by_partition),
        static_cast<long long>(m.files_skipped_by_stats), static_cast<long long>(m.files_opened),
        static_cast<long long>(m.row_groups_read), static_cast<long long>(m.row_groups_skipped),
        static_cast<long long>(m.rows_returned));
  }
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("show", "print the rows of a Delta table (partition pruning, time travel)",
                   run_show);

}  // namespace lakestream::cli
