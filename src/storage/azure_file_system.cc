#include "lakestream/storage/azure_file_system.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "lakestream/common/metrics.h"
#include "lakestream/storage/azure_blob_list.h"
#include "lakestream/storage/azure_shared_key.h"
#include "storage/http_client.h"

namespace lakestream {

using internal::HttpRequest;
using internal::HttpResponse;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string random_hex(size_t digits) {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (out.size() < digits) {
    uint64_t r = rng();
    for (int i = 0; i < 16 && out.size() < digits; ++i, r >>= 4) out.push_back(kHex[r & 15]);
  }
  return out;
}

std::string http_date_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

/// The Blob REST operation a call is (its name in Azure's REST reference, snake_case): the
/// `operation` label of the storage request metrics.
std::string_view blob_operation(std::string_view method, const Pairs& query) {
  std::string_view comp, restype;
  for (const auto& [k, v] : query) {
    if (k == "comp") comp = v;
    if (k == "restype") restype = v;
  }
  if (restype == "container") return method == "PUT" ? "create_container" : "container";
  if (method == "PUT") {
    if (comp == "block") return "put_block";
    if (comp == "blocklist") return "put_block_list";
    return "put_blob";
  }
  if (method == "GET") return comp == "list" ? "list_blobs" : "get_blob";
  if (method == "HEAD") return "get_blob_properties";
  if (method == "DELETE") return "delete_blob";
  return "other";
}

/// The process-wide request and retry counters of one operation, registered on first use.
struct OperationMetrics {
  Counter* requests;
  Counter* retries;
};
OperationMetrics operation_metrics(std::string_view operation) {
  static std::mutex mu;
  static std::map<std::string, OperationMetrics, std::less<>> known;
  std::lock_guard lock(mu);
  auto it = known.find(operation);
  if (it != known.end()) return it->second;
  MetricsRegistry& m = MetricsRegistry::global();
  const MetricLabels labels{{"operation", std::string(operation)}};
  OperationMetrics om{
      &m.counter("lakestream_storage_requests_total",
                 "HTTP requests sent to Azure Blob Storage / ADLS Gen2 (every attempt)", labels),
      &m.counter("lakestream_storage_retries_total",
                 "Azure storage requests sent again after a throttle, a 5xx or a lost connection",
                 labels)};
  known.emplace(std::string(operation), om);
  return om;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The metadata key put_if_absent stamps on the blobs it creates.
constexpr std::string_view kWriteIdHeader = "x-ms-meta-lswriteid";

}  // namespace

namespace internal {

/// One container of one account: builds, signs and sends Blob REST requests.
class AzureBlobClient {
 public:
  struct Call {
    std::string method;
    std::string blob;  ///< empty: a container-level request
    Pairs query;       ///< decoded
    Pairs headers;
    std::string_view body;
  };

  AzureBlobClient(std::string account, std::string container, std::string endpoint, std::string key,
                  std::string sas, std::string display_prefix, const AzureClientOptions& options)
      : account_(std::move(account)),
        container_(std::move(container)),
        endpoint_(std::move(endpoint)),
        key_(std::move(key)),
        sas_(std::move(sas)),
        display_prefix_(std::move(display_prefix)),
        options_(options),
        http_(internal::HttpClientOptions{options.max_attempts, options.base_backoff_ms,
                                          options.max_backoff_ms, options.connect_timeout_ms,
                                          options.request_timeout_ms, options.ca_file}) {
    if (!sas_.empty() && sas_.front() == '?') sas_.erase(0, 1);
    size_t scheme_end = endpoint_.find("://");
    size_t path_start =
        scheme_end == std::string::npos ? std::string::npos : endpoint_.find('/', scheme_end + 3);
    if (path_start != std::string::npos) {
      base_ = endpoint_.substr(0, path_start);
      base_path_ = endpoint_.substr(path_start);
    } else {
      base_ = endpoint_;
    }
  }

  const std::string& endpoint() const { return endpoint_; }
  const AzureClientOptions& options() const { return options_; }
  internal::HttpClient& http() { return http_; }

  std::string describe(std::string_view blob) const {
    std::string out = display_prefix_;
    if (!blob.empty()) {
      out.push_back('/');
      out.append(blob);
    }
    return out;
  }

