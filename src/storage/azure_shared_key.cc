#include "lakestream/storage/azure_shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "lakestream/common/strings.h"

namespace lakestream {
namespace {

/// Trim and fold runs of whitespace to one space (the canonical header value).
std::string fold_spaces(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view s, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (is_unreserved(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string shared_key_string_to_sign(const SharedKeyRequest& request) {
  // The standard headers, in the order the service concatenates them.
  static constexpr std::array<std::string_view, 11> kStandard = {"content-encoding",
                                                                 "content-language",
                                                                 "content-length",
                                                                 "content-md5",
                                                                 "content-type",
                                                                 "date",
                                                                 "if-modified-since",
                                                                 "if-match",
                                                                 "if-none-match",
                                                                 "if-unmodified-since",
                                                                 "range"};
  std::array<std::string, kStandard.size()> values;
  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& [name, value] : request.headers) {
    std::string n = to_lower_ascii(name);
    if (n.starts_with("x-ms-")) {
      ms.emplace_back(std::move(n), fold_spaces(value));
      continue;
    }
    for (size_t i = 0; i < kStandard.size(); ++i) {
      if (n == kStandard[i]) values[i] = value;
    }
  }
  if (values[2] == "0") values[2].clear();  // Content-Length: empty for a zero-length body

  std::string out(request.method);
  out.push_back('\n');
  for (const std::string& v : values) {
    out += v;
    out.push_back('\n');
  }
  std::stable_sort(ms.begin(), ms.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [n, v] : ms) {
    out += n;
    out.push_back(':');
    out += v;
    out.push_back('\n');
  }
  out.push_back('/');
  out.append(request.account);
  out.append(request.url_path);
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [n, v] : request.query) query.emplace_back(to_lower_ascii(n), v);
  std::sort(query.begin(), query.end());
  for (size_t i = 0; i < query.size();) {
    out.push_back('\n');
    out += query[i].first;
    out.push_back(':');
    size_t j = i;
    for (; j < query.size() && query[j].first == query[i].first; ++j) {
      if (j > i) out.push_back(',');
      out += query[j].second;
    }
    i = j;
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

Result<std::string> shared_key_authorization(std::string_view account, std::string_view base64_key,
                                             std::string_view string_to_sign) {
  auto key = base64_decode(base64_key);
  if (!key.ok() || key->empty()) {
    return Status::InvalidArgument("the account key of storage account '" + std::string(account) +
                                   "' is not base64");
  }
  std::string auth = "SharedKey ";
  auth.append(account);
  auth.push_back(':');
  auth += base64_encode(hmac_sha256(*key, string_to_sign));
  return auth;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else
      return Status::InvalidArgument("not base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string url_encode_path(std::string_view s) { return percent_encode(s, "/="); }
std::string url_encode_query(std::string_view s) { return percent_encode(s, ""); }

Result<std::string> url_decode(std::string_view s) {
  size_t bad_at = 0;
  std::optional<std::string> out = percent_decode(s, &bad_at);
  if (!out)
    return Status::InvalidArgument("bad percent escape at character " + std::to_string(bad_at));
  return std::move(*out);
}

}  // namespace lakestream
