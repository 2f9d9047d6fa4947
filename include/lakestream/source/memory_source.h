#pragma once
// source/memory_source: an in-memory partitioned topic and a StreamSource reading it, for
// unit and integration tests of the engine (and for examples that need no broker). The topic
// plays the broker: tests produce into it from any thread while a query consumes it, and it
// remembers the offsets a consumer group committed, as a lag tool would see them.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lakestream/source/stream_source.h"

namespace lakestream {

/// A topic of `num_partitions` partitions held in memory; offsets start at 0. Thread-safe.
class MemoryTopic {
 public:
  MemoryTopic(std::string name, int32_t num_partitions);

  const std::string& name() const { return name_; }
  int32_t num_partitions() const { return static_cast<int32_t>(partitions_.size()); }

  /// Append an event; returns its offset. `enqueued_time_ms` < 0 means now.
  int64_t produce(int32_t partition, std::string body, std::string key = {},
                  int64_t enqueued_time_ms = -1);
  /// Offset the next event of `partition` will get.
  int64_t end_offset(int32_t partition) const;
  /// Copy events [from, ...) of `partition` into `out`, at most `max` (< 0: all).
  int64_t read(int32_t partition, int64_t from, int64_t max, int64_t end, RawBatch* out) const;

  /// What a consumer group committed (partition → next offset), for assertions.
  std::map<int32_t, int64_t> committed(const std::string& group) const;
  void commit(const std::string& group, const std::map<int32_t, int64_t>& next_offsets);

 private:
  struct Event {
    std::string body;
    std::string key;
    int64_t enqueued_time_ms;
  };
  std::string name_;
  mutable std::mutex mu_;
  std::vector<std::vector<Event>> partitions_;
  std::map<std::string, std::map<int32_t, int64_t>> committed_;
};

/// Where a partition starts when the engine has no offset for it.
enum class MemoryStartingPosition { kEarliest, kLatest };

/// Reads every partition of a MemoryTopic (all are assigned at start()).
class MemorySource final : public StreamSource {
 public:
  MemorySource(std::shared_ptr<MemoryTopic> topic, std::string group = "$Default",
               MemoryStartingPosition starting = MemoryStartingPosition::kEarliest);

  std::string description() const override;
  const std::string& topic() const override { return topic_->name(); }
  Status start(PartitionAssignmentListener* listener, const SourceStart& how) override;
  Result<RawBatch> poll_batch(const PollLimits& limits, std::chrono::milliseconds timeout) override;
  Status seek(int32_t partition, int64_t offset) override;
  Status commit(const std::map<int32_t, int64_t>& next_offsets) override;
  Result<std::map<int32_t, int64_t>> latest_offsets() override;
  std::map<int32_t, int64_t> positions() const override { return positions_; }
  void close() override {}

 private:
  std::shared_ptr<MemoryTopic> topic_;
  std::string group_;
  MemoryStartingPosition starting_;
  std::map<int32_t, int64_t> positions_;
};

}  // namespace lakestream
