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
    case LogicalType::Kind::kMap:
      w.field_empty_struct(2);  // MAP
      break;
    case LogicalType::Kind::kList:
      w.field_empty_struct(3);  // LIST
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
      w.field_struct_begin(2);  // unit: union TimeUnit (MILLIS 1, MICROS 2, NANOS 3)
      w.field_empty_struct(v.unit == TimeUnit::kMillis ? 1 : v.unit == TimeUnit::kNanos ? 3 : 2);
      w.struct_end();
      w.struct_end();
      break;
    case LogicalType::Kind::kInteger:
      w.field_struct_begin(10);  // INTEGER
      w.field_i8(1, v.bit_width);
      w.field_bool(2, v.is_signed);
      w.struct_end();
      break;
    case LogicalType::Kind::kVariant:
      w.field_struct_begin(16);  // VARIANT (the writer never annotates one; tests build files)
      w.field_i8(1, v.variant_version);
      w.struct_end();
      break;
    default:
      break;  // the writer never produces the other members
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
  if (v.field_id) w.field_i32(9, *v.field_id);
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
      w.struct_begin();         // union ColumnOrder
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

// ---- decoding -------------------------------------------------------------------------------

namespace lakestream::parquet {
namespace {

/// Walk the fields of one struct, calling `on_field(id, type)` for each; `on_field` returns
/// false when it did not consume the field, which is then skipped.
template <typename F>
bool read_struct(ThriftCompactReader& r, F&& on_field) {
  r.struct_begin();
  int16_t id = 0;
  CompactType type;
  while (r.field_header(&id, &type) && type != CompactType::kStop) {
    if (!on_field(id, type)) r.skip(type);
  }
  r.struct_end();
  return r.ok();
}

/// Read a field only when its wire type is the expected one (a mismatch is corrupt).
bool expect(ThriftCompactReader& r, CompactType got, CompactType want, const char* what) {
  const bool is_bool = [](CompactType t) {
    return t == CompactType::kBooleanTrue || t == CompactType::kBooleanFalse;
  }(want);
  const bool got_bool = got == CompactType::kBooleanTrue || got == CompactType::kBooleanFalse;
  if (got == want || (is_bool && got_bool)) return true;
  r.fail(std::string("thrift field ") + what + " has wire type " +
         std::to_string(static_cast<int>(got)) + ", expected " +
         std::to_string(static_cast<int>(want)));
  return false;
}

template <typename E>
bool read_enum(ThriftCompactReader& r, CompactType t, const char* what, E* out) {
  if (!expect(r, t, CompactType::kI32, what)) return false;
  int32_t v = 0;
  r.read_i32(&v);
  *out = static_cast<E>(v);
  return true;
}

bool read_i32_field(ThriftCompactReader& r, CompactType t, const char* what, int32_t* out) {
  if (!expect(r, t, CompactType::kI32, what)) return false;
  return r.read_i32(out);
}

bool read_i64_field(ThriftCompactReader& r, CompactType t, const char* what, int64_t* out) {
  if (!expect(r, t, CompactType::kI64, what)) return false;
  return r.read_i64(out);
}

template <typename T>
bool read_opt_i32(ThriftCompactReader& r, CompactType t, const char* what, std::optional<T>* out) {
  int32_t v = 0;
  if (!read_i32_field(r, t, what, &v)) return false;
  *out = static_cast<T>(v);
  return true;
}

bool read_opt_i64(ThriftCompactReader& r, CompactType t, const char* what,
                  std::optional<int64_t>* out) {
  int64_t v = 0;
  if (!read_i64_field(r, t, what, &v)) return false;
  *out = v;
  return true;
}

bool read_opt_binary(ThriftCompactReader& r, CompactType t, const char* what,
                     std::optional<std::string>* out) {
  if (!expect(r, t, CompactType::kBinary, what)) return false;
  std::string v;
  r.read_binary(&v);
  *out = std::move(v);
  return true;
}

/// A list of `element` structs, each decoded by `read_one`.
template <typename T, typename F>
bool read_list(ThriftCompactReader& r, CompactType t, CompactType element, const char* what,
               std::vector<T>* out, F&& read_one) {
  if (!expect(r, t, CompactType::kList, what)) return false;
  CompactType et;
  int32_t n = 0;
  if (!r.list_header(&et, &n)) return false;
  if (n > 0 && et != element) {
    r.fail(std::string("thrift list ") + what + " has element type " +
           std::to_string(static_cast<int>(et)));
    return false;
  }
  out->clear();
  out->reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    out->emplace_back();
    read_one(&out->back());
  }
  return r.ok();
}

bool read_time_unit(ThriftCompactReader& r, TimeUnit* unit) {
  return read_struct(r, [&](int16_t id, CompactType) {
    if (id == 1) *unit = TimeUnit::kMillis;
    if (id == 2) *unit = TimeUnit::kMicros;
    if (id == 3) *unit = TimeUnit::kNanos;
    return false;  // the member is an empty struct: let the reader skip it
  });
}

bool read_logical_type(ThriftCompactReader& r, LogicalType* v) {
  return read_struct(r, [&](int16_t id, CompactType t) {
    if (!expect(r, t, CompactType::kStruct, "LogicalType member")) return true;
    using K = LogicalType::Kind;
    switch (id) {
      case 1:
        v->kind = K::kString;
        return false;
      case 2:
        v->kind = K::kMap;
        return false;
      case 3:
        v->kind = K::kList;
        return false;
      case 4:
        v->kind = K::kEnum;
        return false;
      case 5:
        v->kind = K::kDecimal;
        read_struct(r, [&](int16_t fid, CompactType ft) {
          if (fid == 1) return read_i32_field(r, ft, "DecimalType.scale", &v->scale) || true;
          if (fid == 2)
            return read_i32_field(r, ft, "DecimalType.precision", &v->precision) || true;
          return false;
        });
        return true;
      case 6:
        v->kind = K::kDate;
        return false;
      case 7:
      case 8:
        v->kind = id == 7 ? K::kTime : K::kTimestamp;
        read_struct(r, [&](int16_t fid, CompactType ft) {
          if (fid == 1 && expect(r, ft, CompactType::kBooleanTrue, "isAdjustedToUTC")) {
            r.read_bool(&v->adjusted_to_utc);
            return true;
          }
          if (fid == 2 && expect(r, ft, CompactType::kStruct, "unit")) {
            read_time_unit(r, &v->unit);
            return true;
          }
          return false;
        });
        return true;
      case 10:
        v->kind = K::kInteger;
        read_struct(r, [&](int16_t fid, CompactType ft) {
          if (fid == 1 && expect(r, ft, CompactType::kByte, "IntType.bitWidth")) {
            r.read_i8(&v->bit_width);
            return true;
          }
          if (fid == 2 && expect(r, ft, CompactType::kBooleanTrue, "IntType.isSigned")) {
            r.read_bool(&v->is_signed);
            return true;
          }
          return false;
        });
        return true;
      case 11:
        v->kind = K::kUnknown;
        return false;
      case 12:
        v->kind = K::kJson;
        return false;
      case 13:
        v->kind = K::kBson;
        return false;
      case 14:
        v->kind = K::kUuid;
        return false;
      case 15:
        v->kind = K::kFloat16;
        return false;
      case 16:
        v->kind = K::kVariant;
        read_struct(r, [&](int16_t fid, CompactType ft) {
          if (fid == 1 && expect(r, ft, CompactType::kByte, "VariantType.specification_version")) {
            r.read_i8(&v->variant_version);
            return true;
          }
          return false;
        });
        return true;
      default:
        v->kind = K::kOther;
        return false;
    }
  });
}

bool read_schema_element(ThriftCompactReader& r, SchemaElement* v) {
  bool has_name = false;
  read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        return read_opt_i32(r, t, "SchemaElement.type", &v->type) || true;
      case 2:
        return read_opt_i32(r, t, "SchemaElement.type_length", &v->type_length) || true;
      case 3:
        return read_opt_i32(r, t, "SchemaElement.repetition_type", &v->repetition) || true;
      case 4:
        if (expect(r, t, CompactType::kBinary, "SchemaElement.name")) r.read_binary(&v->name);
        has_name = true;
        return true;
      case 5:
        return read_opt_i32(r, t, "SchemaElement.num_children", &v->num_children) || true;
      case 6:
        return read_opt_i32(r, t, "SchemaElement.converted_type", &v->converted_type) || true;
      case 7:
        return read_opt_i32(r, t, "SchemaElement.scale", &v->scale) || true;
      case 8:
        return read_opt_i32(r, t, "SchemaElement.precision", &v->precision) || true;
      case 9:
        return read_opt_i32(r, t, "SchemaElement.field_id", &v->field_id) || true;
      case 10:
        if (expect(r, t, CompactType::kStruct, "SchemaElement.logicalType")) {
          read_logical_type(r, &v->logical_type);
        }
        return true;
      default:
        return false;
    }
  });
  if (r.ok() && !has_name) r.fail("SchemaElement without a name");
  return r.ok();
}

