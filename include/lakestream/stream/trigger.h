#pragma once
// stream/trigger: when a streaming query runs its micro-batches, as Spark's Trigger does.

#include <cstdint>
#include <string>
#include <string_view>

#include "lakestream/common/status.h"
#include "lakestream/common/time.h"  // parse_interval_ms

namespace lakestream {

class Trigger {
 public:
  enum class Kind { kProcessingTime, kAvailableNow, kContinuous };

  /// A batch every `interval` (Spark syntax, see parse_interval_ms); when a batch takes longer,
  /// the next starts at once. An invalid text makes an invalid trigger: start() reports it.
  static Trigger processing_time(std::string_view interval);
  static Trigger processing_time_ms(int64_t interval_ms);
  /// Drain what the source holds at start (its latest offsets then), in as many batches as
  /// max-events-per-trigger needs, then stop.
  static Trigger available_now();
  /// Batches back to back, as fast as possible (processing time 0).
  static Trigger continuous();
  /// "available-now" (or "availableNow", "once"), "continuous", or an interval.
  static Result<Trigger> parse(std::string_view text);

  Kind kind() const { return kind_; }
  int64_t interval_ms() const { return interval_ms_; }
  /// OK, or why the trigger text was refused.
  const Status& status() const { return status_; }
  /// "ProcessingTime(1000 ms)", "AvailableNow", "Continuous".
  std::string to_string() const;

 private:
  Trigger(Kind kind, int64_t interval_ms) : kind_(kind), interval_ms_(interval_ms) {}
  Kind kind_;
  int64_t interval_ms_;
  Status status_;
};

}  // namespace lakestream
