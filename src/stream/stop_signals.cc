#include "lakestream/stream/stop_signals.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log_fmt.h"

namespace lakestream {

namespace {

std::atomic<bool> g_signalled{false};
std::atomic<double> g_stop_timeout_seconds{20.0};
int g_pipe[2] = {-1, -1};
std::mutex g_mu;
std::vector<StreamingQuery>* g_queries = nullptr;

extern "C" void on_stop_signal(int) {
  g_signalled.store(true);
  // Only async-signal-safe work here: wake the watcher thread.
  const char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(g_pipe[1], &byte, 1);
}

void watch() {
  char byte = 0;
  while (::read(g_pipe[0], &byte, 1) < 0) {
  }
  std::vector<StreamingQuery> queries;
  {
    std::lock_guard lock(g_mu);
    queries = *g_queries;
  }
  // The stop is bounded: a batch whose commit hangs (storage unreachable) must not hold the
  // process past its orchestrator's grace period. Past the timeout the process exits without
  // finishing; what that batch wrote is unreferenced by the log (VACUUM deletes it), and the
  // next start continues from the table.
  const double limit = g_stop_timeout_seconds.load();
  if (limit > 0) {
    std::thread([limit] {
      std::this_thread::sleep_for(std::chrono::duration<double>(limit));
      log_error("stream",
                "the queries did not stop within {} s of the signal (--stop-timeout-seconds): "
                "exiting; the batch in flight is abandoned and re-read at the next start",
                limit);
      std::_Exit(1);
    }).detach();
  }
  for (const StreamingQuery& q : queries) q.stop();
}

}  // namespace

void stop_on_signals(const StreamingQuery& query) {
  std::lock_guard lock(g_mu);
  if (g_queries == nullptr) {
    g_queries = new std::vector<StreamingQuery>();  // lives as long as the process
    if (::pipe(g_pipe) == 0) {
      struct sigaction sa {};
      sa.sa_handler = on_stop_signal;
      sigemptyset(&sa.sa_mask);
      ::sigaction(SIGINT, &sa, nullptr);
      ::sigaction(SIGTERM, &sa, nullptr);
      std::thread(watch).detach();
    }
  }
  g_queries->push_back(query);
}

bool stop_signal_received() { return g_signalled.load(); }

void set_stop_timeout_seconds(double seconds) { g_stop_timeout_seconds.store(seconds); }

}  // namespace lakestream
