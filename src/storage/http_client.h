#pragma once
// storage/http_client (internal): a small libcurl client for the blob backend. Handles are
// pooled so connections (and TLS sessions) are reused; certificate checks stay on. send()
// retries with exponential backoff and full jitter on 408/429/500/502/503/504, on resets and
// timeouts, honouring Retry-After; the caller's `prepare` runs before every attempt (a fresh
// x-ms-date and signature).

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {
class Counter;
}

namespace lakestream::internal {

struct HttpRequest {
  std::string method;  ///< GET, PUT, HEAD, DELETE
  std::string url;     ///< full URL with query (may hold a SAS: never put it in a message)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  ///< PUT body; must outlive send()
  /// Counted once per attempt / per retry when set (the /metrics storage series).
  Counter* requests_metric = nullptr;
  Counter* retries_metric = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  std::string body;
  /// The value of header `name` (lower case), or "".
  std::string header(std::string_view name) const;
};

struct HttpClientOptions {
  int max_attempts = 8;
  int base_backoff_ms = 200;
  int max_backoff_ms = 10'000;
  int connect_timeout_ms = 10'000;
  int request_timeout_ms = 300'000;
  std::string ca_file;
};

/// Whether a status is worth another attempt.
bool is_retryable_status(long status);
/// The wait before attempt `attempt` (1 = first retry): full jitter over
/// min(max, base * 2^(attempt-1)), at least `retry_after_ms` (capped at 60 s) when given.
int64_t backoff_ms(int attempt, int base_ms, int max_ms, int64_t retry_after_ms, uint64_t random);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Send with retries. `what` names the operation and location for messages (no secrets).
  /// A final response with any status is returned as is (the caller maps it); only transport
  /// failures that outlast the retries are an IOError.
  Result<HttpResponse> send(HttpRequest& request,
                            const std::function<Status(HttpRequest&)>& prepare,
                            const std::string& what);

  int64_t requests() const { return requests_.load(); }
  int64_t retries() const { return retries_.load(); }

 private:
  void* acquire();
  void release(void* handle);
  /// One attempt: OK with a response, or a transport error (retryable says whether to retry).
  Status perform(void* handle, const HttpRequest& request, HttpResponse& response, bool& retryable);

  HttpClientOptions options_;
  std::mutex mu_;
  std::vector<void*> pool_;
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> retries_{0};
};

}  // namespace lakestream::internal
