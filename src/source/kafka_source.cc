#include "lakestream/source/kafka_source.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

#include "lakestream/common/coalescing_worker.h"
#include "lakestream/common/log.h"
#include "lakestream/common/redact.h"
#include "lakestream/common/strings.h"
#include "lakestream/config/config.h"

namespace lakestream {
namespace {

constexpr std::string_view kEngineKafkaPrefix = "lakestream.kafka.";
constexpr std::string_view kOptionKafkaPrefix = "kafka.";
// Without max_events, how many events one poll returns at most, so a backlog never becomes
// one giant batch.
constexpr int64_t kDefaultMaxEvents = 100000;
// fetch.wait.max.ms when reading every partition (available-now): see start().
constexpr int kDrainFetchWaitMs = 50;
// Upper bound of one wait slice, so errors raised from callbacks end a wait promptly.
constexpr int kWaitSliceMs = 100;

template <typename T>
bool parse_int(std::string_view text, T& out) {
  text = trim(text);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

Result<std::map<int32_t, int64_t>> parse_starting_offsets(std::string_view text) {
  std::map<int32_t, int64_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = trim(text.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    size_t colon = item.find(':');
    int32_t partition = 0;
    int64_t offset = 0;
    if (colon == std::string_view::npos || !parse_int(item.substr(0, colon), partition) ||
        !parse_int(item.substr(colon + 1), offset) || partition < 0 || offset < 0) {
      return Status::InvalidArgument("read_stream option starting-offsets: '" + std::string(item) +
                                     "' is not partition:offset (e.g. \"0:100,3:250\")");
    }
    if (!out.emplace(partition, offset).second) {
      return Status::InvalidArgument("read_stream option starting-offsets: partition " +
                                     std::to_string(partition) + " is given twice");
    }
  }
  return out;
}

std::string errstr(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

// Owns a librdkafka client; the last holder destroys it. Batches hold it so the views they
// hand out stay valid after KafkaSource::close().
struct Client {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;  // the consumer queue
  ~Client() {
    if (queue != nullptr) rd_kafka_queue_destroy(queue);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

// The librdkafka messages a batch views, released before the client they came from.
struct MessageHolder {
  std::vector<rd_kafka_message_t*> messages;
  std::shared_ptr<Client> client;
  ~MessageHolder() {
    for (rd_kafka_message_t* m : messages) rd_kafka_message_destroy(m);
  }
};

struct PartitionState {
  std::deque<rd_kafka_message_t*> buffered;  // fetched, not yet handed out; increasing offsets
  int64_t next_offset = -1;                  // next offset poll_batch returns (-1 unknown)
  int64_t route_floor = -1;                  // messages below this are stale (before a seek)
};

// librdkafka 2.0.2 stops fetching every partition of a consumer once its queue holds
// queued.min.messages (or queued.max.messages.kbytes), and its broker thread looks again only
// when something wakes it or after a fixed 1 s (later versions added fetch.queue.backoff.ms
// for this). Draining a backlog therefore stalled ~1 s each time the queue filled: 7-8 s of a
// 10 s run. Any request queued for a broker wakes its thread, which then decides again and
// fetches. So after the consumer takes messages out of the queue, a worker thread asks the
// leaders for the latest offsets of the assigned partitions (one small ListOffsets request
// per broker; at most one in flight, further nudges coalesce). The answers are not needed.
using FetchWaker = CoalescingWorker<std::vector<int32_t>>;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Options

Result<PartitionAssignment> parse_partition_assignment(std::string_view text) {
  const std::string how = to_lower_ascii(trim(text));
  if (how == "auto") return PartitionAssignment::kAuto;
  if (how == "group") return PartitionAssignment::kGroup;
  if (how == "all") return PartitionAssignment::kAll;
  return Status::InvalidArgument("'" + how + "' is not auto, group or all");
}

Result<KafkaSourceOptions> KafkaSourceOptions::from_options(
    const std::map<std::string, std::string>& options, const Config* config) {
  auto get = [&](const char* key) -> std::string {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  };
  KafkaSourceOptions out;
  auto endpoint =
      resolve_kafka_endpoint(get("connection-string"), get("bootstrap-servers"), get("topic"));
  if (!endpoint.ok()) return endpoint.status().with_context("read_stream");
  out.endpoint = std::move(endpoint).value();

  if (std::string group = std::string(trim(get("consumer-group"))); !group.empty()) {
    out.consumer_group = group;
  }
  if (std::string how = get("partition-assignment"); !trim(how).empty()) {
    auto parsed = parse_partition_assignment(how);
    if (!parsed.ok())
      return parsed.status().with_context("read_stream option partition-assignment");
    out.assignment = *parsed;
  }
  if (std::string pos = to_lower_ascii(trim(get("starting-position"))); !pos.empty()) {
    if (pos == "earliest" || pos == "-1" || pos == "beginning") {
      out.starting_position = StartingPosition::kEarliest;
    } else if (pos == "latest" || pos == "end") {
      out.starting_position = StartingPosition::kLatest;
    } else {
      return Status::InvalidArgument("read_stream option starting-position: '" + pos +
                                     "' is not earliest, latest or -1");
    }
  }
  if (auto it = options.find("starting-offsets"); it != options.end()) {
    LS_ASSIGN_OR_RAISE(out.starting_offsets, parse_starting_offsets(it->second));
  }
  if (std::string v = to_lower_ascii(trim(get("fail-on-data-loss"))); !v.empty()) {
    if (v == "true") {
      out.fail_on_data_loss = true;
    } else if (v == "false") {
      out.fail_on_data_loss = false;
    } else {
      return Status::InvalidArgument("read_stream option fail-on-data-loss: '" + v +
                                     "' is not true or false");
    }
  }
  // The stream reader's own limit (Spark's Kafka source calls it maxOffsetsPerTrigger).
  std::string max_events = get("max-events-per-trigger");
  if (max_events.empty()) max_events = get("max-offsets-per-trigger");
  if (!trim(max_events).empty() &&
      (!parse_int(max_events, out.max_events_per_trigger) || out.max_events_per_trigger < 0)) {
    return Status::InvalidArgument("read_stream option max-events-per-trigger: '" + max_events +
                                   "' is not a non-negative integer");
  }
  if (config != nullptr) {
    for (const EngineSetting& s : config->engine_conf()) {
      if (s.key.size() > kEngineKafkaPrefix.size() && s.key.starts_with(kEngineKafkaPrefix)) {
        out.overrides.emplace_back(s.key.substr(kEngineKafkaPrefix.size()), s.value);
      }
    }
  }
  for (const auto& [key, value] : options) {
    if (key.size() > kOptionKafkaPrefix.size() && key.starts_with(kOptionKafkaPrefix)) {
      out.overrides.emplace_back(key.substr(kOptionKafkaPrefix.size()), value);
    }
  }
  return out;
}

std::vector<KafkaProperty> KafkaSourceOptions::librdkafka_properties() const {
  KafkaEndpoint merged = endpoint;
  merged.set_property("group.id", consumer_group);
  // Offsets are ours to manage: the engine starts partitions from the table and commits to
  // the group only after a Delta commit.
  merged.set_property("enable.auto.commit", "false");
  merged.set_property("enable.auto.offset.store", "false");
  merged.set_property("enable.partition.eof", "false");
  merged.set_property("auto.offset.reset", fail_on_data_loss ? "error" : "earliest");
  merged.set_property("fetch.max.bytes", std::to_string(prefetch_fetch_max_bytes()));
  merged.set_property("queued.min.messages", std::to_string(prefetch_queue_messages()));
  for (const KafkaProperty& p : overrides) merged.set_property(p.first, p.second);
  return merged.properties;
}

int64_t KafkaSourceOptions::prefetch_queue_messages() const {
  const int64_t events = max_events_per_trigger > 0 ? max_events_per_trigger : kDefaultMaxEvents;
  return std::clamp<int64_t>(kPrefetchTriggers * events, kMinQueuedMessages, kLibrdkafkaQueue);
}

int64_t KafkaSourceOptions::prefetch_fetch_max_bytes() const {
  // librdkafka's default fetch.max.bytes; and it refuses a fetch.max.bytes below
  // message.max.bytes (default 1,000,000).
  constexpr int64_t kLibrdkafkaDefault = 52428800;
  int64_t floor = 1 << 20;
  for (const KafkaProperty& p : overrides) {
    int64_t v = 0;
    if (p.first == "message.max.bytes" && parse_int(p.second, v)) floor = std::max(floor, v);
  }
  const int64_t events = max_events_per_trigger > 0 ? max_events_per_trigger : kDefaultMaxEvents;
  const int64_t wanted = events > kLibrdkafkaDefault / kPrefetchBytesPerEvent
                             ? kLibrdkafkaDefault
                             : events * kPrefetchBytesPerEvent;
  return std::max(floor, std::min(wanted, kLibrdkafkaDefault));
}

std::vector<KafkaProperty> KafkaSourceOptions::redacted_properties() const {
  std::vector<KafkaProperty> out = librdkafka_properties();
  for (KafkaProperty& p : out) {
    if (is_secret_key_name(p.first)) p.second = std::string(kRedacted);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Source

struct KafkaSource::Impl {
  KafkaSourceOptions options;
  std::string description;
  PartitionAssignmentListener* listener = nullptr;
  std::shared_ptr<Client> client;
  std::map<int32_t, PartitionState> partitions;  // the current assignment
  Status pending;                                // an error to report from the next poll
  mutable std::mutex error_mu;
  std::string last_error;
  std::string broker_problem;           // from the statistics: "" while a broker is up
  bool cooperative_configured = false;  // partition.assignment.strategy is cooperative-sticky
  std::vector<rd_kafka_message_t*> scratch;
  std::unique_ptr<FetchWaker> waker;  // while started (see FetchWaker)
  bool read_all = false;              // every partition, assigned at the first poll
  bool assigned_all = false;          // ... which has happened
  bool closed = false;

  rd_kafka_t* rk() const { return client ? client->rk : nullptr; }

  void note_error(std::string text) {
    std::lock_guard<std::mutex> lock(error_mu);
    last_error = std::move(text);
  }

  void fail(Status s) {
    if (pending.ok()) pending = std::move(s);
  }

  void drop_buffered(PartitionState& st) {
    for (rd_kafka_message_t* m : st.buffered) rd_kafka_message_destroy(m);
    st.buffered.clear();
  }

  // Where an assigned partition starts: the listener's offset, else an explicit option
  // offset, else the configured logical position.
  Result<int64_t> start_offset_for(int32_t partition) {
    if (listener != nullptr) {
      auto r = listener->start_offset(options.endpoint.topic, partition);
      if (!r.ok()) return r.status();
      if (r->has_value()) return **r;
    }
    if (auto it = options.starting_offsets.find(partition); it != options.starting_offsets.end()) {
      return it->second;
    }
    return options.starting_position == StartingPosition::kEarliest ? RD_KAFKA_OFFSET_BEGINNING
                                                                    : RD_KAFKA_OFFSET_END;
  }

  // The earliest (RD_KAFKA_OFFSET_BEGINNING) or latest (RD_KAFKA_OFFSET_END) offset of each of
  // `wanted` in one ListOffsets round trip per broker. (rd_kafka_query_watermark_offsets asks
  // one partition at a time and takes ~0.5 s each against the mock.)
  rd_kafka_resp_err_t list_offsets(const std::vector<int32_t>& wanted, int64_t which,
                                   int timeout_ms, std::map<int32_t, int64_t>* out) {
    if (wanted.empty()) return RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(wanted.size()));
    for (int32_t p : wanted) {
      // ListOffsets' timestamps -2 and -1 mean earliest and latest.
      rd_kafka_topic_partition_list_add(list, options.endpoint.topic.c_str(), p)->offset = which;
    }
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk(), list, timeout_ms);
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = list->elems[i].err;
      } else {
        (*out)[list->elems[i].partition] = list->elems[i].offset;
      }
    }
    rd_kafka_topic_partition_list_destroy(list);
    return err;
  }

  void on_assign(rd_kafka_topic_partition_list_t* parts, bool cooperative) {
    for (int i = 0; i < parts->cnt; ++i) {
      rd_kafka_topic_partition_t& tp = parts->elems[i];
      auto offset = start_offset_for(tp.partition);
      if (!offset.ok()) {
        fail(offset.status().with_context("starting partition " + std::to_string(tp.partition) +
                                          " of " + options.endpoint.topic));
        // Take nothing: a partition started at a guessed offset could duplicate or lose data.
        if (!cooperative) rd_kafka_assign(rk(), nullptr);
        return;
      }
      tp.offset = *offset;
    }
    rd_kafka_error_t* error = nullptr;
    if (cooperative) {
      error = rd_kafka_incremental_assign(rk(), parts);
    } else {
      rd_kafka_resp_err_t err = rd_kafka_assign(rk(), parts);
      if (err) error = rd_kafka_error_new(err, "%s", rd_kafka_err2str(err));
    }
    if (error != nullptr) {
      fail(Status::IOError("assigning partitions of " + options.endpoint.topic + ": " +
                           rd_kafka_error_string(error)));
      rd_kafka_error_destroy(error);
      return;
    }
    std::vector<int32_t> from_earliest;
    std::vector<int32_t> from_latest;
    for (int i = 0; i < parts->cnt; ++i) {
      const rd_kafka_topic_partition_t& tp = parts->elems[i];
      PartitionState& st = partitions[tp.partition];
      drop_buffered(st);
      st.next_offset = tp.offset >= 0 ? tp.offset : -1;
      st.route_floor = st.next_offset;
      if (tp.offset == RD_KAFKA_OFFSET_BEGINNING) from_earliest.push_back(tp.partition);
      if (tp.offset == RD_KAFKA_OFFSET_END) from_latest.push_back(tp.partition);
    }
    // A logical start: learn the absolute offsets so positions() is known before the first
    // event (best effort: the first event corrects it).
    std::map<int32_t, int64_t> resolved;
    list_offsets(from_earliest, RD_KAFKA_OFFSET_BEGINNING, 5000, &resolved);
    list_offsets(from_latest, RD_KAFKA_OFFSET_END, 5000, &resolved);
    for (const auto& [p, off] : resolved) {
      if (auto it = partitions.find(p); it != partitions.end() && off >= 0) {
        it->second.next_offset = off;
      }
    }
  }

  void on_revoke(rd_kafka_topic_partition_list_t* parts, bool cooperative) {
    std::vector<int32_t> revoked;
    for (int i = 0; i < parts->cnt; ++i) {
      int32_t p = parts->elems[i].partition;
      revoked.push_back(p);
      if (auto it = partitions.find(p); it != partitions.end()) {
        drop_buffered(it->second);
        partitions.erase(it);
      }
    }
    std::sort(revoked.begin(), revoked.end());
    if (listener != nullptr && !revoked.empty()) {
      listener->on_revoked(options.endpoint.topic, revoked);
    }
    if (cooperative) {
      rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk(), parts);
      if (error != nullptr) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(rk(), nullptr);
    }
  }

  static void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    // librdkafka says which protocol the group runs; it gives NULL where it has none (the final
    // revoke while closing, seen as a crash under load): then the configured one decides.
    const char* protocol = rd_kafka_rebalance_protocol(rk);
    const bool cooperative = protocol != nullptr ? std::strcmp(protocol, "COOPERATIVE") == 0
                                                 : self->cooperative_configured;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      self->on_assign(parts, cooperative);
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      self->on_revoke(parts, cooperative);
    } else {
      self->note_error("rebalance failed: " + errstr(err));
      self->on_revoke(parts, cooperative);
    }
  }

