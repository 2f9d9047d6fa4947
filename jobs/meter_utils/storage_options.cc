#include "meter_utils/storage_options.h"

#include <cstdlib>
#include <iostream>

namespace lakestream::meter {

void add_storage_options(ArgParser& parser, const std::string& key_env,
                         const std::string& output_path) {
  parser.add("--storage-account-name")
      .help("Azure storage account name (required unless --output-root is given)");
  OptionSpec& key = parser.add("--storage-account-key")
                        .secret()
                        .help("Azure storage account key (required unless --output-root is given)");
  if (!key_env.empty()) key.env(key_env);
  parser.add("--storage-container-name").default_value("data").help("Azure storage container name");
  parser.add("--output-path").default_value(output_path).help("Delta table path in the container");
  parser.add("--output-root")
      .metavar("DIR")
      .help("write locally: the table at DIR/<output-path>, the checkpoint at "
            "DIR/<streaming-checkpoint-path>; the storage account options are then not needed");
}

Status check_storage_options(const Config& config) {
  if (!config.get_string("output-root").empty()) return Status::OK();
  std::string missing;
  for (const char* name : {"storage-account-name", "storage-account-key"}) {
    if (config.get_string(name).empty()) {
      if (!missing.empty()) missing += ", ";
      missing += std::string("--") + name;
    }
  }
  if (missing.empty()) return Status::OK();
  return Status::InvalidArgument("the following arguments are required: " + missing +
                                 " (or give --output-root DIR to write to a local directory)");
}

namespace {

std::string trim_slashes(std::string s, bool leading) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (leading) {
    size_t i = 0;
    while (i < s.size() && s[i] == '/') ++i;
    s.erase(0, i);
  }
  return s;
}

}  // namespace

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
    out.append(config.get_string("storage-account-name"));
    out.append(".dfs.core.windows.net/");
  }
  out.append(relative);
  return out;
}

std::string table_location(const Config& config) {
  return storage_location(config, config.get_string("output-path"));
}

void check_storage_options_or_exit(const Config& config, const std::string& prog) {
  const Status st = check_storage_options(config);
  if (st.ok()) return;
  std::cerr << prog << ": error: " << st.message() << "\n";
  std::exit(2);
}

}  // namespace lakestream::meter