  /// Send one call (with the client's retries).
  Result<HttpResponse> send(const Call& call, const std::string& what) {
    std::string path = base_path_ + "/" + container_;
    if (!call.blob.empty()) path += "/" + url_encode_path(call.blob);
    std::string url = base_ + path;
    char sep = '?';
    for (const auto& [k, v] : call.query) {
      url.push_back(sep);
      url += url_encode_query(k) + "=" + url_encode_query(v);
      sep = '&';
    }
    if (!sas_.empty()) {
      url.push_back(sep);
      url += sas_;
    }
    HttpRequest request;
    request.method = call.method;
    request.url = std::move(url);
    request.body = call.body;
    const OperationMetrics metrics = operation_metrics(blob_operation(call.method, call.query));
    request.requests_metric = metrics.requests;
    request.retries_metric = metrics.retries;
    auto prepare = [&](HttpRequest& r) -> Status {
      r.headers = call.headers;
      r.headers.emplace_back("x-ms-date", http_date_now());
      r.headers.emplace_back("x-ms-version", std::string(kAzureApiVersion));
      r.headers.emplace_back("x-ms-client-request-id", random_hex(32));
      if (call.method == "PUT") {
        r.headers.emplace_back("Content-Length", std::to_string(call.body.size()));
      }
      if (!key_.empty()) {
        SharedKeyRequest sk{call.method, account_, path, call.query, r.headers};
        LS_ASSIGN_OR_RAISE(std::string auth,
                           shared_key_authorization(account_, key_, shared_key_string_to_sign(sk)));
        r.headers.emplace_back("Authorization", std::move(auth));
      }
      return Status::OK();
    };
    return http_.send(request, prepare, what);
  }

  /// A write: when the container is missing, create it and send again.
  Result<HttpResponse> send_write(const Call& call, const std::string& what) {
    LS_ASSIGN_OR_RAISE(HttpResponse r, send(call, what));
    if (r.status == 404 && r.header("x-ms-error-code") == "ContainerNotFound") {
      LS_RETURN_NOT_OK(create_container());
      return send(call, what);
    }
    return r;
  }

  Status create_container() {
    Call c{"PUT", "", {{"restype", "container"}}, {}, {}};
    std::string what = "creating container " + describe("");
    LS_ASSIGN_OR_RAISE(HttpResponse r, send(c, what));
    if (r.status == 201 ||
        (r.status == 409 && r.header("x-ms-error-code") == "ContainerAlreadyExists")) {
      return Status::OK();
    }
    return error(r, what);
  }

  /// A Status for an unexpected response: the status, the service's error code and message.
  static Status error(const HttpResponse& r, const std::string& what) {
    std::string code = r.header("x-ms-error-code");
    if (code.empty()) code = xml_element_text(r.body, "Code");
    std::string msg = what + ": HTTP " + std::to_string(r.status);
    if (!code.empty()) msg += " " + code;
    std::string text = xml_element_text(r.body, "Message");
    size_t nl = text.find('\n');  // the first line; later ones hold request ids and times
    if (!text.empty()) msg += " (" + text.substr(0, nl) + ")";
    if (r.status == 404) return Status::NotFound(std::move(msg));
    if (r.status == 409 || r.status == 412) return Status::AlreadyExists(std::move(msg));
    return Status::IOError(std::move(msg));
  }

 private:
  std::string account_;
  std::string container_;
  std::string endpoint_;
  std::string base_;       ///< scheme://host[:port]
  std::string base_path_;  ///< "" or "/<account>" (path-style endpoints)
  std::string key_;
  std::string sas_;
  std::string display_prefix_;
  AzureClientOptions options_;
  internal::HttpClient http_;
};

}  // namespace internal

namespace {

using internal::AzureBlobClient;
using Call = AzureBlobClient::Call;

Status put_blob(AzureBlobClient& client, const std::string& name, std::string_view data) {
  Call c{"PUT",
         name,
         {},
         {{"x-ms-blob-type", "BlockBlob"}, {"Content-Type", "application/octet-stream"}},
         data};
  std::string what = "writing " + client.describe(name);
  LS_ASSIGN_OR_RAISE(HttpResponse r, client.send_write(c, what));
  if (r.status == 201) return Status::OK();
  return AzureBlobClient::error(r, what);
}

/// Uploads blocks as they fill, several at once, and commits them with Put Block List.
class AzureOutputStream final : public OutputStream {
 public:
  AzureOutputStream(std::shared_ptr<AzureBlobClient> client, std::string name)
      : client_(std::move(client)),
        name_(std::move(name)),
        block_size_(static_cast<size_t>(std::max<int64_t>(1, client_->options().block_size))),
        id_prefix_(random_hex(16)) {}
  ~AzureOutputStream() override { abort(); }

