#pragma once
// source/mock_hub: a local Event Hubs-compatible endpoint on librdkafka's mock cluster, what
// `lakestream hub` serves and what integration tests start in-process. It speaks the Kafka
// protocol on 127.0.0.1 (an ephemeral port: the mock cannot be given one) and is addressed
// with an emulator connection string. It is a test double, not a broker: everything is in
// memory, and librdkafka 2.0.2's mock keeps at most 5 MiB or 100,000 batches per partition,
// silently dropping the oldest — check_retention() makes such drops visible. The limits are
// listed by limits_text(); docs/event-hubs.md says when to use the real emulator or Kafka.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// An event hub (topic) the hub serves.
struct HubTopic {
  std::string name;
  int32_t partitions = 1;

  /// Parse "NAME:PARTITIONS" (or "NAME", one partition). Names follow Event Hubs' rules
  /// loosely: letters, digits, '.', '_', '-'; partitions 1..1024.
  static Result<HubTopic> parse(std::string_view text);
};

/// What check_retention() found for one partition whose oldest events were dropped.
struct HubDrop {
  std::string topic;
  int32_t partition = 0;
  int64_t from_offset = 0;  ///< first dropped offset (the previous log start)
  int64_t to_offset = 0;    ///< new log start: offsets [from, to) are gone
  /// The watched consumer group's committed offset, -1 when it has none. Events in
  /// [max(from, committed), to) were dropped before the group read them.
  int64_t committed = -1;
  int64_t unread_dropped() const;
};

class MockHub {
 public:
  /// Start the mock cluster (one broker) with `topics` created. Fails when librdkafka cannot
  /// start it or a topic is invalid or repeated.
  static Result<std::unique_ptr<MockHub>> start(const std::vector<HubTopic>& topics);
  ~MockHub();
  MockHub(const MockHub&) = delete;
  MockHub& operator=(const MockHub&) = delete;

  /// "127.0.0.1:<port>".
  const std::string& bootstrap_servers() const;
  int port() const;
  const std::vector<HubTopic>& topics() const;
  /// The emulator connection string for `topic`:
  /// "Endpoint=sb://127.0.0.1:<port>;SharedAccessKeyName=RootManageSharedAccessKey;
  ///  SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=<topic>"
  /// (the key is the Azure emulator's well-known placeholder, not a secret).
  std::string connection_string(const std::string& topic) const;

  /// Add a topic while running.
  Status create_topic(const HubTopic& topic);
  /// Take the broker down or bring it back (tests of a broker outage).
  Status set_broker_down(bool down);

  /// Compare every partition's log start with the last call's and report the partitions
  /// whose oldest events were dropped, with `group`'s committed offsets (asked for with an
  /// internal client that never joins the group). The first call only records.
  Result<std::vector<HubDrop>> check_retention(
      const std::string& group, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  /// The mock's limits, one per line, for the hub to print at start.
  static std::string limits_text();

  struct Impl;

 private:
  explicit MockHub(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
