#include "lakestream/stream/stop_signals.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

namespace lakestream {

namespace {

std::atomic<bool> g_signalled{false};
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

}  // namespace lakestream
