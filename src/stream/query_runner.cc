#include "query_runner.h"

#include <algorithm>
#include <limits>
#include <span>

#include "common/log_fmt.h"
#include "lakestream/common/memory.h"
#include "lakestream/common/redact.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/uuid.h"

namespace lakestream::stream_internal {

namespace {

using Clock = std::chrono::steady_clock;

int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

/// Available-now polls give up after this many empty polls in a row even when a partition's
/// position is unknown (a source that cannot tell it).
// A group consumer needs seconds before its first events arrive: joining the group (librdkafka's
// mock holds the first rebalance for session.timeout.ms - 1 s), then the first fetch after the
// assignment. Empty polls below these allowances do not end an available-now query early.
constexpr int kMaxEmptyPollsAvailableNow = 100;
constexpr int kMaxEmptyPollsBeforeAssignment = 300;

bool drained(const std::map<int32_t, int64_t>& end, const std::map<int32_t, int64_t>& positions) {
  for (const auto& [p, e] : end) {
    auto it = positions.find(p);
    if (it == positions.end() || it->second < e) return false;
  }
  return true;
}

}  // namespace

QueryRunner::QueryRunner(RunnerSetup setup) : setup_(std::move(setup)), run_id_(uuid_v4()) {}

Result<std::shared_ptr<QueryRunner>> QueryRunner::start(RunnerSetup setup) {
  std::shared_ptr<QueryRunner> r(new QueryRunner(std::move(setup)));
  const StreamPlan& plan = *r->setup_.plan;
  if (!plan.make_source) return Status::InvalidArgument("the stream has no source");
  LS_ASSIGN_OR_RAISE(r->source_, plan.make_source());
  r->source_description_ = r->source_->description();
  r->topic_ = r->source_->topic();
  QueryPlanInfo& info = r->setup_.plan_info;
  info.source_description = r->source_description_;
  info.topic = r->topic_;
  info.sink_description = r->setup_.sink->description();
  info.sink_path = r->setup_.sink->path();
  info.dead_letter_path = r->setup_.sink->dead_letter_path();
  r->status_.start_ms = wall_clock_ms();
  r->status_.table_version = r->setup_.sink->table_version();
  r->register_metrics();
  const int chunks = std::max(1, r->setup_.sink->max_chunks());
  if (plan.parse) {
    for (int c = 0; c < chunks; ++c) {
      LS_ASSIGN_OR_RAISE(JsonDecoder d, JsonDecoder::make(plan.parse->schema, plan.parse->options));
      r->decoders_.push_back(std::move(d));
    }
    r->decode_scratch_.resize(static_cast<size_t>(chunks));
  }
  if (r->setup_.checkpoint) r->next_batch_id_ = r->setup_.checkpoint->next_batch_id();
  r->engine_ = std::thread([raw = r.get()] { raw->run_loop(); });
  return r;
}

QueryRunner::~QueryRunner() { stop(); }

bool QueryRunner::is_active() const {
  std::lock_guard lock(mu_);
  return !terminated_;
}

Result<bool> QueryRunner::await(double timeout_seconds) {
  std::unique_lock lock(mu_);
  auto ended = [&] { return terminated_; };
  if (timeout_seconds < 0) {
    cv_.wait(lock, ended);
  } else if (!cv_.wait_for(lock, std::chrono::duration<double>(timeout_seconds), ended)) {
    return false;
  }
  if (!error_.ok()) return error_;
  return true;
}

void QueryRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  std::lock_guard stop_lock(stop_mu_);
  if (engine_.joinable() && engine_.get_id() != std::this_thread::get_id()) engine_.join();
}

Status QueryRunner::exception() const {
  std::lock_guard lock(mu_);
  return error_;
}

std::optional<QueryProgress> QueryRunner::last_progress() const {
  std::lock_guard lock(mu_);
  if (progress_.empty()) return std::nullopt;
  return progress_.back();
}

std::vector<QueryProgress> QueryRunner::recent_progress() const {
  std::lock_guard lock(mu_);
  return {progress_.begin(), progress_.end()};
}

std::vector<std::shared_ptr<const std::string>> QueryRunner::recent_progress_json() const {
  std::lock_guard lock(mu_);
  return {progress_json_.begin(), progress_json_.end()};
}

