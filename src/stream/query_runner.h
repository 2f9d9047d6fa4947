#pragma once
// stream/query_runner (private): the micro-batch engine behind StreamingQuery.
//
// Three threads per query, a pipeline, so both cores work and waits (the broker, fsync of a
// Delta commit) overlap with work:
//   poller     owns the source: start, latest offsets, poll_batch, seeks, consumer-group
//              commits. It runs up to kMaxPolledAhead batches ahead of the engine.
//   engine     takes batches in order: decode (two chunks in parallel when large), transforms,
//              sink writes; a batch split in two chunks closes its files there too (else the
//              committer does). It runs one batch ahead of the committer: batch N+1 is decoded
//              and written while batch N is committed.
//   committer  commits written batches in order (the exactly-once protocol is the sink's),
//              records progress. When a sink drops a batch (rebalance race), it bumps a
//              generation number: the poller seeks, and whatever was polled or written ahead
//              (an older generation) is discarded, its files deleted.
// Stopping never starts a new commit: a batch written but not committed is deleted.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lakestream/common/metrics.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/stream/data_stream.h"
#include "lakestream/stream/data_stream_writer.h"
#include "lakestream/stream/query_manager.h"
#include "query_checkpoint.h"
#include "query_sink.h"

namespace lakestream::stream_internal {

/// Batches of at least twice this many events are decoded and written in two parallel chunks.
inline constexpr size_t kParallelChunkMinEvents = 8192;
/// How many polled batches may wait for the engine.
inline constexpr size_t kMaxPolledAhead = 2;
/// The committer gives the heap's free pages back to the system after every this many
/// committed batches (common/memory.h): without it a 2,000,000-event drain ended ~10 MB
/// higher than one of 500,000, with the same live heap.
inline constexpr int64_t kReleaseEveryBatches = 10;

struct RunnerSetup {
  std::shared_ptr<const StreamPlan> plan;
  WriteSpec spec;
  std::unique_ptr<QuerySink> sink;
  std::optional<QueryCheckpoint> checkpoint;
  std::string query_id;
  std::string name;
  bool log_progress = true;
  bool commit_source_offsets = true;
  /// Progress records kept in memory (lakestream.ui.retainedProgressUpdates).
  int64_t retained_progress = kProgressRecordsKept;
  QueryPlanInfo plan_info;  ///< the source's parts are filled in by start()
};

class QueryRunner final : public PartitionAssignmentListener {
 public:
  /// Make the source and start the query's threads.
  static Result<std::shared_ptr<QueryRunner>> start(RunnerSetup setup);
  ~QueryRunner() override;

  const std::string& id() const { return setup_.query_id; }
  const std::string& run_id() const { return run_id_; }
  const std::string& name() const { return setup_.name; }

  bool is_active() const;
  Result<bool> await(double timeout_seconds);
  void stop();
  Status exception() const;
  std::optional<QueryProgress> last_progress() const;
  std::vector<QueryProgress> recent_progress() const;
  std::vector<std::shared_ptr<const std::string>> recent_progress_json() const;
  const QueryPlanInfo& plan_info() const { return setup_.plan_info; }
  QuerySnapshot snapshot() const;

  // PartitionAssignmentListener (called on the poller thread)
  Result<std::optional<int64_t>> start_offset(const std::string& topic, int32_t partition) override;
  void on_revoked(const std::string& topic, const std::vector<int32_t>& partitions) override;

 private:
  struct Item {
    enum class Kind { kBatch, kDone, kError } kind = Kind::kBatch;
    uint64_t generation = 0;
    RawBatch raw;
    Status error;
    int64_t trigger_ms = 0;  // wall clock, for the progress timestamp
    std::chrono::steady_clock::time_point trigger_start;
    std::map<int32_t, int64_t> latest;
    std::map<int32_t, int64_t> positions;
    int64_t latest_offset_ms = 0;
    int64_t get_batch_ms = 0;
  };

  /// A batch the engine wrote, waiting for its commit (or the end marker / an error).
  struct Written {
    Item item;
    int64_t batch_id = 0;
    std::unique_ptr<SinkBatch> sink_batch;
    std::vector<DeadLetter> dead_letters;
    int64_t num_input_rows = 0;
    int64_t add_ms = 0;
    std::vector<int64_t> enqueued_ms;  // the events' enqueued times, for the latency metrics
  };

