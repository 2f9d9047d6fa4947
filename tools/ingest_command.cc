// `lakestream ingest`: NDJSON files → decode → flatten → append to a Delta table, exactly once
// per input file, rejected lines to a dead-letter table. The pipeline is ingest_pipeline.cc;
// this file is options, progress and the summary. docs/ingest.md describes the behaviour.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "command.h"
#include "command_args.h"
#include "ingest_pipeline.h"
#include "lakestream/config/config.h"

namespace lakestream::cli {

namespace {

int fail(const Status& status) {
  std::fprintf(stderr, "lakestream ingest: %s\n", status.to_string().c_str());
  return kExitFailure;
}

/// Draws "[#####.....]  45%  120.3 MB/s  ETA 3s" on a terminal's stderr while a file ingests.
class ProgressBar {
 public:
  ProgressBar(const std::string& name, IngestProgress* progress)
      : name_(name), progress_(progress), thread_([this] { run(); }) {}
  ~ProgressBar() {
    done_ = true;
    thread_.join();
    clear_line();
  }
  /// Erase the bar (it is drawn again at the next tick), e.g. before a summary line.
  void clear_line() {
    std::lock_guard<std::mutex> lock(draw_);
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

 private:
  void run() {
    const auto start = std::chrono::steady_clock::now();
    while (!done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const double total = static_cast<double>(progress_->total_bytes.load());
      const double done = static_cast<double>(progress_->bytes_done.load());
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double frac = total > 0 ? std::min(1.0, done / total) : 0.0;
      const double rate = secs > 0 ? done / secs : 0;
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      std::string bar(static_cast<size_t>(filled), '#');
      bar.append(static_cast<size_t>(width - filled), '.');
      const double eta = rate > 0 ? (total - done) / rate : 0;
      std::lock_guard<std::mutex> lock(draw_);
      std::fprintf(stderr, "\r\033[K%s [%s] %3.0f%%  %.1f MB/s  %lld rows  ETA %.0fs",
                   name_.c_str(), bar.c_str(), frac * 100, rate / 1e6,
                   static_cast<long long>(progress_->rows_done.load()), eta);
      std::fflush(stderr);
    }
  }

  std::string name_;
  IngestProgress* progress_;
  std::atomic<bool> done_{false};
  std::mutex draw_;
  std::thread thread_;
};

int run_ingest(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Append NDJSON files to a Delta table: decode against a schema, flatten "
                   "nested structs, write Parquet. Exactly once per input file (a txn per "
                   "file); rejected lines go to a dead-letter Delta table.");
  parser.add("--schema")
      .required()
      .metavar("FILE")
      .help("schema file: Spark DDL text or StructType JSON");
  parser.add("--input").short_name('i').list().required().metavar("PATH").help(
      "NDJSON input file; repeat for several");
  parser.add("--table").required().metavar("PATH").help(
      "Delta table: a path, file:// or abfss:// URI (Azure credentials from "
      "AZURE_STORAGE_CONNECTION_STRING or a SAS in an https:// URI)");
  parser.add("--partition-by")
      .list()
      .metavar("COL")
      .help("partition column of the flattened schema; repeat for several");
  parser.add("--flatten")
      .metavar("true|false")
      .default_value("true")
      .help(
          "write nested structs as top-level Parent_Child columns (false: keep them as "
          "struct columns; arrays and maps are written as they are either way)");
  parser.add("--compression")
      .metavar("C")
      .default_value("snappy")
      .help("snappy | zstd | gzip | none");
  parser.add("--dead-letter-table")
      .metavar("PATH")
      .help("where rejected lines go (default: <table>_dead_letter)");
  parser.add("--mode")
      .short_name('m')
      .metavar("MODE")
      .default_value("dead-letter")
      .help("what happens to a bad record: dead-letter | permissive | fail-fast");
  parser.add("--rescued-data-column")
      .metavar("NAME")
      .help(
          "keep what the schema does not expect (unknown members at any depth; values made "
          "null by permissive mode) as a JSON object in this string column");
  parser.add("--threads").metavar("N").default_value(0).help("workers; 0 = one per core");
  parser.add("--chunk-mb")
      .metavar("N")
      .default_value(4)
      .help("input megabytes a worker decodes at a time");
  parser.add("--target-file-mb")
      .metavar("N")
      .default_value(128)
      .help("roll to a new data file past this size");
  add_merge_schema_option(parser);
  add_table_property_option(parser);

