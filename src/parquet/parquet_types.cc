#include "parquet/parquet_types.h"

namespace lakestream::parquet {
namespace {

int32_t as_i32(auto e) { return static_cast<int32_t>(e); }

}  // namespace

// Each writer below is a struct of parquet.thrift, field ids as in the IDL.

void write_thrift(ThriftCompactWriter& w, const LogicalType& v) {
  w.struct_begin();  // union LogicalType: exactly one member
  switch (v.kind) {
    case LogicalType::Kind::kNone:
      break;
    case LogicalType::Kind::kString:
      w.field_empty_struct(1);  // STRING
      break;
    case LogicalType::Kind::kDecimal:
      w.field_struct_begin(5);  // DECIMAL
      w.field_i32(1, v.scale);
      w.field_i32(2, v.precision);
      w.struct_end();
      break;
    case LogicalType::Kind::kDate:
      w.field_empty_struct(6);  // DATE
      break;
    case LogicalType::Kind::kTimestamp:
      w.field_struct_begin(8);  // TIMESTAMP
      w.field_bool(1, v.adjusted_to_utc);
      w.field_struct_begin(2);  // unit: union TimeUnit
      w.field_empty_struct(2);  // MICROS
      w.struct_end();
      w.struct_end();
      break;
    case LogicalType::Kind::kInteger:
      w.field_struct_begin(10);  // INTEGER
      w.field_i8(1, v.bit_width);
      w.field_bool(2, v.is_signed);
      w.struct_end();
      break;
  }
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const SchemaElement& v) {
  w.struct_begin();
  if (v.type) w.field_i32(1, as_i32(*v.type));
  if (v.type_length) w.field_i32(2, *v.type_length);
  if (v.repetition) w.field_i32(3, as_i32(*v.repetition));
  w.field_binary(4, v.name);
  if (v.num_children) w.field_i32(5, *v.num_children);
  if (v.converted_type) w.field_i32(6, as_i32(*v.converted_type));
  if (v.scale) w.field_i32(7, *v.scale);
  if (v.precision) w.field_i32(8, *v.precision);
  if (v.logical_type.kind != LogicalType::Kind::kNone) {
    w.field_struct_header(10);
    write_thrift(w, v.logical_type);
  }
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const Statistics& v) {
  w.struct_begin();
  if (v.max) w.field_binary(1, *v.max);
  if (v.min) w.field_binary(2, *v.min);
  if (v.null_count) w.field_i64(3, *v.null_count);
  if (v.max_value) w.field_binary(5, *v.max_value);
  if (v.min_value) w.field_binary(6, *v.min_value);
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const KeyValue& v) {
  w.struct_begin();
  w.field_binary(1, v.key);
  if (v.value) w.field_binary(2, *v.value);
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const ColumnMetaData& v) {
  w.struct_begin();
  w.field_i32(1, as_i32(v.type));
  w.field_list_begin(2, CompactType::kI32, static_cast<int32_t>(v.encodings.size()));
  for (Encoding e : v.encodings) w.write_i32(as_i32(e));
  w.field_list_begin(3, CompactType::kBinary, static_cast<int32_t>(v.path_in_schema.size()));
  for (const auto& p : v.path_in_schema) w.write_binary(p);
  w.field_i32(4, as_i32(v.codec));
  w.field_i64(5, v.num_values);
  w.field_i64(6, v.total_uncompressed_size);
  w.field_i64(7, v.total_compressed_size);
  w.field_i64(9, v.data_page_offset);
  if (v.dictionary_page_offset) w.field_i64(11, *v.dictionary_page_offset);
  if (v.statistics) {
    w.field_struct_header(12);
    write_thrift(w, *v.statistics);
  }
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const ColumnChunk& v) {
  w.struct_begin();
  w.field_i64(2, v.file_offset);
  w.field_struct_header(3);
  write_thrift(w, v.meta_data);
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const RowGroup& v) {
  w.struct_begin();
  w.field_list_begin(1, CompactType::kStruct, static_cast<int32_t>(v.columns.size()));
  for (const auto& c : v.columns) write_thrift(w, c);
  w.field_i64(2, v.total_byte_size);
  w.field_i64(3, v.num_rows);
  if (v.file_offset) w.field_i64(5, *v.file_offset);
  if (v.total_compressed_size) w.field_i64(6, *v.total_compressed_size);
  if (v.ordinal) w.field_i16(7, *v.ordinal);
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const FileMetaData& v) {
  w.struct_begin();
  w.field_i32(1, v.version);
  w.field_list_begin(2, CompactType::kStruct, static_cast<int32_t>(v.schema.size()));
  for (const auto& e : v.schema) write_thrift(w, e);
  w.field_i64(3, v.num_rows);
  w.field_list_begin(4, CompactType::kStruct, static_cast<int32_t>(v.row_groups.size()));
  for (const auto& rg : v.row_groups) write_thrift(w, rg);
  if (!v.key_value_metadata.empty()) {
    w.field_list_begin(5, CompactType::kStruct, static_cast<int32_t>(v.key_value_metadata.size()));
    for (const auto& kv : v.key_value_metadata) write_thrift(w, kv);
  }
  if (v.created_by) w.field_binary(6, *v.created_by);
  if (v.type_defined_column_orders) {
    int32_t leaves = 0;
    for (const auto& e : v.schema) leaves += e.num_children ? 0 : 1;
    w.field_list_begin(7, CompactType::kStruct, leaves);
    for (int32_t i = 0; i < leaves; ++i) {
      w.struct_begin();  // union ColumnOrder
      w.field_empty_struct(1);  // TYPE_ORDER
      w.struct_end();
    }
  }
  w.struct_end();
}

void write_thrift(ThriftCompactWriter& w, const PageHeader& v) {
  w.struct_begin();
  w.field_i32(1, as_i32(v.type));
  w.field_i32(2, v.uncompressed_page_size);
  w.field_i32(3, v.compressed_page_size);
  if (v.data_page_header) {
    const auto& d = *v.data_page_header;
    w.field_struct_begin(5);
    w.field_i32(1, d.num_values);
    w.field_i32(2, as_i32(d.encoding));
    w.field_i32(3, as_i32(d.definition_level_encoding));
    w.field_i32(4, as_i32(d.repetition_level_encoding));
    w.struct_end();
  }
  if (v.dictionary_page_header) {
    const auto& d = *v.dictionary_page_header;
    w.field_struct_begin(7);
    w.field_i32(1, d.num_values);
    w.field_i32(2, as_i32(d.encoding));
    w.struct_end();
  }
  w.struct_end();
}

}  // namespace lakestream::parquet
