#include "lakestream/storage/azure_options.h"

#include <algorithm>
#include <cctype>

#include "lakestream/common/strings.h"
#include "lakestream/storage/azure_shared_key.h"

namespace lakestream {
namespace {

std::string strip_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

bool valid_account(std::string_view a) {
  return !a.empty() && a.size() <= 64 &&
         std::all_of(a.begin(), a.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

bool valid_container(std::string_view c) {
  return !c.empty() && c.size() <= 63 && std::all_of(c.begin(), c.end(), [](unsigned char ch) {
    return std::isalnum(ch) != 0 || ch == '-' || ch == '$';
  });
}

}  // namespace

Result<AzureConnectionString> parse_connection_string(std::string_view text) {
  AzureConnectionString out;
  std::string protocol = "https";
  std::string suffix = "core.windows.net";
  bool dev = false;
  int segment = 0;
  for (const std::string_view part : split_trimmed(text, ';')) {
    ++segment;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      // The segment is not quoted: it may be (part of) a key.
      return Status::InvalidArgument("connection string: segment " + std::to_string(segment) +
                                     " is not Key=Value");
    }
    std::string key = to_lower_ascii(trim(part.substr(0, eq)));
    std::string value(trim(part.substr(eq + 1)));
    if (key == "defaultendpointsprotocol")
      protocol = to_lower_ascii(value);
    else if (key == "accountname")
      out.account = value;
    else if (key == "accountkey")
      out.account_key = value;
    else if (key == "blobendpoint")
      out.blob_endpoint = strip_slashes(value);
    else if (key == "endpointsuffix")
      suffix = value;
    else if (key == "sharedaccesssignature")
      out.sas_token = value[0] == '?' ? value.substr(1) : value;
    else if (key == "usedevelopmentstorage")
      dev = to_lower_ascii(value) == "true";
    // Other keys (QueueEndpoint, DevelopmentStorageProxyUri, ...) do not concern blobs.
  }
  if (dev) {
    if (out.account.empty()) out.account = std::string(kDevStorageAccount);
    if (out.account_key.empty() && out.sas_token.empty()) {
      out.account_key = std::string(kDevStorageKey);
    }
    if (out.blob_endpoint.empty()) out.blob_endpoint = std::string(kDevStorageBlobEndpoint);
  }
  if (out.account.empty()) {
    return Status::InvalidArgument("connection string has no AccountName");
  }
  if (protocol != "https" && protocol != "http") {
    return Status::InvalidArgument(
        "connection string: DefaultEndpointsProtocol must be http or "
        "https");
  }
  if (out.blob_endpoint.empty()) {
    out.blob_endpoint = protocol + "://" + out.account + ".blob." + suffix;
  }
  if (out.account_key.empty() && out.sas_token.empty()) {
    return Status::InvalidArgument("connection string for account '" + out.account +
                                   "' has neither AccountKey nor SharedAccessSignature");
  }
  if (!out.account_key.empty() && !base64_decode(out.account_key).ok()) {
    return Status::InvalidArgument("connection string for account '" + out.account +
                                   "': AccountKey is not base64");
  }
  return out;
}

bool is_sas_token(std::string_view sas) {
  size_t i = 0;
  while (i < sas.size()) {
    size_t amp = sas.find('&', i);
    if (amp == std::string_view::npos) amp = sas.size();
    const std::string_view param = sas.substr(i, amp - i);
    if (param.starts_with("sig=") && param.size() > 4) return true;
    i = amp + 1;
  }
  return false;
}

bool is_blob_endpoint_url(std::string_view url) {
  const std::string lowered = to_lower_ascii(url);
  return (lowered.starts_with("https://") || lowered.starts_with("http://")) &&
         url.find('?') == std::string_view::npos;
}

bool is_account_key(std::string_view key) { return !key.empty() && base64_decode(key).ok(); }

bool is_azure_scheme(std::string_view scheme) {
  return scheme == "abfss" || scheme == "abfs" || scheme == "https" || scheme == "http" ||
         scheme == "wasbs" || scheme == "wasb";
}

Result<AzureLocation> parse_azure_uri(std::string_view uri) {
  size_t colon = uri.find("://");
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("not an Azure storage URI (no scheme)");
  }
  std::string scheme = to_lower_ascii(uri.substr(0, colon));
  if (!is_azure_scheme(scheme)) {
    return Status::InvalidArgument("storage scheme '" + scheme + "' is not an Azure one");
  }
  std::string_view rest = uri.substr(colon + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  AzureLocation loc;
  if (scheme.starts_with("abfs") || scheme.starts_with("wasb")) {
    // container@account.dfs.core.windows.net
    size_t at = authority.find('@');
    if (at == std::string_view::npos) {
      return Status::InvalidArgument(scheme + " URI must name <container>@<account>.<host>");
    }
    loc.container = std::string(authority.substr(0, at));
    std::string host = to_lower_ascii(authority.substr(at + 1));
    size_t dot = host.find('.');
    loc.account = host.substr(0, dot);
    std::string domain = dot == std::string::npos ? "" : host.substr(dot + 1);
    // The dfs endpoint's blob twin: everything goes through the Blob API.
    if (domain.starts_with("dfs.")) domain = "blob." + domain.substr(4);
    if (domain.empty()) domain = "blob.core.windows.net";
    loc.blob_endpoint = "https://" + loc.account + "." + domain;
    loc.display_prefix = scheme + "://" + loc.container + "@" + host;
  } else {
    std::string host = to_lower_ascii(authority);
    size_t dot = host.find('.');
    std::string first = host.substr(0, dot);
    bool virtual_host = dot != std::string::npos && host.substr(dot + 1).starts_with("blob.");
    std::string_view segs = path;
    auto take = [&segs]() {
      size_t s = segs.find('/');
      std::string_view seg = segs.substr(0, s);
      segs = s == std::string_view::npos ? std::string_view() : segs.substr(s + 1);
      return std::string(seg);
    };
    if (virtual_host) {
      loc.account = first;
      loc.blob_endpoint = scheme + "://" + host;
    } else {
      // Path style (Azurite, IP endpoints): /<account>/<container>/<path>
      loc.account = take();
      loc.blob_endpoint = scheme + "://" + host + "/" + loc.account;
    }
    loc.container = take();
    path = segs;
    loc.display_prefix = loc.blob_endpoint + "/" + loc.container;
  }
  if (!valid_account(loc.account)) {
    return Status::InvalidArgument("Azure URI: bad storage account name '" + loc.account + "'");
  }
  if (!valid_container(loc.container)) {
    return Status::InvalidArgument("Azure URI on account '" + loc.account +
                                   "': bad or missing container name '" + loc.container + "'");
  }
  LS_ASSIGN_OR_RAISE(std::string decoded, url_decode(path));
  while (!decoded.empty() && decoded.back() == '/') decoded.pop_back();
  size_t first_char = decoded.find_first_not_of('/');
  loc.path = first_char == std::string::npos ? "" : decoded.substr(first_char);
  if (!query.empty()) loc.sas_token = std::string(query);
  return loc;
}

}  // namespace lakestream