bool read_statistics(ThriftCompactReader& r, Statistics* v) {
  return read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        return read_opt_binary(r, t, "Statistics.max", &v->max) || true;
      case 2:
        return read_opt_binary(r, t, "Statistics.min", &v->min) || true;
      case 3:
        return read_opt_i64(r, t, "Statistics.null_count", &v->null_count) || true;
      case 5:
        return read_opt_binary(r, t, "Statistics.max_value", &v->max_value) || true;
      case 6:
        return read_opt_binary(r, t, "Statistics.min_value", &v->min_value) || true;
      default:
        return false;
    }
  });
}

bool read_column_meta(ThriftCompactReader& r, ColumnMetaData* v) {
  return read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        return read_enum(r, t, "ColumnMetaData.type", &v->type) || true;
      case 2:
        read_list(r, t, CompactType::kI32, "ColumnMetaData.encodings", &v->encodings,
                  [&](Encoding* e) {
                    int32_t x = 0;
                    r.read_i32(&x);
                    *e = static_cast<Encoding>(x);
                  });
        return true;
      case 3:
        read_list(r, t, CompactType::kBinary, "ColumnMetaData.path_in_schema", &v->path_in_schema,
                  [&](std::string* s) { r.read_binary(s); });
        return true;
      case 4:
        return read_enum(r, t, "ColumnMetaData.codec", &v->codec) || true;
      case 5:
        return read_i64_field(r, t, "ColumnMetaData.num_values", &v->num_values) || true;
      case 6:
        return read_i64_field(r, t, "ColumnMetaData.total_uncompressed_size",
                              &v->total_uncompressed_size) ||
               true;
      case 7:
        return read_i64_field(r, t, "ColumnMetaData.total_compressed_size",
                              &v->total_compressed_size) ||
               true;
      case 9:
        return read_i64_field(r, t, "ColumnMetaData.data_page_offset", &v->data_page_offset) ||
               true;
      case 11:
        return read_opt_i64(r, t, "ColumnMetaData.dictionary_page_offset",
                            &v->dictionary_page_offset) ||
               true;
      case 12:
        if (expect(r, t, CompactType::kStruct, "ColumnMetaData.statistics")) {
          v->statistics.emplace();
          read_statistics(r, &*v->statistics);
        }
        return true;
      default:
        return false;
    }
  });
}