QuerySnapshot QueryRunner::snapshot() const {
  std::unique_lock lock(mu_);
  QuerySnapshot s = status_;
  s.status = !terminated_ ? QueryStatus::kActive
                          : (error_.ok() ? QueryStatus::kTerminated : QueryStatus::kFailed);
  if (!error_.ok()) s.exception = redact_connection_string(error_.to_string());
  lock.unlock();
  s.id = setup_.query_id;
  s.run_id = run_id_;
  s.name = setup_.name;
  return s;
}

std::map<int32_t, int64_t> QueryRunner::partitions_short_of_end() {
  std::map<int32_t, int64_t> end;
  {
    std::lock_guard lock(mu_);
    end = end_offsets_;
  }
  std::map<int32_t, int64_t> out;
  for (const auto& [p, e] : end) {
    auto next = setup_.sink->start_offset(topic_, p);
    // Partitions the table has never seen are left to the source's own position (a sink
    // without offsets, e.g. foreach-batch, says nothing either).
    if (!next.ok() || !next->has_value()) continue;
    if (**next < e) {
      log_warn("stream",
               "partition {} of {} is at offset {} in the table, short of its end {}: "
               "reading it again",
               p, topic_, **next - 1, e);
      out[p] = **next;
    }
  }
  return out;
}

void QueryRunner::register_metrics() {
  metric_query_ = setup_.name.empty() ? setup_.query_id : setup_.name;
  MetricsRegistry& m = MetricsRegistry::global();
  const MetricLabels q{{"query", metric_query_}};
  metrics_.input_rows =
      &m.counter("lakestream_input_rows_total", "Events read from the source and decoded", q);
  metrics_.output_rows =
      &m.counter("lakestream_output_rows_total", "Rows committed to the sink table", q);
  metrics_.dead_letter_rows = &m.counter("lakestream_dead_letter_rows_total",
                                         "Records committed to the dead-letter table", q);
  metrics_.batches = &m.counter("lakestream_batches_total", "Micro-batches committed", q);
  metrics_.batch_duration = &m.histogram("lakestream_batch_duration_seconds",
                                         "Trigger to commit of each micro-batch (triggerExecution)",
                                         duration_buckets_seconds(), q);
  metrics_.event_latency = &m.histogram(
      "lakestream_event_latency_seconds",
      "Per event, from its enqueued time at the source to the commit that made it visible",
      duration_buckets_seconds(), q);
  const std::string& table = setup_.plan_info.sink_path;
  if (!table.empty()) {
    const MetricLabels qt{{"query", metric_query_}, {"table", table}};
    metrics_.files_written =
        &m.counter("lakestream_delta_files_written_total",
                   "Parquet data files committed to Delta tables (dead letters included)", qt);
    metrics_.bytes_written = &m.counter("lakestream_delta_bytes_written_total",
                                        "Bytes of the data files committed to Delta tables", qt);
    metrics_.table_version = &m.gauge("lakestream_delta_table_version",
                                      "Latest version of the Delta table", {{"table", table}});
    if (status_.table_version) {
      metrics_.table_version->set(static_cast<double>(*status_.table_version));
    }
  }
}

