// Decode throughput against the limit: 1,000,000 meter messages as NDJSON in memory, as the
// original's data generator makes them (v = n * 3019, MeterId = v % 127, SupplierId = v % 23,
// Value = v % 59, Unit "kWH", ObservationTime one second apart, serialised as Spark's to_json
// writes them). Benchmarks:
//   SimdjsonOnDemand        simdjson's iterate_many over the same bytes, reading every key and
//                           every value (checked: 5 scalars a message): the limit (parse only,
//                           no columns, no validation of the schema). Its on-demand code is
//                           inlined here with the same compiler flags as our decoder.
//                           threaded:1 is iterate_many's default, which runs stage 1 of the
//                           next block on a second thread; threaded:0 keeps it on one core
//                           like our decoder.
//   JsonDecoderNdjson       our decoder into a fresh RecordBatch (allocation and page faults
//                           of the columns included), then RecordBatch::flatten
//   JsonDecoderEvents       the same records handed over as separate event bodies
//   JsonDecoderNdjsonOnDemandOnly  JsonDecoderNdjson with the direct path turned off
//                           (LAKESTREAM_JSON_DIRECT=0): every record through simdjson on-demand
//   JsonDecoderNdjsonRescued  JsonDecoderNdjson with the rescued-data column on (a null per row)
// Goal (issue 2): the decoder reaches at least half of simdjson's raw throughput.

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/time.h"
#include "lakestream/json/json_decoder.h"
#include "lakestream/schema/schema.h"
#include "meter_utils/meter_utils.h"

namespace {

/// 1,000,000 messages, or DECODE_BENCH_MESSAGES of them (small runs under callgrind).
int64_t messages() {
  static const int64_t n = [] {
    const char* env = std::getenv("DECODE_BENCH_MESSAGES");
    return env != nullptr && std::atoll(env) > 0 ? std::atoll(env) : int64_t{1'000'000};
  }();
  return n;
}
// 2021-01-19T10:33:00Z, the sample's observation time.
constexpr int64_t kStartMicros = 1'611'052'380LL * 1'000'000;

struct Corpus {
  std::string ndjson;
  std::vector<lakestream::JsonEvent> events;  // views into ndjson, one per line
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    out.ndjson.reserve(static_cast<size_t>(messages()) * 128);
    std::vector<std::pair<size_t, size_t>> spans;
    spans.reserve(messages());
    for (int64_t n = 0; n < messages(); ++n) {
      const int64_t v = n * 3019;
      const size_t start = out.ndjson.size();
      out.ndjson += R"({"MeterId":")";
      out.ndjson += std::to_string(v % 127);
      out.ndjson += R"(","SupplierId":")";
      out.ndjson += std::to_string(v % 23);
      out.ndjson += R"(","Measurement":{"Value":)";
      out.ndjson += std::to_string(v % 59);
      out.ndjson += R"(,"Unit":"kWH"},"ObservationTime":")";
      out.ndjson += lakestream::format_timestamp_iso(kStartMicros + n * 1'000'000);
      out.ndjson += "\"}";
      spans.emplace_back(start, out.ndjson.size() - start);
      out.ndjson += '\n';
    }
    for (const auto& [start, len] : spans) {
      out.events.push_back({std::string_view(out.ndjson).substr(start, len), 0,
                            static_cast<int64_t>(out.events.size())});
    }
    return out;
  }();
  return c;
}

