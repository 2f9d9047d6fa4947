// `lakestream preview`: decode NDJSON against a schema and show it as Spark would, the local
// counterpart of the original's preview_stream(): schema tree, show(), then what was rejected.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "command_args.h"
#include "lakestream/batch/show.h"
#include "lakestream/common/status.h"
#include "lakestream/config/config.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/schema/schema.h"

namespace lakestream::cli {

namespace {

constexpr int kMaxRejectsListed = 10;

Result<std::string> read_all(const std::string& path) {
  if (path == "-") {
    std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (std::cin.bad()) return Status::IOError("reading standard input failed");
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open '" + path + "'");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError("reading '" + path + "' failed");
  return buf.str();
}

int fail(const Status& status) {
  std::fprintf(stderr, "lakestream preview: %s\n", status.to_string().c_str());
  return kExitFailure;
}

int run_preview(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Decode NDJSON records against a schema and print them as Spark's show() "
                   "does: the schema tree, the rows, then the records that were rejected and "
                   "why.");
  parser.add("--schema")
      .required()
      .metavar("FILE")
      .help("schema file: Spark DDL text or StructType JSON");
  parser.add("--input").short_name('i').metavar("FILE").default_value("-").help(
      "NDJSON input, one record per line; - for stdin");
  parser.add("--flatten").flag().help("flatten nested structs into Parent_Child columns");
  parser.add("--rows").short_name('n').metavar("N").default_value(20).help(
      "number of rows to show");
  parser.add("--truncate")
      .short_name('t')
      .metavar("N")
      .default_value(20)
      .help("cut cells longer than N characters; 0 shows them whole");
  parser.add("--mode")
      .short_name('m')
      .metavar("MODE")
      .default_value("dead-letter")
      .help("what happens to a bad record: dead-letter | permissive | fail-fast");

  CommandArgs args = parse_command_args(parser, argc, argv);
  if (args.stop) return *args.stop;
  const Config& options = args.options;
  const int64_t rows = options.get_int("rows");
  const int64_t truncate = options.get_int("truncate");
  if (rows < 0 || rows > INT32_MAX) {
    return usage_error(
        argv[0], "option '--rows' must be between 0 and 2147483647, got " + std::to_string(rows));
  }
  if (truncate < 0 || truncate > INT32_MAX) {
    return usage_error(argv[0], "option '--truncate' must be between 0 and 2147483647, got " +
                                    std::to_string(truncate));
  }
  const std::string& mode_text = options.get_string("mode");
  auto mode = parse_decode_mode(mode_text);
  if (!mode) {
    return usage_error(
        argv[0],
        "option '--mode': expected dead-letter, permissive or fail-fast, got '" + mode_text + "'");
  }
  const std::string& schema_path = options.get_string("schema");

  auto schema = load_schema_file(schema_path);
  if (!schema.ok()) return fail(schema.status());
  const std::string& input_path = options.get_string("input");
  auto input = read_all(input_path);
  if (!input.ok()) return fail(input.status().with_context("--input"));
  const std::string source_name = input_path == "-" ? "<stdin>" : input_path;

  // Fail-fast is reported like the other modes (the rows before the bad record, then the
  // reject), so the decoder runs in dead-letter mode and this command stops at the end.
  JsonDecodeOptions decode_options;
  decode_options.mode = *mode == DecodeMode::kFailFast ? DecodeMode::kDeadLetter : *mode;
  auto decoder = JsonDecoder::make(*schema, decode_options);
  if (!decoder.ok()) return fail(decoder.status());
  RecordBatch batch = RecordBatch::make_empty(decoder->output_schema());
  std::vector<RejectedRecord> rejects;
  Status decoded = decoder->decode_ndjson(*input, source_name, &batch, &rejects);
  if (!decoded.ok()) return fail(decoded);

  if (options.get_bool("flatten")) {
    auto flat = batch.flatten();
    if (!flat.ok()) return fail(flat.status());
    batch = std::move(*flat);
  }
  // printSchema() is println(treeString): the tree, then a blank line.
  std::string tree = batch.schema().tree_string();
  if (!tree.empty() && tree.back() != '\n') tree.push_back('\n');
  std::fputs(tree.c_str(), stdout);
  std::fputc('\n', stdout);
  show(batch, static_cast<int>(rows), static_cast<int>(truncate));

  std::printf("%zu record%s rejected%s\n", rejects.size(), rejects.size() == 1 ? "" : "s",
              rejects.empty() ? "" : ":");
  for (size_t i = 0; i < rejects.size() && i < kMaxRejectsListed; ++i) {
    std::printf("  %s: %s\n", rejects[i].position.to_string().c_str(), rejects[i].reason.c_str());
  }
  if (rejects.size() > kMaxRejectsListed) {
    std::printf("  ... and %zu more\n", rejects.size() - kMaxRejectsListed);
  }
  std::fflush(stdout);

  if (*mode == DecodeMode::kFailFast && !rejects.empty()) {
    std::fprintf(stderr, "lakestream preview: fail-fast: %s: %s\n",
                 rejects.front().position.to_string().c_str(), rejects.front().reason.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("preview", "decode NDJSON against a schema and show it as Spark's show() does",
                   run_preview);

}  // namespace lakestream::cli
