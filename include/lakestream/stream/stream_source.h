#pragma once
// stream/stream_source: what the micro-batch engine needs from a source of partitioned,
// offset-addressed events (Event Hubs / Kafka, the rate generator, an in-memory test source).
// The engine, not the source, decides where each partition starts: on every assignment the
// source asks the engine's PartitionAssignmentListener (which reads the Delta table's txn
// versions), and falls back to its configured starting position only when told to.
// The source must not know about Delta, decoding or checkpoints.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// One event of a raw batch. The views point into memory the RawBatch keeps alive.
struct RawEvent {
  std::string_view body;
  std::string_view key;  ///< partition key ("" when none)
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t enqueued_time_ms = 0;  ///< broker timestamp, ms since the epoch
};

/// The offsets a batch covers in one partition (both inclusive).
struct PartitionRange {
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t count = 0;
};

/// The events of one trigger from one topic, with the offset range per partition. Event
/// bodies are either copied into the batch's own arena (append) or viewed in memory whose
/// owner the batch keeps alive (append_view + keep_alive). Move-only.
class RawBatch {
 public:
  explicit RawBatch(std::string topic = {}) : topic_(std::move(topic)) {}
  RawBatch(RawBatch&&) noexcept = default;
  RawBatch& operator=(RawBatch&&) noexcept = default;

  const std::string& topic() const { return topic_; }
  const std::vector<RawEvent>& events() const { return events_; }
  /// Per partition: first/last offset included and how many events.
  const std::map<int32_t, PartitionRange>& ranges() const { return ranges_; }
  size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  /// Body plus key bytes of all events.
  int64_t bytes() const { return bytes_; }

  /// Append an event, copying its body and key into the batch's arena. Offsets within a
  /// partition must increase.
  void append(int32_t partition, int64_t offset, int64_t enqueued_time_ms, std::string_view key,
              std::string_view body);
  /// Append an event whose bytes stay where they are; keep their owner alive with keep_alive.
  void append_view(int32_t partition, int64_t offset, int64_t enqueued_time_ms,
                   std::string_view key, std::string_view body);
  /// Keep `owner` alive as long as the batch (e.g. the broker messages the views point into).
  void keep_alive(std::shared_ptr<const void> owner) { owners_.push_back(std::move(owner)); }
  /// Hand over what keeps the viewed bytes alive (e.g. to release it on another thread); the
  /// views must not be used once it is gone. Call release_events() right after.
  std::vector<std::shared_ptr<const void>> take_owners() { return std::move(owners_); }
  /// Drop the events and the memory behind them, keeping the topic, ranges() and bytes(): what
  /// committing a batch needs once its rows are written.
  void release_events() {
    std::vector<RawEvent>().swap(events_);
    std::vector<std::unique_ptr<char[]>>().swap(blocks_);
    block_used_ = 0;
    block_size_ = 0;
    std::vector<std::shared_ptr<const void>>().swap(owners_);
  }

 private:
  std::string_view copy_in(std::string_view bytes);
  void note(int32_t partition, int64_t offset);

  std::string topic_;
  std::vector<RawEvent> events_;
  std::map<int32_t, PartitionRange> ranges_;
  int64_t bytes_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;  // arena: views stay valid as it grows
  size_t block_used_ = 0;
  size_t block_size_ = 0;
  std::vector<std::shared_ptr<const void>> owners_;
};

/// How much one poll may return.
struct PollLimits {
  /// Events in the whole batch (0 = no limit), shared fairly across the partitions that have
  /// data: see fair_share().
  int64_t max_events = 0;
  /// Per partition, the offset (exclusive) not to read past: available-now captures the latest
  /// offsets at start and drains up to them. Partitions not listed are unbounded.
  std::map<int32_t, int64_t> end_offsets;
};

/// Split `max_events` across partitions with `available` events each: every partition gets
/// an equal share, capped at what it has, and what a small partition leaves is shared again
/// among the others (water filling). max_events <= 0 means no limit (each gets all it has).
std::map<int32_t, int64_t> fair_share(int64_t max_events,
                                      const std::map<int32_t, int64_t>& available);

/// The engine's side of partition assignment. Sources call it from inside poll_batch (or
/// start), on the polling thread.
class PartitionAssignmentListener {
 public:
  virtual ~PartitionAssignmentListener() = default;
  /// A partition was assigned: the offset to start it at, or nullopt to use the source's
  /// configured starting position. An error fails the poll (the source returns it).
  virtual Result<std::optional<int64_t>> start_offset(const std::string& topic,
                                                      int32_t partition) = 0;
  /// Partitions were taken away (another instance of the group owns them now).
  virtual void on_revoked(const std::string& topic, const std::vector<int32_t>& partitions) = 0;
};

/// What the engine tells a source when it starts it.
struct SourceStart {
  /// The query drains what is there now and stops (available-now). A source may then read
  /// every partition itself instead of sharing them with other readers (the Kafka source's
  /// partition-assignment=auto does).
  bool available_now = false;
};

/// A partitioned, offset-addressed event source. Used from one thread at a time (the engine's
/// polling thread).
class StreamSource {
 public:
  virtual ~StreamSource() = default;

  /// For progress records and messages ("KafkaV2[Subscribe[meters]]"); never a secret.
  virtual std::string description() const = 0;
  /// The topic / event hub name.
  virtual const std::string& topic() const = 0;

  /// Connect and subscribe. Partitions assigned now or later are started where `listener`
  /// says; the listener outlives the source.
  virtual Status start(PartitionAssignmentListener* listener, const SourceStart& how) = 0;
  /// The next events of the assigned partitions within `limits`, waiting up to `timeout` for
  /// the first one. An empty batch when nothing arrived in time.
  virtual Result<RawBatch> poll_batch(const PollLimits& limits,
                                      std::chrono::milliseconds timeout) = 0;
  /// Continue `partition` at `offset` (after the engine dropped a batch). Ignored when the
  /// partition is not assigned any more.
  virtual Status seek(int32_t partition, int64_t offset) = 0;
  /// Record `next_offsets` (partition → next offset to read) in the consumer group, for lag
  /// tools only: recovery never trusts them.
  virtual Status commit(const std::map<int32_t, int64_t>& next_offsets) = 0;
  /// commit() without waiting for the broker's answer (a failure is only logged by the
  /// source). The engine uses it between batches and commit() for the last one. Defaults to
  /// commit().
  virtual Status commit_async(const std::map<int32_t, int64_t>& next_offsets) {
    return commit(next_offsets);
  }
  /// Per assigned partition, the offset the next produced event will get (the end, exclusive).
  virtual Result<std::map<int32_t, int64_t>> latest_offsets() = 0;
  /// The latest offsets as far as the source knows them without a round trip to the broker
  /// (partitions it knows nothing about yet are left out). The engine calls this on every
  /// trigger for the progress record; latest_offsets() is for when the answer must be exact
  /// (available-now's end offsets). Defaults to latest_offsets().
  virtual Result<std::map<int32_t, int64_t>> cached_latest_offsets() { return latest_offsets(); }
  /// Per assigned partition whose position is known, the next offset poll_batch will return.
  virtual std::map<int32_t, int64_t> positions() const = 0;
  /// Why the source cannot deliver events right now ("no broker reachable: ..."), "" while it
  /// is healthy or cannot tell. Read by the polling thread after each poll (the UI's /readyz).
  virtual std::string problem() const { return {}; }
  /// Leave the group and release the connection. Safe to call twice.
  virtual void close() = 0;
};

}  // namespace lakestream