  // librdkafka's statistics JSON: only the brokers' states are read. No broker (bootstrap
  // entries included) in state UP means nothing can be fetched.
  static int stats_cb(rd_kafka_t*, char* json, size_t len, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    try {
      auto doc = nlohmann::json::parse(std::string_view(json, len));
      int up = 0, known = 0;
      std::string states;
      if (auto b = doc.find("brokers"); b != doc.end() && b->is_object()) {
        for (const auto& [name, broker] : b->items()) {
          ++known;
          const std::string state = broker.value("state", "");
          if (state == "UP") ++up;
          if (!states.empty()) states += ", ";
          states += broker.value("nodename", name) + " " + state;
        }
      }
      std::lock_guard<std::mutex> lock(self->error_mu);
      self->broker_problem =
          known > 0 && up == 0 ? "no broker reachable (" + states + ")" : std::string();
    } catch (const std::exception&) {
      // A statistics document we cannot read tells nothing: keep the last verdict.
    }
    return 0;  // librdkafka frees the JSON
  }

  // librdkafka's own log lines go through the library's logging (levels, format, redaction).
  static void log_cb(const rd_kafka_t*, int level, const char* fac, const char* buf) {
    const LogLevel l = level <= 3   ? LogLevel::kError
                       : level <= 4 ? LogLevel::kWarn
                       : level <= 6 ? LogLevel::kInfo
                                    : LogLevel::kDebug;
    if (!log_enabled(l)) return;
    log(l, "kafka", std::string(fac != nullptr ? fac : "") + ": " + (buf != nullptr ? buf : ""));
  }

