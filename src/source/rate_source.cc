#include "lakestream/source/rate_source.h"

#include <algorithm>
#include <thread>

#include "lakestream/common/time.h"

namespace lakestream {

RateSource::RateSource(int64_t rows_per_second)
    : rows_per_second_(std::max<int64_t>(rows_per_second, 1)) {}

std::string RateSource::description() const {
  return "RateStreamV2[rowsPerSecond=" + std::to_string(rows_per_second_) +
         ", rampUpTimeSeconds=0, numPartitions=1]";
}

int64_t RateSource::due() const {
  return base_ + (wall_clock_ms() - start_ms_) * rows_per_second_ / 1000;
}

Status RateSource::start(PartitionAssignmentListener* listener, const SourceStart& /*how*/) {
  std::optional<int64_t> start;
  if (listener != nullptr) {
    LS_ASSIGN_OR_RAISE(start, listener->start_offset(topic_, 0));
  }
  base_ = next_ = start.value_or(0);
  start_ms_ = wall_clock_ms();
  return Status::OK();
}

Result<RawBatch> RateSource::poll_batch(const PollLimits& limits,
                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  RawBatch batch(topic_);
  while (true) {
    int64_t end = due();
    auto bound = limits.end_offsets.find(0);
    if (bound != limits.end_offsets.end()) end = std::min(end, bound->second);
    if (limits.max_events > 0) end = std::min(end, next_ + limits.max_events);
    for (; next_ < end; ++next_) {
      // The moment the row became due: rows are spread evenly over each second.
      const int64_t ts = start_ms_ + (next_ - base_) * 1000 / rows_per_second_;
      batch.append(0, next_, ts, {}, {});
    }
    if (!batch.empty() || std::chrono::steady_clock::now() >= deadline) return batch;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::clamp<int64_t>(1000 / rows_per_second_, 1, 20)));
  }
}

Status RateSource::seek(int32_t partition, int64_t offset) {
  if (partition == 0) next_ = offset;
  return Status::OK();
}

Result<std::map<int32_t, int64_t>> RateSource::latest_offsets() {
  return std::map<int32_t, int64_t>{{0, std::max(due(), next_)}};
}

}  // namespace lakestream
