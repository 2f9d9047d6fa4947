#include "lakestream/delta/table_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "lakestream/batch/take.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/deletion_vector.h"
#include "lakestream/delta/partition.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace lakestream {
namespace {

/// One typed value: a partition value or a filter operand.
struct Scalar {
  bool null = true;
  int128_t i = 0;  ///< integers, booleans, dates, timestamps, decimals (unscaled)
  double d = 0;    ///< float, double
  std::string s;   ///< string
};

bool parse_integer(std::string_view text, int64_t lo, int64_t hi, int128_t* out) {
  if (text.empty()) return false;
  size_t pos = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    pos = 1;
  }
  if (pos == text.size()) return false;
  int128_t v = 0;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
    if (v > static_cast<int128_t>(hi) + 1) return false;
  }
  if (negative) v = -v;
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool parse_floating(std::string_view text, double* out) {
  if (text == "NaN") {
    *out = std::nan("");
    return true;
  }
  if (text == "Infinity" || text == "+Infinity") {
    *out = HUGE_VAL;
    return true;
  }
  if (text == "-Infinity") {
    *out = -HUGE_VAL;
    return true;
  }
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) return false;
  *out = v;
  return true;
}

/// Parse `text` as a value of `field`'s type. nullopt text, "" and the Hive default partition
/// are null.
Result<Scalar> parse_scalar(const Field& field, const std::optional<std::string>& text) {
  Scalar out;
  if (!text || text->empty() || *text == kHiveDefaultPartition) return out;
  const std::string& t = *text;
  bool ok = true;
  switch (field.type->id()) {
    case TypeId::kString:
      out.s = t;
      break;
    case TypeId::kBoolean:
      if (t == "true" || t == "TRUE" || t == "True") {
        out.i = 1;
      } else if (t == "false" || t == "FALSE" || t == "False") {
        out.i = 0;
      } else {
        ok = false;
      }
      break;
    case TypeId::kByte:
      ok = parse_integer(t, INT8_MIN, INT8_MAX, &out.i);
      break;
    case TypeId::kShort:
      ok = parse_integer(t, INT16_MIN, INT16_MAX, &out.i);
      break;
    case TypeId::kInt:
      ok = parse_integer(t, INT32_MIN, INT32_MAX, &out.i);
      break;
    case TypeId::kLong:
      ok = parse_integer(t, INT64_MIN, INT64_MAX, &out.i);
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      ok = parse_floating(t, &out.d);
      break;
    case TypeId::kDate: {
      auto days = parse_date_days(t);
      ok = days.has_value();
      if (ok) out.i = *days;
      break;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      auto micros = parse_timestamp_micros(t);
      ok = micros.has_value();
      if (ok) out.i = *micros;
      break;
    }
    case TypeId::kDecimal: {
      auto unscaled = parse_decimal(t, field.type->precision(), field.type->scale());
      ok = unscaled.has_value();
      if (ok) out.i = *unscaled;
      break;
    }
    default:
      return Status::InvalidArgument("column '" + field.name + "' has type " +
                                     field.type->simple_string() +
                                     ", which cannot be compared to a value");
  }
  if (!ok) {
    return Status::InvalidArgument("'" + t + "' is not a " + field.type->simple_string() +
                                   " value for column '" + field.name + "'");
  }
  out.null = false;
  return out;
}

void append_scalar(Column& c, const Scalar& v, int64_t rows) {
  c.reserve(rows, v.null ? 0 : static_cast<int64_t>(v.s.size()) * rows);
  for (int64_t r = 0; r < rows; ++r) {
    if (v.null) {
      c.append_null();
      continue;
    }
    switch (c.type()->id()) {
      case TypeId::kString:
      case TypeId::kBinary:
        c.append_string(v.s);
        break;
      case TypeId::kBoolean:
        c.append_bool(v.i != 0);
        break;
      case TypeId::kByte:
        c.append<int8_t>(static_cast<int8_t>(v.i));
        break;
      case TypeId::kShort:
        c.append<int16_t>(static_cast<int16_t>(v.i));
        break;
      case TypeId::kInt:
      case TypeId::kDate:
        c.append<int32_t>(static_cast<int32_t>(v.i));
        break;
      case TypeId::kLong:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        c.append<int64_t>(static_cast<int64_t>(v.i));
        break;
      case TypeId::kFloat:
        c.append<float>(static_cast<float>(v.d));
        break;
      case TypeId::kDouble:
        c.append<double>(v.d);
        break;
      case TypeId::kDecimal:
        c.append_decimal(v.i);
        break;
      default:
        c.append_null();
        break;
    }
  }
}

