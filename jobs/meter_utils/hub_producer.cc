#include "meter_utils/hub_producer.h"

#include <librdkafka/rdkafka.h>

#include <array>
#include <atomic>
#include <mutex>
#include <string>

#include "lakestream/source/kafka_endpoint.h"

namespace lakestream::meter {

namespace {

// Settings of the endpoint that only a consumer understands: librdkafka warns about each one
// given to a producer, so they are left out.
constexpr std::array<std::string_view, 6> kConsumerOnly = {
    "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
    "enable.auto.commit", "auto.offset.reset",     "group.id"};

bool consumer_only(std::string_view name) {
  for (std::string_view c : kConsumerOnly) {
    if (c == name) return true;
  }
  return false;
}

}  // namespace

struct HubProducer::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_topic_t* topic = nullptr;
  std::string description;
  std::atomic<int64_t> delivered{0};
  std::mutex error_mutex;
  std::string first_error;

  ~Impl() {
    if (topic != nullptr) rd_kafka_topic_destroy(topic);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* impl = static_cast<HubProducer::Impl*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    impl->delivered.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::lock_guard<std::mutex> lock(impl->error_mutex);
  if (impl->first_error.empty()) impl->first_error = rd_kafka_err2str(message->err);
}

}  // namespace

HubProducer::HubProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HubProducer::~HubProducer() = default;

Result<std::unique_ptr<HubProducer>> HubProducer::create(std::string_view connection_string) {
  LS_ASSIGN_OR_RAISE(KafkaEndpoint endpoint, parse_connection(connection_string));
  if (endpoint.topic.empty()) {
    return Status::InvalidArgument("producer for " + endpoint.describe() +
                                   ": the connection string names no hub (EntityPath)");
  }
  auto impl = std::make_unique<Impl>();
  impl->description = endpoint.describe();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& name, const std::string& value) -> Status {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof(err)) !=
        RD_KAFKA_CONF_OK) {
      // The value may be the connection string itself (sasl.password): name the key only.
      return Status::InvalidArgument("producer for " + impl->description + ": setting '" + name +
                                     "' refused: " + err);
    }
    return Status::OK();
  };
  Status st;
  for (const auto& [name, value] : endpoint.properties) {
    if (consumer_only(name)) continue;
    st = set(name, value);
    if (!st.ok()) break;
  }
  // Small batches sent often keep the generator's rate smooth; the hub holds at most 5 MiB
  // per partition, so compression would only hide how much is there.
  if (st.ok()) st = set("linger.ms", "5");
  if (st.ok()) st = set("queue.buffering.max.messages", "200000");
  if (!st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, impl.get());
  impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (impl->rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::IOError("producer for " + impl->description + ": " + err);
  }
  impl->topic = rd_kafka_topic_new(impl->rk, endpoint.topic.c_str(), nullptr);
  if (impl->topic == nullptr) {
    return Status::IOError("producer for " + impl->description + ": cannot open topic '" +
                           endpoint.topic + "'");
  }
  return std::unique_ptr<HubProducer>(new HubProducer(std::move(impl)));
}

Status HubProducer::send(std::string_view key, std::string_view body) {
  while (true) {
    const int rc = rd_kafka_produce(impl_->topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                    const_cast<char*>(body.data()), body.size(), key.data(),
                                    key.size(), nullptr);
    if (rc == 0) break;
    const rd_kafka_resp_err_t e = rd_kafka_last_error();
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::IOError("producer for " + impl_->description + ": " + rd_kafka_err2str(e));
    }
    rd_kafka_poll(impl_->rk, 10);
  }
  rd_kafka_poll(impl_->rk, 0);
  std::lock_guard<std::mutex> lock(impl_->error_mutex);
  if (!impl_->first_error.empty()) {
    return Status::IOError("producer for " + impl_->description +
                           ": delivery failed: " + impl_->first_error);
  }
  return Status::OK();
}

Status HubProducer::flush(int timeout_ms) {
  const rd_kafka_resp_err_t e = rd_kafka_flush(impl_->rk, timeout_ms);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("producer for " + impl_->description +
                           ": flush: " + rd_kafka_err2str(e) + " (" +
                           std::to_string(rd_kafka_outq_len(impl_->rk)) + " events unsent)");
  }
  std::lock_guard<std::mutex> lock(impl_->error_mutex);
  if (!impl_->first_error.empty()) {
    return Status::IOError("producer for " + impl_->description +
                           ": delivery failed: " + impl_->first_error);
  }
  return Status::OK();
}

int64_t HubProducer::delivered() const { return impl_->delivered.load(); }
const std::string& HubProducer::describe() const { return impl_->description; }

}  // namespace lakestream::meter