  static void error_cb(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    // librdkafka's reasons name brokers and mechanisms, never the password; redact anyway in
    // case a connection string ever appears in one.
    std::string text = redact_connection_string(reason != nullptr ? reason : "");
    auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char buf[512];
      rd_kafka_fatal_error(rk, buf, sizeof(buf));
      self->fail(Status::IOError("Kafka client fatal error on " + self->description + ": " +
                                 redact_connection_string(buf)));
    } else if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
      self->fail(Status::IOError("authentication failed on " + self->description + ": " + text));
    }
    // Anything else (a broker down, all brokers down) is retried by librdkafka: the engine
    // waits and resumes, and last_error() tells why no data comes.
    self->note_error(errstr(code) + ": " + text);
  }

  // Take ownership of a fetched message: an error is reported, a stale or unassigned one
  // released, a good one buffered.
  void route(rd_kafka_message_t* m) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      handle_message_error(m);
      rd_kafka_message_destroy(m);
      return;
    }
    auto it = partitions.find(m->partition);
    if (it == partitions.end() ||
        (it->second.route_floor >= 0 && m->offset < it->second.route_floor)) {
      rd_kafka_message_destroy(m);  // from a revoked assignment or from before a seek
      return;
    }
    it->second.route_floor = m->offset + 1;
    it->second.buffered.push_back(m);
  }

  void handle_message_error(const rd_kafka_message_t* m) {
    const std::string where = "partition " + std::to_string(m->partition) + " of " +
                              options.endpoint.topic + " on " + description;
    const std::string reason = redact_connection_string(rd_kafka_message_errstr(m));
    switch (m->err) {
      case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        return;
      case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE: {
        std::string retained;
        int64_t low = 0;
        int64_t high = 0;
        if (m->rkt != nullptr &&
            rd_kafka_get_watermark_offsets(rk(), rd_kafka_topic_name(m->rkt), m->partition, &low,
                                           &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            high >= 0) {
          retained = " (the broker holds offsets " + std::to_string(low) + " to " +
                     std::to_string(high - 1) + ")";
        }
        std::string next = "unknown";
        if (auto it = partitions.find(m->partition);
            it != partitions.end() && it->second.next_offset >= 0) {
          next = std::to_string(it->second.next_offset);
        }
        fail(Status::NotFound("data loss in " + where + ": next offset " + next +
                              " is not available" + retained + ": " + reason +
                              " (set fail-on-data-loss=false to continue from the earliest "
                              "retained event)"));
        return;
      }
      case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        fail(Status::NotFound("topic '" + options.endpoint.topic + "' does not exist on " +
                              description + ": " + reason));
        return;
      case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
        fail(Status::IOError("not authorised to read " + where + ": " + reason));
        return;
      default:
        note_error(where + ": " + reason);
        return;
    }
  }

  // Events buffered for `partition` that limits allow (offsets below its end offset).
  static int64_t eligible(const PartitionState& st, int32_t partition, const PollLimits& limits) {
    auto end = limits.end_offsets.find(partition);
    if (end == limits.end_offsets.end()) return static_cast<int64_t>(st.buffered.size());
    auto cut =
        std::partition_point(st.buffered.begin(), st.buffered.end(),
                             [&](const rd_kafka_message_t* m) { return m->offset < end->second; });
    return cut - st.buffered.begin();
  }

  int64_t total_eligible(const PollLimits& limits) const {
    int64_t n = 0;
    for (const auto& [p, st] : partitions) n += eligible(st, p, limits);
    return n;
  }

  int64_t total_buffered() const {
    int64_t n = 0;
    for (const auto& [p, st] : partitions) n += static_cast<int64_t>(st.buffered.size());
    return n;
  }

  // Move what librdkafka has already fetched into the per-partition buffers without waiting,
  // up to `target` buffered events in all.
  void top_up(int64_t target) {
    while (pending.ok()) {
      int64_t room = target - total_buffered();
      if (room <= 0) return;
      size_t n = static_cast<size_t>(std::min<int64_t>(room, 10000));
      if (scratch.size() < n) scratch.resize(n);
      ssize_t got = rd_kafka_consume_batch_queue(client->queue, 0, scratch.data(), n);
      if (got <= 0) return;
      if (waker) waker->submit(assignment());
      for (ssize_t i = 0; i < got; ++i) route(scratch[static_cast<size_t>(i)]);
      if (static_cast<size_t>(got) < n) return;
    }
  }

  // Read every partition of the topic from the metadata and assign them all (read_all). A
  // broker that cannot be reached yet is not an error: the next poll tries again.
  Status assign_all(int timeout_ms) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk(), options.endpoint.topic.c_str(), nullptr);
    if (rkt == nullptr) {
      return Status::IOError("looking up topic '" + options.endpoint.topic + "' on " + description +
                             ": " + errstr(rd_kafka_last_error()));
    }
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk(), 0, rkt, &md, timeout_ms);
    rd_kafka_topic_destroy(rkt);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      note_error("reading the partitions of " + options.endpoint.topic + ": " + errstr(err));
      return Status::OK();
    }
    Status result;
    rd_kafka_topic_partition_list_t* parts = nullptr;
    for (int t = 0; t < md->topic_cnt; ++t) {
      const rd_kafka_metadata_topic_t& mt = md->topics[t];
      if (options.endpoint.topic != mt.topic) continue;
      if (mt.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        result = Status::NotFound("topic '" + options.endpoint.topic + "' does not exist on " +
                                  description);
      } else if (mt.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
        result = Status::IOError("not authorised to read topic '" + options.endpoint.topic +
                                 "' on " + description);
      } else if (mt.err != RD_KAFKA_RESP_ERR_NO_ERROR || mt.partition_cnt == 0) {
        // Leader elections and the like: ask again at the next poll.
        note_error("reading the partitions of " + options.endpoint.topic + ": " + errstr(mt.err));
      } else {
        parts = rd_kafka_topic_partition_list_new(mt.partition_cnt);
        for (int i = 0; i < mt.partition_cnt; ++i) {
          rd_kafka_topic_partition_list_add(parts, mt.topic, mt.partitions[i].id);
        }
      }
    }
    rd_kafka_metadata_destroy(md);
    if (parts != nullptr) {
      rd_kafka_topic_partition_list_sort(parts, nullptr, nullptr);
      on_assign(parts, false);
      rd_kafka_topic_partition_list_destroy(parts);
      assigned_all = true;
    }
    return result;
  }

  std::vector<int32_t> assignment() const {
    std::vector<int32_t> out;
    out.reserve(partitions.size());
    for (const auto& [p, st] : partitions) out.push_back(p);
    return out;
  }
};

