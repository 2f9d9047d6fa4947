#include "meter_utils/storage_options.h"

#include <cstdlib>
#include <iostream>
#include <optional>

#include "lakestream/common/strings.h"
#include "lakestream/storage/azure_file_system.h"

namespace lakestream::meter {

namespace {

constexpr const char* kConnectionOption = "storage-connection-string";
constexpr const char* kLocalHint = "or give --output-root DIR to write to a local directory";

std::string trim_slashes(std::string s, bool leading) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (leading) {
    size_t i = 0;
    while (i < s.size() && s[i] == '/') ++i;
    s.erase(0, i);
  }
  return s;
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Azure's rules: 3 to 24 lower-case letters and digits.
bool valid_account_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 24) return false;
  for (char c : name) {
    if (!is_lower_alnum(c)) return false;
  }
  return true;
}

// Azure's rules: 3 to 63 lower-case letters, digits and hyphens; a letter or digit first and
// last; no two hyphens in a row.
bool valid_container_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '-') {
      if (name[i + 1] == '-') return false;
    } else if (!is_lower_alnum(name[i])) {
      return false;
    }
  }
  return true;
}

// "--name" plus, when the value came from the environment, where it came from.
std::string option_and_source(const Config& config, const std::string& name) {
  std::string out = "--" + name;
  const ValueSource& source = config.source_of(name);
  if (source.kind == ValueSource::Kind::kEnvironment || source.kind == ValueSource::Kind::kFile) {
    out += " (from " + source.to_string() + ")";
  }
  return out;
}

// Whether `uri` has a scheme the Azure backend serves (abfss://, https://, ...).
bool is_azure_uri(std::string_view uri) {
  const size_t colon = uri.find("://");
  return colon != std::string_view::npos && is_azure_scheme(to_lower_ascii(uri.substr(0, colon)));
}

