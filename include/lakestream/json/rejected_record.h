#pragma once
// json/rejected_record: a record the decoder refused, kept with everything needed to find it
// again and to store it in a dead-letter table: why, where it came from, and its bytes.

#include <cstdint>
#include <string>

namespace lakestream {

/// Where a record came from. One shape for both kinds of source:
///   Event Hubs / Kafka: source = topic (event hub), partition and offset set, line = -1.
///   NDJSON file:        source = path, line = 1-based line number, offset = byte offset of the
///                       line's start in the decoded text, partition = -1.
struct RecordPosition {
  std::string source;
  int32_t partition = -1;  ///< -1 when the source has no partitions
  int64_t offset = -1;     ///< event offset, or byte offset of a file line; -1 when unknown
  int64_t line = -1;       ///< 1-based line of a file; -1 for events

  /// "samples/meter_readings.ndjson:5" for file lines, "input partition 3 offset 1234" for events.
  std::string to_string() const;

  bool operator==(const RecordPosition&) const = default;
};

/// A record the decoder refused.
struct RejectedRecord {
  /// Field path and what was wrong: "ObservationTime: '2021-19-01T10:33:00Z' is not a valid
  /// timestamp", or a whole-record problem such as "malformed JSON: ...".
  std::string reason;
  /// The dotted field path the reason is about ("Measurement.Value", "Tags[2]"); empty when the
  /// record as a whole is bad (malformed JSON, not an object, trailing content).
  std::string field;
  RecordPosition position;
  /// The record's bytes exactly as received (an NDJSON line without its line break).
  std::string raw;
  /// decode_events: the index of the record's event in the events decoded; -1 for NDJSON.
  int64_t event_index = -1;
};

}  // namespace lakestream
