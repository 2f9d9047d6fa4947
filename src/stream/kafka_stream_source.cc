// The "eventhubs" / "kafka" reader formats: the librdkafka KafkaSource (module `source`) seen
// through the engine's StreamSource interface. Batches stay zero-copy: the RawBatch views the
// librdkafka messages and keeps the KafkaBatch's owner alive.

#include "lakestream/source/kafka_source.h"
#include "lakestream/stream/session.h"

namespace lakestream {

namespace {

/// Forwards the KafkaSource's assignment questions to the engine's listener.
class ListenerBridge final : public KafkaAssignmentListener {
 public:
  explicit ListenerBridge(PartitionAssignmentListener* target) : target_(target) {}
  Result<std::optional<int64_t>> start_offset(const std::string& topic,
                                              int32_t partition) override {
    if (target_ == nullptr) return std::optional<int64_t>();
    return target_->start_offset(topic, partition);
  }
  void on_revoked(const std::string& topic, const std::vector<int32_t>& partitions) override {
    if (target_ != nullptr) target_->on_revoked(topic, partitions);
  }

 private:
  PartitionAssignmentListener* target_;
};

class KafkaStreamSource final : public StreamSource {
 public:
  explicit KafkaStreamSource(std::unique_ptr<KafkaSource> source) : source_(std::move(source)) {}

  std::string description() const override { return source_->describe(); }
  const std::string& topic() const override { return source_->topic(); }

  Status start(PartitionAssignmentListener* listener, const SourceStart& how) override {
    bridge_ = std::make_unique<ListenerBridge>(listener);
    return source_->start(bridge_.get(), how.available_now);
  }

  Result<RawBatch> poll_batch(const PollLimits& limits,
                              std::chrono::milliseconds timeout) override {
    KafkaPollLimits k;
    k.max_events = limits.max_events;
    k.end_offsets = limits.end_offsets;
    LS_ASSIGN_OR_RAISE(KafkaBatch batch, source_->poll_batch(k, timeout));
    RawBatch raw(batch.topic().empty() ? source_->topic() : batch.topic());
    for (const KafkaEvent& e : batch.events()) {
      raw.append_view(e.partition, e.offset, e.timestamp_ms < 0 ? 0 : e.timestamp_ms, e.key,
                      e.body);
    }
    raw.keep_alive(batch.owner());
    return raw;
  }

  Status seek(int32_t partition, int64_t offset) override {
    return source_->seek(partition, offset);
  }
  Status commit(const std::map<int32_t, int64_t>& next_offsets) override {
    return source_->commit(next_offsets);
  }
  Status commit_async(const std::map<int32_t, int64_t>& next_offsets) override {
    return source_->commit_async(next_offsets);
  }
  Result<std::map<int32_t, int64_t>> latest_offsets() override { return source_->latest_offsets(); }
  Result<std::map<int32_t, int64_t>> cached_latest_offsets() override {
    return source_->cached_latest_offsets();
  }
  std::map<int32_t, int64_t> positions() const override { return source_->positions(); }
  std::string problem() const override { return source_->problem(); }
  void close() override { source_->close(); }

 private:
  std::unique_ptr<KafkaSource> source_;
  std::unique_ptr<ListenerBridge> bridge_;
};

}  // namespace

Result<std::unique_ptr<StreamSource>> make_kafka_stream_source(
    const std::string& format, const std::map<std::string, std::string>& options,
    const Config& config) {
  auto parsed = KafkaSourceOptions::from_options(options, &config);
  if (!parsed.ok()) return parsed.status().with_context("read_stream format '" + format + "'");
  LS_ASSIGN_OR_RAISE(std::unique_ptr<KafkaSource> source, KafkaSource::create(*parsed));
  return std::unique_ptr<StreamSource>(std::make_unique<KafkaStreamSource>(std::move(source)));
}

}  // namespace lakestream
