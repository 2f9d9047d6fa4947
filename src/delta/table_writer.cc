#include "lakestream/delta/table_writer.h"

#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "lakestream/batch/take.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/partition.h"
#include "lakestream/delta/stats.h"
#include "lakestream/delta/uuid.h"

namespace lakestream {

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

bool can_partition(const DataType& type) {
  return !type.is_nested() && type.id() != TypeId::kBinary;
}

}  // namespace

class DeltaTableWriter::Impl {
 public:
  Impl(std::shared_ptr<FileSystem> fs, std::string table_path, Schema schema,
       DeltaTableWriterOptions options)
      : fs_(std::move(fs)),
        table_path_(std::move(table_path)),
        schema_(std::move(schema)),
        options_(std::move(options)) {}
  // A writer dropped without finish() or abort() (an error path) leaves no files behind.
  ~Impl() {
    if (!finished_) abort();
  }

  Status init() {
    input_columns_ = schema_.size();
    if (options_.constraints) {
      for (const TableRule& rule : options_.constraints->rules()) {
        const bool computed =
            rule.kind == TableRule::Kind::kGenerated || rule.kind == TableRule::Kind::kIdentity;
        if (computed && !schema_.index_of(rule.name)) schema_.add(rule.field);
        if (rule.kind == TableRule::Kind::kIdentity) {
          if (!options_.identity) {
            return Status::InvalidArgument(
                "the identity column '" + rule.name + "' of " + fs_->describe(table_path_) +
                " needs the table's IdentityAllocator (DeltaTable::configure_writer)");
          }
          identity_columns_.push_back(*schema_.index_of(rule.name));
        }
      }
    }
    for (const std::string& name : options_.partition_columns) {
      const auto index = schema_.index_of(name);
      if (!index) {
        return Status::InvalidArgument("partition column '" + name + "' is not in the schema of " +
                                       fs_->describe(table_path_));
      }
      for (size_t seen : partition_indices_) {
        if (seen == *index) {
          return Status::InvalidArgument("partition column '" + name + "' is given twice");
        }
      }
      const Field& f = schema_.field(*index);
      if (!can_partition(*f.type)) {
        return Status::InvalidArgument("column '" + name + "' of type " + f.type->simple_string() +
                                       " cannot partition a table");
      }
      partition_indices_.push_back(*index);
    }
    for (size_t i = 0; i < schema_.size(); ++i) {
      bool is_partition = false;
      for (size_t p : partition_indices_) is_partition |= p == i;
      if (is_partition) continue;
      data_indices_.push_back(i);
      file_schema_.add(schema_.field(i));
    }
    if (data_indices_.empty()) {
      return Status::InvalidArgument("every column of " + fs_->describe(table_path_) +
                                     " is a partition column: the data files would be empty");
    }
    LS_RETURN_NOT_OK(map_columns().with_context(fs_->describe(table_path_)));
    if (options_.target_file_bytes <= 0) {
      return Status::InvalidArgument("the target file size must be positive");
    }
    if (options_.constraints && !options_.constraints->empty()) {
      auto checker = options_.constraints->checker(schema_);
      if (!checker.ok()) return checker.status().with_context(fs_->describe(table_path_));
      checker_ = std::move(*checker);
    }
    return Status::OK();
  }

  const Schema& schema() const { return schema_; }
  const Schema& file_schema() const { return file_schema_; }
  int64_t num_rows() const { return rows_; }
  int64_t bytes_written() const { return bytes_; }

  Status write(const RecordBatch& input, std::vector<RowViolation>* violations) {
    if (finished_) return Status::InvalidArgument("DeltaTableWriter: write() after finish()");
    LS_RETURN_NOT_OK(check_batch(input));
    if (input.num_rows() == 0) return Status::OK();
    if (!checker_.empty()) {
      if (input.num_columns() < schema_.size()) {
        // The generated columns the input lacks, all NULL: the checker computes them.
        std::vector<ColumnPtr> columns = input.columns();
        for (size_t i = input.num_columns(); i < schema_.size(); ++i) {
          ColumnPtr c = Column::make(schema_.field(i).type);
          c->reserve(input.num_rows());
          for (int64_t r = 0; r < input.num_rows(); ++r) c->append_null();
          columns.push_back(std::move(c));
        }
        LS_RETURN_NOT_OK(enforce(RecordBatch(schema_, std::move(columns)), violations));
      } else {
        LS_RETURN_NOT_OK(enforce(input, violations));
      }
      assign_identities();
      return write_checked(checked_);
    }
    return write_checked(input);
  }

