#include "stream/auto_compactor.h"

#include <algorithm>

#include "common/log_fmt.h"
#include "lakestream/common/memory.h"
#include "lakestream/common/strings.h"
#include "lakestream/delta/snapshot.h"

namespace lakestream::stream_internal {

Result<std::unique_ptr<AutoCompactor>> AutoCompactor::make(std::shared_ptr<FileSystem> fs,
                                                           std::string table_path,
                                                           AutoCompactSettings settings,
                                                           ParquetWriterOptions parquet) {
  if (!settings.enabled) return std::unique_ptr<AutoCompactor>();
  auto snapshot = Snapshot::load(fs, table_path);
  if (!snapshot.ok() && snapshot.status().code() != StatusCode::kNotFound) {
    return snapshot.status();
  }
  int64_t target = kDefaultTargetFileBytes;  // a table the stream creates has no properties
  if (snapshot.ok()) {
    const auto& conf = snapshot->metadata().configuration;
    if (auto it = conf.find("delta.autoOptimize.autoCompact"); it != conf.end()) {
      // Databricks also takes "auto" and "legacy" for on.
      if (parse_bool_text(it->second) == false) return std::unique_ptr<AutoCompactor>();
    }
    LS_ASSIGN_OR_RAISE(target, table_target_file_bytes(snapshot->metadata()));
  }
  auto c = std::unique_ptr<AutoCompactor>(
      new AutoCompactor(std::move(fs), std::move(table_path), settings, std::move(parquet)));
  c->min_file_bytes_ = target / 4;
  if (snapshot.ok()) c->small_files_ = c->count_small_files(*snapshot);
  c->thread_ = std::thread([raw = c.get()] { raw->run(); });
  return c;
}

AutoCompactor::AutoCompactor(std::shared_ptr<FileSystem> fs, std::string table_path,
                             AutoCompactSettings settings, ParquetWriterOptions parquet)
    : fs_(std::move(fs)),
      table_path_(std::move(table_path)),
      settings_(settings),
      parquet_(std::move(parquet)) {}

AutoCompactor::~AutoCompactor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AutoCompactor::committed(const std::vector<AddFile>& adds) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    for (const AddFile& a : adds) {
      if (a.size >= min_file_bytes_) continue;
      PartitionValues key = partition_key(a.partition_values);
      const int64_t n = ++small_files_[key];
      if (n >= settings_.min_num_files && queued_.insert(key).second) wake = true;
    }
  }
  if (wake) cv_.notify_all();
}

int64_t AutoCompactor::compactions() const {
  std::lock_guard lock(mu_);
  return compactions_;
}

int64_t AutoCompactor::files_compacted() const {
  std::lock_guard lock(mu_);
  return files_compacted_;
}

void AutoCompactor::wait_idle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (queued_.empty() && !running_) || stopping_; });
}

std::map<PartitionValues, int64_t> AutoCompactor::count_small_files(
    const Snapshot& snapshot) const {
  std::map<PartitionValues, int64_t> counts;
  for (const LiveFile& f : snapshot.files()) {
    if (f.add.size < min_file_bytes_) counts[partition_key(f.add.partition_values)]++;
  }
  return counts;
}

Status AutoCompactor::recount() {
  LS_ASSIGN_OR_RAISE(Snapshot snapshot, Snapshot::load(fs_, table_path_));
  std::map<PartitionValues, int64_t> counts = count_small_files(snapshot);
  std::lock_guard lock(mu_);
  small_files_ = std::move(counts);
  return Status::OK();
}

void AutoCompactor::run() {
  while (true) {
    OptimizeOptions options;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
      if (stopping_) return;
      options.partitions.assign(queued_.begin(), queued_.end());
      queued_.clear();
      running_ = true;
    }
    options.automatic = true;
    options.parquet = parquet_;
    Result<OptimizeResult> r = OptimizeResult{};
    if (!refused_) r = optimize_table(fs_, table_path_, options);
    if (!r.ok() && r.status().code() == StatusCode::kNotImplemented) {
      // A table OPTIMIZE does not rewrite (column mapping, ...): say so once, then stop trying.
      refused_ = true;
      log_warn("stream", "auto-compaction of {} is off: {}", fs_->describe(table_path_),
               r.status().to_string());
      r = OptimizeResult{};
    }
    if (r.ok() && r->version) {
      log_info("stream",
               "auto-compaction of {}: {} small files in {} partitions rewritten into {} "
               "(version {})",
               fs_->describe(table_path_), r->files_removed, r->partitions_optimized,
               r->files_added, *r->version);
    } else if (!r.ok()) {
      // Another instance compacting the same files, a storage fault: the stream goes on, and
      // the partition is queued again when more small files arrive.
      log_warn("stream", "auto-compaction of {}: {}", fs_->describe(table_path_),
               r.status().to_string());
    }
    Status counted = recount();
    // The rewrite's buffers were freed on this thread's heap arena: give the pages back, as
    // the pipeline does every few batches, so compaction does not raise the job's footprint.
    release_free_memory();
    if (!counted.ok()) {
      log_warn("stream", "auto-compaction: re-reading {}: {}", fs_->describe(table_path_),
               counted.to_string());
    }
    {
      std::lock_guard lock(mu_);
      // Partitions queued again while this run counted files it has just compacted.
      for (auto it = queued_.begin(); it != queued_.end();) {
        auto count = small_files_.find(*it);
        if (count == small_files_.end() || count->second < settings_.min_num_files) {
          it = queued_.erase(it);
        } else {
          ++it;
        }
      }
      running_ = false;
      if (r.ok() && r->version) {
        ++compactions_;
        files_compacted_ += r->files_removed;
      }
    }
    cv_.notify_all();
  }
}

}  // namespace lakestream::stream_internal
