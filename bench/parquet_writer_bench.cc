// Parquet writer throughput, encoding only (the bytes go to a stream that counts them):
//   FlatMeter/<codec>   1,000,000 meter rows as the sample writes them (MeterId, SupplierId,
//                       Value, Unit, ObservationTime; 1 row in 50 has null Value): the flat
//                       fast path, which nested support must leave as fast as it was.
//   NestedDevice/<codec> 200,000 device events: readings array<struct<t:timestamp,v:double>>
//                       (0..8 a row, some null), tags map<string,string> (0..3, some null
//                       values), location struct<lat:double,lon:double> (null in 1 row of 10):
//                       the Dremel shredding path.
// codec 0 = none (pure encoding cost), 1 = snappy (what a table gets by default).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "lakestream/batch/record_batch.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/schema/schema.h"

namespace {

using namespace lakestream;

/// Counts bytes, keeps none: the benchmark measures the writer, not a disk.
class CountingStream final : public OutputStream {
 public:
  Status write(const void*, size_t size) override {
    size_ += static_cast<int64_t>(size);
    return Status::OK();
  }
  int64_t tell() const override { return size_; }
  Status close() override { return Status::OK(); }
  void abort() override {}

 private:
  int64_t size_ = 0;
};

// 2021-01-19T10:33:00Z, the sample's observation time.
constexpr int64_t kStartMicros = 1'611'052'380LL * 1'000'000;

const RecordBatch& flat_batch() {
  static const RecordBatch batch = [] {
    Schema schema;
    schema.add("MeterId", DataType::string())
        .add("SupplierId", DataType::string())
        .add("Value", DataType::double_())
        .add("Unit", DataType::string())
        .add("ObservationTime", DataType::timestamp());
    RecordBatch b = RecordBatch::make_empty(schema);
    for (int64_t n = 0; n < 1'000'000; ++n) {
      const int64_t v = n * 3019;
      b.mutable_column(0).append_string("meter-" + std::to_string(v % 127));
      b.mutable_column(1).append_string(std::to_string(v % 23));
      if (n % 50 == 7) {
        b.mutable_column(2).append_null();
      } else {
        b.mutable_column(2).append<double>(static_cast<double>(v % 59) * 0.25);
      }
      b.mutable_column(3).append_string("kWH");
      b.mutable_column(4).append<int64_t>(kStartMicros + n * 1'000'000);
    }
    return b;
  }();
  return batch;
}

const RecordBatch& nested_batch() {
  static const RecordBatch batch = [] {
    Schema reading;
    reading.add("t", DataType::timestamp()).add("v", DataType::double_());
    Schema location;
    location.add("lat", DataType::double_()).add("lon", DataType::double_());
    Schema schema;
    schema.add("DeviceId", DataType::string())
        .add("readings", DataType::array(reading.as_struct()))
        .add("tags", DataType::map(DataType::string(), DataType::string()))
        .add("location", location.as_struct());
    RecordBatch b = RecordBatch::make_empty(schema);
    static const char* kTagKeys[] = {"site", "fw", "owner"};
    for (int64_t n = 0; n < 200'000; ++n) {
      const int64_t v = n * 3019;
      b.mutable_column(0).append_string("device-" + std::to_string(v % 1009));
      Column& readings = b.mutable_column(1);
      Column& r = readings.mutable_child(0);
      for (int64_t k = 0; k < v % 9; ++k) {
        if ((n + k) % 31 == 0) {
          r.append_null();
          continue;
        }
        r.append_struct_valid();
        r.mutable_child(0).append<int64_t>(kStartMicros + n * 1'000'000 + k * 1000);
        r.mutable_child(1).append<double>(static_cast<double>((v + k) % 113) * 0.5);
      }
      readings.append_list_end();
      Column& tags = b.mutable_column(2);
      for (int64_t k = 0; k < v % 4; ++k) {
        tags.mutable_child(0).append_string(kTagKeys[k % 3]);
        if ((n + k) % 11 == 0) {
          tags.mutable_child(1).append_null();
        } else {
          tags.mutable_child(1).append_string("value-" + std::to_string((v + k) % 37));
        }
      }
      tags.append_list_end();
      Column& loc = b.mutable_column(3);
      if (n % 10 == 3) {
        loc.append_null();
      } else {
        loc.append_struct_valid();
        loc.mutable_child(0).append<double>(47.0 + static_cast<double>(v % 1000) * 1e-3);
        loc.mutable_child(1).append<double>(8.0 + static_cast<double>(v % 777) * 1e-3);
      }
    }
    return b;
  }();
  return batch;
}

void write_batch(benchmark::State& state, const RecordBatch& batch) {
  ParquetWriterOptions options;
  options.compression =
      state.range(0) == 0 ? ParquetCompression::kNone : ParquetCompression::kSnappy;
  int64_t bytes = 0;
  for (auto _ : state) {
    auto writer = ParquetWriter::open(std::make_unique<CountingStream>(), batch.schema(), options);
    if (!writer.ok()) {
      state.SkipWithError(writer.status().to_string().c_str());
      return;
    }
    Status st = (*writer)->write(batch);
    if (!st.ok()) {
      state.SkipWithError(st.to_string().c_str());
      return;
    }
    auto info = (*writer)->close();
    if (!info.ok()) {
      state.SkipWithError(info.status().to_string().c_str());
      return;
    }
    bytes = info->file_size;
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * batch.num_rows());
  state.counters["file_bytes"] = static_cast<double>(bytes);
}

void FlatMeter(benchmark::State& state) { write_batch(state, flat_batch()); }
void NestedDevice(benchmark::State& state) { write_batch(state, nested_batch()); }

BENCHMARK(FlatMeter)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(NestedDevice)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