  CommandArgs args = parse_command_args(parser, argc, argv);
  if (args.stop) return *args.stop;
  const Config& cfg = args.options;

  IngestOptions options;
  auto compression = parse_parquet_compression(cfg.get_string("compression"));
  if (!compression.ok()) return usage_error(argv[0], compression.status().message());
  options.compression = *compression;
  auto mode = parse_decode_mode(cfg.get_string("mode"));
  if (!mode) {
    return usage_error(argv[0],
                       "option '--mode': expected dead-letter, permissive or "
                       "fail-fast, got '" +
                           cfg.get_string("mode") + "'");
  }
  options.mode = *mode;
  const std::optional<bool> flatten = bool_option(cfg, "flatten", argv[0], &args.stop);
  if (!flatten) return *args.stop;
  options.flatten = *flatten;
  if (cfg.has("rescued-data-column")) {
    options.rescued_data_column = cfg.get_string("rescued-data-column");
    if (options.rescued_data_column.empty()) {
      return usage_error(argv[0], "option '--rescued-data-column': the name is empty");
    }
  }
  const int64_t threads = cfg.get_int("threads");
  const int64_t chunk_mb = cfg.get_int("chunk-mb");
  const int64_t target_mb = cfg.get_int("target-file-mb");
  if (threads < 0 || threads > 256) return usage_error(argv[0], "--threads must be 0..256");
  if (chunk_mb < 1 || chunk_mb > 1024) return usage_error(argv[0], "--chunk-mb must be 1..1024");
  if (target_mb < 1) return usage_error(argv[0], "--target-file-mb must be positive");
  options.threads = static_cast<int>(threads);
  options.chunk_bytes = chunk_mb << 20;
  options.target_file_bytes = target_mb << 20;
  options.table_uri = cfg.get_string("table");
  while (options.table_uri.size() > 1 && options.table_uri.back() == '/') {
    options.table_uri.pop_back();
  }
  options.dead_letter_uri =
      cfg.has("dead-letter-table") && !cfg.get_string("dead-letter-table").empty()
          ? cfg.get_string("dead-letter-table")
          : options.table_uri + "_dead_letter";
  options.partition_by = cfg.get_list("partition-by");
  options.merge_schema = merge_schema_option(cfg);
  if (auto stop = table_property_options(cfg, argv[0], &options.table_properties)) return *stop;
  auto schema = load_schema_file(cfg.get_string("schema"));
  if (!schema.ok()) return fail(schema.status());
  options.schema = std::move(*schema);

  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const std::vector<std::string> inputs = cfg.get_list("input");
  IngestProgress progress;
  std::unique_ptr<ProgressBar> bar;
  if (terminal) {
    bar = std::make_unique<ProgressBar>(
        inputs.size() == 1 ? inputs.front() : std::to_string(inputs.size()) + " inputs", &progress);
  }
  auto summary = [&](const IngestResult& r) {
    if (bar) bar->clear_line();
    if (r.already_ingested) {
      std::printf("%s: already ingested (txn %s, table version %lld): nothing appended\n",
                  r.input.c_str(), r.app_id.c_str(), static_cast<long long>(r.table_version));
    } else {
      const double mb = static_cast<double>(r.bytes) / 1e6;
      std::printf(
          "%s: %lld lines read = %lld rows written + %lld dead-lettered; %.1f MB in %.3f s "
          "(%.1f MB/s, %.2f M rows/s); %lld files, table version %lld\n",
          r.input.c_str(), static_cast<long long>(r.lines), static_cast<long long>(r.rows),
          static_cast<long long>(r.rejects), mb, r.seconds, r.seconds > 0 ? mb / r.seconds : 0.0,
          r.seconds > 0 ? static_cast<double>(r.rows) / r.seconds / 1e6 : 0.0,
          static_cast<long long>(r.files), static_cast<long long>(r.table_version));
    }
    std::fflush(stdout);
  };
  const Status st = ingest_files(options, inputs, &progress, summary);
  bar.reset();
  if (!st.ok()) return fail(st);
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("ingest", "append NDJSON files to a Delta table, exactly once per file",
                   run_ingest);

}  // namespace lakestream::cli
