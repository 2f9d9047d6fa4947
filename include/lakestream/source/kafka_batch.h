#pragma once
// source/kafka_batch: the events of one KafkaSource::poll_batch. Zero copy: every body and key
// is a view into the librdkafka message that carried it, and the batch keeps those messages
// (and the consumer they came from) alive until it is destroyed. Release batches promptly:
// librdkafka counts held messages against nothing, but the memory stays until then.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lakestream {

/// One event. The views are valid as long as the KafkaBatch that holds it.
struct KafkaEvent {
  std::string_view body;
  std::string_view key;  ///< "" when the message has no key
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms =
      -1;  ///< broker / producer timestamp (Event Hubs: enqueued time); -1 if none
};

/// The offsets one batch covers in one partition (both inclusive) and how many events.
struct KafkaPartitionRange {
  int64_t first_offset = 0;
  int64_t last_offset = 0;
  int64_t count = 0;
};

/// The events of one poll, in partition-interleaved order (within a partition, increasing
/// offsets). Move-only; destroying it releases the librdkafka messages.
class KafkaBatch {
 public:
  KafkaBatch() = default;
  KafkaBatch(KafkaBatch&&) noexcept = default;
  KafkaBatch& operator=(KafkaBatch&&) noexcept = default;
  KafkaBatch(const KafkaBatch&) = delete;
  KafkaBatch& operator=(const KafkaBatch&) = delete;
  ~KafkaBatch() = default;

  const std::string& topic() const { return topic_; }
  const std::vector<KafkaEvent>& events() const { return events_; }
  /// Per partition present in the batch: first/last offset and count.
  const std::map<int32_t, KafkaPartitionRange>& ranges() const { return ranges_; }
  size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  /// Body plus key bytes of all events.
  int64_t bytes() const { return bytes_; }

  /// What keeps the views alive, for a caller that wraps the views in its own batch type
  /// (e.g. the stream module's RawBatch::keep_alive) and then lets this batch go.
  std::shared_ptr<const void> owner() const { return owner_; }

 private:
  friend class KafkaSource;
  std::string topic_;
  std::vector<KafkaEvent> events_;
  std::map<int32_t, KafkaPartitionRange> ranges_;
  int64_t bytes_ = 0;
  std::shared_ptr<const void> owner_;  // the messages, and through them the consumer
};

}  // namespace lakestream
