// Fuzz target: the schema-driven JSON decoder (json/json_decoder.h), both entry points.
//
// Input: one control byte, then the JSON text. The control byte chooses
//   bits 0-1: the schema (flat meter readings, the nested device events, every scalar type),
//   bits 2-3: the mode (dead-letter, permissive, fail-fast),
//   bit 4:    decode_events (the text split into one event per line) or decode_ndjson,
//   bit 5:    a shallow max_depth (3) instead of the default, to reach the depth refusals.
// Properties: the batch stays whole after any input (validate + every cell readable), and
// every line is accounted for (a row or a reject) unless fail-fast stopped early.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "lakestream/json/json_decoder.h"

namespace lakestream::fuzz {
namespace {

constexpr size_t kMaxInput = 64 * 1024;

constexpr std::string_view kSchemas[] = {
    // schemas/meter_reading.ddl
    "MeterId STRING NOT NULL, SupplierId STRING NOT NULL, Measurement STRUCT<Value: "
    "DECIMAL(10,0) NOT NULL, Unit: STRING> NOT NULL, ObservationTime TIMESTAMP NOT NULL",
    // tests/tools/nested_events.mjs deviceSchema
    "deviceId STRING NOT NULL, site STRING, ts TIMESTAMP, "
    "firmware STRUCT<version: STRING, build: BIGINT>, "
    "readings ARRAY<STRUCT<sensor: STRING, value: DOUBLE, tags: ARRAY<STRING>>>, "
    "labels MAP<STRING, STRING>, matrix ARRAY<ARRAY<INT>>, "
    "location STRUCT<lat: DOUBLE, lon: DOUBLE, floor: STRUCT<level: INT, name: STRING>>, "
    "price DECIMAL(10,2), ok BOOLEAN",
    // every scalar type, nullable and not
    "b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT NOT NULL, i64 BIGINT, f FLOAT, d DOUBLE, "
    "dec DECIMAL(38,10), small DECIMAL(5,2), s STRING, bin BINARY, dt DATE, ts TIMESTAMP, "
    "ntz TIMESTAMP_NTZ, v VOID, m MAP<STRING, ARRAY<DECIMAL(5,2)>>",
};
constexpr size_t kNumSchemas = sizeof(kSchemas) / sizeof(kSchemas[0]);

const Schema& schema_at(size_t i) {
  static const std::vector<Schema> schemas = [] {
    std::vector<Schema> out;
    for (std::string_view ddl : kSchemas) {
      auto parsed = Schema::from_ddl(ddl);
      check(parsed.ok());
      out.push_back(*parsed);
    }
    return out;
  }();
  return schemas[i];
}

}  // namespace
}  // namespace lakestream::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size < 1 || size > kMaxInput) return 0;
  const uint8_t control = data[0];
  const std::string_view text = as_text(data + 1, size - 1);

  const Schema& schema = schema_at((control & 3) % kNumSchemas);
  JsonDecodeOptions options;
  options.mode = static_cast<DecodeMode>(((control >> 2) & 3) % 3);
  if (control & 0x20) options.max_depth = 3;
  auto decoder = JsonDecoder::make(schema, options);
  check(decoder.ok());

  RecordBatch batch = RecordBatch::make_empty(schema);
  std::vector<RejectedRecord> rejects;
  Status status;
  size_t records = 0;
  if (control & 0x10) {
    std::vector<std::string_view> lines = split(text, "\n");
    std::vector<JsonEvent> events;
    events.reserve(lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      events.push_back({lines[i], static_cast<int32_t>(i % 4), static_cast<int64_t>(i)});
    }
    records = events.size();
    status = decoder->decode_events(events, "fuzz-hub", &batch, &rejects);
  } else {
    status = decoder->decode_ndjson(text, "fuzz.ndjson", &batch, &rejects);
  }
  check_batch(batch);
  if (status.ok() && records > 0) {
    // Every event is a row or a reject, never both and never lost.
    check(static_cast<size_t>(batch.num_rows()) + rejects.size() == records);
  }
  if (!status.ok()) check(options.mode == DecodeMode::kFailFast);
  return 0;
}