std::optional<AzureConnectionString> parsed_connection_string(const Config& config) {
  const std::string& text = config.get_string(kConnectionOption);
  if (text.empty()) return std::nullopt;
  auto parsed = parse_connection_string(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

}  // namespace

void add_storage_options(ArgParser& parser, const std::string& key_env,
                         const std::string& output_path) {
  parser.add("--storage-account-name")
      .help(
          "Azure storage account name (required unless --output-root is given or a "
          "connection string names the account)");
  OptionSpec& key = parser.add("--storage-account-key")
                        .secret()
                        .help(
                            "Azure storage account key (or give --storage-sas-token or a "
                            "connection string instead)");
  if (!key_env.empty()) key.env(key_env);
  parser.add("--storage-container-name").default_value("data").help("Azure storage container name");
  parser.add("--storage-connection-string")
      .secret()
      .env(std::string(kConnectionStringEnv))
      .help(
          "Azure storage connection string (AccountName=..;AccountKey=.. or "
          "SharedAccessSignature=..; BlobEndpoint=..; UseDevelopmentStorage=true for Azurite); "
          "it names the account when --storage-account-name is not given");
  parser.add("--storage-sas-token")
      .secret()
      .env("STREAMING_STORAGE_SAS_TOKEN")
      .help("SAS token for the storage account (sv=...&sig=..., with or without a leading '?')");
  parser.add("--storage-blob-endpoint")
      .metavar("URL")
      .help(
          "blob endpoint of --storage-account-name, when it is not "
          "https://<account>.blob.core.windows.net (a private endpoint, a proxy, Azurite's "
          "http://127.0.0.1:10000/devstoreaccount1)");
  parser.add("--output-path").default_value(output_path).help("Delta table path in the container");
  parser.add("--output-root")
      .metavar("DIR")
      .help(
          "write locally: the table at DIR/<output-path>, the checkpoint at "
          "DIR/<streaming-checkpoint-path>; the storage account options are then not needed");
}

Result<AzureStorageOptions> azure_storage_options(const Config& config) {
  AzureStorageOptions out;
  out.account_name = config.get_string("storage-account-name");
  out.account_key = config.get_string("storage-account-key");
  out.sas_token = config.get_string("storage-sas-token");
  out.connection_string = config.get_string(kConnectionOption);
  out.blob_endpoint = trim_slashes(config.get_string("storage-blob-endpoint"), false);
  const std::string& container = config.get_string("storage-container-name");
  const std::string& root = config.get_string("output-root");

  // Each given option on its own. Messages show names, never a secret's value.
  if (!out.account_name.empty() && !valid_account_name(out.account_name)) {
    return Status::InvalidArgument("--storage-account-name: '" + out.account_name +
                                   "' is not a storage account name (3 to 24 lower-case letters "
                                   "and digits)");
  }
  if (!valid_container_name(container)) {
    return Status::InvalidArgument("--storage-container-name: '" + container +
                                   "' is not a container name (3 to 63 lower-case letters, "
                                   "digits and single hyphens, a letter or digit first and last)");
  }
  if (!out.account_key.empty() && !is_account_key(out.account_key)) {
    return Status::InvalidArgument(option_and_source(config, "storage-account-key") +
                                   ": not an account key (the base64 text shown under the "
                                   "storage account's Access keys)");
  }
  if (out.sas_token.starts_with('?')) out.sas_token.erase(0, 1);
  if (!out.sas_token.empty() && !is_sas_token(out.sas_token)) {
    return Status::InvalidArgument(option_and_source(config, "storage-sas-token") +
                                   ": not a SAS token (a query string such as "
                                   "sv=...&ss=b&sp=...&sig=..., with its sig= parameter)");
  }
  std::optional<AzureConnectionString> connection;
  if (!out.connection_string.empty()) {
    auto parsed = parse_connection_string(out.connection_string);
    if (!parsed.ok()) {
      return Status::InvalidArgument(option_and_source(config, kConnectionOption) + ": " +
                                     parsed.status().message());
    }
    connection = std::move(*parsed);
  }
  if (!out.blob_endpoint.empty()) {
    if (!is_blob_endpoint_url(out.blob_endpoint)) {
      return Status::InvalidArgument("--storage-blob-endpoint: '" + out.blob_endpoint +
                                     "' is not an http:// or https:// URL without a query (put "
                                     "a SAS in --storage-sas-token)");
    }
    if (out.account_name.empty()) {
      return Status::InvalidArgument(
          "--storage-blob-endpoint needs --storage-account-name (it is that account's endpoint)");
    }
  }

  // Which account the table and checkpoint live on, and whether something authenticates to it.
  std::string account;
  if (!root.empty()) {
    if (root.find('?') != std::string::npos) {
      return Status::InvalidArgument(
          "--output-root: a location with a query; put a SAS in "
          "--storage-sas-token");
    }
    if (!is_azure_uri(root)) return out;  // a local directory: no account needed
    auto location = parse_azure_uri(root);
    if (!location.ok()) {
      return Status::InvalidArgument("--output-root: " + location.status().message());
    }
    account = location->account;
  } else {
    account = out.account_name.empty() && connection ? to_lower_ascii(connection->account)
                                                     : out.account_name;
  }
  if (account.empty()) {
    return Status::InvalidArgument(
        std::string("the following arguments are required: --storage-account-name, "
                    "--storage-account-key (") +
        kLocalHint +
        "; --storage-sas-token can stand for the key, and a connection string "
        "(--storage-connection-string or " +
        std::string(kConnectionStringEnv) + ") for both)");
  }
  const bool by_connection = connection && to_lower_ascii(connection->account) == account;
  const bool by_account =
      out.account_name == account && (!out.account_key.empty() || !out.sas_token.empty());
  const bool by_bare_sas = out.account_name.empty() && !out.sas_token.empty();
  if (by_connection || by_account || by_bare_sas) return out;
  std::string message =
      "the following arguments are required: --storage-account-key (or "
      "--storage-sas-token) for storage account '" +
      account + "'";
  if (connection) {
    message += "; the connection string (" + option_and_source(config, kConnectionOption) +
               ") is for account '" + connection->account + "'";
  }
  if (root.empty()) message += std::string(" (") + kLocalHint + ")";
  return Status::InvalidArgument(message);
}

Status check_storage_options(const Config& config) {
  return azure_storage_options(config).status();
}

std::string storage_account(const Config& config) {
  const std::string& name = config.get_string("storage-account-name");
  if (!name.empty()) return name;
  std::optional<AzureConnectionString> connection = parsed_connection_string(config);
  return connection ? to_lower_ascii(connection->account) : std::string();
}

std::string storage_location(const Config& config, const std::string& path) {
  const std::string relative = trim_slashes(path, true);
  const std::string& root = config.get_string("output-root");
  std::string out;
  if (!root.empty()) {
    out = trim_slashes(root, false);
    if (out.empty() || out.back() != '/') out.push_back('/');
  } else {
    out.append("abfss://");
    out.append(config.get_string("storage-container-name"));
    out.push_back('@');
    out.append(storage_account(config));
    out.append(".dfs.core.windows.net/");
  }
  out.append(relative);
  return out;
}

std::string table_location(const Config& config) {
  return storage_location(config, config.get_string("output-path"));
}

AzureStorageOptions storage_options_or_exit(const Config& config, const std::string& prog) {
  auto options = azure_storage_options(config);
  if (!options.ok()) {
    std::cerr << prog << ": error: " << options.status().message() << "\n";
    std::exit(2);
  }
  return std::move(*options);
}

}  // namespace lakestream::meter
