#pragma once
// Test rows for the delta module's tests: the flattened meter schema and rows like the data
// generator's, so tables of known content can be written and checked.

#include <cstdint>

#include "lakestream/batch/record_batch.h"
#include "lakestream/schema/schema.h"

namespace lakestream {

inline Schema flat_meter_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string())
      .add("Measurement_Value", DataType::decimal(10, 0), false)
      .add("Measurement_Unit", DataType::string())
      .add("ObservationTime", DataType::timestamp(), false);
}

/// `rows` meter rows like the data generator's: v = n*3019, supplier v % `suppliers`.
inline RecordBatch meter_batch(int64_t first, int64_t rows, int suppliers = 23,
                               bool null_supplier_every_10th = false) {
  RecordBatch batch = RecordBatch::make_empty(flat_meter_schema());
  for (int64_t n = first; n < first + rows; ++n) {
    const int64_t v = n * 3019;
    batch.mutable_column(0).append_string(std::to_string(v % 127));
    if (null_supplier_every_10th && n % 10 == 0) {
      batch.mutable_column(1).append_null();
    } else {
      batch.mutable_column(1).append_string(std::to_string(v % suppliers));
    }
    batch.mutable_column(2).append_decimal(v % 59);
    batch.mutable_column(3).append_string("kWH");
    batch.mutable_column(4).append<int64_t>(1611052380000000 + n * 1000000);
  }
  return batch;
}

}  // namespace lakestream