void QueryRunner::note_source_state(int64_t trigger_ms, const std::map<int32_t, int64_t>& latest,
                                    const std::map<int32_t, int64_t>& positions) {
  std::string problem = source_->problem();
  std::lock_guard lock(mu_);
  status_.last_trigger_ms = trigger_ms;
  status_.source_problem = problem;
  // A partition nothing was committed for yet in this run is as far as the table says: the
  // source starts it there.
  for (const auto& [p, o] : positions) committed_next_.try_emplace(p, o);
  for (auto it = committed_next_.begin(); it != committed_next_.end();) {
    if (!positions.count(it->first)) {
      it = committed_next_.erase(it);  // revoked
    } else {
      ++it;
    }
  }
  std::map<int32_t, int64_t> lag;
  for (const auto& [p, next] : committed_next_) {
    auto l = latest.find(p);
    if (l != latest.end()) lag[p] = std::max<int64_t>(0, l->second - next);
  }
  status_.lag = lag;
  MetricsRegistry& m = MetricsRegistry::global();
  for (auto it = metrics_.lag.begin(); it != metrics_.lag.end();) {
    if (!lag.count(it->first)) {
      m.remove(
          "lakestream_source_lag_events",
          {{"query", metric_query_}, {"topic", topic_}, {"partition", std::to_string(it->first)}});
      it = metrics_.lag.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [p, v] : lag) set_lag_locked(p, v);
}

void QueryRunner::set_lag_locked(int32_t partition, int64_t lag) {
  status_.lag[partition] = lag;
  Gauge*& g = metrics_.lag[partition];
  if (g == nullptr) {
    g = &MetricsRegistry::global().gauge(
        "lakestream_source_lag_events",
        "Events in the source partition not yet committed to the sink",
        {{"query", metric_query_}, {"topic", topic_}, {"partition", std::to_string(partition)}});
  }
  g->set(static_cast<double>(lag));
}

void QueryRunner::record_latency(const std::vector<int64_t>& enqueued_ms, SinkProgress* sink) {
  if (enqueued_ms.empty()) return;
  const int64_t now = wall_clock_ms();
  Histogram& h = *metrics_.event_latency;
  std::vector<int64_t> buckets(h.upper_bounds().size() + 1, 0);
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = 0;
  double sum_ms = 0;
  for (int64_t e : enqueued_ms) {
    const int64_t ms = std::max<int64_t>(0, now - e);
    lo = std::min(lo, ms);
    hi = std::max(hi, ms);
    sum_ms += static_cast<double>(ms);
    ++buckets[h.bucket_of(static_cast<double>(ms) / 1000.0)];
  }
  h.merge(buckets, sum_ms / 1000.0);
  sink->metrics["minEventLatencyMs"] = std::to_string(lo);
  sink->metrics["avgEventLatencyMs"] =
      std::to_string(static_cast<int64_t>(sum_ms / static_cast<double>(enqueued_ms.size())));
  sink->metrics["maxEventLatencyMs"] = std::to_string(hi);
}

Result<std::optional<int64_t>> QueryRunner::start_offset(const std::string& topic,
                                                         int32_t partition) {
  return setup_.sink->start_offset(topic, partition);
}

void QueryRunner::on_revoked(const std::string&, const std::vector<int32_t>&) {
  // Nothing to do: a batch holding a revoked partition is dropped by the sink's pre-commit
  // check if the new owner commits first, and the new owner starts where the table says.
}

void QueryRunner::fail(Status status) {
  std::lock_guard lock(mu_);
  if (error_.ok()) error_ = std::move(status);
  stopping_ = true;
}

bool QueryRunner::push(Item item) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopping_ || items_.size() < kMaxPolledAhead; });
  if (stopping_) return false;
  if (item.kind == Item::Kind::kDone) done_generation_ = item.generation;
  items_.push_back(std::move(item));
  cv_.notify_all();
  return true;
}

