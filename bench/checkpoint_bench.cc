// Delta checkpoint writing at the size the streaming benchmark reaches (issue: checkpoints on the
// committer's critical path). The table (made once, in CHECKPOINT_BENCH_DIR or
// $TMPDIR/lakestream_checkpoint_bench_table, reused when present) has a checkpoint at version 1
// holding 4,770 adds and 128 txns (row groups of CHECKPOINT_BENCH_ROWS actions, default 1024), then
// 10 commits of 23 adds each (SupplierId-partitioned, meter-like stats): 5,000 live files at
// version 11. Benchmarks:
//   WriteCheckpointFromSnapshot  write_checkpoint(snapshot at 11): the Parquet writer alone
//   CheckpointIfDue              checkpoint_if_due(…, 11, …): what a due checkpoint costs (reading
//                                checkpoint 1 and commits 2..11, then writing checkpoint 11)
//   CheckpointAtRowGroupRows/N   the same through write_checkpoint_at with row groups of at most
//                                N actions (the default is 1024)
// CHECKPOINT_BENCH_SYNC=1: with the durability barrier (off by default: it measures the disk).
// Peak memory: run one benchmark under heaptrack or /usr/bin/time -v after a setup-only run
// (--benchmark_filter=none), so the table's creation is not part of the figure.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/storage/local_file_system.h"

namespace {

using namespace lakestream;

constexpr int kBaseFiles = 4770;
constexpr int kCommits = 10;
constexpr int kFilesPerCommit = 23;
constexpr int kTxns = 128;
constexpr int64_t kVersion = 11;

std::string table_root() {
  const char* env = std::getenv("CHECKPOINT_BENCH_DIR");
  if (env != nullptr && *env) return env;
  // Not the current folder: `make bench` runs from the source tree.
  return (std::filesystem::temp_directory_path() / "lakestream_checkpoint_bench_table").string();
}

AddFile make_add(int n) {
  AddFile a;
  const int supplier = n % 23;
  a.path = "SupplierId=" + std::to_string(supplier) + "/part-00000-" + std::to_string(n) +
           "-c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8.c000.zstd.parquet";
  a.partition_values = {{"SupplierId", std::to_string(supplier)}};
  a.size = 40000 + n;
  a.modification_time = 1764000000000 + n;
  a.data_change = true;
  a.stats = "{\"numRecords\":434,\"minValues\":{\"MeterId\":\"" + std::to_string(n % 127) +
            "\",\"Measurement_Value\":0.0,\"Unit\":\"kWH\",\"ObservationTime\":"
            "\"2026-11-30T10:00:00.000Z\"},\"maxValues\":{\"MeterId\":\"126\","
            "\"Measurement_Value\":58.0,\"Unit\":\"kWH\",\"ObservationTime\":"
            "\"2026-11-30T10:07:13.000Z\"},\"nullCount\":{\"MeterId\":0,\"Measurement_Value\":0,"
            "\"Unit\":0,\"ObservationTime\":0}}";
  return a;
}

/// The table of the header comment, made once.
std::shared_ptr<FileSystem> bench_table() {
  static std::shared_ptr<FileSystem> fs = [] {
    const std::string root = table_root();
    auto local = std::make_shared<LocalFileSystem>(root);
    std::filesystem::create_directories(root);
    // The checkpoint at 11 is deleted after each run: the table is complete when commit 11
    // exists.
    if (std::filesystem::exists(std::filesystem::path(root) / "t" / commit_file_path(kVersion))) {
      return local;
    }
    std::filesystem::remove_all(std::filesystem::path(root) / "t");
    TableCreateOptions create{Schema()
                                  .add("MeterId", DataType::string())
                                  .add("Measurement_Value", DataType::double_())
                                  .add("SupplierId", DataType::string()),
                              {"SupplierId"},
                              {{"delta.checkpointInterval", "1000000"}}};
    auto table = DeltaTable::open_or_create(local, "t", create);
    if (!table.ok()) std::abort();
    int n = 0;
    {
      Transaction t = table->begin();  // version 0: the table
      if (!t.commit("CREATE TABLE").ok()) std::abort();
    }
    {
      Transaction t = table->begin();  // version 1: the backlog
      for (; n < kBaseFiles; ++n) t.add_file(make_add(n));
      for (int i = 0; i < kTxns; ++i) t.set_txn("query-" + std::to_string(i), 1000);
      if (!t.commit("STREAMING UPDATE").ok()) std::abort();
    }
    // Checkpoint 1 with row groups of CHECKPOINT_BENCH_ROWS actions (default 1024).
    CheckpointWriteOptions options;
    if (const char* rows = std::getenv("CHECKPOINT_BENCH_ROWS")) {
      options.max_rows_per_row_group = std::atoll(rows);
    }
    auto snap1 = Snapshot::load(local, "t", 1);
    if (!snap1.ok() || !write_checkpoint(*snap1, options).ok()) std::abort();
    for (int c = 0; c < kCommits; ++c) {
      Transaction t = table->begin();
      for (int i = 0; i < kFilesPerCommit; ++i, ++n) t.add_file(make_add(n));
      t.set_txn("query-" + std::to_string(c), 1001 + c);
      if (!t.commit("STREAMING UPDATE").ok()) std::abort();
    }
    return local;
  }();
  return fs;
}

void drop_checkpoint(FileSystem& fs) {
  if (!fs.delete_file("t/" + checkpoint_file_path(kVersion)).ok()) std::abort();
}

void WriteCheckpointFromSnapshot(benchmark::State& state) {
  auto fs = bench_table();
  auto snap = Snapshot::load(fs, "t", kVersion);
  if (!snap.ok() || snap->files().size() != kBaseFiles + kCommits * kFilesPerCommit) std::abort();
  for (auto _ : state) {
    Status st = write_checkpoint(*snap);
    if (!st.ok()) state.SkipWithError(st.to_string().c_str());
  }
  drop_checkpoint(*fs);
  state.counters["files"] = static_cast<double>(snap->files().size());
}

void CheckpointIfDue(benchmark::State& state) {
  auto fs = bench_table();
  auto snap = Snapshot::load(fs, "t", kVersion);
  if (!snap.ok()) std::abort();
  MetadataAction meta = snap->metadata();
  meta.configuration["delta.checkpointInterval"] = std::to_string(kVersion);
  for (auto _ : state) {
    Status st = checkpoint_if_due(fs, "t", kVersion, meta);
    if (!st.ok()) state.SkipWithError(st.to_string().c_str());
    state.PauseTiming();
    drop_checkpoint(*fs);  // the next run starts from checkpoint 1 again
    state.ResumeTiming();
  }
}

/// write_checkpoint_at with row groups of at most state.range(0) actions.
void CheckpointAtRowGroupRows(benchmark::State& state) {
  auto fs = bench_table();
  CheckpointWriteOptions options;
  options.max_rows_per_row_group = state.range(0);
  for (auto _ : state) {
    Status st = write_checkpoint_at(fs, "t", kVersion, options);
    if (!st.ok()) state.SkipWithError(st.to_string().c_str());
    state.PauseTiming();
    drop_checkpoint(*fs);
    state.ResumeTiming();
  }
}

BENCHMARK(WriteCheckpointFromSnapshot)->Unit(benchmark::kMillisecond)->Repetitions(5);
BENCHMARK(CheckpointIfDue)->Unit(benchmark::kMillisecond)->Repetitions(5);
BENCHMARK(CheckpointAtRowGroupRows)
    ->Arg(256)
    ->Arg(1024)
    ->Arg(4096)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5);

}  // namespace

