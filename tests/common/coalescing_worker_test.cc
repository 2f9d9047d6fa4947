// CoalescingWorker: the newest pending job replaces older ones; wait() and destruction.
#include "lakestream/common/coalescing_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace lakestream {
namespace {

TEST(CoalescingWorkerTest, JobsSubmittedDuringARunCoalesceToTheNewest) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> first_started;
  std::vector<int> ran;  // written by the worker, read after wait()
  CoalescingWorker<int> worker(
      [&](int job) {
        if (job == 1) {
          first_started.set_value();
          gate.wait();
        }
        ran.push_back(job);
        return job == 4 ? Status::IOError("job 4 failed") : Status::OK();
      },
      CoalescingWorker<int>::OnStop::kFinishPending);
  worker.submit(1);
  first_started.get_future().wait();
  worker.submit(2);
  worker.submit(3);
  worker.submit(4);  // 2 and 3 never run
  release.set_value();
  Status last = worker.wait();
  EXPECT_EQ(ran, (std::vector<int>{1, 4}));
  EXPECT_EQ(last.code(), StatusCode::kIOError);
  EXPECT_EQ(worker.last().message(), "job 4 failed");
}

TEST(CoalescingWorkerTest, DestructionFinishesThePendingJobWhenAskedTo) {
  std::atomic<int> runs{0};
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> first_started;
  std::thread opener;
  {
    CoalescingWorker<int> worker(
        [&](int job) {
          if (job == 1) {
            first_started.set_value();
            gate.wait();
          }
          ++runs;
          return Status::OK();
        },
        CoalescingWorker<int>::OnStop::kFinishPending);
    worker.submit(1);
    first_started.get_future().wait();
    worker.submit(2);  // still pending when the destructor starts
    opener = std::thread([&] { release.set_value(); });
  }  // waits for job 1, then runs job 2
  opener.join();
  EXPECT_EQ(runs.load(), 2);
}

TEST(CoalescingWorkerTest, WaitWithNothingSubmittedReturnsOk) {
  CoalescingWorker<int> worker([](int) { return Status::OK(); },
                               CoalescingWorker<int>::OnStop::kDropPending);
  EXPECT_TRUE(worker.wait().ok());
}

}  // namespace
}  // namespace lakestream