  /// The query's series in MetricsRegistry::global() (label query = its name, else its id).
  struct Metrics {
    Counter* input_rows = nullptr;
    Counter* output_rows = nullptr;
    Counter* dead_letter_rows = nullptr;
    Counter* batches = nullptr;
    Counter* files_written = nullptr;
    Counter* bytes_written = nullptr;
    Histogram* batch_duration = nullptr;
    Histogram* event_latency = nullptr;
    Gauge* table_version = nullptr;
    std::map<int32_t, Gauge*> lag;  // per partition, guarded by mu_
  };

  explicit QueryRunner(RunnerSetup setup);
  void poll_loop();
  void run_loop();
  void commit_loop();
  /// Push an item for the engine, waiting for the queue to have room. False when stopping.
  bool push(Item item);
  /// Hand a written batch to the committer, waiting for room; aborted when stopping.
  void push_written(Written w);
  /// Decode and write a batch (the engine's part).
  Result<Written> write_batch(Item item, int64_t batch_id);
  /// Commit a written batch and record its progress (the committer's part).
  Status commit_batch(Written& w);
  /// An empty batch of the decoder's output for `chunk` (engine thread and the chunk's thread).
  RecordBatch decode_target(int chunk);
  Status process_chunk(int chunk, const RawBatch& raw, size_t begin, size_t end,
                       SinkBatch& sink_batch, std::vector<DeadLetter>* dead_letters);
  void fail(Status status);
  /// Available-now, at the end marker: the partitions whose next offset in the table is below
  /// their end offset, with that next offset (the table's view; mu_ not held).
  std::map<int32_t, int64_t> partitions_short_of_end();
  void note_end_offsets(const std::map<int32_t, int64_t>& end) {
    std::lock_guard lock(mu_);
    end_offsets_ = end;
  }
  void register_metrics();
  /// The poller's view after a trigger: the source's latest offsets, what is committed, the
  /// source's health; updates the snapshot and the lag gauges.
  void note_source_state(int64_t trigger_ms, const std::map<int32_t, int64_t>& latest,
                         const std::map<int32_t, int64_t>& positions);
  /// A partition's lag into the snapshot and its gauge (the two never disagree); mu_ held.
  void set_lag_locked(int32_t partition, int64_t lag);
  /// Event latency (enqueued to now) of a committed batch: min/avg/max into the progress
  /// record's sink metrics, every event into the histogram.
  void record_latency(const std::vector<int64_t>& enqueued_ms, SinkProgress* sink);

  RunnerSetup setup_;
  std::string run_id_;
  std::unique_ptr<StreamSource> source_;
  std::string source_description_;
  std::vector<JsonDecoder> decoders_;        // one per chunk
  std::vector<RecordBatch> decode_scratch_;  // per chunk: see decode_target()
  std::optional<std::chrono::steady_clock::time_point> previous_trigger_;  // committer's

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> items_;       // poller -> engine
  std::deque<Written> written_;  // engine -> committer
  int64_t next_batch_id_ = 0;    // the engine's next batch id (rewound when a batch is dropped)
  bool committing_ = false;      // the committer holds a batch
  uint64_t generation_ = 0;
  std::optional<uint64_t> done_generation_;
  std::map<int32_t, int64_t> pending_seeks_;
  std::map<int32_t, int64_t> pending_commit_;
  // Written batches' source messages, released by the poller (freeing 10,000 librdkafka
  // messages took ~5% of the engine thread, the pipeline's busiest).
  std::vector<std::shared_ptr<const void>> released_;
  bool stopping_ = false;
  bool terminated_ = false;
  /// Set when commit_loop returns: the poller's last offset commit waits for it, so a batch
  /// whose Delta commit was in flight when the query stopped still reaches the group.
  bool committer_done_ = false;
  Status error_;
  std::deque<QueryProgress> progress_;
  std::deque<std::shared_ptr<const std::string>> progress_json_;  // progress_'s, as logged
  // What snapshot() reports (under mu_); its identity and status are filled in there.
  QuerySnapshot status_;
  std::map<int32_t, int64_t> committed_next_;  // per partition, next offset not yet committed
  Metrics metrics_;
  std::string metric_query_;  // the query label
  std::string topic_;
  std::map<int32_t, int64_t> end_offsets_;  // available-now: where each partition ends (mu_)

  std::thread poller_;
  std::thread committer_;
  std::thread engine_;
  std::mutex stop_mu_;  // serialises stop() callers joining the engine thread
};

}  // namespace lakestream::stream_internal
