#include "lakestream/storage/azure_options.h"

#include <gtest/gtest.h>

#include "lakestream/common/redact.h"

namespace lakestream {
namespace {

constexpr std::string_view kKey = "a2V5LWJ5dGVzLWZvci10ZXN0cw==";  // base64("key-bytes-for-tests")

TEST(ConnectionString, AccountKeyFormWithDefaultEndpoint) {
  auto c = parse_connection_string("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" +
                                   std::string(kKey) + ";EndpointSuffix=core.windows.net");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->account, "acct");
  EXPECT_EQ(c->account_key, kKey);  // '=' inside the value is kept
  EXPECT_EQ(c->blob_endpoint, "https://acct.blob.core.windows.net");
  EXPECT_TRUE(c->sas_token.empty());
}

TEST(ConnectionString, ExplicitBlobEndpointAndCaseInsensitiveKeys) {
  auto c = parse_connection_string(" accountname=acct ; ACCOUNTKEY=" + std::string(kKey) +
                                   ";BlobEndpoint=http://127.0.0.1:4000/acct/;");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->blob_endpoint, "http://127.0.0.1:4000/acct");
}

TEST(ConnectionString, DevelopmentStorageIsAzurite) {
  auto c = parse_connection_string("UseDevelopmentStorage=true");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->account, "devstoreaccount1");
  EXPECT_EQ(c->account_key, kDevStorageKey);
  EXPECT_EQ(c->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(ConnectionString, SasForm) {
  auto c = parse_connection_string(
      "BlobEndpoint=https://acct.blob.core.windows.net/"
      ";SharedAccessSignature=?sv=2021-08-06&sig=abc%3D;AccountName=acct");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->sas_token, "sv=2021-08-06&sig=abc%3D");
  EXPECT_TRUE(c->account_key.empty());
}

struct BadConnection {
  std::string name;
  std::string text;
};

class ConnectionStringRejects : public ::testing::TestWithParam<BadConnection> {};

TEST_P(ConnectionStringRejects, NeverQuotesTheText) {
  auto c = parse_connection_string(GetParam().text);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message().find("S3CRET"), std::string::npos) << c.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConnectionStringRejects,
    ::testing::Values(BadConnection{"no_account", "AccountKey=S3CRET"},
                      BadConnection{"no_credential", "AccountName=acct"},
                      BadConnection{"segment_without_equals", "AccountName=acct;S3CRET"},
                      BadConnection{"key_not_base64", "AccountName=acct;AccountKey=S3CRET!!"},
                      BadConnection{
                          "bad_protocol",
                          "DefaultEndpointsProtocol=ftp;AccountName=a;AccountKey=S3CRET"}),
    [](const auto& info) { return info.param.name; });

struct UriCase {
  std::string name;
  std::string uri;
  std::string account;
  std::string container;
  std::string path;
  std::string endpoint;
  std::string display;
};

class AzureUri : public ::testing::TestWithParam<UriCase> {};

TEST_P(AzureUri, Parses) {
  const UriCase& c = GetParam();
  auto loc = parse_azure_uri(c.uri);
  ASSERT_TRUE(loc.ok()) << loc.status().to_string();
  EXPECT_EQ(loc->account, c.account);
  EXPECT_EQ(loc->container, c.container);
  EXPECT_EQ(loc->path, c.path);
  EXPECT_EQ(loc->blob_endpoint, c.endpoint);
  EXPECT_EQ(loc->display_prefix, c.display);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, AzureUri,
    ::testing::Values(
        UriCase{"abfss", "abfss://data@acct.dfs.core.windows.net/delta/meter-data", "acct", "data",
                "delta/meter-data", "https://acct.blob.core.windows.net",
                "abfss://data@acct.dfs.core.windows.net"},
        UriCase{"abfss_root", "abfss://data@Acct.dfs.core.windows.net", "acct", "data", "",
                "https://acct.blob.core.windows.net", "abfss://data@acct.dfs.core.windows.net"},
        UriCase{"abfss_sovereign_cloud", "abfss://c@a1.dfs.core.chinacloudapi.cn/x/", "a1", "c",
                "x", "https://a1.blob.core.chinacloudapi.cn",
                "abfss://c@a1.dfs.core.chinacloudapi.cn"},
        UriCase{"https_virtual_host", "https://acct.blob.core.windows.net/data/t/a%20b", "acct",
                "data", "t/a b", "https://acct.blob.core.windows.net",
                "https://acct.blob.core.windows.net/data"},
        UriCase{"http_path_style_azurite", "http://127.0.0.1:10000/devstoreaccount1/data/t",
                "devstoreaccount1", "data", "t", "http://127.0.0.1:10000/devstoreaccount1",
                "http://127.0.0.1:10000/devstoreaccount1/data"}),
    [](const auto& info) { return info.param.name; });

TEST(AzureUri, SasInTheQueryIsKeptAsCredential) {
  auto loc = parse_azure_uri("https://acct.blob.core.windows.net/data/t?sv=1&sig=S3CRET");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->path, "t");
  EXPECT_EQ(loc->sas_token, "sv=1&sig=S3CRET");
  EXPECT_EQ(loc->display_prefix.find("S3CRET"), std::string::npos);
}

TEST(AzureUri, RejectsMissingPartsWithoutQuotingTheQuery) {
  EXPECT_FALSE(parse_azure_uri("abfss://acct.dfs.core.windows.net/t").ok());  // no container
  EXPECT_FALSE(parse_azure_uri("https://acct.blob.core.windows.net/").ok());
  EXPECT_FALSE(parse_azure_uri("abfss://Bad_Container@acct.dfs.core.windows.net/").ok());
  auto r = parse_azure_uri("https://acct.blob.core.windows.net/?sig=S3CRET");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("S3CRET"), std::string::npos);
}

TEST(AzureRedaction, ConnectionStringsAndSasShownRedacted) {
  std::string conn = "AccountName=acct;AccountKey=" + std::string(kKey) + ";BlobEndpoint=x";
  std::string shown = redact_connection_string(conn);
  EXPECT_EQ(shown.find(kKey), std::string::npos);
  EXPECT_NE(shown.find(kRedacted), std::string::npos);
  std::string sas = redact_connection_string("https://a.blob.core.windows.net/c?sv=1&sig=S3CRET");
  EXPECT_EQ(sas.find("S3CRET"), std::string::npos);
}

}  // namespace
}  // namespace lakestream