  Status write_checked(const RecordBatch& batch) {
    const int64_t n = batch.num_rows();
    if (n == 0) return Status::OK();

    if (partition_indices_.empty()) {
      Slot* slot = slots_.empty() ? nullptr : slots_.begin()->second.get();
      if (slot == nullptr) {
        LS_ASSIGN_OR_RAISE(slot, slot_for_key("", batch, 0));
      }
      LS_RETURN_NOT_OK(write_rows(*slot, batch, {}));
      rows_ += n;
      return Status::OK();
    }

    // Group row indices by partition: one key built per row in a reused buffer, looked up
    // without allocating; only a partition seen for the first time costs a string.
    for (Slot* s : touched_) s->rows.clear();
    touched_.clear();
    Slot* last = nullptr;
    std::string_view last_key;
    for (int64_t row = 0; row < n; ++row) {
      build_key(batch, row);
      Slot* slot;
      if (last != nullptr && std::string_view(key_) == last_key) {
        slot = last;
      } else {
        auto it = slots_.find(std::string_view(key_));
        if (it != slots_.end()) {
          slot = it->second.get();
        } else {
          LS_ASSIGN_OR_RAISE(slot, slot_for_key(key_, batch, row));
        }
        last = slot;
        last_key = slot->key;
      }
      if (slot->rows.empty()) touched_.push_back(slot);
      slot->rows.push_back(static_cast<int32_t>(row));
    }
    for (Slot* slot : touched_) {
      if (static_cast<int64_t>(slot->rows.size()) == n) {
        LS_RETURN_NOT_OK(write_rows(*slot, batch, {}));
      } else {
        LS_RETURN_NOT_OK(write_rows(*slot, batch, slot->rows));
      }
    }
    rows_ += n;
    return Status::OK();
  }

  Result<std::vector<AddFile>> finish() {
    if (finished_) return Status::InvalidArgument("DeltaTableWriter: finish() called twice");
    finished_ = true;
    for (const auto& [key, slot] : slots_) {
      if (slot->writer != nullptr) {
        Status st = close_file(*slot);
        if (!st.ok()) {
          abort();
          return st;
        }
      }
    }
    return adds_;
  }

  void abort() {
    finished_ = true;
    for (const auto& [key, slot] : slots_) {
      if (slot->writer != nullptr) {
        slot->writer->abort();
        slot->writer.reset();
      }
    }
    for (const std::string& path : written_paths_) {
      // Best effort: a file that cannot be deleted is not in any commit, so it is only garbage.
      (void)fs_->delete_file(path);
    }
    written_paths_.clear();
    adds_.clear();
  }

 private:
  /// One partition (or the whole table when unpartitioned) and its open file.
  struct Slot {
    std::string key;
    std::vector<PartitionValue> values;
    std::string folder;  ///< relative, escaped; "" without partition columns
    std::unique_ptr<ParquetWriter> writer;
    std::string relative_path;  ///< of the open file
    std::vector<int32_t> rows;  ///< rows of the current batch
  };

  /// Identity columns' NULLs in checked_ get the allocator's next values, in row order.
  void assign_identities() {
    for (size_t index : identity_columns_) {
      const Column& given = *checked_.column(index);
      const int64_t n = checked_.num_rows();
      const int64_t nulls = given.null_count();
      if (nulls == 0) continue;
      const std::string& name = schema_.field(index).name;
      int64_t next = options_.identity->reserve(name, nulls);
      const int64_t step = options_.identity->step(name);
      ColumnPtr filled = Column::make(given.type());
      filled->reserve(n);
      for (int64_t row = 0; row < n; ++row) {
        if (given.is_null(row)) {
          filled->append<int64_t>(next);
          next = static_cast<int64_t>(static_cast<uint64_t>(next) + static_cast<uint64_t>(step));
        } else {
          filled->append<int64_t>(given.value<int64_t>(row));
        }
      }
      std::vector<ColumnPtr> columns = checked_.columns();
      columns[index] = std::move(filled);
      checked_ = RecordBatch(checked_.schema(), std::move(columns));
    }
  }

