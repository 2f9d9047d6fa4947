// The Azure FileSystem without a server: credential resolution, routing from open_file_system,
// secrets kept out of messages, and the retry schedule. Behaviour against a real service is
// tested on Azurite (tests/scripts/azure_integration_test.cc, ctest label azure).
#include "lakestream/storage/azure_file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "lakestream/common/metrics.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"
#include "storage/http_client.h"

namespace lakestream {
namespace {

constexpr std::string_view kKey = "S2V5Rm9yVGVzdHNPbmx5MTIzNDU2Nzg5MA==";

/// Clears AZURE_STORAGE_CONNECTION_STRING for a test and puts it back after.
class AzureFs : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* v = std::getenv("AZURE_STORAGE_CONNECTION_STRING");
    if (v != nullptr) saved_ = v;
    had_ = v != nullptr;
    ::unsetenv("AZURE_STORAGE_CONNECTION_STRING");
  }
  void TearDown() override {
    if (had_) ::setenv("AZURE_STORAGE_CONNECTION_STRING", saved_.c_str(), 1);
  }
  std::string saved_;
  bool had_ = false;
};

TEST_F(AzureFs, ConnectionStringOfTheUrisAccountGivesItsEndpoint) {
  ::setenv("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true", 1);
  auto opened = open_file_system("abfss://data@devstoreaccount1.dfs.core.windows.net/t/x");
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  auto* fs = dynamic_cast<AzureFileSystem*>(opened->first.get());
  ASSERT_NE(fs, nullptr);
  EXPECT_EQ(fs->endpoint(), "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(opened->second, "t/x");
  EXPECT_EQ(fs->describe("t/x/a.json"),
            "abfss://data@devstoreaccount1.dfs.core.windows.net/t/x/a.json");
}

TEST_F(AzureFs, AccountKeyOptionsUseTheUrisEndpointOrTheOverride) {
  AzureStorageOptions o;
  o.account_name = "acct";
  o.account_key = std::string(kKey);
  auto a = open_azure_file_system("abfss://data@acct.dfs.core.windows.net/t", o);
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  EXPECT_EQ(dynamic_cast<AzureFileSystem&>(*a->first).endpoint(),
            "https://acct.blob.core.windows.net");
  o.blob_endpoint = "http://127.0.0.1:9/acct/";
  auto b = open_azure_file_system("https://acct.blob.core.windows.net/data/t", o);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(dynamic_cast<AzureFileSystem&>(*b->first).endpoint(), "http://127.0.0.1:9/acct");
}

TEST_F(AzureFs, ConnectionStringForAnotherAccountDoesNotApply) {
  ::setenv("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true", 1);
  auto r = open_file_system("abfss://data@otheracct.dfs.core.windows.net/t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("otheracct"), std::string::npos);
}

// Credentials travel with each call (a Session's, a table handle's), never with the process:
// two accounts in one process, each reached with its own, and a call without any has none.
TEST_F(AzureFs, CredentialsGoWithTheCallNotTheProcess) {
  AzureStorageOptions a;
  a.account_name = "accta";
  a.account_key = std::string(kKey);
  a.blob_endpoint = "http://127.0.0.1:9/accta";
  AzureStorageOptions b;
  b.account_name = "acctb";
  b.account_key = std::string(kKey);
  b.blob_endpoint = "http://127.0.0.1:10/acctb";
  auto on_a = open_file_system("abfss://data@accta.dfs.core.windows.net/t", a);
  auto on_b = open_file_system("abfss://data@acctb.dfs.core.windows.net/t", b);
  ASSERT_TRUE(on_a.ok()) << on_a.status().to_string();
  ASSERT_TRUE(on_b.ok()) << on_b.status().to_string();
  EXPECT_EQ(dynamic_cast<AzureFileSystem&>(*on_a->first).endpoint(), "http://127.0.0.1:9/accta");
  EXPECT_EQ(dynamic_cast<AzureFileSystem&>(*on_b->first).endpoint(), "http://127.0.0.1:10/acctb");
  // Opening b's table did not leave b's (or a's) credentials behind for the next caller.
  auto bare = open_file_system("abfss://data@acctb.dfs.core.windows.net/t");
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.status().code(), StatusCode::kInvalidArgument) << bare.status().to_string();
}

TEST_F(AzureFs, BadKeyIsRefusedWithoutShowingIt) {
  AzureStorageOptions o;
  o.account_name = "acct";
  o.account_key = "S3CRET-not-base64!";
  auto r = open_azure_file_system("abfss://data@acct.dfs.core.windows.net/t", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("S3CRET"), std::string::npos);
  o.account_key.clear();
  o.connection_string = "AccountName=acct;AccountKey=S3CRET!!";
  r = open_azure_file_system("abfss://data@acct.dfs.core.windows.net/t", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("S3CRET"), std::string::npos);
}

/// An Azure file system with a SAS whose endpoint nothing answers (port 1), trying each request
/// `attempts` times without waiting.
std::shared_ptr<AzureFileSystem> unreachable_fs(int attempts) {
  AzureStorageOptions o;
  o.account_name = "acct";
  o.sas_token = "?sv=2021-08-06&sig=S3CRETSIG";
  o.blob_endpoint = "http://127.0.0.1:1/acct";
  o.client.max_attempts = attempts;
  o.client.base_backoff_ms = 1;
  auto opened = open_azure_file_system("https://acct.blob.core.windows.net/data/t", o);
  EXPECT_TRUE(opened.ok()) << opened.status().to_string();
  return opened.ok() ? std::dynamic_pointer_cast<AzureFileSystem>(opened->first) : nullptr;
}

TEST_F(AzureFs, FailedRequestsNameTheBlobButNeitherKeyNorSas) {
  auto unreachable = unreachable_fs(2);
  ASSERT_NE(unreachable, nullptr);
  AzureFileSystem& fs = *unreachable;
  auto r = fs.read_file("t/x.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("https://acct.blob.core.windows.net/data/t/x.json"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("after 2 attempts"), std::string::npos);
  EXPECT_EQ(r.status().message().find("S3CRETSIG"), std::string::npos);
  EXPECT_EQ(fs.stats().requests, 2);
  EXPECT_EQ(fs.stats().retries, 1);
}

/// The process's request and retry counters of one Blob REST operation (/metrics).
int64_t storage_counter(std::string_view name, std::string operation) {
  return MetricsRegistry::global().counter(name, "", {{"operation", std::move(operation)}}).value();
}

TEST_F(AzureFs, RequestsAndRetriesAreCountedPerOperation) {
  auto unreachable = unreachable_fs(3);
  ASSERT_NE(unreachable, nullptr);
  AzureFileSystem& fs = *unreachable;
  const int64_t get0 = storage_counter("lakestream_storage_requests_total", "get_blob");
  const int64_t get_retries0 = storage_counter("lakestream_storage_retries_total", "get_blob");
  const int64_t del0 = storage_counter("lakestream_storage_requests_total", "delete_blob");
  const int64_t put0 = storage_counter("lakestream_storage_requests_total", "put_blob");

  EXPECT_FALSE(fs.read_file("t/x.json").ok());
  EXPECT_EQ(storage_counter("lakestream_storage_requests_total", "get_blob") - get0, 3);
  EXPECT_EQ(storage_counter("lakestream_storage_retries_total", "get_blob") - get_retries0, 2);
  EXPECT_FALSE(fs.delete_file("t/x.json").ok());
  EXPECT_EQ(storage_counter("lakestream_storage_requests_total", "delete_blob") - del0, 3);
  EXPECT_EQ(storage_counter("lakestream_storage_requests_total", "put_blob") - put0, 0);

  // The series carry the operation only: neither the account, the blob nor the SAS.
  const std::string text = render_prometheus(MetricsRegistry::global().collect());
  EXPECT_NE(text.find("lakestream_storage_retries_total{operation=\"get_blob\"}"),
            std::string::npos);
  EXPECT_EQ(text.find("S3CRETSIG"), std::string::npos);
  EXPECT_EQ(text.find("x.json"), std::string::npos);
}

TEST(HttpRetry, RetryableStatuses) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_TRUE(internal::is_retryable_status(s)) << s;
  }
  for (long s : {200L, 201L, 400L, 403L, 404L, 409L, 412L, 501L}) {
    EXPECT_FALSE(internal::is_retryable_status(s)) << s;
  }
}

TEST(HttpRetry, BackoffDoublesUpToTheCapWithJitterAndHonoursRetryAfter) {
  // random = UINT64_MAX % (cap + 1) spans the range; the cap doubles from the base.
  EXPECT_EQ(internal::backoff_ms(1, 100, 1000, 0, 100), 100);
  EXPECT_EQ(internal::backoff_ms(2, 100, 1000, 0, 200), 200);
  EXPECT_EQ(internal::backoff_ms(3, 100, 1000, 0, 400), 400);
  EXPECT_EQ(internal::backoff_ms(9, 100, 1000, 0, 1000), 1000);  // capped
  EXPECT_EQ(internal::backoff_ms(9, 100, 1000, 0, 1001), 0);     // jitter wraps to 0
  EXPECT_LE(internal::backoff_ms(30, 100, 1000, 0, ~0ull), 1000);
  EXPECT_EQ(internal::backoff_ms(1, 100, 1000, 5000, 0), 5000);       // Retry-After wins
  EXPECT_EQ(internal::backoff_ms(1, 100, 1000, 999'000, 0), 60'000);  // but at most a minute
}

}  // namespace
}  // namespace lakestream