void QueryRunner::poll_loop() {
  const StreamPlan& plan = *setup_.plan;
  const Trigger& trigger = setup_.spec.trigger;
  const bool available_now = trigger.kind() == Trigger::Kind::kAvailableNow;
  auto push_error = [&](Status s) {
    Item e;
    e.kind = Item::Kind::kError;
    e.error = std::move(s);
    std::lock_guard lock(mu_);
    items_.push_back(std::move(e));
    cv_.notify_all();
  };
  auto apply_pending = [&](std::map<int32_t, int64_t> seeks, std::map<int32_t, int64_t> commit) {
    if (!commit.empty() && setup_.commit_source_offsets) {
      // Asynchronous: a synchronous commit costs a broker round trip on every trigger. The
      // last batch's offsets are committed synchronously before leaving the group.
      Status s = source_->commit_async(commit);
      // Group offsets serve lag tools only; a failed commit (e.g. during a rebalance) is logged.
      if (!s.ok()) log_warn("stream", "committing offsets to the source: {}", s.to_string());
    }
    for (const auto& [p, o] : seeks) {
      Status s = source_->seek(p, o);
      if (!s.ok()) return s;
    }
    return Status::OK();
  };

  Status started = source_->start(this, SourceStart{.available_now = available_now});
  if (!started.ok()) {
    push_error(started.with_context("starting " + source_description_));
    source_->close();
    return;
  }
  PollLimits limits;
  limits.max_events = plan.max_events_per_trigger;
  if (available_now) {
    auto latest = source_->latest_offsets();
    if (!latest.ok()) {
      push_error(latest.status().with_context(source_description_));
      source_->close();
      return;
    }
    limits.end_offsets = *latest;
    note_end_offsets(limits.end_offsets);
  }
  bool have_end = !limits.end_offsets.empty();
  const int64_t interval =
      trigger.kind() == Trigger::Kind::kProcessingTime ? trigger.interval_ms() : 0;
  const auto timeout =
      std::chrono::milliseconds(interval > 0 ? std::clamp<int64_t>(interval, 50, 500) : 100);
  auto next_trigger = Clock::now();
  int empty_polls = 0;
  std::map<int32_t, int64_t> last_latest = limits.end_offsets;
  bool latest_warned = false;
  while (true) {
    std::map<int32_t, int64_t> seeks, commit;
    std::vector<std::shared_ptr<const void>> released;
    uint64_t generation = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] {
        return stopping_ || (items_.size() < kMaxPolledAhead && done_generation_ != generation_);
      });
      if (stopping_) break;
      seeks.swap(pending_seeks_);
      commit.swap(pending_commit_);
      released.swap(released_);
      generation = generation_;
      if (!seeks.empty()) done_generation_.reset();
    }
    released.clear();  // the written batches' messages, outside the lock
    Status applied = apply_pending(std::move(seeks), std::move(commit));
    if (!applied.ok()) {
      push_error(applied.with_context(source_description_));
      break;
    }
    if (available_now && !have_end) {
      // A group consumer is assigned its partitions during its first polls, not in start():
      // capture the end offsets as soon as there are partitions to capture them for.
      auto latest = source_->latest_offsets();
      if (!latest.ok()) {
        push_error(latest.status().with_context(source_description_));
        break;
      }
      limits.end_offsets = *latest;
      note_end_offsets(limits.end_offsets);
      have_end = !limits.end_offsets.empty();
    }
    if (available_now && have_end && drained(limits.end_offsets, source_->positions())) {
      Item done;
      done.kind = Item::Kind::kDone;
      done.generation = generation;
      if (!push(std::move(done))) break;
      continue;
    }
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_until(lock, next_trigger, [&] { return stopping_; })) break;
    }
    Item item;
    item.generation = generation;
    item.trigger_start = Clock::now();
    item.trigger_ms = wall_clock_ms();
    // The latest offsets only feed the progress record: take what the source knows without a
    // round trip (asking the broker costs ~1 s a trigger on the mock hub), and never let a
    // broker that is briefly unreachable end the query (the poll below waits for it).
    auto latest = source_->cached_latest_offsets();
    if (latest.ok()) {
      for (const auto& [p, v] : *latest) last_latest[p] = v;
    } else if (!latest_warned) {
      log_warn("stream", "{}: latest offsets unavailable, keeping the last known: {}",
               source_description_, latest.status().to_string());
      latest_warned = true;
    }
    if (latest.ok()) latest_warned = false;
    item.latest = last_latest;
    item.latest_offset_ms = ms_since(item.trigger_start);
    item.positions = source_->positions();
    const auto poll_start = Clock::now();
    auto raw = source_->poll_batch(limits, timeout);
    if (!raw.ok()) {
      push_error(raw.status().with_context("polling " + source_description_));
      break;
    }
    item.get_batch_ms = ms_since(poll_start);
    note_source_state(item.trigger_ms, last_latest, source_->positions());
    next_trigger =
        interval > 0 ? item.trigger_start + std::chrono::milliseconds(interval) : Clock::now();
    if (raw->empty()) {
      if (available_now && ++empty_polls >= (have_end ? kMaxEmptyPollsAvailableNow
                                                      : kMaxEmptyPollsBeforeAssignment)) {
        Item done;
        done.kind = Item::Kind::kDone;
        done.generation = generation;
        if (!push(std::move(done))) break;
      }
      continue;
    }
    empty_polls = 0;
    item.raw = std::move(*raw);
    if (!push(std::move(item))) break;
  }
  // The last batch's offsets still go to the consumer group before leaving it, once the
  // committer has finished: a Delta commit in flight when the query stopped adds its offsets
  // to pending_commit_ when it lands (stream_resilience.sigterm_under_load saw the group one
  // batch behind the table when the poller committed first).
  std::map<int32_t, int64_t> commit;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return committer_done_; });
    commit.swap(pending_commit_);
  }
  if (!commit.empty() && setup_.commit_source_offsets) (void)source_->commit(commit);
  source_->close();
}

