#pragma once
// tools/ingest_pipeline: the work behind `lakestream ingest` for a list of NDJSON input files.
//
//   workers (one per core) ── claim the next chunk of the run (chunks of input 0, then of
//                             input 1, ...; a chunk is a byte range cut at line boundaries),
//                             read it (pread into the worker's reused buffer), decode it
//                             (JsonDecoder), flatten, and encode into the worker's own
//                             DeltaTableWriter for that input (task = worker: one file per core);
//                             a worker that finds no more chunks of input k closes its files of k
//                             while the others finish their last chunks
//   committer (the caller) ── once every chunk of input k is done and its files are closed:
//                             commit the rejected lines to the dead-letter table (txn), then the
//                             data's add actions to the table (same txn app id); meanwhile the
//                             workers are already reading and decoding input k+1 (at most one
//                             input ahead)
//
// Chunk k of an input holds the lines starting in [k*chunk, (k+1)*chunk), so chunks are found
// without a sequential pre-pass.
//
// Exactly-once per input: appId "lakestream-ingest-<hash of table, input path, size, mtime>",
// version 0. The dead-letter table is committed first, so when the main table holds the txn
// everything of that input is in; a re-run after a crash between the two commits skips the
// dead-letter commit (it holds the txn) and completes the main one.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/stats.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/schema/schema.h"

namespace lakestream::cli {

struct IngestOptions {
  Schema schema;        ///< the records' (nested) schema
  bool flatten = true;  ///< the table gets the flattened schema (else the nested one as it is)
  std::string table_uri;
  std::string dead_letter_uri;
  std::vector<std::string> partition_by;
  /// Table properties of the table when this run creates it (--table-property).
  std::map<std::string, std::string> table_properties;
  /// Set by ingest_files from the table: its delta.dataSkippingNumIndexedCols, and columns
  /// every data file has statistics for (a clustered table's clustering columns,
  /// delta/clustering.h).
  int num_indexed_columns = kDefaultNumIndexedColumns;
  std::vector<std::vector<std::string>> always_stats_columns;
  ParquetCompression compression = ParquetCompression::kSnappy;
  DecodeMode mode = DecodeMode::kDeadLetter;
  /// The decoder's rescued-data column ("" = none): a top-level string column of the table.
  std::string rescued_data_column;
  int threads = 0;                  ///< 0: one per core
  int64_t chunk_bytes = 4LL << 20;  ///< bytes of input a worker decodes at a time
  int64_t target_file_bytes = 128LL << 20;
  /// The flattened schema may add nullable columns to an existing table (Delta's mergeSchema,
  /// TableCreateOptions::merge_schema); the dead-letter table keeps its fixed schema.
  bool merge_schema = false;
};

/// Live counters the progress display reads while the inputs are ingested (all inputs).
struct IngestProgress {
  std::atomic<int64_t> bytes_done{0};
  std::atomic<int64_t> rows_done{0};
  std::atomic<int64_t> total_bytes{0};
};

struct IngestResult {
  std::string input;
  std::string app_id;
  bool already_ingested = false;
  int64_t lines = 0;    ///< non-blank lines read
  int64_t rows = 0;     ///< rows appended to the table
  int64_t rejects = 0;  ///< rows appended to the dead-letter table
  int64_t bytes = 0;    ///< input bytes
  int64_t files = 0;    ///< data files added
  int64_t table_version = -1;
  double seconds = 0;  ///< from the input's first chunk to its commit
};

/// The txn appId of `input_path` for the table at `table_uri` (input file identity: absolute
/// path, size and modification time).
Result<std::string> ingest_app_id(const std::string& table_uri, const std::string& input_path);

/// Ingest NDJSON files in order, one commit each (see the file comment). `on_committed` is
/// called (on the caller's thread) with each input's result as soon as it is committed or
/// found already ingested. The first failure stops the run and is returned: inputs committed
/// before it stay committed, the failed one and those after it leave nothing behind.
/// `progress` may be null.
Status ingest_files(const IngestOptions& options, const std::vector<std::string>& inputs,
                    IngestProgress* progress,
                    const std::function<void(const IngestResult&)>& on_committed);

}  // namespace lakestream::cli
