#include "lakestream/stream/stream_source.h"

#include <algorithm>
#include <cstring>

namespace lakestream {

namespace {
constexpr size_t kArenaBlockBytes = 1 << 20;
}

std::string_view RawBatch::copy_in(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (blocks_.empty() || block_used_ + bytes.size() > block_size_) {
    // A body larger than a block gets a block of its own size.
    block_size_ = std::max(kArenaBlockBytes, bytes.size());
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  std::memcpy(at, bytes.data(), bytes.size());
  block_used_ += bytes.size();
  return {at, bytes.size()};
}

void RawBatch::note(int32_t partition, int64_t offset) {
  auto [it, inserted] = ranges_.try_emplace(partition, PartitionRange{offset, offset, 0});
  if (!inserted) it->second.last_offset = offset;
  ++it->second.count;
}

void RawBatch::append(int32_t partition, int64_t offset, int64_t enqueued_time_ms,
                      std::string_view key, std::string_view body) {
  append_view(partition, offset, enqueued_time_ms, copy_in(key), copy_in(body));
}

void RawBatch::append_view(int32_t partition, int64_t offset, int64_t enqueued_time_ms,
                           std::string_view key, std::string_view body) {
  events_.push_back(RawEvent{body, key, partition, offset, enqueued_time_ms});
  bytes_ += static_cast<int64_t>(body.size() + key.size());
  note(partition, offset);
}

std::map<int32_t, int64_t> fair_share(int64_t max_events,
                                      const std::map<int32_t, int64_t>& available) {
  std::map<int32_t, int64_t> share;
  if (max_events <= 0) {
    for (const auto& [p, n] : available) share[p] = std::max<int64_t>(n, 0);
    return share;
  }
  // Water filling: hand out equal shares; partitions with less than their share keep what they
  // have and the rest is shared again among the others. Any remainder of the division goes one
  // event each to the lowest partitions still wanting more, so the total is exactly the limit.
  std::vector<std::pair<int32_t, int64_t>> wanting;
  for (const auto& [p, n] : available) {
    share[p] = 0;
    if (n > 0) wanting.emplace_back(p, n);
  }
  int64_t left = max_events;
  while (left > 0 && !wanting.empty()) {
    const int64_t each = left / static_cast<int64_t>(wanting.size());
    if (each == 0) {
      for (auto& [p, n] : wanting) {
        if (left == 0) break;
        ++share[p];
        --left;
      }
      break;
    }
    std::vector<std::pair<int32_t, int64_t>> still;
    for (auto& [p, n] : wanting) {
      const int64_t take = std::min(each, n);
      share[p] += take;
      left -= take;
      if (n - take > 0) still.emplace_back(p, n - take);
    }
    wanting = std::move(still);
  }
  return share;
}

}  // namespace lakestream