bool read_column_chunk(ThriftCompactReader& r, ColumnChunk* v) {
  bool has_meta = false;
  read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        return read_opt_binary(r, t, "ColumnChunk.file_path", &v->file_path) || true;
      case 2:
        return read_i64_field(r, t, "ColumnChunk.file_offset", &v->file_offset) || true;
      case 3:
        if (expect(r, t, CompactType::kStruct, "ColumnChunk.meta_data")) {
          read_column_meta(r, &v->meta_data);
        }
        has_meta = true;
        return true;
      case 8:  // crypto_metadata
      case 9:  // encrypted_column_metadata
        v->encrypted = true;
        return false;
      default:
        return false;
    }
  });
  // An encrypted column keeps its metadata in encrypted_column_metadata instead.
  if (r.ok() && !has_meta && !v->encrypted) r.fail("ColumnChunk without meta_data");
  return r.ok();
}

bool read_row_group(ThriftCompactReader& r, RowGroup* v) {
  return read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        read_list(r, t, CompactType::kStruct, "RowGroup.columns", &v->columns,
                  [&](ColumnChunk* c) { read_column_chunk(r, c); });
        return true;
      case 2:
        return read_i64_field(r, t, "RowGroup.total_byte_size", &v->total_byte_size) || true;
      case 3:
        return read_i64_field(r, t, "RowGroup.num_rows", &v->num_rows) || true;
      case 5:
        return read_opt_i64(r, t, "RowGroup.file_offset", &v->file_offset) || true;
      case 6:
        return read_opt_i64(r, t, "RowGroup.total_compressed_size", &v->total_compressed_size) ||
               true;
      case 7:
        if (expect(r, t, CompactType::kI16, "RowGroup.ordinal")) {
          int16_t o = 0;
          r.read_i16(&o);
          v->ordinal = o;
        }
        return true;
      default:
        return false;
    }
  });
}

}  // namespace

