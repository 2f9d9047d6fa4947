// file_ingest: NDJSON files into a Delta table through the streaming engine (reader format
// "ndjson", available-now), the library path a job takes; bench/ingest_bench.sh's
// ENGINE=1 compares it with `lakestream ingest` on the same input.
//   file_ingest SCHEMA_DDL_FILE TABLE CHECKPOINT INPUT... [env MAX_BYTES_PER_TRIGGER]
// Prints one line: "<rows> rows written + <rejects> dead-lettered; <seconds> s; <batches> batches".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lakestream/stream/session.h"

int main(int argc, char** argv) {
  using namespace lakestream;
  if (argc < 5) {
    std::fprintf(stderr, "usage: file_ingest SCHEMA_DDL TABLE CHECKPOINT INPUT...\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream ddl;
  ddl << in.rdbuf();
  auto schema = Schema::from_ddl(ddl.str());
  if (!schema.ok()) {
    std::fprintf(stderr, "%s\n", schema.status().to_string().c_str());
    return 2;
  }
  std::string paths;
  for (int i = 4; i < argc; ++i) paths.append(i > 4 ? "," : "").append(argv[i]);
  const auto start = std::chrono::steady_clock::now();
  // Engine settings from the environment only (LAKESTREAM_UI_ENABLED=false, ...).
  auto config = ArgParser("file_ingest", "").parse(std::vector<std::string>{});
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().to_string().c_str());
    return 2;
  }
  Session session(*config);
  DataStreamReader reader = session.read_stream().format("ndjson").option("path", paths);
  if (const char* max = std::getenv("MAX_BYTES_PER_TRIGGER")) {
    reader.option("max-bytes-per-trigger", max);
  }
  auto query = json_parse(reader.load(), *schema)
                   .flatten()
                   .write_stream()
                   .format("delta")
                   .option("checkpoint-location", argv[3])
                   .option("progress-log", "none")
                   .trigger(Trigger::available_now())
                   .start(argv[2]);
  if (!query.ok()) {
    std::fprintf(stderr, "%s\n", query.status().to_string().c_str());
    return 1;
  }
  auto done = query->await_termination();
  Status st = done.ok() ? query->exception() : done.status();
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  int64_t rows = 0;
  int64_t rejects = 0;
  const auto progress = query->recent_progress();
  for (const QueryProgress& p : progress) {
    rows += p.sink.num_output_rows;
    rejects += p.sink.num_dead_letter_rows;
  }
  if (std::getenv("FILE_INGEST_PROGRESS")) {
    for (const auto& json : query->recent_progress_json())
      std::fprintf(stderr, "%s\n", json->c_str());
  }
  std::printf("%lld rows written + %lld dead-lettered; %.3f s; %zu batches\n",
              static_cast<long long>(rows), static_cast<long long>(rejects),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              progress.size());
  return 0;
}
