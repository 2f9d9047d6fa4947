#pragma once
// source/kafka_source: the Event Hubs / Kafka consumer (librdkafka), a StreamSource. It joins a
// consumer group (or reads every partition itself, see PartitionAssignment), and on every
// partition assignment asks the engine's PartitionAssignmentListener where each partition
// starts — the engine answers from the Delta table's txn versions — falling back to the
// configured starting position only when told to. poll_batch() shares max_events over the
// partitions that have data (fair_share) and returns zero-copy batches: every body and key is a
// view into the librdkafka message that carried it, and the RawBatch keeps those messages (and
// the consumer) alive. Group offsets are committed only when asked (for lag tools); recovery
// never reads them. This module must not know about Delta, decoding or checkpoints. Used from
// one thread at a time (the polling thread); the listener is called on that thread from inside
// start() and poll_batch().

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/source/kafka_endpoint.h"
#include "lakestream/source/stream_source.h"

namespace lakestream {

class Config;

/// Where a partition starts when the listener leaves it to the source.
enum class StartingPosition {
  kEarliest,  ///< the oldest retained event (the original's `offset -1`); the default
  kLatest,    ///< only events produced after the assignment
};

/// How a KafkaSource gets its partitions.
enum class PartitionAssignment {
  /// kAll for an available-now query, kGroup otherwise (the default).
  kAuto,
  /// Join the consumer group: the broker spreads the partitions over the instances of the
  /// group and moves them on rebalances. Joining costs the broker's initial rebalance delay
  /// (group.initial.rebalance.delay.ms, 3 s by default; the mock hub also waits 3 s).
  kGroup,
  /// Read every partition of the topic without joining the group, as Spark's Kafka source and
  /// kcat do: no join delay, no sharing. Offsets are still committed to the group for lag
  /// tools (a broker refuses them while other instances are members of the group). Two such
  /// readers of one table stay exactly-once (each batch's txn check keeps one of them), they
  /// only duplicate work.
  kAll,
};

/// "auto", "group" or "all" (any case, spaces trimmed); InvalidArgument naming the text
/// otherwise.
Result<PartitionAssignment> parse_partition_assignment(std::string_view text);

/// Everything a KafkaSource needs. Build it with from_options() (the stream reader's options
/// and the engine's `lakestream.kafka.*` settings) or fill it in directly.
struct KafkaSourceOptions {
  KafkaEndpoint endpoint;  ///< servers, topic, security and recommended settings
  std::string consumer_group = "$Default";
  PartitionAssignment assignment = PartitionAssignment::kAuto;
  StartingPosition starting_position = StartingPosition::kEarliest;
  /// Explicit start offsets per partition; they win over starting_position (not over the
  /// listener).
  std::map<int32_t, int64_t> starting_offsets;
  /// When a partition's next offset is no longer retained (the broker dropped it), fail the
  /// poll naming the partition and offsets (Spark's failOnDataLoss) instead of silently
  /// jumping ahead.
  bool fail_on_data_loss = true;
  /// The stream's max-events-per-trigger (0: none). It sizes librdkafka's fetch responses
  /// (`fetch.max.bytes`, see prefetch_fetch_max_bytes()) so that what the consumer fetches
  /// ahead follows the trigger size, not the backlog.
  int64_t max_events_per_trigger = 0;
  /// librdkafka settings applied last, in order (engine `lakestream.kafka.<property>` keys,
  /// then per-stream `kafka.<property>` options). They win over everything above.
  std::vector<KafkaProperty> overrides;

  /// Read a stream reader's options:
  ///   connection-string (Event Hubs form or kafka://host:port/topic), or bootstrap-servers
  ///   and topic; consumer-group (default $Default); partition-assignment: auto | group | all
  ///   (see PartitionAssignment); starting-position: earliest | latest |
  ///   -1 (earliest, as the original writes it); starting-offsets: "0:100,3:250" (partition:
  ///   offset); fail-on-data-loss: true | false; max-events-per-trigger (or
  ///   max-offsets-per-trigger): events per micro-batch, for the prefetch defaults;
  ///   kafka.<property>: any librdkafka property.
  /// Engine settings `lakestream.kafka.<property>` in `config` come before kafka.* options.
  /// Errors name the option; a connection string is only ever shown redacted.
  static Result<KafkaSourceOptions> from_options(const std::map<std::string, std::string>& options,
                                                 const Config* config = nullptr);