  /// Column names in partitionValues and the file schema: physical ones under column mapping.
  Status map_columns() {
    column_names_.clear();
    for (const Field& f : schema_.fields()) column_names_.push_back(f.name);
    if (options_.column_mapping == ColumnMappingMode::kNone) return Status::OK();
    const Schema& table = options_.table_schema.size() > 0 ? options_.table_schema : schema_;
    for (size_t i = 0; i < schema_.size(); ++i) {
      const Field& f = schema_.field(i);
      auto t = table.index_of(f.name);
      if (!t) {
        return Status::InvalidArgument("column '" + f.name +
                                       "' is not in the column-mapped table's schema");
      }
      LS_ASSIGN_OR_RAISE(column_names_[i], physical_name(table.field(*t), options_.column_mapping));
    }
    Schema physical;
    retype_.assign(data_indices_.size(), 0);
    for (size_t j = 0; j < data_indices_.size(); ++j) {
      const Field& f = schema_.field(data_indices_[j]);
      LS_ASSIGN_OR_RAISE(Field p, physical_file_field(f, table.field(*table.index_of(f.name)),
                                                      options_.column_mapping));
      retype_[j] = !same_type(p.type, f.type);
      physical.add(std::move(p));
    }
    file_schema_ = std::move(physical);
    return Status::OK();
  }

  /// checked_ = `input` with generated columns filled and the rows that break a rule taken out
  /// (reported in `violations`, or failing the write without it).
  Status enforce(const RecordBatch& input, std::vector<RowViolation>* violations) {
    found_.clear();
    LS_RETURN_NOT_OK(checker_.apply(input, &checked_, &found_));
    if (found_.empty()) return Status::OK();
    if (violations == nullptr) {
      return Status::InvalidArgument(found_.front().reason + ": the append to " +
                                     fs_->describe(table_path_) + " is refused");
    }
    keep_.clear();
    size_t v = 0;
    for (int64_t row = 0; row < input.num_rows(); ++row) {
      if (v < found_.size() && found_[v].row == row) {
        ++v;
        continue;
      }
      keep_.push_back(static_cast<int32_t>(row));
    }
    checked_ = take(checked_, keep_);
    for (RowViolation& f : found_) violations->push_back(std::move(f));
    return Status::OK();
  }

  Status check_batch(const RecordBatch& batch) const {
    if (batch.num_columns() != schema_.size() && batch.num_columns() != input_columns_) {
      return Status::InvalidArgument(
          "DeltaTableWriter: batch has " + std::to_string(batch.num_columns()) + " columns, " +
          fs_->describe(table_path_) + " has " + std::to_string(schema_.size()));
    }
    for (size_t i = 0; i < batch.num_columns(); ++i) {
      if (!same_type(batch.column(i)->type(), schema_.field(i).type)) {
        return Status::InvalidArgument("DeltaTableWriter: column '" + schema_.field(i).name +
                                       "' has type " + batch.column(i)->type()->simple_string() +
                                       " in the batch, " + schema_.field(i).type->simple_string() +
                                       " in " + fs_->describe(table_path_));
      }
    }
    return Status::OK();
  }

  void build_key(const RecordBatch& batch, int64_t row) {
    key_.clear();
    for (size_t p : partition_indices_) {
      const Column& c = *batch.column(p);
      if (c.is_null(row)) {
        key_.push_back('\0');
        continue;
      }
      key_.push_back('\1');
      const TypeId id = c.type()->id();
      if (id == TypeId::kString) {
        const std::string_view s = c.string_value(row);
        const auto len = static_cast<uint32_t>(s.size());
        key_.append(reinterpret_cast<const char*>(&len), sizeof(len));
        key_.append(s);
      } else {
        const auto w = static_cast<size_t>(c.type()->fixed_width());
        key_.append(reinterpret_cast<const char*>(c.values().data()) + row * w, w);
      }
    }
  }

  Result<Slot*> slot_for_key(std::string_view key, const RecordBatch& batch, int64_t row) {
    auto slot = std::make_unique<Slot>();
    slot->key = std::string(key);
    for (size_t p : partition_indices_) {
      LS_ASSIGN_OR_RAISE(std::optional<std::string> text,
                         partition_value_text(*batch.column(p), row));
      slot->values.emplace_back(column_names_[p], std::move(text));
    }
    LS_ASSIGN_OR_RAISE(slot->folder, partition_folder(slot->values));
    Slot* raw = slot.get();
    slots_.emplace(raw->key, std::move(slot));
    return raw;
  }

