#pragma once
// storage/azure_file_system: the FileSystem over one Azure Blob Storage container, through the
// Blob REST API (which also serves ADLS Gen2 accounts; nothing uses the dfs endpoint).
// libcurl + OpenSSL, ours. Paths are blob names within the container.
//
//   AzureStorageOptions opts;                       // or a Session holding them (stream/session.h)
//   opts.connection_string = "UseDevelopmentStorage=true";
//   LS_ASSIGN_OR_RAISE(auto opened,
//       open_azure_file_system("abfss://data@devstoreaccount1.dfs.core.windows.net/t", opts));
//   auto& [fs, path] = opened;                      // fs: container "data", path "t"
//
// Behaviour: small writes are one Put Blob; streams upload Put Block requests of
// AzureClientOptions::block_size as they fill (blocks_in_flight at once) and commit with Put
// Block List on close. put_if_absent sends If-None-Match: * with a random write id in the blob's
// metadata; on 409/412 it reads the blob's metadata back, so a retried request whose first
// attempt succeeded is not taken for another writer's commit. Every request is retried with
// exponential backoff and full jitter on 408/429/500/502/503/504, resets and timeouts,
// honouring Retry-After. The container is created when a write finds it missing.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "lakestream/common/status.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

namespace internal {
class AzureBlobClient;
}

/// Counters for tests and progress output.
struct AzureRequestStats {
  int64_t requests = 0;  ///< HTTP attempts sent
  int64_t retries = 0;   ///< attempts that were retries
};

/// The FileSystem over one container. Thread-safe.
class AzureFileSystem final : public FileSystem {
 public:
  /// `location` gives the account and container (its path is ignored); the credentials and
  /// endpoint are resolved from `options` (see AzureStorageOptions).
  static Result<std::shared_ptr<AzureFileSystem>> make(const AzureLocation& location,
                                                       const AzureStorageOptions& options);
  ~AzureFileSystem() override;

  using FileSystem::open_output_stream;
  Result<std::unique_ptr<OutputStream>> open_output_stream(const std::string& path,
                                                           Publish publish) override;
  Result<std::unique_ptr<RandomAccessFile>> open_input_file(const std::string& path) override;
  Result<std::string> read_file(const std::string& path) override;
  Status write_file(const std::string& path, std::string_view data) override;
  Status put_if_absent(const std::string& path, std::string_view data) override;
  Result<std::vector<FileInfo>> list(const std::string& dir) override;
  Result<std::vector<FileInfo>> list_tree(const std::string& dir) override;
  Result<bool> exists(const std::string& path) override;
  Status delete_file(const std::string& path) override;
  std::string describe(const std::string& path) const override;

  /// Every blob whose name starts with `prefix` (no delimiter: the whole subtree), all pages.
  Result<std::vector<FileInfo>> list_recursive(const std::string& prefix);
  /// Create the container; an existing one is fine.
  Status create_container();
  /// The endpoint requests go to (no secret in it), e.g. "http://127.0.0.1:10000/devstoreaccount1".
  const std::string& endpoint() const;
  AzureRequestStats stats() const;

 private:
  explicit AzureFileSystem(std::shared_ptr<internal::AzureBlobClient> client);
  // Shared with the streams and files it opens, which may outlive it.
  std::shared_ptr<internal::AzureBlobClient> client_;
};

/// Open the container a URI names and the path within it.
Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_azure_file_system(
    std::string_view uri, const AzureStorageOptions& options);

}  // namespace lakestream
