#include "lakestream/stream/progress.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "lakestream/common/time.h"

namespace lakestream {

namespace {

nlohmann::ordered_json offsets_json(const std::string& topic, const PartitionOffsets& offsets) {
  nlohmann::ordered_json per = nlohmann::ordered_json::object();
  for (const auto& [p, o] : offsets) per[std::to_string(p)] = o;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j[topic] = std::move(per);
  return j;
}

/// Spark writes rates as doubles; NaN/inf (a zero-length interval) as 0.
double rate(double v) { return std::isfinite(v) ? v : 0.0; }

}  // namespace

std::string QueryProgress::to_json() const {
  nlohmann::ordered_json j;
  j["id"] = id;
  j["runId"] = run_id;
  j["name"] = name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(name);
  j["timestamp"] = format_timestamp_iso(timestamp_ms * 1000);
  j["batchId"] = batch_id;
  j["numInputRows"] = num_input_rows;
  j["inputRowsPerSecond"] = rate(input_rows_per_second);
  j["processedRowsPerSecond"] = rate(processed_rows_per_second);
  nlohmann::ordered_json d = nlohmann::ordered_json::object();
  for (const char* key : {"addBatch", "commitOffsets", "getBatch", "latestOffset", "queryPlanning",
                          "triggerExecution", "walCommit"}) {
    auto it = duration_ms.find(key);
    if (it != duration_ms.end()) d[key] = it->second;
  }
  j["durationMs"] = std::move(d);
  j["stateOperators"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json srcs = nlohmann::ordered_json::array();
  for (const SourceProgress& s : sources) {
    nlohmann::ordered_json o;
    o["description"] = s.description;
    o["startOffset"] = offsets_json(s.topic, s.start_offset);
    o["endOffset"] = offsets_json(s.topic, s.end_offset);
    o["latestOffset"] = offsets_json(s.topic, s.latest_offset);
    o["numInputRows"] = s.num_input_rows;
    o["inputRowsPerSecond"] = rate(s.input_rows_per_second);
    o["processedRowsPerSecond"] = rate(s.processed_rows_per_second);
    if (!s.metrics.empty()) {
      nlohmann::ordered_json m = nlohmann::ordered_json::object();
      for (const auto& [k, v] : s.metrics) m[k] = v;
      o["metrics"] = std::move(m);
    }
    srcs.push_back(std::move(o));
  }
  j["sources"] = std::move(srcs);
  nlohmann::ordered_json k;
  k["description"] = sink.description;
  k["numOutputRows"] = sink.num_output_rows;
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  m["numDeadLetterRows"] = std::to_string(sink.num_dead_letter_rows);
  for (const auto& [key, v] : sink.metrics) m[key] = v;
  k["metrics"] = std::move(m);
  j["sink"] = std::move(k);
  return j.dump();
}

}  // namespace lakestream
