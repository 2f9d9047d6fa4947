#include "lakestream/source/raw_batch.h"

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
  if (last_.range == nullptr || last_.partition != partition) {
    auto [it, inserted] =
        ranges_.try_emplace(partition, PartitionRange{offset, offset, 0, offset - 1});
    last_.range = &it->second;
    last_.partition = partition;
  }
  last_.range->last_offset = offset;
  ++last_.range->count;
}

void RawBatch::append(int32_t partition, int64_t offset, int64_t enqueued_time_ms,
                      std::string_view key, std::string_view body) {
  append_view(partition, offset, enqueued_time_ms, copy_in(key), copy_in(body));
}

void RawBatch::append_view(int32_t partition, int64_t offset, int64_t enqueued_time_ms,
                           std::string_view key, std::string_view body) {
  events_.push_back(RawEvent{body, partition, offset, enqueued_time_ms, key});
  bytes_ += static_cast<int64_t>(body.size() + key.size());
  note(partition, offset);
}

}  // namespace lakestream