KafkaSource::KafkaSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KafkaSource::~KafkaSource() { close(); }

Result<std::unique_ptr<KafkaSource>> KafkaSource::create(KafkaSourceOptions options) {
  if (options.endpoint.topic.empty()) {
    return Status::InvalidArgument("Kafka source: no topic");
  }
  if (options.consumer_group.empty()) {
    return Status::InvalidArgument("Kafka source: the consumer group name is empty");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->description = "KafkaSource[" + impl->options.endpoint.describe() + ", group " +
                      impl->options.consumer_group + "]";
  return std::unique_ptr<KafkaSource>(new KafkaSource(std::move(impl)));
}

std::string KafkaSource::description() const { return impl_->description; }
const std::string& KafkaSource::topic() const { return impl_->options.endpoint.topic; }
const KafkaSourceOptions& KafkaSource::options() const { return impl_->options; }

bool KafkaSource::reads_all_partitions() const { return impl_->read_all; }

Status KafkaSource::start(PartitionAssignmentListener* listener, const SourceStart& how) {
  const bool available_now = how.available_now;
  Impl& im = *impl_;
  if (im.client) return Status::Internal(im.description + " started twice");
  im.listener = listener;
  im.read_all = im.options.assignment == PartitionAssignment::kAll ||
                (im.options.assignment == PartitionAssignment::kAuto && available_now);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  std::vector<KafkaProperty> properties = im.options.librdkafka_properties();
  if (im.read_all &&
      std::none_of(im.options.overrides.begin(), im.options.overrides.end(),
                   [](const KafkaProperty& p) { return p.first == "fetch.wait.max.ms"; })) {
    // A drain ends with every partition caught up, where a fetch waits fetch.wait.max.ms
    // (500 ms) for data that will not come, and closing the consumer waits for that fetch.
    properties.emplace_back("fetch.wait.max.ms", std::to_string(kDrainFetchWaitMs));
  }
  if (!im.read_all &&
      std::none_of(properties.begin(), properties.end(), [](const KafkaProperty& p) {
        return p.first == "partition.assignment.strategy";
      })) {
    // Group mode: scaling up or down moves only the partitions that change owner (the others
    // keep streaming through the rebalance); each moved one starts where the table says.
    properties.emplace_back("partition.assignment.strategy", "cooperative-sticky");
  }
  if (std::none_of(properties.begin(), properties.end(),
                   [](const KafkaProperty& p) { return p.first == "statistics.interval.ms"; })) {
    // Broker states once a second: how problem() tells an outage from a quiet hub (librdkafka
    // reports brokers going down as errors, but never that they came back).
    properties.insert(properties.begin(), {"statistics.interval.ms", "1000"});
  }
  for (const KafkaProperty& p : properties) {
    if (p.first == "partition.assignment.strategy") {
      im.cooperative_configured = p.second.find("cooperative") != std::string::npos;
    }
    if (rd_kafka_conf_set(conf, p.first.c_str(), p.second.c_str(), err, sizeof(err)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      // librdkafka's message may quote the value: never show it for a secret property.
      std::string value_note = is_secret_key_name(p.first) ? std::string(kRedacted) : p.second;
      return Status::InvalidArgument("Kafka property " + p.first + "=" + value_note + " for " +
                                     im.description + ": " +
                                     (is_secret_key_name(p.first) ? "rejected" : err));
    }
  }
  rd_kafka_conf_set_opaque(conf, &im);
  rd_kafka_conf_set_rebalance_cb(conf, &Impl::rebalance_cb);
  rd_kafka_conf_set_error_cb(conf, &Impl::error_cb);
  rd_kafka_conf_set_stats_cb(conf, &Impl::stats_cb);
  rd_kafka_conf_set_log_cb(conf, &Impl::log_cb);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {  // conf is still ours on failure
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument("creating the Kafka consumer for " + im.description + ": " +
                                   redact_connection_string(err));
  }
  im.client = std::make_shared<Client>();
  im.client->rk = rk;
  // Route everything (rebalances, errors, messages) to the consumer queue, served by poll.
  rd_kafka_poll_set_consumer(rk);
  im.client->queue = rd_kafka_queue_get_consumer(rk);

  im.waker = std::make_unique<FetchWaker>(
      [&im](std::vector<int32_t> partitions) {
        std::map<int32_t, int64_t> ignored;  // the request is the point, not the answer
        if (!partitions.empty()) {
          (void)im.list_offsets(partitions, RD_KAFKA_OFFSET_END, 1000, &ignored);
        }
        return Status::OK();
      },
      FetchWaker::OnStop::kDropPending);

  if (im.read_all) return Status::OK();  // assigned at the first poll
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, im.options.endpoint.topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("subscribing " + im.description + ": " + errstr(e));
  }
  return Status::OK();
}

Result<RawBatch> KafkaSource::poll_batch(const PollLimits& limits,
                                         std::chrono::milliseconds timeout) {
  Impl& im = *impl_;
  if (!im.client || im.closed) return Status::Internal(im.description + ": poll before start");
  const int64_t max_events = limits.max_events > 0 ? limits.max_events : kDefaultMaxEvents;
  // Buffer up to twice a batch so every partition with data is seen before sharing out.
  const int64_t target = 2 * max_events;
  if (im.read_all && !im.assigned_all) {
    Status s = im.assign_all(static_cast<int>(std::max<int64_t>(timeout.count(), 1000)));
    if (s.ok()) s = std::move(im.pending);
    im.pending = Status::OK();
    if (!s.ok()) return s;
  }

  im.top_up(target);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (im.pending.ok() && im.total_eligible(limits) == 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    int slice = static_cast<int>(std::min<int64_t>(left.count(), kWaitSliceMs));
    // consumer_poll returns on the first message; it also serves rebalances and errors.
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(im.rk(), slice)) im.route(m);
    im.top_up(target);
  }
  if (!im.pending.ok()) {
    Status s = std::move(im.pending);
    im.pending = Status::OK();
    return s;
  }

  std::map<int32_t, int64_t> eligible;
  for (const auto& [p, st] : im.partitions) {
    if (int64_t n = Impl::eligible(st, p, limits); n > 0) eligible[p] = n;
  }
  std::map<int32_t, int64_t> quota = fair_share(max_events, eligible);
  // The byte limit is applied round-robin so no partition is starved by it either.
  std::map<int32_t, int64_t> take_count;
  int64_t bytes = 0;
  int64_t total = 0;
  bool progress = limits.max_bytes > 0;
  if (!progress) {
    // No byte limit: every partition takes its whole quota (no per-event map lookups).
    for (const auto& [p, q] : quota) {
      take_count[p] = q;
      total += q;
    }
  }
  while (progress) {
    progress = false;
    for (auto& [p, q] : quota) {
      int64_t& taken = take_count[p];
      if (taken >= q) continue;
      const rd_kafka_message_t* m = im.partitions[p].buffered[static_cast<size_t>(taken)];
      int64_t size = static_cast<int64_t>(m->len + m->key_len);
      if (limits.max_bytes > 0 && total > 0 && bytes + size > limits.max_bytes) {
        progress = false;
        break;
      }
      bytes += size;
      ++taken;
      ++total;
      progress = true;
    }
  }

  RawBatch batch(im.options.endpoint.topic);
  auto holder = std::make_shared<MessageHolder>();
  holder->client = im.client;
  holder->messages.reserve(static_cast<size_t>(total));
  batch.reserve(static_cast<size_t>(total));
  for (const auto& [p, n] : take_count) {
    PartitionState& st = im.partitions[p];
    for (int64_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = st.buffered.front();
      st.buffered.pop_front();
      holder->messages.push_back(m);
      std::string_view body;
      std::string_view key;
      if (m->payload != nullptr) body = {static_cast<const char*>(m->payload), m->len};
      if (m->key != nullptr) key = {static_cast<const char*>(m->key), m->key_len};
      rd_kafka_timestamp_type_t type;
      const int64_t timestamp_ms = rd_kafka_message_timestamp(m, &type);  // -1: none
      batch.append_view(p, m->offset, std::max<int64_t>(timestamp_ms, 0), key, body);
      st.next_offset = m->offset + 1;
    }
  }
  batch.keep_alive(std::move(holder));
  return batch;
}

