// `lakestream offsets`: a consumer group's committed offsets on a topic next to each
// partition's watermarks and lag — the view a lag tool gives. lakestream commits offsets to
// the group after each Delta commit for exactly this purpose (recovery reads the table's txn
// versions, never these). The group is asked without joining it, so looking never triggers a
// rebalance of running jobs.
//
//   lakestream offsets --connection "Endpoint=sb://...;EntityPath=input" --group '$Default'
#include <cstdio>
#include <string>

#include "command.h"
#include "command_args.h"
#include "lakestream/config/config.h"
#include "lakestream/source/group_offsets.h"

namespace lakestream::cli {

namespace {

int run_offsets(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Print a consumer group's committed offsets on an Event Hub (Kafka topic), "
                   "with each partition's low and high watermarks and the group's lag. The "
                   "group is not joined. Text columns: partition committed low high lag "
                   "(committed -1: nothing committed).");
  parser.add("--connection")
      .required()
      .secret()
      .env("LAKESTREAM_OFFSETS_CONNECTION")
      .metavar("CONNECTION")
      .help("Event Hubs connection string (EntityPath names the hub) or kafka://host:port/topic");
  parser.add("--topic").metavar("NAME").help("the topic, when the connection does not name it");
  parser.add("--group").metavar("GROUP").default_value("$Default").help("the consumer group");
  parser.add("--format").metavar("text|json").default_value("text").help("output format");
  parser.add("--timeout-seconds").default_value(10).help("how long to wait for the broker");

  CommandArgs args = parse_command_args(parser, argc, argv);
  if (args.stop) return *args.stop;
  const Config& options = args.options;
  const std::string format = options.get_string("format");
  if (format != "text" && format != "json") {
    return usage_error(argv[0], "option '--format': expected text or json, got '" + format + "'");
  }
  const int64_t timeout_s = options.get_int("timeout-seconds");
  if (timeout_s <= 0) return usage_error(argv[0], "option '--timeout-seconds' must be positive");
  auto endpoint =
      resolve_kafka_endpoint(options.get_string("connection"), "", options.get_string("topic"));
  if (!endpoint.ok()) return usage_error(argv[0], endpoint.status().message());
  const std::string group = options.get_string("group");

  auto offsets = read_group_offsets(*endpoint, group, std::chrono::seconds(timeout_s));
  if (!offsets.ok()) {
    std::fprintf(stderr, "lakestream offsets: %s\n", offsets.status().to_string().c_str());
    return kExitFailure;
  }
  if (format == "json") {
    // Topic and group names are letters, digits and a few marks, but quote them safely anyway.
    auto quote = [](const std::string& s) {
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
      }
      return out + "\"";
    };
    std::string text =
        "{\"topic\":" + quote(endpoint->topic) + ",\"group\":" + quote(group) + ",\"partitions\":[";
    for (size_t i = 0; i < offsets->size(); ++i) {
      const GroupPartitionOffsets& p = (*offsets)[i];
      if (i > 0) text += ',';
      text += "{\"partition\":";
      text += std::to_string(p.partition);
      text += ",\"committed\":";
      text += std::to_string(p.committed);
      text += ",\"low\":";
      text += std::to_string(p.low);
      text += ",\"high\":";
      text += std::to_string(p.high);
      text += ",\"lag\":";
      text += std::to_string(p.lag());
      text += '}';
    }
    std::printf("%s]}\n", text.c_str());
    return kExitOk;
  }
  std::printf("# %s, consumer group %s\n", endpoint->describe().c_str(), group.c_str());
  std::printf("partition committed low high lag\n");
  for (const GroupPartitionOffsets& p : *offsets) {
    std::printf("%d %lld %lld %lld %lld\n", p.partition, static_cast<long long>(p.committed),
                static_cast<long long>(p.low), static_cast<long long>(p.high),
                static_cast<long long>(p.lag()));
  }
  return kExitOk;
}

}  // namespace

LAKESTREAM_COMMAND("offsets", "a consumer group's committed offsets and lag on an Event Hub",
                   run_offsets);

}  // namespace lakestream::cli
