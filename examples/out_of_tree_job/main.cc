// meter_job: the smallest job built against an installed lakestream. It declares the meter
// reading schema of the sample pipeline in Spark DDL (as StructType.fromDDL takes it; the
// fluent form is lakestream::meter::meter_schema() in jobs/meter_utils), flattens it the way the
// streaming job does before writing, and prints the columns it would write.
#include <cstdio>

#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"
#include "lakestream/version.h"

namespace {

using lakestream::Schema;

/// The message schema of the original sample:
/// {"MeterId": "217", "SupplierId": "23", "Measurement": {"Value": 12345, "Unit": "kWH"},
///  "ObservationTime": "2021-01-19T10:33:00Z"}
constexpr const char* kMeterReadingDdl =
    "MeterId STRING NOT NULL, SupplierId STRING NOT NULL, "
    "Measurement STRUCT<Value: DECIMAL(10,0) NOT NULL, Unit: STRING> NOT NULL, "
    "ObservationTime TIMESTAMP NOT NULL";

/// Everything that can fail returns a Status; a job reports it and exits non-zero.
lakestream::Status run() {
  LS_ASSIGN_OR_RAISE(Schema schema, Schema::from_ddl(kMeterReadingDdl));
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
