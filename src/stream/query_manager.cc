#include "lakestream/stream/query_manager.h"

#include <algorithm>

namespace lakestream {

namespace {

/// Finished queries kept for the UI's "Completed Streaming Queries" (Spark keeps its
/// spark.sql.streaming.ui.retainedQueries, 100): a session starting queries forever stays
/// bounded.
constexpr size_t kRetainedFinishedQueries = 100;

}  // namespace

std::string_view query_status_name(QueryStatus status) {
  switch (status) {
    case QueryStatus::kActive:
      return "ACTIVE";
    case QueryStatus::kTerminated:
      return "TERMINATED";
    case QueryStatus::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::vector<StreamingQuery> StreamingQueryManager::all() const {
  std::lock_guard lock(mu_);
  return queries_;
}

std::vector<StreamingQuery> StreamingQueryManager::active() const {
  std::vector<StreamingQuery> out;
  for (const StreamingQuery& q : all()) {
    if (q.is_active()) out.push_back(q);
  }
  return out;
}

std::optional<StreamingQuery> StreamingQueryManager::get(std::string_view id) const {
  std::lock_guard lock(mu_);
  for (auto it = queries_.rbegin(); it != queries_.rend(); ++it) {
    if (it->id() == id) return *it;
  }
  return std::nullopt;
}

void StreamingQueryManager::add(StreamingQuery query) {
  std::lock_guard lock(mu_);
  queries_.push_back(std::move(query));
  size_t finished = 0;
  for (const StreamingQuery& q : queries_) finished += q.is_active() ? 0 : 1;
  while (finished > kRetainedFinishedQueries) {
    auto oldest = std::find_if(queries_.begin(), queries_.end(),
                               [](const StreamingQuery& q) { return !q.is_active(); });
    queries_.erase(oldest);
    --finished;
  }
}

}  // namespace lakestream
