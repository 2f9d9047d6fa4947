#include "lakestream/stream/data_stream.h"

#include <iostream>

#include "lakestream/stream/data_stream_writer.h"

namespace lakestream {

Schema raw_schema(RawLayout layout) {
  Schema s;
  if (layout == RawLayout::kRate) {
    s.add("timestamp", DataType::timestamp()).add("value", DataType::long_());
  } else {
    s.add("body", DataType::binary())
        .add("partition", DataType::int_())
        .add("offset", DataType::long_())
        .add("enqueuedTime", DataType::timestamp())
        .add("partitionKey", DataType::string());
  }
  return s;
}

RecordBatch raw_to_batch(RawLayout layout, const RawBatch& raw, size_t begin, size_t end) {
  RecordBatch batch = RecordBatch::make_empty(raw_schema(layout));
  const auto& events = raw.events();
  const int64_t rows = static_cast<int64_t>(end - begin);
  if (layout == RawLayout::kRate) {
    Column& ts = batch.mutable_column(0);
    Column& value = batch.mutable_column(1);
    ts.reserve(rows);
    value.reserve(rows);
    for (size_t i = begin; i < end; ++i) {
      ts.append<int64_t>(events[i].enqueued_time_ms * 1000);
      value.append<int64_t>(events[i].offset);
    }
    return batch;
  }
  int64_t body_bytes = 0, key_bytes = 0;
  for (size_t i = begin; i < end; ++i) {
    body_bytes += static_cast<int64_t>(events[i].body.size());
    key_bytes += static_cast<int64_t>(events[i].key.size());
  }
  batch.mutable_column(0).reserve(rows, body_bytes);
  for (size_t c = 1; c < 4; ++c) batch.mutable_column(c).reserve(rows);
  batch.mutable_column(4).reserve(rows, key_bytes);
  for (size_t i = begin; i < end; ++i) {
    const RawEvent& e = events[i];
    batch.mutable_column(0).append_string(e.body);
    batch.mutable_column(1).append<int32_t>(e.partition);
    batch.mutable_column(2).append<int64_t>(e.offset);
    batch.mutable_column(3).append<int64_t>(e.enqueued_time_ms * 1000);
    if (e.key.empty()) {
      batch.mutable_column(4).append_null();
    } else {
      batch.mutable_column(4).append_string(e.key);
    }
  }
  return batch;
}

void DataStream::print_schema() const { std::cout << tree_string() << std::flush; }

DataStream DataStream::with_step(std::string name, Result<Schema> output, BatchFunction fn) const {
  auto plan = std::make_shared<StreamPlan>(*plan_);
  if (plan->status.ok()) {
    if (!output.ok()) {
      plan->status = output.status().with_context(name);
    } else {
      plan->schema = std::move(output).value();
      plan->transforms.push_back(BatchTransform{std::move(name), std::move(fn)});
    }
  }
  return DataStream(std::move(plan));
}

DataStream DataStream::flatten() const {
  return with_step("flatten", plan_->schema.flatten(),
                   [](const RecordBatch& b) { return b.flatten(); });
}

DataStream DataStream::with_column(std::string name, DataTypePtr type,
                                   std::function<Result<ColumnPtr>(const RecordBatch&)> fn) const {
  Schema out;
  std::optional<size_t> replaced = plan_->schema.index_of(name);
  for (size_t i = 0; i < plan_->schema.size(); ++i) {
    if (replaced && *replaced == i) {
      out.add(name, type);
    } else {
      out.add(plan_->schema.field(i));
    }
  }
  if (!replaced) out.add(name, type);
  Schema schema = out;
  auto apply = [fn = std::move(fn), schema, replaced,
                name](const RecordBatch& b) -> Result<RecordBatch> {
    LS_ASSIGN_OR_RAISE(ColumnPtr col, fn(b));
    if (col == nullptr || col->length() != b.num_rows()) {
      return Status::InvalidArgument("with_column(" + name + "): the function returned " +
                                     (col ? std::to_string(col->length()) : "no") +
                                     " rows for a batch of " + std::to_string(b.num_rows()));
    }
    std::vector<ColumnPtr> cols = b.columns();
    if (replaced) {
      cols[*replaced] = std::move(col);
    } else {
      cols.push_back(std::move(col));
    }
    return RecordBatch(schema, std::move(cols));
  };
  return with_step("with_column(" + name + ")", std::move(out), std::move(apply));
}

DataStream DataStream::transform(std::string name, Schema output, BatchFunction fn) const {
  return with_step(std::move(name), std::move(output), std::move(fn));
}

DataStreamWriter DataStream::write_stream() const { return DataStreamWriter(*this); }

namespace {

DataStream parse_bodies(const DataStream& raw, const Schema& schema, JsonDecodeOptions options,
                        std::string enqueued_time_column, const char* what) {
  auto plan = std::make_shared<StreamPlan>(raw.plan());
  if (!plan->status.ok()) return DataStream(std::move(plan));
  if (plan->parse || !plan->transforms.empty() || plan->raw_layout != RawLayout::kEvents) {
    plan->status = Status::InvalidArgument(
        std::string(what) +
        ": expects the raw stream of an event source (format eventhubs, kafka, ndjson or "
        "memory) before any other step");
    return DataStream(std::move(plan));
  }
  ParseSpec spec;
  spec.schema = schema;
  spec.options = options;
  spec.enqueued_time_column = std::move(enqueued_time_column);
  // Check the schema is decodable now rather than at the first batch.
  auto decoder = JsonDecoder::make(schema, options);
  if (!decoder.ok()) {
    plan->status = decoder.status().with_context(what);
    return DataStream(std::move(plan));
  }
  // The decoder's output: the schema, then the rescued-data column when one is asked for.
  Schema out = decoder->output_schema();
  if (!spec.enqueued_time_column.empty()) {
    if (out.has_field(spec.enqueued_time_column)) {
      plan->status = Status::InvalidArgument(
          std::string(what) +
          (options.rescued_data_column == spec.enqueued_time_column
               ? ": the rescued-data column is named like the enqueued-time column "
               : ": the schema already has a column ") +
          spec.enqueued_time_column);
      return DataStream(std::move(plan));
    }
    out.add(spec.enqueued_time_column, DataType::timestamp());
  }
  plan->schema = std::move(out);
  plan->parse = std::move(spec);
  return DataStream(std::move(plan));
}

}  // namespace

DataStream event_hub_parse(const DataStream& raw, const Schema& schema, JsonDecodeOptions options) {
  return parse_bodies(raw, schema, std::move(options), "EventHubEnqueueTime", "event_hub_parse");
}

DataStream json_parse(const DataStream& raw, const Schema& schema, JsonDecodeOptions options) {
  return parse_bodies(raw, schema, std::move(options), "", "json_parse");
}

}  // namespace lakestream