int main(int argc, char** argv) {
  // The checkpoint's cost, not the disk's: a checkpoint's publication is preceded by a syncfs
  // barrier (docs/delta.md "Local file system"), which flushes every pending write of the file
  // system, the machine's other work included. CHECKPOINT_BENCH_SYNC=1 keeps it.
  const char* sync = std::getenv("CHECKPOINT_BENCH_SYNC");
  set_local_fsync_default(sync != nullptr && std::string(sync) == "1");
  bench_table();  // made (or found) before any timing
  // `checkpoint_bench once [rows]`: one checkpoint_if_due (or write_checkpoint_at with row
  // groups of `rows` actions) and nothing else, for heaptrack and /usr/bin/time -v (this Google
  // Benchmark has no fixed-iteration flag).
  if (argc == 3 && std::string(argv[1]) == "once") {
    auto fs = bench_table();
    CheckpointWriteOptions options;
    options.max_rows_per_row_group = std::atoll(argv[2]);
    Status st = write_checkpoint_at(fs, "t", kVersion, options);
    drop_checkpoint(*fs);
    std::printf("%s\n", st.to_string().c_str());
    return st.ok() ? 0 : 1;
  }
  if (argc == 2 && std::string(argv[1]) == "once") {
    auto fs = bench_table();
    // The metaData from commit 0, not a snapshot: a due commit holds no snapshot.
    auto text = fs->read_file("t/" + commit_file_path(0));
    if (!text.ok()) return 1;
    auto first = parse_commit(*text, "commit 0");
    if (!first.ok() || !first->metadata) return 1;
    MetadataAction meta = *first->metadata;
    meta.configuration["delta.checkpointInterval"] = std::to_string(kVersion);
    Status st = checkpoint_if_due(fs, "t", kVersion, meta);
    drop_checkpoint(*fs);
    std::printf("%s\n", st.to_string().c_str());
    return st.ok() ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
