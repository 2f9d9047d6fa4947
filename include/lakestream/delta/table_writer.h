#pragma once
// delta/table_writer: the data side of a Delta append. DeltaTableWriter turns RecordBatches into
// Parquet data files laid out as Spark lays them out (Hive-style partition folders, partition
// columns kept out of the files, Spark's file names) and hands back the `add` actions; the
// caller commits them in one Transaction together with its txn action(s). It never touches the
// log, so the streaming engine and `lakestream ingest` share it.
//
//   DeltaTableWriterOptions options;
//   options.partition_columns = {"SupplierId"};
//   LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs, "tables/meters", flat_schema,
//                                                           options));
//   LS_RETURN_NOT_OK(writer->write(batch));          // as many batches as needed
//   LS_ASSIGN_OR_RAISE(std::vector<AddFile> adds, writer->finish());
//   Transaction t = table.begin();
//   for (auto& a : adds) t.add_file(std::move(a));
//   t.set_txn(app_id, version);
//   LS_RETURN_NOT_OK(t.commit("WRITE", {{"mode", "Append"}}).status());
//   // on any failure before the commit: writer->abort() deletes the files written so far.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/constraints.h"
#include "lakestream/delta/stats.h"
#include "lakestream/parquet/parquet_writer.h"
#include "lakestream/schema/schema.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

struct DeltaTableWriterOptions {
  /// Top-level columns whose values name the partition folders (in folder order). They are not
  /// stored in the data files; their values go in each add's partitionValues.
  std::vector<std::string> partition_columns;
  /// How the data files are encoded (codec, row group and page sizes).
  ParquetWriterOptions parquet;
  /// A file is closed, and the partition's next rows start a new one, once its estimated size
  /// reaches this.
  int64_t target_file_bytes = 128LL << 20;
  /// The task number in file names (part-<task>-<uuid>...): writers running side by side for
  /// one commit use different numbers, as Spark's tasks do.
  int task_id = 0;
  /// add.dataChange (false only for rewrites that do not change the table's content).
  bool data_change = true;
  /// Leaves whose statistics go in add.stats: the table's delta.dataSkippingNumIndexedCols
  /// (num_indexed_columns(configuration) in delta/stats.h; -1: all).
  int num_indexed_columns = kDefaultNumIndexedColumns;
  /// Columns (paths by the data files' names) whose statistics are collected even past
  /// num_indexed_columns: a clustered table's clustering columns (delta/clustering.h).
  std::vector<std::vector<std::string>> always_stats_columns;
  /// The table's rules (CHECK constraints, invariants, generated columns; delta/constraints.h,
  /// from DeltaTable::constraints()), enforced on every row written. Null: none. A generated
  /// column the writer's schema lacks is added to it (and to the files), computed for every row.
  std::shared_ptr<const TableConstraints> constraints;
  /// The table's column mapping mode (delta/column_mapping.h). With name or id, the files hold
  /// each column's physical name and field ids (struct members too), and partitionValues and
  /// stats are keyed by physical names; batches keep logical names.
  ColumnMappingMode column_mapping = ColumnMappingMode::kNone;
  /// The table's identity columns' values (delta/constraints.h), shared by every writer of the
  /// appender; a NULL (or absent) identity value gets the next one. Null: none. The commit
  /// records the high-water mark (Transaction::set_identity).
  std::shared_ptr<IdentityAllocator> identity;
  /// The table's schema with its field metadata (physical names, ids, rules), matched to the
  /// writer's columns by name. Empty: the writer's schema carries that metadata itself.
  Schema table_schema;
};

/// Writes the data files of one commit. Not thread-safe: writers working in parallel each own
/// one (and a distinct task_id); their adds go into one Transaction.
class DeltaTableWriter {
 public:
  /// A writer for batches of `schema` (flat: struct columns flattened first; the table's
  /// schema) into the table at `table_path` on `fs`. InvalidArgument when a partition column
  /// is missing, repeated, or of a type that cannot partition (binary, nested), or when every
  /// column is a partition column.
  static Result<std::unique_ptr<DeltaTableWriter>> make(std::shared_ptr<FileSystem> fs,
                                                        std::string table_path, Schema schema,
                                                        DeltaTableWriterOptions options = {});
  ~DeltaTableWriter();
  DeltaTableWriter(const DeltaTableWriter&) = delete;
  DeltaTableWriter& operator=(const DeltaTableWriter&) = delete;

  /// The table schema the batches have.
  const Schema& schema() const;
  /// The schema of the data files: the table schema without the partition columns.
  const Schema& file_schema() const;

  /// Append a batch with the writer's schema (types compared by position). Rows are split by
  /// partition value and streamed into each partition's open file. An empty batch is a no-op.
  /// With constraints, generated columns' NULLs are computed first, and a row that breaks a
  /// rule is not written: it is appended to `*violations` (row numbers of `batch`, in order)
  /// for the caller to dead-letter, or, with `violations` null, the write fails with
  /// InvalidArgument naming the rule and the row's values (as Spark's append does).
  Status write(const RecordBatch& batch, std::vector<RowViolation>* violations = nullptr);
  /// Close every open file and return the add actions of all the files written, in the order
  /// they were closed. The writer is spent afterwards.
  Result<std::vector<AddFile>> finish();
  /// Delete every file written so far (closed ones too) and discard open ones. Safe to call
  /// more than once, and after finish() (to undo a commit that failed).
  void abort();

  /// Rows written so far.
  int64_t num_rows() const;
  /// Bytes of the files closed so far.
  int64_t bytes_written() const;

  class Impl;

 private:
  explicit DeltaTableWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lakestream