  Status write(const void* data, size_t size) override {
    if (closed_) return Status::InvalidArgument("writing " + shown() + ": stream is closed");
    const char* p = static_cast<const char*>(data);
    written_ += static_cast<int64_t>(size);
    while (size > 0) {
      if (buffer_.capacity() < block_size_) buffer_.reserve(block_size_);
      size_t n = std::min(size, block_size_ - buffer_.size());
      buffer_.append(p, n);
      p += n;
      size -= n;
      if (buffer_.size() == block_size_) LS_RETURN_NOT_OK(submit_block());
    }
    return Status::OK();
  }

  int64_t tell() const override { return written_; }

  Status close() override {
    if (closed_) return Status::InvalidArgument("closing " + shown() + ": stream is closed");
    closed_ = true;
    if (block_ids_.empty()) return put_blob(*client_, name_, buffer_);  // one request
    Status st = buffer_.empty() ? Status::OK() : submit_block();
    Status waited = wait_all();
    if (st.ok()) st = waited;
    if (!st.ok()) return st;
    std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
    for (const std::string& id : block_ids_) body += "<Latest>" + id + "</Latest>";
    body += "</BlockList>";
    Call c{"PUT", name_, {{"comp", "blocklist"}}, {{"Content-Type", "application/xml"}}, body};
    std::string what = "committing " + std::to_string(block_ids_.size()) + " blocks of " + shown();
    LS_ASSIGN_OR_RAISE(HttpResponse r, client_->send_write(c, what));
    if (r.status == 201) return Status::OK();
    return AzureBlobClient::error(r, what);
  }

  void abort() override {
    if (closed_ && in_flight_.empty()) return;
    closed_ = true;
    // Uncommitted blocks are dropped by the service (after a week); nothing becomes visible.
    (void)wait_all();
    buffer_.clear();
  }

 private:
  std::string shown() const { return client_->describe(name_); }

  Status submit_block() {
    while (static_cast<int>(in_flight_.size()) >=
           std::max(1, client_->options().blocks_in_flight)) {
      Status st = in_flight_.front().get();
      in_flight_.pop_front();
      if (!st.ok()) return st;
    }
    char index[16];
    std::snprintf(index, sizeof(index), "%06zu", block_ids_.size());
    // Every id of a blob must have the same length: fixed prefix + zero-padded index.
    std::string id = base64_encode(id_prefix_ + index);
    block_ids_.push_back(id);
    auto data = std::make_shared<std::string>(std::move(buffer_));
    buffer_ = std::string();
    in_flight_.push_back(
        std::async(std::launch::async, [client = client_, name = name_, id, data]() -> Status {
          Call c{"PUT",
                 name,
                 {{"comp", "block"}, {"blockid", id}},
                 {{"Content-Type", "application/octet-stream"}},
                 *data};
          std::string what = "uploading a block of " + client->describe(name);
          LS_ASSIGN_OR_RAISE(HttpResponse r, client->send_write(c, what));
          if (r.status == 201) return Status::OK();
          return AzureBlobClient::error(r, what);
        }));
    return Status::OK();
  }

  Status wait_all() {
    Status first;
    while (!in_flight_.empty()) {
      Status st = in_flight_.front().get();
      in_flight_.pop_front();
      if (first.ok() && !st.ok()) first = st;
    }
    return first;
  }