bool read_thrift(ThriftCompactReader& r, FileMetaData* v) {
  v->type_defined_column_orders = false;
  read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        return read_i32_field(r, t, "FileMetaData.version", &v->version) || true;
      case 2:
        read_list(r, t, CompactType::kStruct, "FileMetaData.schema", &v->schema,
                  [&](SchemaElement* e) { read_schema_element(r, e); });
        return true;
      case 3:
        return read_i64_field(r, t, "FileMetaData.num_rows", &v->num_rows) || true;
      case 4:
        read_list(r, t, CompactType::kStruct, "FileMetaData.row_groups", &v->row_groups,
                  [&](RowGroup* g) { read_row_group(r, g); });
        return true;
      case 5:
        read_list(r, t, CompactType::kStruct, "FileMetaData.key_value_metadata",
                  &v->key_value_metadata, [&](KeyValue* kv) {
                    read_struct(r, [&](int16_t fid, CompactType ft) {
                      if (fid == 1 && expect(r, ft, CompactType::kBinary, "KeyValue.key")) {
                        r.read_binary(&kv->key);
                        return true;
                      }
                      if (fid == 2)
                        return read_opt_binary(r, ft, "KeyValue.value", &kv->value) || true;
                      return false;
                    });
                  });
        return true;
      case 6:
        return read_opt_binary(r, t, "FileMetaData.created_by", &v->created_by) || true;
      case 7:
        read_list(r, t, CompactType::kStruct, "FileMetaData.column_orders", &v->column_orders,
                  [&](ColumnOrder* o) {
                    *o = ColumnOrder::kUnknown;
                    read_struct(r, [&](int16_t fid, CompactType) {
                      if (fid == 1) *o = ColumnOrder::kTypeOrder;
                      return false;
                    });
                  });
        v->type_defined_column_orders = !v->column_orders.empty();
        return true;
      default:
        return false;
    }
  });
  return r.ok();
}

bool read_thrift(ThriftCompactReader& r, PageHeader* v) {
  read_struct(r, [&](int16_t id, CompactType t) {
    switch (id) {
      case 1:
        return read_enum(r, t, "PageHeader.type", &v->type) || true;
      case 2:
        return read_i32_field(r, t, "PageHeader.uncompressed_page_size",
                              &v->uncompressed_page_size) ||
               true;
      case 3:
        return read_i32_field(r, t, "PageHeader.compressed_page_size", &v->compressed_page_size) ||
               true;
      case 5:
        if (!expect(r, t, CompactType::kStruct, "PageHeader.data_page_header")) return true;
        v->data_page_header.emplace();
        read_struct(r, [&](int16_t fid, CompactType ft) {
          auto& d = *v->data_page_header;
          switch (fid) {
            case 1:
              return read_i32_field(r, ft, "DataPageHeader.num_values", &d.num_values) || true;
            case 2:
              return read_enum(r, ft, "DataPageHeader.encoding", &d.encoding) || true;
            case 3:
              return read_enum(r, ft, "DataPageHeader.definition_level_encoding",
                               &d.definition_level_encoding) ||
                     true;
            case 4:
              return read_enum(r, ft, "DataPageHeader.repetition_level_encoding",
                               &d.repetition_level_encoding) ||
                     true;
            default:
              return false;
          }
        });
        return true;
      case 7:
        if (!expect(r, t, CompactType::kStruct, "PageHeader.dictionary_page_header")) return true;
        v->dictionary_page_header.emplace();
        read_struct(r, [&](int16_t fid, CompactType ft) {
          auto& d = *v->dictionary_page_header;
          if (fid == 1)
            return read_i32_field(r, ft, "DictionaryPageHeader.num_values", &d.num_values) || true;
          if (fid == 2)
            return read_enum(r, ft, "DictionaryPageHeader.encoding", &d.encoding) || true;
          return false;
        });
        return true;
      case 8:
        if (!expect(r, t, CompactType::kStruct, "PageHeader.data_page_header_v2")) return true;
        v->data_page_header_v2.emplace();
        read_struct(r, [&](int16_t fid, CompactType ft) {
          auto& d = *v->data_page_header_v2;
          switch (fid) {
            case 1:
              return read_i32_field(r, ft, "DataPageHeaderV2.num_values", &d.num_values) || true;
            case 2:
              return read_i32_field(r, ft, "DataPageHeaderV2.num_nulls", &d.num_nulls) || true;
            case 3:
              return read_i32_field(r, ft, "DataPageHeaderV2.num_rows", &d.num_rows) || true;
            case 4:
              return read_enum(r, ft, "DataPageHeaderV2.encoding", &d.encoding) || true;
            case 5:
              return read_i32_field(r, ft, "DataPageHeaderV2.definition_levels_byte_length",
                                    &d.definition_levels_byte_length) ||
                     true;
            case 6:
              return read_i32_field(r, ft, "DataPageHeaderV2.repetition_levels_byte_length",
                                    &d.repetition_levels_byte_length) ||
                     true;
            case 7:
              if (expect(r, ft, CompactType::kBooleanTrue, "DataPageHeaderV2.is_compressed")) {
                r.read_bool(&d.is_compressed);
              }
              return true;
            default:
              return false;
          }
        });
        return true;
      default:
        return false;
    }
  });
  return r.ok();
}

}  // namespace lakestream::parquet
