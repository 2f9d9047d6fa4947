#pragma once
// A temporary working directory plus a fake environment, so config tests exercise every
// layer (./conf, job config files, environment variables) without touching the process state.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "lakestream/config/config.h"

namespace lakestream::testing {

class ConfigSandbox {
 public:
  ConfigSandbox() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ls_config_XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    dir_ = tmpl;
  }
  ~ConfigSandbox() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ConfigSandbox(const ConfigSandbox&) = delete;
  ConfigSandbox& operator=(const ConfigSandbox&) = delete;

  const std::string& dir() const { return dir_; }

  /// Write `content` to `relative` under the sandbox, creating folders.
  void write(const std::string& relative, const std::string& content) {
    std::filesystem::path p = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  void set_env(const std::string& name, const std::string& value) { env_[name] = value; }

  ParseContext context() const {
    ParseContext ctx;
    ctx.cwd = dir_;
    ctx.getenv = [env = env_](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    return ctx;
  }

  Result<Config> parse(const ArgParser& parser, const std::vector<std::string>& args) const {
    return parser.parse(args, context());
  }

 private:
  std::string dir_;
  std::map<std::string, std::string> env_;
};

/// The streaming_job declaration of the original sample (names, defaults, env vars).
inline ArgParser streaming_parser() {
  ArgParser p("streaming_job", "Streaming Job Sample", {"configuration/run_args_streaming.conf"});
  p.add("--storage-account-name").required().help("Azure storage account name");
  p.add("--storage-account-key")
      .required()
      .env("STREAMING_STORAGE_KEY")
      .secret()
      .help("Azure storage account key");
  p.add("--storage-container-name").default_value("data").help("Container of the Delta table");
  p.add("--output-path").default_value("delta/streaming-data/").help("Delta table path");
  p.add("--input-eh-connection-string")
      .required()
      .env("STREAMING_INPUT_EH_CONNECTION_STRING")
      .secret()
      .help("Event Hubs connection string to read from");
  p.add("--max-events-per-trigger").default_value(10000).help("Events per micro-batch at most");
  p.add("--trigger-interval").default_value("1 second").help("Time between micro-batches");
  p.add("--streaming-checkpoint-path")
      .default_value("checkpoints/streaming")
      .help("Checkpoint folder");
  return p;
}

inline constexpr const char* kConnectionString =
    "Endpoint=sb://myeventhub.servicebus.windows.net/;SharedAccessKeyName=Listen;"
    "SharedAccessKey=c2VjcmV0LWtleQ==;EntityPath=input;";

}  // namespace lakestream::testing
