#include "lakestream/stream/streaming_query.h"

#include "lakestream/stream/query_manager.h"
#include "query_runner.h"

namespace lakestream {

const std::string& StreamingQuery::id() const { return runner_->id(); }
const std::string& StreamingQuery::run_id() const { return runner_->run_id(); }
const std::string& StreamingQuery::name() const { return runner_->name(); }
bool StreamingQuery::is_active() const { return runner_->is_active(); }
Result<bool> StreamingQuery::await_termination(double timeout_seconds) const {
  return runner_->await(timeout_seconds);
}
void StreamingQuery::stop() const { runner_->stop(); }
Status StreamingQuery::exception() const { return runner_->exception(); }
std::optional<QueryProgress> StreamingQuery::last_progress() const {
  return runner_->last_progress();
}
std::vector<QueryProgress> StreamingQuery::recent_progress() const {
  return runner_->recent_progress();
}
std::vector<std::shared_ptr<const std::string>> StreamingQuery::recent_progress_json() const {
  return runner_->recent_progress_json();
}
const QueryPlanInfo& StreamingQuery::plan_info() const { return runner_->plan_info(); }
QuerySnapshot StreamingQuery::snapshot() const { return runner_->snapshot(); }

}  // namespace lakestream
