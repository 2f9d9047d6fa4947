#include "meter_utils/meter_utils.h"

#include <utility>
#include <vector>

#include "lakestream/batch/take.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/table_reader.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/schema/data_type.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace lakestream::meter {

Schema meter_schema() {
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

bool has_column(const Schema& schema, std::string_view name) {
  const std::vector<Field>* fields = &schema.fields();
  while (true) {
    const size_t dot = name.find('.');
    const std::string_view head = name.substr(0, dot);
    const Field* found = nullptr;
    for (const Field& f : *fields) {
      if (f.name == head) {
        found = &f;
        break;
      }
    }
    if (found == nullptr) return false;
    if (dot == std::string_view::npos) return true;
    if (found->type->id() != TypeId::kStruct) return false;
    fields = &found->type->fields();
    name = name.substr(dot + 1);
  }
}

bool has_column(const RecordBatch& batch, std::string_view name) {
  return has_column(batch.schema(), name);
}

Result<RecordBatch> filter_by_supplier(const RecordBatch& batch, std::string_view supplier_id) {
  const std::optional<size_t> index = batch.schema().index_of(kPartitionColumn);
  if (!index || batch.schema().field(*index).type->id() != TypeId::kString) {
    return Status::InvalidArgument("filter_by_supplier: the batch has no string column " +
                                   std::string(kPartitionColumn) + " (schema " +
                                   batch.schema().to_ddl() + ")");
  }
  const Column& column = *batch.column(*index);
  std::vector<int32_t> rows;
  for (int64_t r = 0; r < column.length(); ++r) {
    if (column.is_valid(r) && column.string_value(r) == supplier_id) {
      rows.push_back(static_cast<int32_t>(r));
    }
  }
  return take(batch, rows);
}

Result<int64_t> store_data(const RecordBatch& batch, std::shared_ptr<FileSystem> fs,
                           const std::string& table_path) {
  TableCreateOptions create;
  create.schema = batch.schema();
  create.partition_columns = {std::string(kPartitionColumn)};
  auto table = DeltaTable::open_or_create(fs, table_path, create);
  if (!table.ok()) return table.status().with_context("store_data to " + table_path);
  // The table's rules and column mapping (DeltaTable::configure_writer) before any file.
  DeltaTableWriterOptions options;
  LS_RETURN_NOT_OK(table->configure_writer(&options).with_context("store_data to " + table_path));
  options.partition_columns = create.partition_columns;
  LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs, table_path, batch.schema(), options));
  Status written = writer->write(batch);
  if (!written.ok()) {
    writer->abort();
    return written.with_context("store_data to " + table_path);
  }
  LS_ASSIGN_OR_RAISE(std::vector<AddFile> adds, writer->finish());
  Transaction t = table->begin();
  t.set_identity(options.identity);
  for (AddFile& add : adds) t.add_file(std::move(add));
  auto version = t.commit(
      "WRITE",
      {{"mode", "Append"}, {"partitionBy", "[\"" + std::string(kPartitionColumn) + "\"]"}});
  if (!version.ok()) {
    writer->abort();
    return version.status().with_context("store_data to " + table_path);
  }
  return *version;
}

Result<int64_t> store_data(const RecordBatch& batch, const std::string& table_uri,
                           const AzureStorageOptions& storage) {
  LS_ASSIGN_OR_RAISE(auto opened, open_file_system(table_uri, storage));
  return store_data(batch, opened.first, opened.second);
}

void GeneratedMessage::append_json(std::string* out) const {
  // The ids are decimal digits and the unit a constant, so only the layout needs care here.
  *out += R"({"MeterId":")";
  *out += meter_id;
  *out += R"(","SupplierId":")";
  *out += supplier_id;
  *out += R"(","Measurement":{"Value":)";
  *out += std::to_string(value);
  *out += R"(,"Unit":)";
  append_json_string(*out, unit);
  *out += R"(},"ObservationTime":")";
  *out += format_timestamp_iso(observation_time_micros);
  *out += "\"}";
}

std::string GeneratedMessage::json() const {
  std::string out;
  append_json(&out);
  return out;
}

GeneratedMessage generate_message(int64_t value, int64_t timestamp_micros) {
  const int64_t v = value * 3019;
  GeneratedMessage m;
  m.meter_id = std::to_string(v % 127);
  m.supplier_id = std::to_string(v % 23);
  m.value = v % 59;
  m.observation_time_micros = timestamp_micros;
  return m;
}

Result<RecordBatch> map_rate_batch(const RecordBatch& rate) {
  const auto ts_index = rate.schema().index_of("timestamp");
  const auto value_index = rate.schema().index_of("value");
  if (!ts_index || !value_index ||
      rate.schema().field(*ts_index).type->id() != TypeId::kTimestamp ||
      rate.schema().field(*value_index).type->id() != TypeId::kLong) {
    return Status::InvalidArgument(
        "map_rate_batch: expected the rate source's columns (timestamp timestamp, value long), "
        "got " +
        rate.schema().to_ddl());
  }
  const Column& ts = *rate.column(*ts_index);
  const Column& value = *rate.column(*value_index);
  const Schema schema = meter_schema();
  std::vector<ColumnPtr> columns;
  for (const Field& f : schema.fields()) columns.push_back(Column::make(f.type));
  const int64_t n = rate.num_rows();
  for (auto& c : columns) c->reserve(n, n * 3);
  for (int64_t r = 0; r < n; ++r) {
    const GeneratedMessage m = generate_message(value.value<int64_t>(r), ts.value<int64_t>(r));
    columns[0]->append_string(m.meter_id);
    columns[1]->append_string(m.supplier_id);
    Column& measurement = *columns[2];
    measurement.append_struct_valid();
    measurement.mutable_child(0).append_decimal(static_cast<int128_t>(m.value));
    measurement.mutable_child(1).append_string(m.unit);
    columns[3]->append<int64_t>(m.observation_time_micros);
  }
  return RecordBatch(schema, std::move(columns));
}