bool scalars_equal(TypeId id, const Scalar& a, const Scalar& b) {
  if (a.null || b.null) return false;
  switch (id) {
    case TypeId::kString:
      return a.s == b.s;
    case TypeId::kFloat:
    case TypeId::kDouble:
      return a.d == b.d;
    default:
      return a.i == b.i;
  }
}

/// Whether row `row` of `c` equals `v` (never for nulls).
bool cell_equals(const Column& c, int64_t row, const Scalar& v) {
  if (c.is_null(row) || v.null) return false;
  switch (c.type()->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
      return c.string_value(row) == v.s;
    case TypeId::kBoolean:
      return c.bool_value(row) == (v.i != 0);
    case TypeId::kByte:
      return c.value<int8_t>(row) == v.i;
    case TypeId::kShort:
      return c.value<int16_t>(row) == v.i;
    case TypeId::kInt:
    case TypeId::kDate:
      return c.value<int32_t>(row) == v.i;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return c.value<int64_t>(row) == v.i;
    case TypeId::kFloat:
      return c.value<float>(row) == static_cast<float>(v.d);
    case TypeId::kDouble:
      return c.value<double>(row) == v.d;
    case TypeId::kDecimal:
      return c.decimal_value(row) == v.i;
    default:
      return false;
  }
}

std::optional<ParquetStatValue> stat_value(TypeId id, const Scalar& v) {
  switch (id) {
    case TypeId::kString:
      return ParquetStatValue(v.s);
    case TypeId::kBoolean:
      return ParquetStatValue(v.i != 0);
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      return ParquetStatValue(static_cast<int32_t>(v.i));
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return ParquetStatValue(static_cast<int64_t>(v.i));
    case TypeId::kDecimal:
      return ParquetStatValue(v.i);
    default:
      return std::nullopt;  // float/double: NaN and -0.0 make equality on stats unsafe
  }
}

struct BoundFilter {
  std::string column;
  std::string physical;  ///< the top-level column's name in data files, stats, partitionValues
  /// The physical names from the top-level column down to the filtered leaf: {physical} for a
  /// top-level column, {"location", "floor", "level"} for `location.floor.level`.
  std::vector<std::string> path;
  const Field* field = nullptr;  ///< the filtered leaf
  Scalar value;
  bool partition = false;
};

