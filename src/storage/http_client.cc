#include "storage/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>
#include <thread>

#include "lakestream/common/metrics.h"

namespace lakestream::internal {
namespace {

std::once_flag g_curl_init;

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();  // a new response (after 100-continue or a redirect)
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  response->headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

uint64_t random_u64() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id()));
  return rng();
}

/// Retry-After in seconds (the HTTP-date form is rare for storage and treated as absent).
int64_t retry_after_ms(const HttpResponse& response) {
  std::string v = response.header("retry-after");
  if (v.empty() ||
      !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return 0;
  }
  if (v.size() > 6) return 60'000;
  return std::stoll(v) * 1000;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

int64_t backoff_ms(int attempt, int base_ms, int max_ms, int64_t retry_after, uint64_t random) {
  int64_t cap = base_ms;
  for (int i = 1; i < attempt && cap < max_ms; ++i) cap *= 2;
  cap = std::min<int64_t>(cap, max_ms);
  int64_t wait = cap > 0 ? static_cast<int64_t>(random % static_cast<uint64_t>(cap + 1)) : 0;
  return std::max(wait, std::min<int64_t>(retry_after, 60'000));
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::~HttpClient() {
  for (void* h : pool_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!pool_.empty()) {
      void* h = pool_.back();
      pool_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::release(void* handle) {
  std::lock_guard lock(mu_);
  pool_.push_back(handle);
}

Status HttpClient::perform(void* handle, const HttpRequest& request, HttpResponse& response,
                           bool& retryable) {
  CURL* curl = static_cast<CURL*>(handle);
  // reset keeps the connection cache: the point of pooling the handle.
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    std::string line = k + ": " + v;
    headers = curl_slist_append(headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip, and no default form Content-Type on PUT.
  headers = curl_slist_append(headers, "Expect:");
  bool has_type = std::any_of(request.headers.begin(), request.headers.end(),
                              [](const auto& h) { return h.first == "Content-Type"; });
  if (!has_type) headers = curl_slist_append(headers, "Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
        retryable = true;
        break;
      default:
        retryable = false;
    }
    return Status::IOError(std::string(curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return Status::OK();
}

Result<HttpResponse> HttpClient::send(HttpRequest& request,
                                      const std::function<Status(HttpRequest&)>& prepare,
                                      const std::string& what) {
  const int attempts = std::max(1, options_.max_attempts);
  Status last_error;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    int64_t after_ms = 0;
    if (attempt > 0) {
      retries_.fetch_add(1);
      if (request.retries_metric != nullptr) request.retries_metric->inc();
    }
    LS_RETURN_NOT_OK(prepare(request));
    HttpResponse response;
    bool retryable = false;
    void* handle = acquire();
    if (handle == nullptr) return Status::IOError(what + ": cannot create an HTTP handle");
    requests_.fetch_add(1);
    if (request.requests_metric != nullptr) request.requests_metric->inc();
    Status st = perform(handle, request, response, retryable);
    if (st.ok()) {
      release(handle);
      if (!is_retryable_status(response.status) || attempt + 1 == attempts) return response;
      after_ms = retry_after_ms(response);
      last_error = Status::IOError("HTTP " + std::to_string(response.status));
    } else {
      // A failed transfer may leave the connection in any state: do not reuse it.
      curl_easy_cleanup(static_cast<CURL*>(handle));
      if (!retryable) return st.with_context(what);
      last_error = st;
    }
    if (attempt + 1 < attempts) {
      int64_t wait = backoff_ms(attempt + 1, options_.base_backoff_ms, options_.max_backoff_ms,
                                after_ms, random_u64());
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
  }
  return last_error.with_context(what + " (after " + std::to_string(attempts) + " attempts)");
}

}  // namespace lakestream::internal