void QueryRunner::run_loop() {
  poller_ = std::thread([this] { poll_loop(); });
  committer_ = std::thread([this] { commit_loop(); });
  while (true) {
    Item item;
    int64_t batch_id = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !items_.empty(); });
      // Stopping never starts a new batch: what is queued has written nothing yet.
      if (stopping_) break;
      item = std::move(items_.front());
      items_.pop_front();
      cv_.notify_all();
      if (item.kind != Item::Kind::kError && item.generation != generation_) continue;
      if (item.kind == Item::Kind::kBatch) batch_id = next_batch_id_++;
    }
    if (item.kind == Item::Kind::kError) {
      fail(item.error);
      break;
    }
    if (item.kind == Item::Kind::kDone) {
      // The committer ends the query once everything before it is committed, unless a dropped
      // batch makes this marker stale (then the poller goes on).
      Written done;
      done.item = std::move(item);
      push_written(std::move(done));
      continue;
    }
    auto written = write_batch(std::move(item), batch_id);
    if (!written.ok()) {
      fail(written.status());
      break;
    }
    push_written(std::move(written).value());
  }
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  committer_.join();
  poller_.join();
  {
    std::lock_guard lock(mu_);
    terminated_ = true;
    status_.end_ms = wall_clock_ms();
  }
  cv_.notify_all();
}

void QueryRunner::push_written(Written w) {
  std::unique_lock lock(mu_);
  // One batch commits while the next is written; the one after that waits here, so at most
  // two written batches exist at a time.
  cv_.wait(lock, [&] { return stopping_ || (written_.empty() && !committing_); });
  if (stopping_) {
    lock.unlock();
    if (w.sink_batch) w.sink_batch->abort();
    return;
  }
  written_.push_back(std::move(w));
  cv_.notify_all();
}

void QueryRunner::commit_loop() {
  struct Done {
    QueryRunner* self;
    ~Done() {
      {
        std::lock_guard lock(self->mu_);
        self->committer_done_ = true;
      }
      self->cv_.notify_all();
    }
  } done{this};
  while (true) {
    Written w;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !written_.empty(); });
      if (stopping_) break;
      w = std::move(written_.front());
      written_.pop_front();
      if (w.item.generation != generation_) {
        // Written before a batch was dropped: it continues from offsets the table disowns.
        cv_.notify_all();
        lock.unlock();
        if (w.sink_batch) w.sink_batch->abort();
        continue;
      }
      if (w.item.kind == Item::Kind::kDone) {
        // Everything before the marker is committed. An available-now query ends only when
        // the table holds every partition up to its end: a batch thrown away after a lost
        // commit race may have left one short while the source had read past it.
        lock.unlock();
        std::map<int32_t, int64_t> short_of_end = partitions_short_of_end();
        lock.lock();
        if (short_of_end.empty()) {
          stopping_ = true;
          cv_.notify_all();
          break;
        }
        for (const auto& [p, next] : short_of_end) pending_seeks_[p] = next;
        ++generation_;
        done_generation_.reset();
        cv_.notify_all();
        continue;
      }
      committing_ = true;
      cv_.notify_all();
    }
    Status s = commit_batch(w);
    {
      std::lock_guard lock(mu_);
      committing_ = false;
    }
    cv_.notify_all();
    if (!s.ok()) {
      fail(s);
      break;
    }
  }
  std::deque<Written> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(written_);
  }
  cv_.notify_all();
  for (Written& w : left) {
    if (w.sink_batch) w.sink_batch->abort();
  }
}

namespace {

/// Whether nothing but `column`'s own holder refers to it or to any of its children.
bool only_holder(const ColumnPtr& column) {
  if (column.use_count() != 1) return false;
  for (const ColumnPtr& child : column->children()) {
    if (!only_holder(child)) return false;
  }
  return true;
}

}  // namespace

RecordBatch QueryRunner::decode_target(int chunk) {
  // The chunk's previous batch, emptied, when the sink and the transforms kept none of its
  // columns (the Delta sink encodes rows as they come): its buffers keep their capacity, so the
  // next batch decodes into memory that is already faulted in.
  RecordBatch& scratch = decode_scratch_[static_cast<size_t>(chunk)];
  bool reusable = scratch.num_columns() > 0;
  for (const ColumnPtr& c : scratch.columns()) reusable = reusable && only_holder(c);
  if (reusable) {
    for (size_t c = 0; c < scratch.num_columns(); ++c) scratch.mutable_column(c).truncate(0);
  } else {
    scratch = RecordBatch::make_empty(decoders_[static_cast<size_t>(chunk)].output_schema());
  }
  return scratch;  // shares the columns
}