// Reads every key (unescaped) and every value of an object, whatever its members, as a
// schema-less consumer would: strings as string_views, numbers as int64, objects recursively.
// *values counts the scalars read, so the benchmark can check that nothing was skipped.
simdjson::error_code touch_object(simdjson::ondemand::object object, uint64_t* sink,
                                  int64_t* values) {
  for (auto member : object) {
    simdjson::ondemand::field field;
    if (auto e = std::move(member).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    *sink += key.size();
    simdjson::ondemand::value value = field.value();
    simdjson::ondemand::json_type type;
    if (auto e = value.type().get(type)) return e;
    switch (type) {
      case simdjson::ondemand::json_type::string: {
        std::string_view s;
        if (auto e = value.get_string().get(s)) return e;
        *sink += s.size();
        ++*values;
        break;
      }
      case simdjson::ondemand::json_type::number: {
        int64_t i = 0;
        if (auto e = value.get_int64().get(i)) return e;
        *sink += static_cast<uint64_t>(i);
        ++*values;
        break;
      }
      case simdjson::ondemand::json_type::object: {
        simdjson::ondemand::object inner;
        if (auto e = value.get_object().get(inner)) return e;
        if (auto e = touch_object(inner, sink, values)) return e;
        break;
      }
      default:
        break;
    }
  }
  return simdjson::SUCCESS;
}

void set_counters(benchmark::State& state) {
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(corpus().ndjson.size()));
  state.SetItemsProcessed(state.iterations() * messages());
}

void SimdjsonOnDemand(benchmark::State& state) {
  const Corpus& c = corpus();
  // iterate_many wants padding after the buffer: one padded copy, made outside the loop.
  const simdjson::padded_string padded(c.ndjson);
  simdjson::ondemand::parser parser;
  parser.threaded = state.range(0) != 0;
  for (auto _ : state) {
    uint64_t sink = 0;
    int64_t docs = 0;
    int64_t values = 0;
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(padded).get(stream)) {
      state.SkipWithError("iterate_many failed");
      return;
    }
    for (auto doc : stream) {
      simdjson::ondemand::object object;
      if (doc.get_object().get(object) || touch_object(object, &sink, &values)) {
        state.SkipWithError("parse failed");
        return;
      }
      ++docs;
    }
    if (docs != messages()) state.SkipWithError("wrong document count");
    // Five scalars per message: MeterId, SupplierId, Value, Unit, ObservationTime.
    if (values != 5 * messages()) state.SkipWithError("not every value was read");
    benchmark::DoNotOptimize(sink);
  }
  set_counters(state);
}

template <bool kEvents, bool kDirect = true, bool kRescued = false>
void JsonDecoder(benchmark::State& state) {
  const Corpus& c = corpus();
  if (!kDirect) setenv("LAKESTREAM_JSON_DIRECT", "0", 1);
  lakestream::JsonDecodeOptions options;
  if (kRescued) options.rescued_data_column = "_rescued_data";
  auto decoder = lakestream::JsonDecoder::make(lakestream::meter::meter_schema(), options);
  if (!kDirect) unsetenv("LAKESTREAM_JSON_DIRECT");
  if (!decoder.ok()) {
    state.SkipWithError(decoder.status().to_string().c_str());
    return;
  }
  std::vector<lakestream::RejectedRecord> rejects;
  for (auto _ : state) {
    auto batch = lakestream::RecordBatch::make_empty(decoder->output_schema());
    const auto status = kEvents ? decoder->decode_events(c.events, "bench", &batch, &rejects)
                                : decoder->decode_ndjson(c.ndjson, "bench", &batch, &rejects);
    auto flat = batch.flatten();
    if (!status.ok() || !flat.ok() || flat->num_rows() != messages() || !rejects.empty()) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(flat->column(0).get());
  }
  set_counters(state);
}

void JsonDecoderNdjson(benchmark::State& state) { JsonDecoder<false>(state); }
void JsonDecoderEvents(benchmark::State& state) { JsonDecoder<true>(state); }
void JsonDecoderNdjsonOnDemandOnly(benchmark::State& state) { JsonDecoder<false, false>(state); }
/// With the rescued-data column on (nothing to rescue in the meter data: a null per row).
void JsonDecoderNdjsonRescued(benchmark::State& state) { JsonDecoder<false, true, true>(state); }

// Real time: with iterate_many's helper thread, CPU time of the main thread would flatter it.
BENCHMARK(SimdjsonOnDemand)
    ->ArgName("threaded")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(JsonDecoderNdjson)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(JsonDecoderEvents)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(JsonDecoderNdjsonOnDemandOnly)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(JsonDecoderNdjsonRescued)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
