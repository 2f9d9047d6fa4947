#pragma once
// stream/streaming_query: a running stream (Spark's StreamingQuery): a handle to wait for it,
// stop it and read its progress. Copies share the same query.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/stream/progress.h"

namespace lakestream {

struct QueryPlanInfo;
struct QuerySnapshot;

namespace stream_internal {
class QueryRunner;
}

class StreamingQuery {
 public:
  explicit StreamingQuery(std::shared_ptr<stream_internal::QueryRunner> runner)
      : runner_(std::move(runner)) {}

  /// The query's identity, kept in the checkpoint location across restarts.
  const std::string& id() const;
  /// This run's identity (new at every start).
  const std::string& run_id() const;
  /// The name given with query_name() ("" when none).
  const std::string& name() const;

  /// Still running (not stopped, not failed, not finished draining).
  bool is_active() const;
  /// Wait until the query ends or `timeout_seconds` pass (< 0: no limit). true when it ended
  /// (stopped, or drained under available-now), false on timeout; the query's error when it
  /// failed.
  Result<bool> await_termination(double timeout_seconds = -1) const;
  /// Stop: the batch in flight either commits whole or is abandoned with its files deleted;
  /// returns once the query's threads have ended. Safe to call more than once.
  void stop() const;
  /// Why the query failed; OK while it runs or after a clean stop.
  Status exception() const;

  /// The latest batch's progress, if a batch has completed.
  std::optional<QueryProgress> last_progress() const;
  /// The progress of the latest batches (lakestream.ui.retainedProgressUpdates, default 100),
  /// oldest first.
  std::vector<QueryProgress> recent_progress() const;
  /// The progress records' JSON, as logged, oldest first (what recent_progress() holds).
  /// Shared and immutable: taking them copies no record.
  std::vector<std::shared_ptr<const std::string>> recent_progress_json() const;

  /// What the query runs (fixed at start; no secrets).
  const QueryPlanInfo& plan_info() const;
  /// Its status and totals now (stream/query_manager.h).
  QuerySnapshot snapshot() const;

 private:
  std::shared_ptr<stream_internal::QueryRunner> runner_;
};

}  // namespace lakestream