Status QueryRunner::process_chunk(int chunk, const RawBatch& raw, size_t begin, size_t end,
                                  SinkBatch& sink_batch, std::vector<DeadLetter>* dead_letters) {
  const StreamPlan& plan = *setup_.plan;
  RecordBatch batch;
  const auto& events = raw.events();
  // The event of each row the decoder kept, in order, to dead-letter rows the table's
  // constraints refuse.
  std::vector<size_t> row_events;
  if (plan.parse) {
    const std::span<const RawEvent> chunk_events(events.data() + begin, end - begin);
    batch = decode_target(chunk);
    std::vector<RejectedRecord> rejects;
    LS_RETURN_NOT_OK(decoders_[static_cast<size_t>(chunk)].decode_events(chunk_events, raw.topic(),
                                                                         &batch, &rejects));
    // A rejected event has no row: every kept row gets its event's enqueued time and is
    // remembered by its event (to dead-letter rows the table's constraints refuse), every
    // reject (named by its index in the chunk) its own.
    const bool with_enqueued = !plan.parse->enqueued_time_column.empty();
    ColumnPtr enqueued;
    if (with_enqueued) {
      enqueued = Column::make(DataType::timestamp());
      enqueued->reserve(batch.num_rows());
    }
    row_events.reserve(static_cast<size_t>(batch.num_rows()));
    size_t r = 0;
    for (size_t i = 0; i < chunk_events.size(); ++i) {
      if (r < rejects.size() && rejects[r].event_index == static_cast<int64_t>(i)) {
        ++r;
        continue;
      }
      if (with_enqueued) enqueued->append<int64_t>(chunk_events[i].enqueued_time_ms * 1000);
      row_events.push_back(begin + i);
    }
    if (with_enqueued) {
      batch = batch.with_column(
          Field{plan.parse->enqueued_time_column, DataType::timestamp(), true, "{}"}, enqueued);
    }
    for (RejectedRecord& reject : rejects) {
      const int64_t enqueued_ms =
          chunk_events[static_cast<size_t>(reject.event_index)].enqueued_time_ms;
      dead_letters->push_back(DeadLetter{std::move(reject), enqueued_ms});
    }
  } else {
    batch = raw_to_batch(plan.raw_layout, raw, begin, end);
    for (size_t i = begin; i < end; ++i) row_events.push_back(i);
  }
  for (const BatchTransform& t : plan.transforms) {
    auto next = t.apply(batch);
    if (!next.ok()) return next.status().with_context(t.name);
    batch = std::move(next).value();
  }
  std::vector<RowViolation> violations;
  LS_RETURN_NOT_OK(sink_batch.write(chunk, batch, &violations));
  if (violations.empty()) return Status::OK();
  const bool fail_fast = plan.parse && plan.parse->options.mode == DecodeMode::kFailFast;
  // Rows map back to their events only while the transforms keep one row per event.
  if (fail_fast || static_cast<size_t>(batch.num_rows()) != row_events.size()) {
    const RowViolation& v = violations.front();
    return Status::InvalidArgument(
        v.reason + (fail_fast ? std::string(" (fail-fast)")
                              : std::string(" (the query's transforms change its rows, so the "
                                            "event cannot be dead-lettered)")));
  }
  for (RowViolation& v : violations) {
    const RawEvent& e = events[row_events[static_cast<size_t>(v.row)]];
    RejectedRecord r;
    r.reason = std::move(v.reason);
    r.field = std::move(v.column);
    r.position.source = raw.topic();
    r.position.partition = e.partition;
    r.position.offset = e.offset;
    r.raw = std::string(e.body);
    dead_letters->push_back(DeadLetter{std::move(r), e.enqueued_time_ms});
  }
  return Status::OK();
}