Schema json_batch_schema() {
  return Schema().add("key", DataType::string(), false).add("body", DataType::string(), false);
}

Result<RecordBatch> to_json_batch(const RecordBatch& meters) {
  if (!(meters.schema() == meter_schema())) {
    return Status::InvalidArgument("to_json_batch: expected the meter schema, got " +
                                   meters.schema().to_ddl());
  }
  const Column& meter_id = *meters.column(0);
  const Column& supplier_id = *meters.column(1);
  const Column& measurement = *meters.column(2);
  const Column& time = *meters.column(3);
  auto key = Column::make(DataType::string());
  auto body = Column::make(DataType::string());
  const int64_t n = meters.num_rows();
  key->reserve(n, n * 3);
  body->reserve(n, n * 130);
  std::string text;
  for (int64_t r = 0; r < n; ++r) {
    GeneratedMessage m;
    m.meter_id = meter_id.string_value(r);
    m.supplier_id = supplier_id.string_value(r);
    m.value = static_cast<int64_t>(measurement.child(0)->decimal_value(r));
    m.unit = measurement.child(1)->is_valid(r) ? measurement.child(1)->string_value(r) : "";
    m.observation_time_micros = time.value<int64_t>(r);
    text.clear();
    m.append_json(&text);
    key->append_string(m.meter_id);
    body->append_string(text);
  }
  return RecordBatch(json_batch_schema(), {key, body});
}

Result<RecordBatch> read_supplier(const std::string& table_uri, std::string_view supplier_id,
                                  int64_t* files_read, const AzureStorageOptions& storage) {
  LS_ASSIGN_OR_RAISE(TableReader table, TableReader::open(table_uri, std::nullopt, storage));
  ScanOptions options;
  options.filters.push_back({std::string(kPartitionColumn), std::string(supplier_id)});
  LS_ASSIGN_OR_RAISE(TableScan scan, table.scan(options));
  RecordBatch out = RecordBatch::make_empty(scan.schema());
  RecordBatch batch;
  std::vector<RecordBatch> parts;
  while (true) {
    LS_ASSIGN_OR_RAISE(bool more, scan.next(&batch));
    if (!more) break;
    parts.push_back(std::move(batch));
  }
  if (files_read != nullptr) *files_read = scan.metrics().files_opened;
  for (RecordBatch& part : parts) {
    for (size_t c = 0; c < out.num_columns(); ++c) {
      std::vector<int32_t> all(static_cast<size_t>(part.num_rows()));
      for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int32_t>(i);
      append_taken(*part.column(c), all, &out.mutable_column(c));
    }
  }
  return out;
}

Result<std::map<std::string, int64_t>> rows_per_supplier(const std::string& table_uri,
                                                         const AzureStorageOptions& storage) {
  LS_ASSIGN_OR_RAISE(TableReader table, TableReader::open(table_uri, std::nullopt, storage));
  std::map<std::string, int64_t> counts;
  const Snapshot& snapshot = table.snapshot();
  // partitionValues are keyed by the column's physical name (column mapping), and a file's
  // rows exclude those its deletion vector deletes.
  LS_ASSIGN_OR_RAISE(const ColumnMappingMode mapping, column_mapping_mode(snapshot.metadata()));
  std::string partition_key(kPartitionColumn);
  if (auto index = snapshot.schema().index_of(kPartitionColumn)) {
    LS_ASSIGN_OR_RAISE(partition_key, physical_name(snapshot.schema().field(*index), mapping));
  }
  bool stats_complete = true;
  for (const LiveFile& file : snapshot.files()) {
    const auto rows = live_rows(file.add);
    if (!rows) {
      stats_complete = false;
      break;
    }
    std::string supplier = "null";
    for (const auto& [column, value] : file.add.partition_values) {
      if (column == partition_key && value) supplier = *value;
    }
    counts[supplier] += *rows;
  }
  if (stats_complete) return counts;
  counts.clear();
  ScanOptions options;
  options.columns = std::vector<std::string>{std::string(kPartitionColumn)};
  LS_ASSIGN_OR_RAISE(TableScan scan, table.scan(options));
  RecordBatch batch;
  while (true) {
    LS_ASSIGN_OR_RAISE(bool more, scan.next(&batch));
    if (!more) break;
    const Column& c = *batch.column(0);
    for (int64_t r = 0; r < c.length(); ++r) {
      counts[c.is_valid(r) ? std::string(c.string_value(r)) : "null"] += 1;
    }
  }
  return counts;
}

Result<int64_t> count_rows(const std::string& table_uri, const AzureStorageOptions& storage) {
  auto table = TableReader::open(table_uri, std::nullopt, storage);
  if (!table.ok()) {
    if (table.status().code() == StatusCode::kNotFound) return int64_t{0};
    return table.status();
  }
  if (auto total = table->snapshot().total_rows()) return *total;
  ScanOptions options;
  LS_ASSIGN_OR_RAISE(TableScan scan, table->scan(options));
  int64_t n = 0;
  RecordBatch batch;
  while (true) {
    LS_ASSIGN_OR_RAISE(bool more, scan.next(&batch));
    if (!more) break;
    n += batch.num_rows();
  }
  return n;
}

}  // namespace lakestream::meter
