#pragma once
// source/raw_batch: the events of one poll of a StreamSource, with the offset range each
// partition covers. Bodies are views (RawEvent) into memory the batch owns or keeps alive.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/source/raw_event.h"

namespace lakestream {

/// The offsets a batch covers in one partition (both inclusive).
struct PartitionRange {
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t count = 0;
  /// The offset of the partition's event just before first_offset (-1: none), which the table's
  /// txn version must equal for the batch to continue it: first_offset - 1 where offsets are
  /// consecutive (a topic); a file source's offsets are byte positions and say it themselves.
  int64_t previous_offset = -1;
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
  /// Set the offset before `partition`'s first event in this batch (PartitionRange::
  /// previous_offset), after appending that event; sources with consecutive offsets need not.
  void set_previous_offset(int32_t partition, int64_t offset) {
    ranges_[partition].previous_offset = offset;
  }
  /// Room for `n` events without reallocating (a source that knows its batch size).
  void reserve(size_t n) { events_.reserve(n); }
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

  // The range of the partition appended to last: a run of one partition's events costs no map
  // lookup each. A moved-from batch forgets it (its map is empty then).
  struct LastRange {
    PartitionRange* range = nullptr;
    int32_t partition = 0;
    LastRange() = default;
    LastRange(LastRange&& o) noexcept : range(o.range), partition(o.partition) {
      o.range = nullptr;
    }
    LastRange& operator=(LastRange&& o) noexcept {
      range = o.range;
      partition = o.partition;
      o.range = nullptr;
      return *this;
    }
  };

  std::string topic_;
  std::vector<RawEvent> events_;
  std::map<int32_t, PartitionRange> ranges_;
  LastRange last_;
  int64_t bytes_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;  // arena: views stay valid as it grows
  size_t block_used_ = 0;
  size_t block_size_ = 0;
  std::vector<std::shared_ptr<const void>> owners_;
};

}  // namespace lakestream
