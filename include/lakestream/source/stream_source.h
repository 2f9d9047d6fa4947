#pragma once
// source/stream_source: the contract between the micro-batch engine (module stream) and every
// source of partitioned, offset-addressed events: Event Hubs / Kafka (kafka_source.h), the rate
// generator (rate_source.h), an in-memory topic for tests (memory_source.h).
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
#include "lakestream/source/raw_batch.h"

namespace lakestream {

/// How much one poll may return.
struct PollLimits {
  /// Events in the whole batch (0 = no limit), shared fairly across the partitions that have
  /// data: see fair_share().
  int64_t max_events = 0;
  /// Body plus key bytes in the whole batch (0 = no limit); at least one event is returned even
  /// when it alone is bigger. The engine sets none; sources that cannot honour it ignore it.
  int64_t max_bytes = 0;
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