Status KafkaSource::seek(int32_t partition, int64_t offset) {
  Impl& im = *impl_;
  if (!im.client || im.closed) return Status::Internal(im.description + ": seek before start");
  if (offset < 0) {
    return Status::InvalidArgument("seek partition " + std::to_string(partition) + " of " +
                                   im.options.endpoint.topic + " to negative offset " +
                                   std::to_string(offset));
  }
  auto it = im.partitions.find(partition);
  if (it == im.partitions.end()) return Status::OK();
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, im.options.endpoint.topic.c_str(), partition)->offset =
      offset;
  rd_kafka_error_t* error = rd_kafka_seek_partitions(im.rk(), list, 10000);
  Status result;
  if (error != nullptr) {
    result = Status::IOError("seeking partition " + std::to_string(partition) + " of " +
                             im.options.endpoint.topic + " to " + std::to_string(offset) + ": " +
                             rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  } else if (list->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result = Status::IOError("seeking partition " + std::to_string(partition) + " of " +
                             im.options.endpoint.topic + " to " + std::to_string(offset) + ": " +
                             errstr(list->elems[0].err));
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (result.ok()) {
    im.drop_buffered(it->second);
    it->second.next_offset = offset;
    it->second.route_floor = offset;
  }
  return result;
}

namespace {

/// The next offsets per partition as a list for rd_kafka_commit (the caller destroys it).
rd_kafka_topic_partition_list_t* offsets_list(const std::string& topic,
                                              const std::map<int32_t, int64_t>& next_offsets) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [p, off] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = off;
  }
  return list;
}

}  // namespace

