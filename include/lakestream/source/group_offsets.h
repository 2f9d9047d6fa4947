#pragma once
// source/group_offsets: what a consumer group has committed on a topic, next to each
// partition's watermarks — a lag view (what `lakestream offsets` prints and the streaming tests
// compare with the table's txn versions). Asked with a client that never joins the group, so
// looking does not trigger a rebalance.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/source/kafka_endpoint.h"

namespace lakestream {

/// One partition of the topic as the group sees it.
struct GroupPartitionOffsets {
  int32_t partition = 0;
  int64_t committed = -1;  ///< the group's committed next offset, -1 when it has none
  int64_t low = 0;         ///< first retained offset
  int64_t high = 0;        ///< next offset to be written
  /// Events not yet consumed by the group (from its commit, or from `low` without one).
  int64_t lag() const;
};

/// Every partition of `endpoint.topic` (sorted), with `group`'s committed offsets. Fails when
/// the broker cannot be reached within `timeout`, or the topic does not exist.
Result<std::vector<GroupPartitionOffsets>> read_group_offsets(
    const KafkaEndpoint& endpoint, const std::string& group,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace lakestream
