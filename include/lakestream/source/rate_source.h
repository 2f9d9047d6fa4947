#pragma once
// source/rate_source: Spark's `rate` source. It produces `rows-per-second` rows per second on
// one partition; a row's offset is its counter `value` (0, 1, 2, ...) and its enqueued time the
// moment it became due, which the engine exposes as the columns `timestamp` and `value`, as
// Spark's rate source does. The data generator maps these rows to meter messages.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "lakestream/source/stream_source.h"

namespace lakestream {

class RateSource final : public StreamSource {
 public:
  /// `rows_per_second` must be positive.
  explicit RateSource(int64_t rows_per_second);

  std::string description() const override;
  const std::string& topic() const override { return topic_; }
  Status start(PartitionAssignmentListener* listener, const SourceStart& how) override;
  Result<RawBatch> poll_batch(const PollLimits& limits, std::chrono::milliseconds timeout) override;
  Status seek(int32_t partition, int64_t offset) override;
  Status commit(const std::map<int32_t, int64_t>&) override { return Status::OK(); }
  Result<std::map<int32_t, int64_t>> latest_offsets() override;
  std::map<int32_t, int64_t> positions() const override { return {{0, next_}}; }
  void close() override {}

 private:
  /// Rows due by now (the value the next due row will have).
  int64_t due() const;

  std::string topic_ = "rate";
  int64_t rows_per_second_;
  int64_t start_ms_ = 0;  // when value `base_` was due
  int64_t base_ = 0;
  int64_t next_ = 0;
};

}  // namespace lakestream
