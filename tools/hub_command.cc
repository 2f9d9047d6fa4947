// `lakestream hub`: a local Event Hubs-compatible endpoint on librdkafka's mock cluster. It
// serves the Kafka protocol on 127.0.0.1 (an ephemeral port), prints the emulator connection
// string of each hub, its limits and a readiness line, and runs until SIGINT/SIGTERM (exit 0).
// While running it watches every partition's log start and warns when the mock drops events
// a consumer group has not read. SIGUSR1 takes the mock's broker down (connections refused) and
// SIGUSR2 brings it back, for tests of a broker outage. docs/event-hubs.md has the details and
// when to use the real Event Hubs emulator or a Kafka broker instead.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "command_args.h"
#include "lakestream/config/config.h"
#include "lakestream/source/mock_hub.h"

namespace lakestream::cli {

namespace {

int fail(const Status& status) {
  std::fprintf(stderr, "lakestream hub: %s\n", status.to_string().c_str());
  return kExitFailure;
}

// Written to a temporary name and renamed, so a reader never sees half a file.
Status write_connection_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("--connection-file: cannot create '" + tmp + "'");
    out << text;
    out.close();
    if (!out) return Status::IOError("--connection-file: writing '" + tmp + "' failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IOError("--connection-file: cannot rename to '" + path + "'");
  }
  return Status::OK();
}

void report_drops(const std::vector<HubDrop>& drops, const std::string& group) {
  for (const HubDrop& d : drops) {
    const int64_t unread = d.unread_dropped();
    std::string who = d.committed < 0 ? "has committed nothing"
                                      : "had committed offset " + std::to_string(d.committed);
    if (unread > 0) {
      std::fprintf(stderr,
                   "lakestream hub: warning: %s/%d dropped offsets %lld..%lld (the mock keeps at "
                   "most 5 MiB or 100,000 batches per partition); consumer group '%s' %s, so %lld "
                   "events it had not read are gone\n",
                   d.topic.c_str(), d.partition, static_cast<long long>(d.from_offset),
                   static_cast<long long>(d.to_offset - 1), group.c_str(), who.c_str(),
                   static_cast<long long>(unread));
    } else {
      std::fprintf(stderr,
                   "lakestream hub: note: %s/%d dropped offsets %lld..%lld, all already read by "
                   "consumer group '%s'\n",
                   d.topic.c_str(), d.partition, static_cast<long long>(d.from_offset),
                   static_cast<long long>(d.to_offset - 1), group.c_str());
    }
  }
}

int run_hub(int argc, char** argv) {
  ArgParser parser(argv[0],
                   "Serve a local Event Hubs-compatible endpoint (the Kafka protocol on "
                   "127.0.0.1, on librdkafka's mock cluster) until SIGINT or SIGTERM. Prints the "
                   "connection string of each hub (UseDevelopmentEmulator=true), its limits, "
                   "then a line starting with 'lakestream hub: ready'. For outage tests, "
                   "SIGUSR1 takes the broker down and SIGUSR2 brings it back up.");
  parser.add("--hub")
      .list()
      .metavar("NAME:PARTITIONS")
      .default_value(std::vector<std::string>{"input:4"})
      .help("an event hub (Kafka topic) to create; repeat for more");
  parser.add("--connection-file")
      .metavar("PATH")
      .help("also write the connection strings there, one line per hub (removed on exit)");
  parser.add("--watch-group")
      .metavar("GROUP")
      .default_value("$Default")
      .help("the consumer group whose unread events the drop warnings count");

  CommandArgs args = parse_command_args(parser, argc, argv);
  if (args.stop) return *args.stop;
  const Config& options = args.options;
  std::vector<HubTopic> topics;
  for (const std::string& text : options.get_list("hub")) {
    auto t = HubTopic::parse(text);
    if (!t.ok()) return usage_error(argv[0], "option '--hub': " + t.status().message());
    for (const HubTopic& other : topics) {
      if (other.name == t->name) {
        return usage_error(argv[0], "option '--hub': '" + t->name + "' is given twice");
      }
    }
    topics.push_back(*t);
  }
  if (topics.empty()) return usage_error(argv[0], "option '--hub': no hub given");
  const std::string connection_file = options.get_string("connection-file");
  const std::string group = options.get_string("watch-group");

  // Block the stop and outage signals before librdkafka starts its threads (they inherit the
  // mask), so the signals reach only sigtimedwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);
  sigaddset(&stop_signals, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line reaches a pipe as soon as printed

  auto started = MockHub::start(topics);
  if (!started.ok()) return fail(started.status());
  std::unique_ptr<MockHub> hub = std::move(started).value();

  std::printf("lakestream hub: serving the Kafka protocol on %s (librdkafka mock cluster)\n",
              hub->bootstrap_servers().c_str());
  std::string file_text;
  for (const HubTopic& t : hub->topics()) {
    const std::string cs = hub->connection_string(t.name);
    std::printf("hub %s: %d partition%s\n  connection string: %s\n", t.name.c_str(), t.partitions,
                t.partitions == 1 ? "" : "s", cs.c_str());
    file_text += cs + "\n";
  }
  std::printf("limits of this local hub (a test double, not a broker):\n");
  const std::string limits = MockHub::limits_text();
  size_t start = 0;
  while (start < limits.size()) {
    size_t end = limits.find('\n', start);
    if (end == std::string::npos) end = limits.size();
    std::printf("  - %s\n", limits.substr(start, end - start).c_str());
    start = end + 1;
  }
  if (!connection_file.empty()) {
    Status written = write_connection_file(connection_file, file_text);
    if (!written.ok()) return fail(written);
  }
  // The first check records every partition's log start; later ones compare against it.
  if (auto first = hub->check_retention(group); !first.ok()) {
    std::fprintf(stderr, "lakestream hub: warning: %s\n", first.status().to_string().c_str());
  }
  std::printf("lakestream hub: ready on %s (stop with Ctrl-C or SIGTERM)\n",
              hub->bootstrap_servers().c_str());

  int signal_number = 0;
  bool broker_down = false;
  while (signal_number <= 0) {
    timespec wait{1, 0};
    signal_number = sigtimedwait(&stop_signals, nullptr, &wait);
    if (signal_number == SIGUSR1 || signal_number == SIGUSR2) {
      // An outage on request: the broker refuses connections until SIGUSR2.
      const bool down = signal_number == SIGUSR1;
      const Status changed = hub->set_broker_down(down);
      if (changed.ok()) {
        broker_down = down;
        std::printf("lakestream hub: broker %s (SIG%s)\n", down ? "down" : "up",
                    down ? "USR1" : "USR2");
      } else {
        std::fprintf(stderr, "lakestream hub: warning: %s\n", changed.to_string().c_str());
      }
      signal_number = 0;
      continue;
    }
    if (signal_number > 0) break;
    if (errno != EAGAIN && errno != EINTR) {
      std::fprintf(stderr, "lakestream hub: waiting for signals failed (errno %d)\n", errno);
      break;
    }
    if (broker_down) continue;  // the retention watch cannot reach a broker that is down
    auto drops = hub->check_retention(group);
    if (drops.ok()) {
      report_drops(*drops, group);
    } else {
      std::fprintf(stderr, "lakestream hub: warning: %s\n", drops.status().to_string().c_str());
    }
  }
  std::printf("lakestream hub: stopping (%s)\n", signal_number == SIGINT    ? "SIGINT"
                                                 : signal_number == SIGTERM ? "SIGTERM"
                                                                            : "error");
  hub.reset();
  if (!connection_file.empty()) std::remove(connection_file.c_str());
  return signal_number > 0 ? kExitOk : kExitFailure;
}

}  // namespace

LAKESTREAM_COMMAND("hub", "serve a local Event Hubs-compatible endpoint (Kafka on 127.0.0.1)",
                   run_hub);

}  // namespace lakestream::cli