  /// Every librdkafka property the consumer gets, in the order applied (secrets included:
  /// for building the client, never for showing). Unless an override sets them,
  /// `fetch.max.bytes` is prefetch_fetch_max_bytes() and `queued.min.messages`
  /// prefetch_queue_messages().
  std::vector<KafkaProperty> librdkafka_properties() const;
  /// The default `fetch.max.bytes`: kPrefetchBytesPerEvent per event of a trigger
  /// (max_events_per_trigger, else the 100,000 events one poll returns at most), at least
  /// 1 MiB and the `message.max.bytes` an override sets, at most librdkafka's own default
  /// (50 MiB). One fetch response stays in memory as long as any of its messages does, and
  /// librdkafka's default lets one response take most of a small backlog at once.
  int64_t prefetch_fetch_max_bytes() const;
  /// The default `queued.min.messages`: kPrefetchTriggers triggers of events (max_events_per_
  /// trigger, else 100,000), at least kMinQueuedMessages, at most librdkafka's own default
  /// (100,000). librdkafka stops fetching above it; the source wakes the fetcher as it takes
  /// events, so a queue of a few triggers keeps the pipeline fed without holding a backlog.
  int64_t prefetch_queue_messages() const;
  static constexpr int64_t kPrefetchTriggers = 3;
  static constexpr int64_t kMinQueuedMessages = 10000;
  static constexpr int64_t kLibrdkafkaQueue = 100000;
  /// About one trigger of small telemetry events (~150-250 bytes) per fetch response; larger
  /// events simply take more, smaller fetches (librdkafka keeps fetching up to its queue
  /// limits, so this bounds the burst, not the throughput).
  static constexpr int64_t kPrefetchBytesPerEvent = 256;
  /// The effective properties with secret values replaced by kRedacted, for dumps and logs.
  std::vector<KafkaProperty> redacted_properties() const;
};

/// Low (first retained) and high (next to be written) offsets of a partition.
struct KafkaWatermarks {
  int64_t low = 0;
  int64_t high = 0;
};

/// A consumer of one topic in a consumer group.
class KafkaSource final : public StreamSource {
 public:
  /// Checks the options and builds the librdkafka configuration; connects nothing yet.
  static Result<std::unique_ptr<KafkaSource>> create(KafkaSourceOptions options);
  ~KafkaSource() override;
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  /// "KafkaSource[eventhubs ns.servicebus.windows.net:9093/input (SASL_SSL, key name Listen),
  /// group $Default]" — for progress records and messages; never a secret.
  std::string description() const override;
  const std::string& topic() const override;
  const KafkaSourceOptions& options() const;

  /// Create the consumer and subscribe (or, reading every partition, assign them all at the
  /// first poll). Assignments (now or later, on rebalances) start each partition where
  /// `listener` says; it must outlive the source. nullptr: always the configured starting
  /// position. `how.available_now` resolves PartitionAssignment::kAuto.
  Status start(PartitionAssignmentListener* listener, const SourceStart& how) override;
  /// Whether this source reads every partition itself (kAll, or kAuto resolved to it).
  bool reads_all_partitions() const;

  /// The next events of the assigned partitions within `limits` (max_events shared with
  /// fair_share; max_bytes applied round-robin so no partition is starved by it), waiting up to
  /// `timeout` for the first one (an empty batch when none came). Serves rebalances. Fails on a
  /// fatal or authentication error, an unknown topic, a listener error, or lost data when
  /// fail_on_data_loss is set. An event's enqueued_time_ms is the broker / producer timestamp
  /// (Event Hubs: the enqueued time), 0 when the message has none.
  Result<RawBatch> poll_batch(const PollLimits& limits, std::chrono::milliseconds timeout) override;

  /// Continue `partition` at `offset` (e.g. after the engine dropped a batch). Events already
  /// buffered for it are discarded. Ignored when the partition is not assigned.
  Status seek(int32_t partition, int64_t offset) override;

  /// Commit `next_offsets` (partition → next offset to read) to the consumer group and wait
  /// for the answer. For lag tools only. A commit rejected during a rebalance is kConflict.
  Status commit(const std::map<int32_t, int64_t>& next_offsets) override;
  /// commit() without waiting: the request is queued behind earlier ones on the group
  /// coordinator's connection, so a later commit() still lands last. Its answer is dropped.
  Status commit_async(const std::map<int32_t, int64_t>& next_offsets) override;
  /// The group's committed next offsets of `partitions` (all assigned ones when empty);
  /// partitions without a commit are left out.
  Result<std::map<int32_t, int64_t>> committed(
      const std::vector<int32_t>& partitions = {},
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Per assigned partition, the broker's low and high watermarks (asks the broker).
  Result<std::map<int32_t, KafkaWatermarks>> watermarks(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Per assigned partition, the offset the next produced event will get (high watermark),
  /// waiting up to 10 s for the broker.
  Result<std::map<int32_t, int64_t>> latest_offsets() override;
  Result<std::map<int32_t, int64_t>> latest_offsets(std::chrono::milliseconds timeout);
  /// Per assigned partition, the high watermark librdkafka last saw in a fetch response (no
  /// round trip: cheap enough for every trigger); partitions not fetched yet are left out.
  /// Never fails.
  Result<std::map<int32_t, int64_t>> cached_latest_offsets() override;
  /// Per assigned partition whose position is known, the next offset poll_batch returns.
  std::map<int32_t, int64_t> positions() const override;
  /// Per assigned partition, events fetched and waiting for a poll to return them (metrics,
  /// tests).
  std::map<int32_t, int64_t> buffered_events() const;
  /// The currently assigned partitions, sorted.
  std::vector<int32_t> assignment() const;
  /// The last non-fatal client error (a broker down, ...), for diagnostics; "" when none.
  std::string last_error() const;
  /// Why no events can come now ("no broker reachable (...)"), "" while a broker is up or
  /// before librdkafka's first statistics (statistics.interval.ms, 1 s unless overridden).
  std::string problem() const override;

  /// Leave the group and release the connection; batches still alive keep the client's
  /// memory until they are destroyed. Safe to call twice.
  void close() override;

  struct Impl;

 private:
  explicit KafkaSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
