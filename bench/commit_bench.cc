// Delta commits per second on one table: the ceiling of how many micro-batches per second all
// the instances writing one table can commit together (docs/deploy.md "Scale"). Each iteration
// is what a stream's batch commits: one add (with partition values and stats) and one txn, as
// a put-if-absent of the next version, with a checkpoint every 10 commits in the background.
//   COMMIT_BENCH_URI=<table location>   default: a fresh folder under $TMPDIR
// bench/commit_rate.sh runs it on local disk and on Azurite (abfss://, through
// AZURE_STORAGE_CONNECTION_STRING).

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "lakestream/delta/delta_table.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace {

using namespace lakestream;

void BM_Commit(benchmark::State& state) {
  std::string uri;
  if (const char* env = std::getenv("COMMIT_BENCH_URI"); env != nullptr && *env != '\0') {
    uri = env;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    const std::filesystem::path dir =
        std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / "lakestream_commit_bench";
    std::filesystem::remove_all(dir);
    uri = dir.string();
  }
  auto opened = open_file_system(uri);
  if (!opened.ok()) {
    state.SkipWithError(opened.status().to_string().c_str());
    return;
  }
  const Schema schema = Schema().add("id", DataType::long_()).add("part", DataType::string());
  auto table = DeltaTable::open_or_create(opened->first, opened->second, {schema, {"part"}, {}});
  if (!table.ok()) {
    state.SkipWithError(table.status().to_string().c_str());
    return;
  }
  int64_t n = 0;
  for (auto _ : state) {
    Transaction t = table->begin();
    AddFile add;
    add.path = "part=" + std::to_string(n % 23) + "/part-" + std::to_string(n) + ".parquet";
    add.partition_values = {{"part", std::to_string(n % 23)}};
    add.size = 4096;
    add.modification_time = 1700000000000 + n;
    add.stats =
        R"({"numRecords":100,"minValues":{"id":0},"maxValues":{"id":99},"nullCount":{"id":0}})";
    t.add_file(std::move(add));
    t.set_txn("commit-bench", n);
    auto v = t.commit("STREAMING UPDATE");
    if (!v.ok()) {
      state.SkipWithError(v.status().to_string().c_str());
      return;
    }
    ++n;
  }
  (void)table->wait_for_checkpoint();
  state.counters["commits_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Commit)->Unit(benchmark::kMillisecond)->Iterations(200)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
