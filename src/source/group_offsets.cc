#include "lakestream/source/group_offsets.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <memory>

namespace lakestream {
namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};

}  // namespace

int64_t GroupPartitionOffsets::lag() const {
  const int64_t from = committed >= 0 ? std::max(committed, low) : low;
  return high > from ? high - from : 0;
}

Result<std::vector<GroupPartitionOffsets>> read_group_offsets(const KafkaEndpoint& endpoint,
                                                              const std::string& group,
                                                              std::chrono::milliseconds timeout) {
  const std::string where = "offsets of group '" + group + "' on " + endpoint.describe();
  if (endpoint.topic.empty()) return Status::InvalidArgument(where + ": no topic given");
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // A consumer handle with the group's id that never subscribes: committed() asks the group
  // coordinator without joining the group.
  std::vector<KafkaProperty> props = endpoint.properties;
  props.emplace_back("group.id", group);
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("log_level", "3");
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      // The value may be a secret (sasl.password): name the property only.
      return Status::InvalidArgument(where + ": librdkafka setting '" + k + "' refused");
    }
  }
  std::unique_ptr<rd_kafka_t, HandleDeleter> rk(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err)));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return Status::IOError(where + ": creating the client: " + err);
  }
  const int timeout_ms = static_cast<int>(timeout.count());
  std::unique_ptr<rd_kafka_topic_t, TopicDeleter> topic(
      rd_kafka_topic_new(rk.get(), endpoint.topic.c_str(), nullptr));
  const rd_kafka_metadata_t* raw_md = nullptr;
  rd_kafka_resp_err_t rc = rd_kafka_metadata(rk.get(), 0, topic.get(), &raw_md, timeout_ms);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(where + ": metadata: " + rd_kafka_err2str(rc));
  }
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md(raw_md);
  if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::NotFound(
        where + ": topic '" + endpoint.topic +
        "': " + (md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "not in the metadata"));
  }
  std::vector<GroupPartitionOffsets> out;
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
    GroupPartitionOffsets p;
    p.partition = md->topics[0].partitions[i].id;
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.partition < b.partition; });

  std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(
      rd_kafka_topic_partition_list_new(static_cast<int>(out.size())));
  for (const GroupPartitionOffsets& p : out) {
    rd_kafka_topic_partition_list_add(list.get(), endpoint.topic.c_str(), p.partition);
  }
  rc = rd_kafka_committed(rk.get(), list.get(), timeout_ms);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(where + ": committed offsets: " + rd_kafka_err2str(rc));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    for (GroupPartitionOffsets& p : out) {
      if (p.partition == e.partition) p.committed = e.offset >= 0 ? e.offset : -1;
    }
  }
  for (GroupPartitionOffsets& p : out) {
    rc = rd_kafka_query_watermark_offsets(rk.get(), endpoint.topic.c_str(), p.partition, &p.low,
                                          &p.high, timeout_ms);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError(where + ": watermarks of partition " + std::to_string(p.partition) +
                             ": " + rd_kafka_err2str(rc));
    }
  }
  return out;
}

}  // namespace lakestream
