#pragma once
// source/raw_event: one event as every source delivers it and the JSON decoder reads it, with
// the coordinates and metadata that travel with it from the broker (or file) to the dead-letter
// table. A plain view: the bytes belong to the RawBatch (or whatever the caller keeps alive).
// Kept apart from raw_batch.h so that the decoder (module json) sees only this struct.

#include <cstdint>
#include <string_view>

namespace lakestream {

/// One event.
struct RawEvent {
  RawEvent() = default;
  /// `{body, partition, offset}` is enough where the rest is not known (decoder tests, files).
  RawEvent(std::string_view body_, int32_t partition_ = -1, int64_t offset_ = -1,
           int64_t enqueued_time_ms_ = 0, std::string_view key_ = {})
      : body(body_),
        partition(partition_),
        offset(offset_),
        enqueued_time_ms(enqueued_time_ms_),
        key(key_) {}

  std::string_view body;
  int32_t partition = -1;  ///< -1 when the source has no partitions
  int64_t offset = -1;     ///< offset in its partition (a file source: byte position); -1 unknown
  int64_t enqueued_time_ms = 0;  ///< broker timestamp, ms since the epoch; 0 when none
  std::string_view key;          ///< partition key ("" when none)
};

}  // namespace lakestream