Status KafkaSource::commit_async(const std::map<int32_t, int64_t>& next_offsets) {
  Impl& im = *impl_;
  if (!im.client || im.closed) return Status::Internal(im.description + ": commit before start");
  if (next_offsets.empty()) return Status::OK();
  rd_kafka_topic_partition_list_t* list = offsets_list(im.options.endpoint.topic, next_offsets);
  rd_kafka_resp_err_t err = rd_kafka_commit(im.rk(), list, 1);
  rd_kafka_topic_partition_list_destroy(list);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  return Status::IOError("committing offsets of " + im.options.endpoint.topic +
                         " to consumer group " + im.options.consumer_group + ": " + errstr(err));
}

Status KafkaSource::commit(const std::map<int32_t, int64_t>& next_offsets) {
  Impl& im = *impl_;
  if (!im.client || im.closed) return Status::Internal(im.description + ": commit before start");
  if (next_offsets.empty()) return Status::OK();
  rd_kafka_topic_partition_list_t* list = offsets_list(im.options.endpoint.topic, next_offsets);
  rd_kafka_resp_err_t err = rd_kafka_commit(im.rk(), list, 0);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        err = list->elems[i].err;
        break;
      }
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  const std::string what = "committing offsets of " + im.options.endpoint.topic +
                           " to consumer group " + im.options.consumer_group + ": " + errstr(err);
  if (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
      err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION || err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
      err == RD_KAFKA_RESP_ERR__STATE) {
    return Status::Conflict(what);
  }
  return Status::IOError(what);
}

