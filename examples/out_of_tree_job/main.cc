// meter_job: the smallest job built against an installed lakestream. It declares the meter
// reading schema of the sample pipeline with the fluent API, flattens it the way the streaming
// job does before writing, and prints the columns it would write.
#include <cstdio>

#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"
#include "lakestream/version.h"

namespace {

using lakestream::DataType;
using lakestream::Schema;

/// The message schema of the original sample:
/// {"MeterId": "217", "SupplierId": "23", "Measurement": {"Value": 12345, "Unit": "kWH"},
///  "ObservationTime": "2021-01-19T10:33:00Z"}
Schema meter_reading_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string(), false)
      .add("Measurement",
           Schema()
               .add("Value", DataType::decimal(10, 0), false)
               .add("Unit", DataType::string())
               .as_struct(),
           false)
      .add("ObservationTime", DataType::timestamp(), false);
}

/// Everything that can fail returns a Status; a job reports it and exits non-zero.
lakestream::Status run() {
  const Schema schema = meter_reading_schema();
  LS_ASSIGN_OR_RAISE(Schema flat, schema.flatten());

  std::printf("lakestream %s\n", lakestream::kVersion);
  std::printf("columns written (%zu):\n", flat.size());
  for (const auto& field : flat.fields()) {
    std::printf("  %s: %s (nullable = %s)\n", field.name.c_str(),
                field.type->simple_string().c_str(), field.nullable ? "true" : "false");
  }
  return lakestream::Status::OK();
}

}  // namespace

int main() {
  const lakestream::Status status = run();
  if (!status.ok()) {
    std::fprintf(stderr, "meter_job: %s\n", status.to_string().c_str());
    return 1;
  }
  return 0;
}
