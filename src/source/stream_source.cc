#include "lakestream/source/stream_source.h"

#include <algorithm>

namespace lakestream {

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