Result<std::map<int32_t, int64_t>> KafkaSource::committed(const std::vector<int32_t>& partitions,
                                                          std::chrono::milliseconds timeout) {
  Impl& im = *impl_;
  if (!im.client || im.closed) return Status::Internal(im.description + ": not started");
  std::vector<int32_t> wanted = partitions.empty() ? assignment() : partitions;
  std::map<int32_t, int64_t> out;
  if (wanted.empty()) return out;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(wanted.size()));
  for (int32_t p : wanted)
    rd_kafka_topic_partition_list_add(list, im.options.endpoint.topic.c_str(), p);
  rd_kafka_resp_err_t err = rd_kafka_committed(im.rk(), list, static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].offset >= 0) out[list->elems[i].partition] = list->elems[i].offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("reading committed offsets of consumer group " +
                           im.options.consumer_group + " for " + im.options.endpoint.topic + ": " +
                           errstr(err));
  }
  return out;
}

Result<std::map<int32_t, KafkaWatermarks>> KafkaSource::watermarks(
    std::chrono::milliseconds timeout) {
  Impl& im = *impl_;
  if (!im.client || im.closed) return Status::Internal(im.description + ": not started");
  std::vector<int32_t> wanted = assignment();
  std::map<int32_t, int64_t> low;
  std::map<int32_t, int64_t> high;
  const int timeout_ms = static_cast<int>(timeout.count());
  rd_kafka_resp_err_t err = im.list_offsets(wanted, RD_KAFKA_OFFSET_BEGINNING, timeout_ms, &low);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    err = im.list_offsets(wanted, RD_KAFKA_OFFSET_END, timeout_ms, &high);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("reading the offsets of " + im.options.endpoint.topic + " on " +
                           im.description + ": " + errstr(err));
  }
  std::map<int32_t, KafkaWatermarks> out;
  for (int32_t p : wanted) out[p] = KafkaWatermarks{low[p], high[p]};
  return out;
}

