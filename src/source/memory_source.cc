#include "lakestream/source/memory_source.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "lakestream/common/time.h"

namespace lakestream {

MemoryTopic::MemoryTopic(std::string name, int32_t num_partitions)
    : name_(std::move(name)), partitions_(static_cast<size_t>(std::max(num_partitions, 1))) {}

int64_t MemoryTopic::produce(int32_t partition, std::string body, std::string key,
                             int64_t enqueued_time_ms) {
  std::lock_guard lock(mu_);
  auto& events = partitions_.at(static_cast<size_t>(partition));
  events.push_back(Event{std::move(body), std::move(key),
                         enqueued_time_ms < 0 ? wall_clock_ms() : enqueued_time_ms});
  return static_cast<int64_t>(events.size()) - 1;
}

int64_t MemoryTopic::end_offset(int32_t partition) const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(partitions_.at(static_cast<size_t>(partition)).size());
}

int64_t MemoryTopic::read(int32_t partition, int64_t from, int64_t max, int64_t end,
                          RawBatch* out) const {
  std::lock_guard lock(mu_);
  const auto& events = partitions_.at(static_cast<size_t>(partition));
  int64_t stop = std::min<int64_t>(end, static_cast<int64_t>(events.size()));
  if (max >= 0) stop = std::min(stop, from + max);
  for (int64_t o = from; o < stop; ++o) {
    const Event& e = events[static_cast<size_t>(o)];
    out->append(partition, o, e.enqueued_time_ms, e.key, e.body);
  }
  return std::max<int64_t>(stop - from, 0);
}

std::map<int32_t, int64_t> MemoryTopic::committed(const std::string& group) const {
  std::lock_guard lock(mu_);
  auto it = committed_.find(group);
  return it == committed_.end() ? std::map<int32_t, int64_t>{} : it->second;
}

void MemoryTopic::commit(const std::string& group, const std::map<int32_t, int64_t>& offsets) {
  std::lock_guard lock(mu_);
  for (const auto& [p, o] : offsets) committed_[group][p] = o;
}

MemorySource::MemorySource(std::shared_ptr<MemoryTopic> topic, std::string group,
                           MemoryStartingPosition starting)
    : topic_(std::move(topic)), group_(std::move(group)), starting_(starting) {}

std::string MemorySource::description() const { return "MemorySource[" + topic_->name() + "]"; }

Status MemorySource::start(PartitionAssignmentListener* listener, const SourceStart& /*how*/) {
  positions_.clear();
  for (int32_t p = 0; p < topic_->num_partitions(); ++p) {
    std::optional<int64_t> start;
    if (listener != nullptr) {
      LS_ASSIGN_OR_RAISE(start, listener->start_offset(topic_->name(), p));
    }
    positions_[p] =
        start.value_or(starting_ == MemoryStartingPosition::kEarliest ? 0 : topic_->end_offset(p));
  }
  return Status::OK();
}

Result<RawBatch> MemorySource::poll_batch(const PollLimits& limits,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  RawBatch batch(topic_->name());
  while (true) {
    std::map<int32_t, int64_t> available;
    std::map<int32_t, int64_t> ends;
    for (const auto& [p, pos] : positions_) {
      int64_t end = topic_->end_offset(p);
      auto bound = limits.end_offsets.find(p);
      if (bound != limits.end_offsets.end()) end = std::min(end, bound->second);
      ends[p] = end;
      available[p] = std::max<int64_t>(end - pos, 0);
    }
    const auto shares = fair_share(limits.max_events, available);
    for (const auto& [p, n] : shares) {
      if (n > 0) positions_[p] += topic_->read(p, positions_[p], n, ends[p], &batch);
    }
    if (!batch.empty() || std::chrono::steady_clock::now() >= deadline) return batch;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Status MemorySource::seek(int32_t partition, int64_t offset) {
  auto it = positions_.find(partition);
  if (it != positions_.end()) it->second = offset;
  return Status::OK();
}

Status MemorySource::commit(const std::map<int32_t, int64_t>& next_offsets) {
  topic_->commit(group_, next_offsets);
  return Status::OK();
}

Result<std::map<int32_t, int64_t>> MemorySource::latest_offsets() {
  std::map<int32_t, int64_t> out;
  for (const auto& [p, pos] : positions_) out[p] = topic_->end_offset(p);
  return out;
}

}  // namespace lakestream