Result<QueryRunner::Written> QueryRunner::write_batch(Item item, int64_t batch_id) {
  Written w;
  w.batch_id = batch_id;
  w.item = std::move(item);
  RawBatch& raw = w.item.raw;
  const size_t n = raw.size();
  w.num_input_rows = static_cast<int64_t>(n);
  const int chunks = (setup_.sink->max_chunks() > 1 && n >= 2 * kParallelChunkMinEvents) ? 2 : 1;
  LS_ASSIGN_OR_RAISE(w.sink_batch, setup_.sink->begin_batch(batch_id, chunks));
  const auto add_start = Clock::now();
  std::vector<std::vector<DeadLetter>> dead(static_cast<size_t>(chunks));
  std::vector<Status> status(static_cast<size_t>(chunks));
  auto work = [&](int c) {
    const size_t b = n * static_cast<size_t>(c) / static_cast<size_t>(chunks);
    const size_t e = n * static_cast<size_t>(c + 1) / static_cast<size_t>(chunks);
    Status s = process_chunk(c, raw, b, e, *w.sink_batch, &dead[static_cast<size_t>(c)]);
    // Two chunks close their files here, in parallel; a single chunk leaves that to the
    // committer, which otherwise mostly waits on fsync while this thread decodes the next batch.
    if (s.ok() && chunks > 1) s = w.sink_batch->finish_chunk(c);
    status[static_cast<size_t>(c)] = std::move(s);
  };
  if (chunks == 2) {
    std::thread second(work, 1);
    work(0);
    second.join();
  } else {
    work(0);
  }
  for (const Status& s : status) {
    if (!s.ok()) {
      w.sink_batch->abort();
      return s.with_context("batch " + std::to_string(batch_id));
    }
  }
  w.add_ms = ms_since(add_start);
  w.enqueued_ms.reserve(n);
  for (const RawEvent& e : raw.events()) {
    if (e.enqueued_time_ms > 0) w.enqueued_ms.push_back(e.enqueued_time_ms);
  }
  w.dead_letters = std::move(dead[0]);
  for (size_t c = 1; c < dead.size(); ++c) {
    for (auto& d : dead[c]) w.dead_letters.push_back(std::move(d));
  }
  // The rows are in the batch's files and the rejects copied: the commit needs only the
  // offset ranges, so the broker's messages go back now, freed on the polling thread.
  {
    auto owners = raw.take_owners();
    std::lock_guard lock(mu_);
    for (auto& o : owners) released_.push_back(std::move(o));
  }
  raw.release_events();
  return w;
}

