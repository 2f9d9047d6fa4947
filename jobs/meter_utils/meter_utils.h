#pragma once
// jobs/meter_utils: the sample-specific code the three sample jobs share, the counterpart of the
// original's `spark_utils` package: the meter message schema, store_data (append a batch to a
// Delta table partitioned by SupplierId), filter_by_supplier, has_column, the data generator's
// rate-row → message mapping, and the supplier read the load_and_filter job does. Generic
// streaming code (event_hub_parse, flatten, preview_stream) lives in the library
// (lakestream/stream/session.h); only what is about meters lives here.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/azure_options.h"
#include "lakestream/storage/file_system.h"

namespace lakestream::meter {

/// The column the sample's tables are partitioned by.
inline constexpr std::string_view kPartitionColumn = "SupplierId";

/// The meter message schema: MeterId string not null, SupplierId string not null,
/// Measurement struct<Value: decimal(10,0) not null, Unit: string> not null,
/// ObservationTime timestamp not null.
Schema meter_schema();

/// Whether `schema` has column `name`; a dotted name ("Measurement.Value") looks inside structs,
/// as the original's has_column (df[col] succeeds) does.
bool has_column(const Schema& schema, std::string_view name);
bool has_column(const RecordBatch& batch, std::string_view name);

/// The rows of `batch` whose string column SupplierId equals `supplier_id` (null never
/// matches). InvalidArgument when the batch has no string column SupplierId.
Result<RecordBatch> filter_by_supplier(const RecordBatch& batch, std::string_view supplier_id);

/// Append `batch` (flat: struct columns flattened first) to the Delta table at `table_path` on
/// `fs`, partitioned by SupplierId, creating the table on the first call: one commit.
/// Returns the table version written.
Result<int64_t> store_data(const RecordBatch& batch, std::shared_ptr<FileSystem> fs,
                           const std::string& table_path);
/// store_data on the table at a local path or URI (Azure URIs with the credentials in
/// `storage`: the job's, never process-wide).
Result<int64_t> store_data(const RecordBatch& batch, const std::string& table_uri,
                           const AzureStorageOptions& storage = {});

/// The message the data generator sends for rate row `value` (v = value * 3019).
struct GeneratedMessage {
  std::string meter_id;     ///< v % 127
  std::string supplier_id;  ///< v % 23
  int64_t value = 0;        ///< v % 59
  std::string unit = "kWH";
  int64_t observation_time_micros = 0;  ///< the rate row's timestamp

  /// `{"MeterId":"..","SupplierId":"..","Measurement":{"Value":n,"Unit":"kWH"},
  /// "ObservationTime":"yyyy-MM-ddTHH:mm:ss.SSSZ"}` (Spark's to_json layout), appended to `out`.
  void append_json(std::string* out) const;
  std::string json() const;
};

/// The generator's mapping of one rate row (counter `value`, `timestamp_micros`).
GeneratedMessage generate_message(int64_t value, int64_t timestamp_micros);

/// The rate source's batch (timestamp timestamp, value long) mapped to meter messages with
/// the meter schema (the generator's second stage).
Result<RecordBatch> map_rate_batch(const RecordBatch& rate);
/// A batch of meter_schema() rows as one string column `body` of their JSON text, plus `key`
/// (the MeterId, which spreads the events over the hub's partitions): the generator's last
/// stage, what it sends.
Result<RecordBatch> to_json_batch(const RecordBatch& meters);
/// The schema to_json_batch returns: key string not null, body string not null.
Schema json_batch_schema();

/// Read the rows of supplier `supplier_id` from the table at `table_uri`, opening only that
/// partition's files (the log's partitionValues decide; no folder is listed). `files_read`
/// receives how many data files were opened, when given.
Result<RecordBatch> read_supplier(const std::string& table_uri, std::string_view supplier_id,
                                  int64_t* files_read = nullptr,
                                  const AzureStorageOptions& storage = {});

/// Row counts per SupplierId of the table at `table_uri` (from the log's add stats when every
/// file has them, otherwise by reading).
Result<std::map<std::string, int64_t>> rows_per_supplier(const std::string& table_uri,
                                                         const AzureStorageOptions& storage = {});

/// Rows in the table at `table_uri`; 0 when no table is there yet (NotFound is not an error
/// here: a dead-letter table only exists once something was rejected).
Result<int64_t> count_rows(const std::string& table_uri, const AzureStorageOptions& storage = {});

}  // namespace lakestream::meter
