#include "lakestream/source/mock_hub.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lakestream {
namespace {

constexpr int32_t kMaxPartitions = 1024;

bool valid_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// A client of the mock with `group` as group.id; it never subscribes, so asking it for
// committed offsets does not disturb the group.
rd_kafka_t* new_watch_client(const std::string& bootstrap, const std::string& group,
                             std::string* error) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  const std::pair<const char*, std::string> props[] = {
      {"bootstrap.servers", bootstrap},
      {"group.id", group},
      {"enable.auto.commit", "false"},
      {"log_level", "3"},  // its own retries are not the hub's news
  };
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      *error = err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    *error = err;
    rd_kafka_conf_destroy(conf);
  }
  return rk;
}

}  // namespace

Result<HubTopic> HubTopic::parse(std::string_view text) {
  HubTopic t;
  size_t colon = text.rfind(':');
  std::string_view name = text.substr(0, colon);
  if (name.empty() || !std::all_of(name.begin(), name.end(), valid_name_char)) {
    return Status::InvalidArgument("hub '" + std::string(text) +
                                   "': the name must be letters, digits, '.', '_' or '-' "
                                   "(expected NAME:PARTITIONS, e.g. input:4)");
  }
  t.name = std::string(name);
  if (colon != std::string_view::npos) {
    std::string_view count = text.substr(colon + 1);
    int32_t n = 0;
    auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || ptr != count.data() + count.size() || n < 1 || n > kMaxPartitions) {
      return Status::InvalidArgument("hub '" + std::string(text) + "': partitions must be 1 to " +
                                     std::to_string(kMaxPartitions));
    }
    t.partitions = n;
  }
  return t;
}

int64_t HubDrop::unread_dropped() const {
  int64_t from = std::max(from_offset, committed);
  return to_offset > from ? to_offset - from : 0;
}

struct MockHub::Impl {
  rd_kafka_t* rk = nullptr;  // the handle the mock cluster runs on
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstrap;
  int port = 0;
  std::vector<HubTopic> topics;
  std::map<std::string, rd_kafka_t*> watchers;                   // group → client
  std::map<std::pair<std::string, int32_t>, int64_t> log_start;  // last seen low watermark

  ~Impl() {
    for (auto& [g, w] : watchers) rd_kafka_destroy(w);
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

MockHub::MockHub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MockHub::~MockHub() = default;

Result<std::unique_ptr<MockHub>> MockHub::start(const std::vector<HubTopic>& topics) {
  auto impl = std::make_unique<Impl>();
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
  impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (impl->rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::IOError(std::string("starting the hub's Kafka handle: ") + err);
  }
  impl->cluster = rd_kafka_mock_cluster_new(impl->rk, 1);
  if (impl->cluster == nullptr) {
    return Status::IOError(
        "starting librdkafka's mock cluster failed (no free port on "
        "127.0.0.1?)");
  }
  impl->bootstrap = rd_kafka_mock_cluster_bootstraps(impl->cluster);
  // One broker: "host:port" (librdkafka binds the mock to the loopback address).
  size_t colon = impl->bootstrap.rfind(':');
  if (colon != std::string::npos) {
    std::from_chars(impl->bootstrap.data() + colon + 1,
                    impl->bootstrap.data() + impl->bootstrap.size(), impl->port);
  }
  auto hub = std::unique_ptr<MockHub>(new MockHub(std::move(impl)));
  for (const HubTopic& t : topics) LS_RETURN_NOT_OK(hub->create_topic(t));
  return hub;
}

const std::string& MockHub::bootstrap_servers() const { return impl_->bootstrap; }
int MockHub::port() const { return impl_->port; }
const std::vector<HubTopic>& MockHub::topics() const { return impl_->topics; }

std::string MockHub::connection_string(const std::string& topic) const {
  return "Endpoint=sb://" + impl_->bootstrap +
         ";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;"
         "UseDevelopmentEmulator=true;EntityPath=" +
         topic;
}

Status MockHub::create_topic(const HubTopic& topic) {
  for (const HubTopic& t : impl_->topics) {
    if (t.name == topic.name) {
      return Status::AlreadyExists("hub '" + topic.name + "' is given twice");
    }
  }
  if (topic.partitions < 1 || topic.partitions > kMaxPartitions) {
    return Status::InvalidArgument("hub '" + topic.name + "': partitions must be 1 to " +
                                   std::to_string(kMaxPartitions));
  }
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, topic.name.c_str(), topic.partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("creating hub '" + topic.name + "': " + rd_kafka_err2str(err));
  }
  impl_->topics.push_back(topic);
  return Status::OK();
}

Status MockHub::set_broker_down(bool down) {
  rd_kafka_resp_err_t err = down ? rd_kafka_mock_broker_set_down(impl_->cluster, 1)
                                 : rd_kafka_mock_broker_set_up(impl_->cluster, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(std::string("setting the hub's broker ") + (down ? "down" : "up") +
                           ": " + rd_kafka_err2str(err));
  }
  return Status::OK();
}

Result<std::vector<HubDrop>> MockHub::check_retention(const std::string& group,
                                                      std::chrono::milliseconds timeout) {
  rd_kafka_t*& watcher = impl_->watchers[group];
  if (watcher == nullptr) {
    std::string error;
    watcher = new_watch_client(impl_->bootstrap, group, &error);
    if (watcher == nullptr) {
      impl_->watchers.erase(group);
      return Status::IOError("hub retention watch for group " + group + ": " + error);
    }
  }
  const int timeout_ms = static_cast<int>(timeout.count());
  std::vector<HubDrop> drops;
  for (const HubTopic& t : impl_->topics) {
    for (int32_t p = 0; p < t.partitions; ++p) {
      int64_t low = 0;
      int64_t high = 0;
      rd_kafka_resp_err_t err =
          rd_kafka_query_watermark_offsets(watcher, t.name.c_str(), p, &low, &high, timeout_ms);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Status::IOError("hub retention watch: offsets of " + t.name + "/" +
                               std::to_string(p) + ": " + rd_kafka_err2str(err));
      }
      auto [it, first] = impl_->log_start.try_emplace({t.name, p}, low);
      if (first || low <= it->second) continue;
      HubDrop d;
      d.topic = t.name;
      d.partition = p;
      d.from_offset = it->second;
      d.to_offset = low;
      it->second = low;
      drops.push_back(d);
    }
  }
  if (drops.empty()) return drops;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(drops.size()));
  for (const HubDrop& d : drops) {
    rd_kafka_topic_partition_list_add(list, d.topic.c_str(), d.partition);
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(watcher, list, timeout_ms);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (size_t i = 0; i < drops.size(); ++i) {
      int64_t off = list->elems[i].offset;
      drops[i].committed = off >= 0 ? off : -1;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return drops;
}

std::string MockHub::limits_text() {
  return "in memory only: everything is gone when the hub stops\n"
         "keeps at most 5 MiB or 100,000 batches per partition and silently drops the oldest "
         "beyond that (the hub warns when it sees a drop)\n"
         "cannot look up offsets by timestamp\n"
         "a consumer-group rebalance waits session.timeout.ms - 1000 ms (lakestream uses 6000 "
         "for emulator endpoints; 2000 never forms a group)\n"
         "offset commits during a rebalance are rejected\n"
         "no TLS, no SASL: any SharedAccessKey is accepted and ignored\n";
}

}  // namespace lakestream