/// The member of `stats` (minValues, maxValues or nullCount) at `path`: statistics of struct
/// members are nested objects, as Spark writes them. Null when absent.
const nlohmann::json* stats_at(const nlohmann::json& stats, const std::vector<std::string>& path) {
  const nlohmann::json* at = &stats;
  for (const std::string& name : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(name);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

/// The leaf column a filter reads from `batch` (struct members through the struct's children;
/// a struct row that is null has null members). Null when the file lacks the column or member.
const Column* filter_leaf(const RecordBatch& batch, const std::string& top,
                          const std::vector<std::string>& path) {
  ColumnPtr column = batch.column_by_name(top);
  const Column* at = column.get();
  for (size_t i = 1; i < path.size() && at != nullptr; ++i) {
    const Column* next = nullptr;
    if (at->type()->id() == TypeId::kStruct) {
      const auto& members = at->type()->fields();
      for (size_t m = 0; m < members.size(); ++m) {
        if (members[m].name == path[i]) next = at->child(m).get();
      }
    }
    at = next;
  }
  return at;
}

/// `filter` bound to the table's schema: a top-level column, or when no top-level column has
/// that name, a dotted path to a member of (nested) structs, `location.floor.level`. The leaf
/// must be a primitive value.
Result<BoundFilter> bind_filter(const Schema& schema, const ScanFilter& filter,
                                ColumnMappingMode mode) {
  BoundFilter bound;
  bound.column = filter.column;
  if (auto index = schema.index_of(filter.column)) {
    bound.field = &schema.field(*index);
  } else {
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      const size_t dot = filter.column.find('.', start);
      parts.push_back(filter.column.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const std::vector<Field>* members = &schema.fields();
    for (size_t i = 0; i < parts.size(); ++i) {
      const Field* found = nullptr;
      if (members != nullptr) {
        for (const Field& m : *members) {
          if (m.name == parts[i]) found = &m;
        }
      }
      if (found == nullptr) {
        return Status::InvalidArgument("filter column '" + filter.column +
                                       "' is not in the table (nor a path to a struct member)");
      }
      LS_ASSIGN_OR_RAISE(std::string physical, physical_name(*found, mode));
      bound.path.push_back(std::move(physical));
      bound.field = found;
      members = found->type->id() == TypeId::kStruct ? &found->type->fields() : nullptr;
    }
  }
  if (bound.field->type->is_nested()) {
    return Status::InvalidArgument("filter column '" + filter.column + "' is a " +
                                   bound.field->type->simple_string() +
                                   "; filters compare primitive values");
  }
  if (bound.path.empty()) {
    LS_ASSIGN_OR_RAISE(std::string physical, physical_name(*bound.field, mode));
    bound.path.push_back(std::move(physical));
  }
  bound.physical = bound.path.front();
  LS_ASSIGN_OR_RAISE(bound.value, parse_scalar(*bound.field, filter.value));
  return bound;
}

/// Whether the add.stats of a file prove that no row matches the data-column filters.
bool stats_rule_out(const std::string& stats, const std::vector<BoundFilter>& filters) {
  if (stats.empty()) return false;
  auto j = nlohmann::json::parse(stats, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  auto num_records = j.find("numRecords");
  auto mins = j.find("minValues");
  auto maxs = j.find("maxValues");
  auto nulls = j.find("nullCount");
  for (const BoundFilter& f : filters) {
    if (f.partition) continue;
    if (nulls != j.end() && num_records != j.end() && num_records->is_number_integer()) {
      const nlohmann::json* n = stats_at(*nulls, f.path);
      if (n != nullptr && n->is_number_integer() && *n == *num_records) return true;
    }
    if (mins == j.end() || maxs == j.end()) continue;
    const nlohmann::json* lo = stats_at(*mins, f.path);
    const nlohmann::json* hi = stats_at(*maxs, f.path);
    if (lo == nullptr || hi == nullptr) continue;
    const TypeId id = f.field->type->id();
    if (id == TypeId::kString && lo->is_string() && hi->is_string()) {
      // Delta truncates string bounds so that they still bound the values (byte order).
      if (f.value.s < lo->get_ref<const std::string&>() ||
          f.value.s > hi->get_ref<const std::string&>()) {
        return true;
      }
    } else if ((id == TypeId::kByte || id == TypeId::kShort || id == TypeId::kInt ||
                id == TypeId::kLong) &&
               lo->is_number_integer() && hi->is_number_integer()) {
      if (f.value.i < lo->get<int64_t>() || f.value.i > hi->get<int64_t>()) return true;
    } else if (id == TypeId::kDate && lo->is_string() && hi->is_string()) {
      auto l = parse_date_days(lo->get_ref<const std::string&>());
      auto h = parse_date_days(hi->get_ref<const std::string&>());
      if (l && h && (f.value.i < *l || f.value.i > *h)) return true;
    }
    // Timestamps (bounds are cut to milliseconds), decimals and floating point: no skipping.
  }
  return false;
}

}  // namespace

Result<ColumnPtr> partition_value_column(const Field& field, const std::optional<std::string>& text,
                                         int64_t rows) {
  auto value = parse_scalar(field, text);
  if (!value.ok()) {
    return Status::Corrupt("partition value " + value.status().message());
  }
  ColumnPtr c = Column::make(field.type);
  append_scalar(*c, *value, rows);
  return c;
}

/// Whether `file`'s partition values satisfy every (partition) filter.
static Result<bool> partition_matches(const LiveFile& file,
                                      const std::vector<BoundFilter>& filters) {
  for (const BoundFilter& f : filters) {
    std::optional<std::string> text;
    for (const auto& [k, v] : file.add.partition_values) {
      if (k == f.physical) text = v;
    }
    auto value = parse_scalar(*f.field, text);
    if (!value.ok()) return value.status().with_context("partition value of " + file.path);
    if (!scalars_equal(f.field->type->id(), *value, f.value)) return false;
  }
  return true;
}

Result<std::vector<LiveFile>> select_partition_files(const Snapshot& snapshot,
                                                     const std::vector<ScanFilter>& filters) {
  const Schema& schema = snapshot.schema();
  const auto& partition_cols = snapshot.partition_columns();
  LS_ASSIGN_OR_RAISE(const ColumnMappingMode mode, column_mapping_mode(snapshot.metadata()));
  std::vector<BoundFilter> bound;
  for (const ScanFilter& f : filters) {
    if (std::find(partition_cols.begin(), partition_cols.end(), f.column) == partition_cols.end()) {
      std::string cols;
      for (const std::string& c : partition_cols) cols += (cols.empty() ? "" : ", ") + c;
      return Status::InvalidArgument("'" + f.column + "' is not a partition column (" +
                                     (cols.empty() ? "the table is not partitioned" : cols) + ")");
    }
    BoundFilter b;
    b.column = f.column;
    b.field = &schema.field(*schema.index_of(f.column));
    LS_ASSIGN_OR_RAISE(b.physical, physical_name(*b.field, mode));
    LS_ASSIGN_OR_RAISE(b.value, parse_scalar(*b.field, f.value));
    b.partition = true;
    bound.push_back(std::move(b));
  }
  std::vector<LiveFile> out;
  for (const LiveFile& file : snapshot.files()) {
    LS_ASSIGN_OR_RAISE(bool keep, partition_matches(file, bound));
    if (keep) out.push_back(file);
  }
  return out;
}

struct TableScan::State {
  std::shared_ptr<FileSystem> fs;
  std::string table_path;
  std::vector<LiveFile> files;  ///< the files left after partition pruning and stats
  size_t next_file = 0;
  std::unique_ptr<ParquetReader> reader;
  int next_row_group = 0;
  /// The open file's deleted rows (none: it has no deletion vector) and the index of the
  /// first row of each of its row groups, which the deletion vector counts from.
  std::optional<DeletedRows> deleted;
  std::vector<int64_t> row_group_first_row;

  Schema out_schema;
  struct OutColumn {
    std::string name;
    int partition_index = -1;  ///< index into the table's partition columns, or -1
    std::string physical;      ///< its name in data files and partitionValues
  };
  ColumnMappingMode mapping = ColumnMappingMode::kNone;
  std::vector<OutColumn> out;
  std::vector<std::string> partition_names;
  std::vector<std::string> data_needed;  ///< physical data columns to read (output + filters)
  /// Column mapping id mode: physical name -> delta.columnMapping.id of the data columns, and
  /// for the open file, physical name -> the name of the column with that Parquet field id.
  std::map<std::string, int64_t> mapping_ids;
  std::map<std::string, std::string> names_in_file;
  const std::string& in_file(const std::string& physical) const {
    if (names_in_file.empty()) return physical;
    auto it = names_in_file.find(physical);
    return it == names_in_file.end() ? physical : it->second;
  }
  std::vector<BoundFilter> data_filters;
  int64_t remaining = -1;
  ScanMetrics metrics;

  Status open_next_file(bool* done);
  Result<bool> next(RecordBatch* out);
};

Status TableScan::State::open_next_file(bool* done) {
  reader.reset();
  if (next_file >= files.size() || remaining == 0) {
    *done = true;
    return Status::OK();
  }
  const LiveFile& file = files[next_file++];
  LS_ASSIGN_OR_RAISE(auto input, fs->open_input_file(file.path));
  auto opened = ParquetReader::open(std::move(input));
  if (!opened.ok()) return opened.status().with_context("data file of " + fs->describe(file.path));
  reader = std::move(*opened);
  ++metrics.files_opened;
  next_row_group = 0;
  deleted.reset();
  if (file.add.deletion_vector) {
    auto rows = load_deletion_vector(*fs, table_path, *file.add.deletion_vector);
    if (!rows.ok()) return rows.status().with_context("data file " + fs->describe(file.path));
    deleted = std::move(*rows);
  }
  // In id mode, a column is the file's column with its field id (files written with ids may
  // name columns otherwise); files without ids are read by physical name.
  names_in_file.clear();
  if (!mapping_ids.empty()) {
    std::map<int64_t, std::string> by_id;
    for (const Field& f : reader->schema().fields()) {
      if (auto id = parquet_field_id(f)) by_id.emplace(*id, f.name);
    }
    for (const auto& [physical, id] : mapping_ids) {
      auto it = by_id.find(id);
      if (it != by_id.end()) names_in_file.emplace(physical, it->second);
    }
  }
  // Delta compares names ignoring case: a file may spell a column otherwise than the schema
  // (a writer whose schema differed in case only, merged with mergeSchema).
  const Schema& file_schema = reader->schema();
  for (const std::string& physical : data_needed) {
    if (names_in_file.count(physical) || file_schema.has_field(physical)) continue;
    for (const Field& f : file_schema.fields()) {
      if (equals_ignore_case_ascii(f.name, physical)) {
        names_in_file.emplace(physical, f.name);
        break;
      }
    }
  }
  row_group_first_row.assign(1, 0);
  for (int i = 0; i < reader->num_row_groups(); ++i) {
    row_group_first_row.push_back(row_group_first_row.back() + reader->row_group(i).num_rows);
  }
  *done = false;
  return Status::OK();
}

Result<bool> TableScan::State::next(RecordBatch* result) {
  while (true) {
    if (remaining == 0) return false;
    if (!reader || next_row_group >= reader->num_row_groups()) {
      bool done = false;
      LS_RETURN_NOT_OK(open_next_file(&done));
      if (done) return false;
      continue;
    }
    const int rg = next_row_group++;
    std::vector<std::string> projection;
    std::vector<ParquetPredicate> predicates;
    for (const std::string& physical : data_needed) {
      const std::string& name = in_file(physical);
      if (reader->schema().has_field(name)) projection.push_back(name);
    }
    for (const BoundFilter& f : data_filters) {
      if (!reader->schema().has_field(in_file(f.physical))) {
        // The file predates the column: every row has null there, which matches nothing.
        reader.reset();
        break;
      }
      if (auto v = f.path.size() == 1 ? stat_value(f.field->type->id(), f.value) : std::nullopt) {
        if (reader->column_stats(rg, in_file(f.physical))) {
          predicates.push_back(ParquetPredicate::equal(in_file(f.physical), std::move(*v)));
        }
      }
    }
    if (!reader) continue;
    if (!predicates.empty()) {
      LS_ASSIGN_OR_RAISE(bool may_match, reader->row_group_may_match(rg, predicates));
      if (!may_match) {
        ++metrics.row_groups_skipped;
        continue;
      }
    }
    ++metrics.row_groups_read;
    RecordBatch batch;
    // Only partition columns asked for: the row count is all the file has to give.
    const bool count_only = projection.empty();
    if (!count_only) {
      auto read = reader->read_row_group(rg, projection);
      if (!read.ok()) return read.status().with_context("reading " + reader->path());
      batch = std::move(*read);
    }
    // Rows a deletion vector deletes never leave the scan (before filters and the limit).
    std::optional<int64_t> kept_count;
    if (deleted && !deleted->empty()) {
      const int64_t group_rows = reader->row_group(rg).num_rows;
      std::vector<int32_t> keep;
      keep.reserve(static_cast<size_t>(group_rows));
      deleted->append_kept(static_cast<uint64_t>(row_group_first_row[rg]), group_rows, &keep);
      if (count_only) {
        kept_count = static_cast<int64_t>(keep.size());
      } else if (keep.size() != static_cast<size_t>(batch.num_rows())) {
        batch = take(batch, keep);
      }
    }
    if (!data_filters.empty()) {
      std::vector<int32_t> keep;
      keep.reserve(static_cast<size_t>(batch.num_rows()));
      std::vector<const Column*> filter_columns;
      for (const BoundFilter& f : data_filters)
        filter_columns.push_back(filter_leaf(batch, in_file(f.physical), f.path));
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        bool match = true;
        for (size_t k = 0; k < data_filters.size() && match; ++k) {
          // A file without the struct member: every row is null there, which matches nothing.
          match = filter_columns[k] != nullptr &&
                  cell_equals(*filter_columns[k], r, data_filters[k].value);
        }
        if (match) keep.push_back(static_cast<int32_t>(r));
      }
      if (keep.size() != static_cast<size_t>(batch.num_rows())) batch = take(batch, keep);
    }
    int64_t rows =
        count_only ? kept_count.value_or(reader->row_group(rg).num_rows) : batch.num_rows();
    if (rows == 0) continue;
    if (remaining >= 0 && rows > remaining && !count_only) {
      std::vector<int32_t> first(static_cast<size_t>(remaining));
      std::iota(first.begin(), first.end(), 0);
      batch = take(batch, first);
    }
    if (remaining >= 0) rows = std::min(rows, remaining);
    std::vector<ColumnPtr> columns;
    columns.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i) {
      const Field& field = out_schema.field(i);
      if (out[i].partition_index >= 0) {
        const LiveFile& file = files[next_file - 1];
        std::optional<std::string> text;
        for (const auto& [k, v] : file.add.partition_values) {
          if (k == out[i].physical) text = v;
        }
        auto column = partition_value_column(field, text, rows);
        if (!column.ok()) return column.status().with_context("file " + file.path);
        columns.push_back(std::move(*column));
        continue;
      }
      ColumnPtr column = batch.column_by_name(in_file(out[i].physical));
      // Files written before a schema merge lack the new struct members (and may order them
      // otherwise): those read as null, by name.
      if (column &&
          (mapping != ColumnMappingMode::kNone || !same_type(column->type(), field.type))) {
        auto logical = to_logical_column(std::move(column), field.type, mapping,
                                         "column '" + field.name + "' of " + reader->path());
        if (!logical.ok()) return logical.status();
        column = std::move(*logical);
      }
      if (!column) {
        column = Column::make(field.type);
        for (int64_t r = 0; r < rows; ++r) column->append_null();
      }
      columns.push_back(std::move(column));
    }
    *result = RecordBatch(out_schema, std::move(columns));
    metrics.rows_returned += rows;
    if (remaining >= 0) remaining -= rows;
    return true;
  }
}

TableScan::TableScan(std::unique_ptr<State> state) : state_(std::move(state)) {}
TableScan::TableScan(TableScan&&) noexcept = default;
TableScan& TableScan::operator=(TableScan&&) noexcept = default;
TableScan::~TableScan() = default;
const Schema& TableScan::schema() const { return state_->out_schema; }
Result<bool> TableScan::next(RecordBatch* out) { return state_->next(out); }
const ScanMetrics& TableScan::metrics() const { return state_->metrics; }

Result<TableReader> TableReader::open(std::string_view uri, std::optional<int64_t> version,
                                      const AzureStorageOptions& storage) {
  std::string location(uri);
  if (location.find(':') == std::string::npos) {
    // A plain local path may climb ("../tables/t"), which the file system refuses: resolve it.
    std::error_code ec;
    auto resolved = std::filesystem::weakly_canonical(std::filesystem::absolute(location, ec), ec);
    if (!ec) location = resolved.string();
  }
  LS_ASSIGN_OR_RAISE(auto opened, open_file_system(location, storage));
  return open(std::move(opened.first), std::move(opened.second), version);
}

Result<TableReader> TableReader::open(std::shared_ptr<FileSystem> fs, std::string table_path,
                                      std::optional<int64_t> version) {
  LS_ASSIGN_OR_RAISE(Snapshot snap, Snapshot::load(std::move(fs), std::move(table_path), version));
  return TableReader(std::move(snap));
}

Result<TableScan> TableReader::scan(ScanOptions options) const {
  const Schema& schema = snapshot_.schema();
  const auto& partition_cols = snapshot_.partition_columns();
  auto state = std::make_unique<TableScan::State>();
  state->fs = snapshot_.shared_file_system();
  state->table_path = snapshot_.table_path();
  LS_ASSIGN_OR_RAISE(state->mapping, column_mapping_mode(snapshot_.metadata()));
  state->partition_names = partition_cols;
  state->remaining = options.limit;
  auto partition_index = [&](const std::string& name) -> int {
    for (size_t i = 0; i < partition_cols.size(); ++i) {
      if (partition_cols[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  std::vector<std::string> names;
  if (options.columns) {
    names = *options.columns;
  } else {
    for (const Field& f : schema.fields()) names.push_back(f.name);
  }
  std::vector<Field> out_fields;
  for (const std::string& name : names) {
    auto index = schema.index_of(name);
    if (!index) {
      return Status::InvalidArgument("column '" + name +
                                     "' is not in the table (columns: " + schema.to_ddl() + ")");
    }
    out_fields.push_back(schema.field(*index));
    const int p = partition_index(name);
    LS_ASSIGN_OR_RAISE(std::string physical, physical_name(schema.field(*index), state->mapping));
    if (p < 0) {
      state->data_needed.push_back(physical);
      if (state->mapping == ColumnMappingMode::kId) {
        if (auto id = column_mapping_id(schema.field(*index))) state->mapping_ids[physical] = *id;
      }
    }
    state->out.push_back({name, p, std::move(physical)});
  }
  state->out_schema = Schema(std::move(out_fields));

  std::vector<BoundFilter> partition_filters;
  for (const ScanFilter& f : options.filters) {
    LS_ASSIGN_OR_RAISE(BoundFilter bound, bind_filter(schema, f, state->mapping));
    bound.partition = bound.path.size() == 1 && partition_index(bound.column) >= 0;
    if (bound.partition) {
      partition_filters.push_back(std::move(bound));
    } else {
      if (std::find(state->data_needed.begin(), state->data_needed.end(), bound.physical) ==
          state->data_needed.end()) {
        state->data_needed.push_back(bound.physical);
        if (state->mapping == ColumnMappingMode::kId) {
          if (auto id = column_mapping_id(*bound.field)) state->mapping_ids[bound.physical] = *id;
        }
      }
      state->data_filters.push_back(std::move(bound));
    }
  }

  ScanMetrics& m = state->metrics;
  std::vector<const LiveFile*> candidates;
  if (options.paths) {
    std::map<std::string_view, const LiveFile*> live;
    for (const LiveFile& file : snapshot_.files()) live.emplace(file.add.path, &file);
    for (const std::string& p : *options.paths) {
      auto it = live.find(p);
      if (it == live.end()) {
        return Status::NotFound("'" + p + "' is not a live file of version " +
                                std::to_string(snapshot_.version()));
      }
      candidates.push_back(it->second);
    }
  } else {
    for (const LiveFile& file : snapshot_.files()) candidates.push_back(&file);
  }
  m.files_total = static_cast<int64_t>(candidates.size());
  for (const LiveFile* candidate : candidates) {
    const LiveFile& file = *candidate;
    LS_ASSIGN_OR_RAISE(bool keep, partition_matches(file, partition_filters));
    if (!keep) {
      ++m.files_pruned_by_partition;
      continue;
    }
    if (!state->data_filters.empty() && stats_rule_out(file.add.stats, state->data_filters)) {
      ++m.files_skipped_by_stats;
      continue;
    }
    state->files.push_back(file);
  }
  return TableScan(std::move(state));
}

Result<RecordBatch> TableReader::read_all(ScanOptions options) const {
  LS_ASSIGN_OR_RAISE(TableScan scan, this->scan(std::move(options)));
  RecordBatch all = RecordBatch::make_empty(scan.schema());
  RecordBatch batch;
  while (true) {
    LS_ASSIGN_OR_RAISE(bool more, scan.next(&batch));
    if (!more) break;
    for (size_t i = 0; i < batch.num_columns(); ++i) {
      std::vector<int32_t> rows(static_cast<size_t>(batch.num_rows()));
      std::iota(rows.begin(), rows.end(), 0);
      append_taken(*batch.column(i), rows, &all.mutable_column(i));
    }
  }
  return all;
}

}  // namespace lakestream