  /// Write `rows` of `batch` (all rows when empty) to the slot's file, opening and rolling files.
  Status write_rows(Slot& slot, const RecordBatch& batch, std::span<const int32_t> rows) {
    if (slot.writer == nullptr) LS_RETURN_NOT_OK(open_file(slot));
    std::vector<ColumnPtr> columns;
    columns.reserve(data_indices_.size());
    for (size_t j = 0; j < data_indices_.size(); ++j) {
      const size_t i = data_indices_[j];
      ColumnPtr c = rows.empty() ? batch.column(i) : take(*batch.column(i), rows);
      // Under column mapping a struct's members have other (physical) names in the file.
      if (!retype_.empty() && retype_[j]) c = with_physical_type(c, file_schema_.field(j).type);
      columns.push_back(std::move(c));
    }
    LS_RETURN_NOT_OK(slot.writer->write(RecordBatch(file_schema_, std::move(columns)))
                         .with_context(fs_->describe(join_path(table_path_, slot.relative_path))));
    if (slot.writer->estimated_size() >= options_.target_file_bytes) {
      LS_RETURN_NOT_OK(close_file(slot));
    }
    return Status::OK();
  }

  Status open_file(Slot& slot) {
    const std::string name =
        data_file_name(options_.task_id, uuid_v4(), options_.parquet.compression);
    slot.relative_path = slot.folder.empty() ? name : slot.folder + "/" + name;
    const std::string path = join_path(table_path_, slot.relative_path);
    // Data files are invisible until the commit references them: no temporary name needed.
    LS_ASSIGN_OR_RAISE(std::unique_ptr<OutputStream> out,
                       fs_->open_output_stream(path, Publish::kDirect));
    LS_ASSIGN_OR_RAISE(slot.writer,
                       ParquetWriter::open(std::move(out), file_schema_, options_.parquet));
    return Status::OK();
  }

  Status close_file(Slot& slot) {
    const std::string path = join_path(table_path_, slot.relative_path);
    std::unique_ptr<ParquetWriter> writer = std::move(slot.writer);
    auto info = writer->close();
    if (!info.ok()) return info.status().with_context(fs_->describe(path));
    written_paths_.push_back(path);
    AddFile add;
    add.path = encode_add_path(slot.relative_path);
    add.partition_values = slot.values;
    add.size = info->file_size;
    add.modification_time = wall_clock_ms();
    add.data_change = options_.data_change;
    add.stats = stats_json(*info, options_.num_indexed_columns, options_.always_stats_columns);
    bytes_ += info->file_size;
    adds_.push_back(std::move(add));
    return Status::OK();
  }

  std::shared_ptr<FileSystem> fs_;
  std::string table_path_;
  Schema schema_;
  DeltaTableWriterOptions options_;
  Schema file_schema_;
  std::vector<size_t> partition_indices_;
  std::vector<size_t> data_indices_;
  std::unordered_map<std::string, std::unique_ptr<Slot>, StringHash, std::equal_to<>> slots_;
  std::vector<Slot*> touched_;
  std::vector<std::string> column_names_;  ///< per schema_ column: its name in the files
  std::vector<char> retype_;  ///< per data column: its file type differs (column mapping)
  size_t input_columns_ = 0;
  std::vector<size_t> identity_columns_;  ///< schema_ indices of identity columns  ///< the
                                          ///< caller's columns; generated ones it lacks come after
  ConstraintChecker checker_;
  RecordBatch checked_;
  std::vector<RowViolation> found_;
  std::vector<int32_t> keep_;
  std::string key_;
  std::vector<AddFile> adds_;
  std::vector<std::string> written_paths_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  bool finished_ = false;
};

Result<std::unique_ptr<DeltaTableWriter>> DeltaTableWriter::make(std::shared_ptr<FileSystem> fs,
                                                                 std::string table_path,
                                                                 Schema schema,
                                                                 DeltaTableWriterOptions options) {
  if (fs == nullptr) return Status::InvalidArgument("DeltaTableWriter: no file system");
  auto impl = std::make_unique<Impl>(std::move(fs), std::move(table_path), std::move(schema),
                                     std::move(options));
  LS_RETURN_NOT_OK(impl->init());
  return std::unique_ptr<DeltaTableWriter>(new DeltaTableWriter(std::move(impl)));
}

DeltaTableWriter::DeltaTableWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeltaTableWriter::~DeltaTableWriter() = default;

const Schema& DeltaTableWriter::schema() const { return impl_->schema(); }
const Schema& DeltaTableWriter::file_schema() const { return impl_->file_schema(); }
Status DeltaTableWriter::write(const RecordBatch& batch, std::vector<RowViolation>* violations) {
  return impl_->write(batch, violations);
}
Result<std::vector<AddFile>> DeltaTableWriter::finish() { return impl_->finish(); }
void DeltaTableWriter::abort() { impl_->abort(); }
int64_t DeltaTableWriter::num_rows() const { return impl_->num_rows(); }
int64_t DeltaTableWriter::bytes_written() const { return impl_->bytes_written(); }

}  // namespace lakestream
