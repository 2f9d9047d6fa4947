#pragma once
// storage/azure_options: where an Azure location is and how to authenticate to it.
// Owns URI parsing (abfss://, https://), connection strings and the option struct jobs fill from
// their command lines. It never prints a secret: to_string-like helpers go through
// common/redact.h, and error messages name accounts and containers only.
//
//   LS_ASSIGN_OR_RAISE(AzureLocation loc,
//                      parse_azure_uri("abfss://data@acct.dfs.core.windows.net/tables/t"));
//   // loc.account "acct", loc.container "data", loc.path "tables/t"

#include <cstdint>
#include <string>
#include <string_view>

#include "lakestream/common/status.h"

namespace lakestream {

/// Azurite's well-known development account (public: it is in Microsoft's documentation).
inline constexpr std::string_view kDevStorageAccount = "devstoreaccount1";
inline constexpr std::string_view kDevStorageKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
inline constexpr std::string_view kDevStorageBlobEndpoint =
    "http://127.0.0.1:10000/devstoreaccount1";
/// The environment variable every command honours, as the Azure SDKs do.
inline constexpr std::string_view kConnectionStringEnv = "AZURE_STORAGE_CONNECTION_STRING";

/// A parsed storage connection string.
struct AzureConnectionString {
  std::string account;        ///< AccountName (devstoreaccount1 for UseDevelopmentStorage)
  std::string account_key;    ///< AccountKey, base64 (secret)
  std::string sas_token;      ///< SharedAccessSignature without a leading '?' (secret)
  std::string blob_endpoint;  ///< e.g. "https://acct.blob.core.windows.net", no trailing '/'
};

/// Parse `Key=Value;...` (keys case-insensitive; values may hold '='). Understood keys:
/// DefaultEndpointsProtocol, AccountName, AccountKey, BlobEndpoint, EndpointSuffix,
/// SharedAccessSignature, UseDevelopmentStorage=true (Azurite on 127.0.0.1:10000 with the
/// development account). Errors never quote the text (it holds a key).
Result<AzureConnectionString> parse_connection_string(std::string_view text);

/// Client behaviour: retries, timeouts, block uploads.
struct AzureClientOptions {
  int max_attempts = 8;         ///< tries per request (1 = no retry)
  int base_backoff_ms = 200;    ///< first retry waits up to this (full jitter), doubling
  int max_backoff_ms = 10'000;  ///< cap of one wait (Retry-After is honoured up to 60 s)
  int connect_timeout_ms = 10'000;
  int request_timeout_ms = 300'000;  ///< whole request, including the body
  int64_t block_size = 8 << 20;      ///< streams upload blocks of this size...
  int blocks_in_flight = 4;          ///< ...this many at once
  /// Certificate checks stay on; this only exists to name a CA bundle (tests, proxies).
  std::string ca_file;
};

/// What the jobs fill from --storage-account-name, --storage-account-key, a connection-string
/// option and a SAS option. Empty fields are unset. The connection string wins for its own
/// account; an account key wins over a SAS token for `account_name`.
struct AzureStorageOptions {
  std::string account_name;
  std::string account_key;        ///< secret
  std::string sas_token;          ///< secret; with or without a leading '?'
  std::string connection_string;  ///< secret; empty: AZURE_STORAGE_CONNECTION_STRING if set
  /// Overrides the blob endpoint of `account_name` (e.g. a proxy in tests).
  std::string blob_endpoint;
  AzureClientOptions client;
};

/// A blob location from a URI.
struct AzureLocation {
  std::string account;
  std::string container;
  std::string path;            ///< within the container, no leading '/', may be empty
  std::string blob_endpoint;   ///< the account's endpoint the URI implies, no trailing '/'
  std::string sas_token;       ///< a SAS carried in an https URI's query (secret)
  std::string display_prefix;  ///< "abfss://c@a.dfs.core.windows.net" or "https://a.blob.../c"
};

/// Parse `abfss://<container>@<account>.dfs.<suffix>/<path>` (also abfs://),
/// `https://<account>.blob.<suffix>/<container>/<path>[?<sas>]`, and path-style
/// `http(s)://<host:port>/<account>/<container>/<path>` (Azurite, IP hosts). Percent escapes in
/// the path are decoded.
Result<AzureLocation> parse_azure_uri(std::string_view uri);

/// Whether `sas` (without a leading '?') has the form of a SAS token: a query string whose
/// parameters include the signature (sig=...).
bool is_sas_token(std::string_view sas);
/// Whether `url` can be a blob endpoint: http:// or https://, without a query (a SAS goes in
/// its own option).
bool is_blob_endpoint_url(std::string_view url);
/// Whether `key` has the form of a storage account key (base64 text).
bool is_account_key(std::string_view key);

/// Whether `scheme` (lower case) is one parse_azure_uri understands.
bool is_azure_scheme(std::string_view scheme);

}  // namespace lakestream
