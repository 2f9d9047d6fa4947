#pragma once
// storage/azure_shared_key: the SharedKey authorization of the Blob REST API (account key
// signing) and the small codecs it needs. Kept apart from the client so the canonicalization
// rules can be tested against hand-computed examples without a server.
//
// String to sign (service version 2009-09-19 and later):
//   VERB \n Content-Encoding \n Content-Language \n Content-Length (empty for 0) \n Content-MD5 \n
//   Content-Type \n Date \n If-Modified-Since \n If-Match \n If-None-Match \n
//   If-Unmodified-Since \n Range \n CanonicalizedHeaders CanonicalizedResource
// CanonicalizedHeaders: every x-ms-* header, name lower-cased, sorted by name, "name:value\n"
// (value trimmed, inner runs of whitespace folded to one space).
// CanonicalizedResource: "/" account url-path, then per query parameter sorted by lower-cased
// name "\nname:value" (several values of one name sorted and joined with ',').

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// The service version every request states (x-ms-version).
inline constexpr std::string_view kAzureApiVersion = "2021-08-06";

/// One request as SharedKey sees it.
struct SharedKeyRequest {
  std::string_view method;    ///< "GET", "PUT", ...
  std::string_view account;   ///< the account name
  std::string_view url_path;  ///< the path as sent (percent-encoded), starting with '/'
  /// Query parameters, decoded (name, value); order does not matter.
  std::vector<std::pair<std::string, std::string>> query;
  /// Every request header (name in any case, value); order does not matter.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// The canonical string to sign for `request`.
std::string shared_key_string_to_sign(const SharedKeyRequest& request);

/// "SharedKey <account>:<base64 HMAC-SHA256(base64-decoded key, string_to_sign)>".
/// InvalidArgument (naming the account, never the key) when the key is not base64.
Result<std::string> shared_key_authorization(std::string_view account, std::string_view base64_key,
                                             std::string_view string_to_sign);

/// HMAC-SHA256 of `data` with `key`, 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
/// Standard base64 (padding optional); InvalidArgument on other characters.
Result<std::string> base64_decode(std::string_view text);
/// Percent-encode for a URL path: keeps unreserved characters, '/' and '='.
std::string url_encode_path(std::string_view s);
/// Percent-encode a query value: keeps unreserved characters only.
std::string url_encode_query(std::string_view s);
/// Decode %XX escapes ('+' is kept as is); InvalidArgument on a bad escape.
Result<std::string> url_decode(std::string_view s);

}  // namespace lakestream