  std::shared_ptr<AzureBlobClient> client_;
  std::string name_;
  size_t block_size_;
  std::string id_prefix_;
  std::string buffer_;
  std::vector<std::string> block_ids_;
  std::deque<std::future<Status>> in_flight_;
  int64_t written_ = 0;
  bool closed_ = false;
};

Result<HttpResponse> get_blob(AzureBlobClient& client, const std::string& name, int64_t offset,
                              int64_t length) {
  Pairs headers;
  if (length >= 0) {
    headers.emplace_back(
        "Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  }
  Call c{"GET", name, {}, std::move(headers), {}};
  std::string what = "reading " + client.describe(name);
  LS_ASSIGN_OR_RAISE(HttpResponse r, client.send(c, what));
  if (r.status == 200 || r.status == 206) return r;
  return AzureBlobClient::error(r, what);
}

Result<HttpResponse> head_blob(AzureBlobClient& client, const std::string& name) {
  Call c{"HEAD", name, {}, {}, {}};
  std::string what = "examining " + client.describe(name);
  LS_ASSIGN_OR_RAISE(HttpResponse r, client.send(c, what));
  if (r.status == 200) return r;
  return AzureBlobClient::error(r, what);
}

class AzureInputFile final : public RandomAccessFile {
 public:
  AzureInputFile(std::shared_ptr<AzureBlobClient> client, std::string name, int64_t size)
      : client_(std::move(client)),
        name_(std::move(name)),
        size_(size),
        shown_(client_->describe(name_)) {}

  Result<int64_t> size() override { return size_; }

  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (offset < 0 || length < 0) {
      return Status::InvalidArgument("reading " + shown_ + ": negative offset or length");
    }
    if (length == 0) return Status::OK();
    if (offset + length > size_) {
      return Status::IOError("reading " + shown_ + ": " + std::to_string(length) +
                             " bytes at offset " + std::to_string(offset) + " pass its end (" +
                             std::to_string(size_) + " bytes)");
    }
    LS_ASSIGN_OR_RAISE(HttpResponse r, get_blob(*client_, name_, offset, length));
    if (static_cast<int64_t>(r.body.size()) != length) {
      return Status::IOError("reading " + shown_ + ": asked for " + std::to_string(length) +
                             " bytes at offset " + std::to_string(offset) + ", got " +
                             std::to_string(r.body.size()));
    }
    std::memcpy(out, r.body.data(), r.body.size());
    return Status::OK();
  }

  const std::string& path() const override { return shown_; }

 private:
  std::shared_ptr<AzureBlobClient> client_;
  std::string name_;
  int64_t size_;
  std::string shown_;
};

std::string normalize(const std::string& path) {
  size_t a = path.find_first_not_of('/');
  if (a == std::string::npos) return {};
  size_t b = path.find_last_not_of('/');
  return path.substr(a, b - a + 1);
}

Result<AzureBlobListPage> list_page(AzureBlobClient& client, const std::string& prefix,
                                    bool delimited, const std::string& marker, int max_results) {
  Pairs query = {{"restype", "container"}, {"comp", "list"}};
  if (!prefix.empty()) query.emplace_back("prefix", prefix);
  if (delimited) query.emplace_back("delimiter", "/");
  if (!marker.empty()) query.emplace_back("marker", marker);
  if (max_results > 0) query.emplace_back("maxresults", std::to_string(max_results));
  Call c{"GET", "", std::move(query), {}, {}};
  std::string what = "listing " + client.describe(prefix);
  LS_ASSIGN_OR_RAISE(HttpResponse r, client.send(c, what));
  if (r.status == 404 && r.header("x-ms-error-code") == "ContainerNotFound") {
    return AzureBlobListPage{};  // a missing container lists as empty, like a missing folder
  }
  if (r.status != 200) return AzureBlobClient::error(r, what);
  auto page = parse_blob_list(r.body);
  if (!page.ok()) return page.status().with_context(what);
  return page;
}

Result<std::vector<FileInfo>> list_all(AzureBlobClient& client, const std::string& prefix,
                                       bool delimited) {
  std::vector<FileInfo> out;
  std::set<std::string> folders;
  std::string marker;
  do {
    LS_ASSIGN_OR_RAISE(AzureBlobListPage page, list_page(client, prefix, delimited, marker, 0));
    for (AzureBlobEntry& b : page.blobs) {
      out.push_back(FileInfo{std::move(b.name), b.size, b.modified_ms});
    }
    for (std::string& p : page.prefixes) folders.insert(normalize(p));
    marker = std::move(page.next_marker);
  } while (!marker.empty());
  // Accounts with a hierarchical namespace list folders as empty blobs too: drop them.
  if (!folders.empty()) {
    std::erase_if(out, [&](const FileInfo& f) { return f.size == 0 && folders.count(f.path); });
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

}  // namespace

AzureFileSystem::AzureFileSystem(std::shared_ptr<internal::AzureBlobClient> client)
    : client_(std::move(client)) {}
AzureFileSystem::~AzureFileSystem() = default;

Result<std::shared_ptr<AzureFileSystem>> AzureFileSystem::make(const AzureLocation& location,
                                                               const AzureStorageOptions& options) {
  std::string endpoint;
  std::string key;
  std::string sas;
  bool resolved = false;
  std::string conn_text = options.connection_string;
  std::string conn_source = "the connection string option";
  if (conn_text.empty()) {
    const char* env = std::getenv(std::string(kConnectionStringEnv).c_str());
    if (env != nullptr) conn_text = env;
    conn_source = std::string(kConnectionStringEnv);
  }
  if (!conn_text.empty()) {
    auto conn = parse_connection_string(conn_text);
    if (!conn.ok()) return conn.status().with_context(conn_source);
    if (lower(conn->account) == location.account) {
      endpoint = conn->blob_endpoint;
      key = conn->account_key;
      sas = conn->sas_token;
      resolved = true;
    }
  }
  if (!resolved && !options.account_name.empty() &&
      lower(options.account_name) == location.account &&
      (!options.account_key.empty() || !options.sas_token.empty())) {
    endpoint = options.blob_endpoint.empty() ? location.blob_endpoint : options.blob_endpoint;
    key = options.account_key;
    sas = key.empty() ? options.sas_token : "";
    resolved = true;
  }
  if (!resolved && !location.sas_token.empty()) {
    endpoint = location.blob_endpoint;
    sas = location.sas_token;
    resolved = true;
  }
  if (!resolved && options.account_name.empty() && !options.sas_token.empty()) {
    endpoint = location.blob_endpoint;
    sas = options.sas_token;
    resolved = true;
  }
  if (!resolved) {
    return Status::InvalidArgument(
        "no credentials for storage account '" + location.account +
        "': give --storage-account-name and --storage-account-key, a SAS token, or a connection "
        "string (option or " +
        std::string(kConnectionStringEnv) + ")");
  }
  if (!key.empty() && !base64_decode(key).ok()) {
    return Status::InvalidArgument("the account key of storage account '" + location.account +
                                   "' is not base64");
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  auto client = std::make_shared<internal::AzureBlobClient>(
      location.account, location.container, std::move(endpoint), std::move(key), std::move(sas),
      location.display_prefix, options.client);
  return std::shared_ptr<AzureFileSystem>(new AzureFileSystem(std::move(client)));
}

const std::string& AzureFileSystem::endpoint() const { return client_->endpoint(); }

AzureRequestStats AzureFileSystem::stats() const {
  return AzureRequestStats{client_->http().requests(), client_->http().retries()};
}

std::string AzureFileSystem::describe(const std::string& path) const {
  return client_->describe(normalize(path));
}

Status AzureFileSystem::create_container() { return client_->create_container(); }

Result<std::unique_ptr<OutputStream>> AzureFileSystem::open_output_stream(const std::string& path,
                                                                          Publish /*publish*/) {
  // A block blob appears when its block list is committed, whichever way was asked for.
  std::string name = normalize(path);
  if (name.empty())
    return Status::InvalidArgument("writing " + describe(path) + ": empty blob name");
  return std::unique_ptr<OutputStream>(std::make_unique<AzureOutputStream>(client_, name));
}

Result<std::unique_ptr<RandomAccessFile>> AzureFileSystem::open_input_file(
    const std::string& path) {
  std::string name = normalize(path);
  LS_ASSIGN_OR_RAISE(HttpResponse r, head_blob(*client_, name));
  std::string length = r.header("content-length");
  int64_t size = length.empty() ? -1 : std::strtoll(length.c_str(), nullptr, 10);
  if (size < 0) {
    return Status::IOError("examining " + describe(name) + ": no Content-Length in the answer");
  }
  return std::unique_ptr<RandomAccessFile>(std::make_unique<AzureInputFile>(client_, name, size));
}

Result<std::string> AzureFileSystem::read_file(const std::string& path) {
  LS_ASSIGN_OR_RAISE(HttpResponse r, get_blob(*client_, normalize(path), 0, -1));
  return std::move(r.body);
}

Status AzureFileSystem::write_file(const std::string& path, std::string_view data) {
  std::string name = normalize(path);
  if (static_cast<int64_t>(data.size()) <= client_->options().block_size) {
    return put_blob(*client_, name, data);
  }
  LS_ASSIGN_OR_RAISE(auto stream, open_output_stream(name));
  LS_RETURN_NOT_OK(stream->write(data));
  return stream->close();
}

Status AzureFileSystem::put_if_absent(const std::string& path, std::string_view data) {
  std::string name = normalize(path);
  // The write id tells our own earlier attempt (retried after a reset or a 503 whose request
  // did land) from another writer's blob.
  std::string write_id = random_hex(32);
  Call c{"PUT",
         name,
         {},
         {{"x-ms-blob-type", "BlockBlob"},
          {"Content-Type", "application/octet-stream"},
          {"If-None-Match", "*"},
          {std::string(kWriteIdHeader), write_id}},
         data};
  std::string what = "creating " + describe(name);
  LS_ASSIGN_OR_RAISE(HttpResponse r, client_->send_write(c, what));
  if (r.status == 201) return Status::OK();
  if (r.status == 409 || r.status == 412) {
    LS_ASSIGN_OR_RAISE(HttpResponse head, head_blob(*client_, name));
    if (head.header(kWriteIdHeader) == write_id) return Status::OK();
    return Status::AlreadyExists(describe(name) + " already exists");
  }
  return AzureBlobClient::error(r, what);
}

Result<std::vector<FileInfo>> AzureFileSystem::list(const std::string& dir) {
  std::string prefix = normalize(dir);
  if (!prefix.empty()) prefix.push_back('/');
  return list_all(*client_, prefix, true);
}

Result<std::vector<FileInfo>> AzureFileSystem::list_tree(const std::string& dir) {
  std::string prefix = normalize(dir);
  if (!prefix.empty()) prefix.push_back('/');
  return list_all(*client_, prefix, false);
}

Result<std::vector<FileInfo>> AzureFileSystem::list_recursive(const std::string& prefix) {
  // A plain prefix: a trailing '/' is meaningful here ("many/" is not "manyother").
  size_t start = prefix.find_first_not_of('/');
  return list_all(*client_, start == std::string::npos ? "" : prefix.substr(start), false);
}

Result<bool> AzureFileSystem::exists(const std::string& path) {
  std::string name = normalize(path);
  if (!name.empty()) {
    auto r = head_blob(*client_, name);
    if (r.ok()) return true;
    if (r.status().code() != StatusCode::kNotFound) return r.status();
  }
  // A "folder": any blob under it.
  std::string prefix = name.empty() ? "" : name + "/";
  LS_ASSIGN_OR_RAISE(AzureBlobListPage page, list_page(*client_, prefix, true, "", 1));
  return !page.blobs.empty() || !page.prefixes.empty();
}

Status AzureFileSystem::delete_file(const std::string& path) {
  std::string name = normalize(path);
  Call c{"DELETE", name, {}, {}, {}};
  std::string what = "deleting " + describe(name);
  LS_ASSIGN_OR_RAISE(HttpResponse r, client_->send(c, what));
  if (r.status == 202 || r.status == 404) return Status::OK();
  return AzureBlobClient::error(r, what);
}

Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_azure_file_system(
    std::string_view uri, const AzureStorageOptions& options) {
  LS_ASSIGN_OR_RAISE(AzureLocation loc, parse_azure_uri(uri));
  LS_ASSIGN_OR_RAISE(std::shared_ptr<AzureFileSystem> fs, AzureFileSystem::make(loc, options));
  std::pair<std::shared_ptr<FileSystem>, std::string> out{std::move(fs), std::move(loc.path)};
  return out;
}

}  // namespace lakestream
