// Fuzz target: configuration text — the config-file parser (config/conf_file.h) and the typed
// layering behind it (config/config.h), and the connection strings jobs take: Event Hubs and
// Kafka endpoints (source/kafka_endpoint.h), storage connection strings and Azure URIs
// (storage/azure_options.h), and their redaction (common/redact.h).
//
// Input: a config file. Its entries become command-line arguments of a parser declaring one
// option of each type, so values go through the int/double/bool/list conversions; the whole
// text and every value are also given to each connection-string and URI parser.
// Property: what redact_connection_string shows never holds a SharedAccessKey or AccountKey
// value longer than a few characters verbatim (checked when the key is unambiguous).

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/conf_file.h"
#include "fuzz_support.h"
#include "lakestream/common/redact.h"
#include "lakestream/config/config.h"
#include "lakestream/source/kafka_endpoint.h"
#include "lakestream/storage/azure_options.h"

namespace lakestream::fuzz {
namespace {

constexpr size_t kMaxInput = 16 * 1024;

const ArgParser& parser() {
  static const ArgParser p = [] {
    ArgParser a("fuzz_job", "config fuzz target");
    a.add("--name").help("a string");
    a.add("--count").default_value(10).help("an int");
    a.add("--ratio").default_value(0.5).help("a double");
    a.add("--enabled").flag().help("a flag");
    a.add("--items").list().help("a list");
    a.add("--storage-account-key").secret().help("a secret");
    a.add("--input-eh-connection-string").secret().help("a connection string");
    return a;
  }();
  return p;
}

void parse_connection_text(std::string_view text) {
  if (auto eh = parse_connection(text); eh.ok()) {
    (void)eh->describe();
    (void)eh->property("bootstrap.servers");
  }
  (void)parse_event_hubs_connection_string(text);
  (void)parse_kafka_url(text);
  (void)resolve_kafka_endpoint(text, "", "fuzz-topic");
  (void)resolve_kafka_endpoint(text, "localhost:9092", "");
  (void)parse_connection_string(text);
  (void)parse_azure_uri(text);
  (void)is_sas_token(text);
  (void)is_account_key(text);
  (void)is_secret_key_name(text);

  // A SharedAccessKey/AccountKey value (long enough not to appear by chance) must not survive
  // redaction. Its value ends where redact.h says a value ends: at ';', '&', whitespace or a
  // quote (beyond that, the text is no longer the key). A value holding a character of
  // kRedacted is skipped: "Key=" + kRedacted may spell it (SharedAccessKey=cessKey=*****...).
  const std::string shown = redact_connection_string(text);
  for (std::string_view segment : split(text, ";")) {
    size_t eq = segment.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(segment.substr(0, eq));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = segment.substr(eq + 1);
    value = value.substr(0, value.find_first_of("&\"' \t\r\n"));
    if ((key == "sharedaccesskey" || key == "accountkey") && value.size() >= 16 &&
        text.find(value) == text.rfind(value) &&
        value.find_first_of("*()") == std::string_view::npos) {
      check(shown.find(value) == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace lakestream::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size > kMaxInput) return 0;
  const std::string_view text = as_text(data, size);
  parse_connection_text(text);

  auto entries = parse_conf_text(text, "fuzz.conf");
  if (!entries.ok()) return 0;
  std::vector<std::string> args;
  for (const ConfEntry& entry : *entries) {
    std::string arg = entry.key.starts_with("--") ? entry.key : "--" + entry.key;
    if (entry.value) {
      (void)split_list_value(*entry.value);
      parse_connection_text(*entry.value);
      arg += "=" + *entry.value;
    }
    args.push_back(std::move(arg));
  }
  ParseContext ctx;
  ctx.cwd = "/nonexistent/lakestream-fuzz";  // no engine defaults file is ever found
  ctx.getenv = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto config = parser().parse(args, ctx);
  if (config.ok()) {
    (void)config->dump();
    (void)config->shown_settings();
    (void)config->get_int("count");
    (void)config->get_double("ratio");
    (void)config->get_bool("enabled");
    (void)config->get_list("items");
    (void)config->unknown_args_line();
  }
  return 0;
}