Status QueryRunner::commit_batch(Written& w) {
  Item& item = w.item;
  RawBatch& raw = item.raw;
  const int64_t batch_id = w.batch_id;
  const int64_t n = w.num_input_rows;
  const auto wal_start = Clock::now();
  auto outcome =
      w.sink_batch->commit(raw, std::move(w.dead_letters), setup_.spec.test_hook, batch_id);
  if (!outcome.ok()) return outcome.status().with_context("batch " + std::to_string(batch_id));
  const int64_t wal_ms = ms_since(wal_start);
  if (!outcome->committed) {
    log_warn("stream", "batch {} dropped ({}); continuing where the table says", batch_id,
             outcome->why);
    std::deque<Written> stale;
    {
      std::lock_guard lock(mu_);
      ++generation_;
      for (const auto& [p, o] : outcome->reseek) pending_seeks_[p] = o;
      items_.clear();
      stale.swap(written_);
      done_generation_.reset();
      next_batch_id_ = batch_id;  // the batch's id is used again by what replaces it
    }
    cv_.notify_all();
    for (Written& s : stale) {
      if (s.sink_batch) s.sink_batch->abort();
    }
    return Status::OK();
  }

  const auto offsets_start = Clock::now();
  SourceProgress src;
  src.description = source_description_;
  src.topic = raw.topic();
  src.latest_offset = item.latest;
  src.start_offset = item.positions;
  for (const auto& [p, range] : raw.ranges()) src.start_offset[p] = range.first_offset;
  src.end_offset = src.start_offset;
  for (const auto& [p, range] : raw.ranges()) src.end_offset[p] = range.last_offset + 1;
  {
    std::lock_guard lock(mu_);
    for (const auto& [p, range] : raw.ranges()) {
      pending_commit_[p] = range.last_offset + 1;
      committed_next_[p] = range.last_offset + 1;
      auto l = item.latest.find(p);
      if (l != item.latest.end()) {
        set_lag_locked(p, std::max<int64_t>(0, l->second - range.last_offset - 1));
      }
    }
  }
  cv_.notify_all();

  QueryProgress progress;
  progress.id = setup_.query_id;
  progress.run_id = run_id_;
  progress.name = setup_.name;
  progress.timestamp_ms = item.trigger_ms;
  progress.batch_id = batch_id;
  progress.num_input_rows = n;
  progress.duration_ms["latestOffset"] = item.latest_offset_ms;
  progress.duration_ms["getBatch"] = item.get_batch_ms;
  progress.duration_ms["addBatch"] = w.add_ms;
  progress.duration_ms["walCommit"] = wal_ms;
  progress.sink.description = setup_.sink->description();
  progress.sink.num_output_rows = outcome->num_output_rows;
  progress.sink.num_dead_letter_rows = outcome->num_dead_letter_rows;
  progress.duration_ms["commitOffsets"] = ms_since(offsets_start);
  const int64_t total_ms = ms_since(item.trigger_start);
  progress.duration_ms["triggerExecution"] = total_ms;
  const double n_rows = static_cast<double>(n);
  progress.processed_rows_per_second = total_ms > 0 ? n_rows * 1000.0 / total_ms : n_rows * 1000.0;
  if (previous_trigger_) {
    const auto since =
        std::chrono::duration<double>(item.trigger_start - *previous_trigger_).count();
    progress.input_rows_per_second = since > 0 ? n_rows / since : 0;
  }
  previous_trigger_ = item.trigger_start;
  if (!src.latest_offset.empty() && !src.end_offset.empty()) {
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = 0, sum = 0, count = 0;
    for (const auto& [p, end] : src.end_offset) {
      auto l = src.latest_offset.find(p);
      if (l == src.latest_offset.end()) continue;
      const int64_t behind = std::max<int64_t>(0, l->second - end);
      lo = std::min(lo, behind);
      hi = std::max(hi, behind);
      sum += behind;
      ++count;
    }
    if (count > 0) {
      src.metrics["avgOffsetsBehindLatest"] =
          std::to_string(static_cast<double>(sum) / static_cast<double>(count));
      src.metrics["maxOffsetsBehindLatest"] = std::to_string(hi);
      src.metrics["minOffsetsBehindLatest"] = std::to_string(lo);
    }
  }
  if (outcome->table_version) {
    progress.sink.metrics["numFilesWritten"] = std::to_string(outcome->num_files_written);
    progress.sink.metrics["numBytesWritten"] = std::to_string(outcome->num_bytes_written);
    progress.sink.metrics["tableVersion"] = std::to_string(*outcome->table_version);
  }
  record_latency(w.enqueued_ms, &progress.sink);
  src.num_input_rows = progress.num_input_rows;
  src.input_rows_per_second = progress.input_rows_per_second;
  src.processed_rows_per_second = progress.processed_rows_per_second;
  progress.sources.push_back(std::move(src));
  if ((batch_id + 1) % kReleaseEveryBatches == 0) release_free_memory();
  std::string progress_json = progress.to_json();
  if (setup_.checkpoint) {
    LS_RETURN_NOT_OK(
        setup_.checkpoint->record(progress, progress_json).with_context("checkpoint progress"));
  }

  if (setup_.log_progress) log_raw_line(progress_json);
  if (setup_.spec.on_progress) setup_.spec.on_progress(progress);
  metrics_.input_rows->inc(n);
  metrics_.output_rows->inc(outcome->num_output_rows);
  metrics_.dead_letter_rows->inc(outcome->num_dead_letter_rows);
  metrics_.batches->inc();
  metrics_.batch_duration->observe(static_cast<double>(total_ms) / 1000.0);
  if (metrics_.files_written != nullptr) {
    metrics_.files_written->inc(outcome->num_files_written);
    metrics_.bytes_written->inc(outcome->num_bytes_written);
    if (outcome->table_version) {
      metrics_.table_version->set(static_cast<double>(*outcome->table_version));
    }
  }
  {
    std::lock_guard lock(mu_);
    progress_.push_back(progress);
    progress_json_.push_back(std::make_shared<const std::string>(std::move(progress_json)));
    const int64_t keep = std::max<int64_t>(1, setup_.retained_progress);
    while (static_cast<int64_t>(progress_.size()) > keep) progress_.pop_front();
    while (static_cast<int64_t>(progress_json_.size()) > keep) progress_json_.pop_front();
    // Spark's averages over the retained records, kept here so a reader of the snapshot never
    // copies the records (the UI asks several times a second).
    double input_rate = 0, processed_rate = 0;
    for (const QueryProgress& p : progress_) {
      input_rate += p.input_rows_per_second;
      processed_rate += p.processed_rows_per_second;
    }
    status_.avg_input_rows_per_second = input_rate / static_cast<double>(progress_.size());
    status_.avg_processed_rows_per_second = processed_rate / static_cast<double>(progress_.size());
    status_.last_progress_json = progress_json_.back();
    ++status_.completed_batches;
    status_.input_rows += n;
    status_.output_rows += outcome->num_output_rows;
    status_.dead_letter_rows += outcome->num_dead_letter_rows;
    status_.latest_batch_id = batch_id;
    if (outcome->table_version) status_.table_version = outcome->table_version;
  }
  return Status::OK();
}

}  // namespace lakestream::stream_internal
