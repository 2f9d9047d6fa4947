#pragma once
// common/coalescing_worker: one background thread that runs the newest job it was given.
//
// submit() replaces a job that has not started yet, so a burst of submissions costs one run
// after the one in progress (a Delta table's due checkpoints: only the newest matters; a
// Kafka source's fetch nudges: one request wakes the broker). The thread starts at the first
// submit(). wait() blocks until nothing runs or waits and returns the last run's Status.
// Destruction finishes the running job, and the pending one too when asked to.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "lakestream/common/status.h"

namespace lakestream {

template <typename Job>
class CoalescingWorker {
 public:
  enum class OnStop { kFinishPending, kDropPending };

  CoalescingWorker(std::function<Status(Job)> run, OnStop on_stop)
      : run_(std::move(run)), on_stop_(on_stop) {}
  ~CoalescingWorker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  CoalescingWorker(const CoalescingWorker&) = delete;
  CoalescingWorker& operator=(const CoalescingWorker&) = delete;

  void submit(Job job) {
    {
      std::lock_guard lock(mu_);
      pending_ = std::move(job);
      if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    }
    wake_.notify_all();
  }

  /// Wait until no job runs or waits; the last run's Status.
  Status wait() {
    std::unique_lock lock(mu_);
    idle_.wait(lock, [&] { return !pending_ && !running_; });
    return last_;
  }

  /// The last run's Status (OK before any).
  Status last() const {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [&] { return pending_ || stop_; });
      if (stop_ && (!pending_ || on_stop_ == OnStop::kDropPending)) {
        pending_.reset();
        idle_.notify_all();
        return;
      }
      Job job = std::move(*pending_);
      pending_.reset();
      running_ = true;
      lock.unlock();
      Status st = run_(std::move(job));
      lock.lock();
      running_ = false;
      last_ = std::move(st);
      idle_.notify_all();
    }
  }

  const std::function<Status(Job)> run_;
  const OnStop on_stop_;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // pending_ or stop_ set
  std::condition_variable idle_;  // a run ended
  std::optional<Job> pending_;
  bool running_ = false;
  bool stop_ = false;
  Status last_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace lakestream
