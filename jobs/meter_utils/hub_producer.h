#pragma once
// jobs/meter_utils/hub_producer: a small librdkafka producer that sends events to an Event Hub
// (or `lakestream hub`, or a Kafka topic), addressed with the same connection strings the
// source module reads (parse_connection: same bootstrap, security and Azure settings). The
// library has a consumer only; the data generator is the one job that produces.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lakestream/common/status.h"

namespace lakestream::meter {

class HubProducer {
 public:
  /// A producer for the hub named by `connection_string` (Event Hubs, emulator or kafka://
  /// form). Errors name the connection redacted, never its key.
  static Result<std::unique_ptr<HubProducer>> create(std::string_view connection_string);
  ~HubProducer();
  HubProducer(const HubProducer&) = delete;
  HubProducer& operator=(const HubProducer&) = delete;

  /// Queue one event; the key chooses the partition (librdkafka's consistent hash), so
  /// distinct keys spread the events over the partitions. Waits while the local queue is full.
  Status send(std::string_view key, std::string_view body);
  /// Wait until every queued event is acknowledged or `timeout_ms` passes; the first delivery
  /// error, if any.
  Status flush(int timeout_ms = 30000);
  /// Events acknowledged by the broker so far.
  int64_t delivered() const;
  /// "eventhubs-emulator 127.0.0.1:9092/input (PLAINTEXT)": never shows a key.
  const std::string& describe() const;

  struct Impl;

 private:
  explicit HubProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream::meter