Result<std::map<int32_t, int64_t>> KafkaSource::latest_offsets(std::chrono::milliseconds timeout) {
  LS_ASSIGN_OR_RAISE(auto marks, watermarks(timeout));
  std::map<int32_t, int64_t> out;
  for (const auto& [p, w] : marks) out[p] = w.high;
  return out;
}

Result<std::map<int32_t, int64_t>> KafkaSource::latest_offsets() {
  return latest_offsets(std::chrono::seconds(10));
}

Result<std::map<int32_t, int64_t>> KafkaSource::cached_latest_offsets() {
  std::map<int32_t, int64_t> out;
  rd_kafka_t* rk = impl_->rk();
  if (rk == nullptr) return out;
  for (const auto& [p, st] : impl_->partitions) {
    int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(rk, impl_->options.endpoint.topic.c_str(), p, &low, &high) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0) {
      out[p] = high;
    }
  }
  return out;
}

std::map<int32_t, int64_t> KafkaSource::positions() const {
  std::map<int32_t, int64_t> out;
  for (const auto& [p, st] : impl_->partitions) {
    if (st.next_offset >= 0) out[p] = st.next_offset;
  }
  return out;
}

std::map<int32_t, int64_t> KafkaSource::buffered_events() const {
  std::map<int32_t, int64_t> out;
  for (const auto& [p, st] : impl_->partitions) out[p] = static_cast<int64_t>(st.buffered.size());
  return out;
}

std::vector<int32_t> KafkaSource::assignment() const { return impl_->assignment(); }

std::string KafkaSource::problem() const {
  std::lock_guard<std::mutex> lock(impl_->error_mu);
  if (impl_->broker_problem.empty()) return {};
  return redact_connection_string(impl_->broker_problem +
                                  (impl_->last_error.empty() ? "" : ": " + impl_->last_error));
}

std::string KafkaSource::last_error() const {
  std::lock_guard<std::mutex> lock(impl_->error_mu);
  return impl_->last_error;
}

void KafkaSource::close() {
  Impl& im = *impl_;
  if (im.closed || !im.client) {
    im.closed = true;
    return;
  }
  im.closed = true;
  im.waker.reset();
  for (auto& [p, st] : im.partitions) im.drop_buffered(st);
  // Leaves the group (serving the final revoke through rebalance_cb on this thread).
  rd_kafka_consumer_close(im.client->rk);
  im.partitions.clear();
  im.client.reset();  // destroyed now, or when the last batch holding it goes
}

}  // namespace lakestream
