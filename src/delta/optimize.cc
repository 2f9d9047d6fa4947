#include "lakestream/delta/optimize.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/log_fmt.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/clustering.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/partition.h"
#include "lakestream/delta/row_tracking.h"
#include "lakestream/delta/snapshot.h"
#include "lakestream/delta/stats.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/parquet/parquet_reader.h"

namespace lakestream {

namespace {

/// An OPTIMIZE that removed at least this many files writes a checkpoint of its commit.
constexpr int64_t kCheckpointAfterRemovedFiles = 1000;

/// The files of one bin and what rewriting them gave.
struct Bin {
  std::vector<const LiveFile*> files;
  int64_t bytes = 0;
  std::vector<AddFile> adds;
  /// The new files on the table's FileSystem, deleted when the commit does not happen. (The
  /// writer itself is let go once finished: its buffers would add up over many bins.)
  std::vector<std::string> written;
  int64_t rows = 0;
  Status status;
};

/// "[\"(SupplierId = '19')\"]": Spark's rendering of OPTIMIZE's predicate list.
std::string predicate_parameter(const std::vector<ScanFilter>& where) {
  std::string out = "[";
  for (size_t i = 0; i < where.size(); ++i) {
    if (i > 0) out += ',';
    std::string cond = "(";
    cond += where[i].column;
    cond += " = '";
    cond += where[i].value;
    cond += "')";
    append_json_string(out, cond);
  }
  return out + "]";
}

/// The hidden columns that keep rows' stable row ids and row commit versions through a rewrite
/// of a table with row tracking enabled (PROTOCOL.md "Row Tracking": materialized Row IDs and
/// Row Commit Versions); empty names when row tracking is not enabled.
struct MaterializedRowTracking {
  std::string row_id_column;
  std::string commit_version_column;
  bool enabled() const { return !row_id_column.empty(); }
};

/// A file's materialized values of `column` (null where absent), in row order; all null when
/// the file lacks the column.
Result<std::vector<std::optional<int64_t>>> read_materialized(FileSystem& fs, const LiveFile& file,
                                                              const std::string& column) {
  LS_ASSIGN_OR_RAISE(auto input, fs.open_input_file(file.path));
  auto reader = ParquetReader::open(std::move(input));
  if (!reader.ok()) return reader.status().with_context(fs.describe(file.path));
  std::vector<std::optional<int64_t>> out;
  out.reserve(static_cast<size_t>((*reader)->num_rows()));
  const bool present = (*reader)->schema().has_field(column);
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    if (!present) {
      out.resize(out.size() + static_cast<size_t>((*reader)->row_group(rg).num_rows));
      continue;
    }
    LS_ASSIGN_OR_RAISE(RecordBatch b,
                       (*reader)->read_row_group(rg, std::vector<std::string>{column}));
    const Column& c = *b.column(0);
    if (c.type()->id() != TypeId::kLong) {
      return Status::Corrupt(fs.describe(file.path) + ": the row tracking column " + column +
                             " is not a long");
    }
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      out.push_back(c.is_null(r) ? std::nullopt : std::optional<int64_t>(c.value<int64_t>(r)));
    }
  }
  return out;
}

/// Rewrite one bin's files into new files near the target. With row tracking enabled, each
/// row's stable row id (its materialized one, else the file's baseRowId + its position) and row
/// commit version (materialized, else the file's defaultRowCommitVersion) go into the new files'
/// materialized columns, so they survive the rewrite.
Status rewrite_bin(const Snapshot& snapshot, const std::shared_ptr<FileSystem>& fs,
                   const std::string& table_path, const DeltaTableWriterOptions& writer_options,
                   const MaterializedRowTracking& tracking, Bin& bin) {
  Schema schema = snapshot.schema();
  if (tracking.enabled()) {
    schema.add(tracking.row_id_column, DataType::long_());
    schema.add(tracking.commit_version_column, DataType::long_());
  }
  TableReader reader(snapshot);
  LS_ASSIGN_OR_RAISE(auto writer, DeltaTableWriter::make(fs, table_path, schema, writer_options));
  // One scan of the bin's files, or one per file when the rows' positions in their file count.
  std::vector<std::vector<const LiveFile*>> scans;
  if (tracking.enabled()) {
    for (const LiveFile* f : bin.files) scans.push_back({f});
  } else {
    scans.push_back(bin.files);
  }
  Status st = [&]() -> Status {
    for (const std::vector<const LiveFile*>& files : scans) {
      ScanOptions scan_options;
      std::vector<std::string> paths;
      for (const LiveFile* f : files) paths.push_back(f->add.path);
      scan_options.paths = std::move(paths);
      LS_ASSIGN_OR_RAISE(TableScan scan, reader.scan(std::move(scan_options)));
      std::vector<std::optional<int64_t>> row_ids, commit_versions;
      int64_t base = 0, version = 0, position = 0;
      if (tracking.enabled()) {
        const AddFile& add = files.front()->add;
        if (!add.base_row_id || !add.default_row_commit_version) {
          return Status::Corrupt("row tracking is enabled on the Delta table at " +
                                 fs->describe(table_path) + ", but its file " + add.path +
                                 " has no baseRowId/defaultRowCommitVersion");
        }
        base = *add.base_row_id;
        version = *add.default_row_commit_version;
        LS_ASSIGN_OR_RAISE(row_ids, read_materialized(*fs, *files.front(), tracking.row_id_column));
        LS_ASSIGN_OR_RAISE(commit_versions,
                           read_materialized(*fs, *files.front(), tracking.commit_version_column));
      }
      RecordBatch batch;
      while (true) {
        LS_ASSIGN_OR_RAISE(bool more, scan.next(&batch));
        if (!more) break;
        bin.rows += batch.num_rows();
        if (tracking.enabled()) {
          ColumnPtr ids = Column::make(DataType::long_());
          ColumnPtr versions = Column::make(DataType::long_());
          for (int64_t r = 0; r < batch.num_rows(); ++r, ++position) {
            const auto p = static_cast<size_t>(position);
            if (p >= row_ids.size()) {
              return Status::Internal("OPTIMIZE read more rows of " + files.front()->add.path +
                                      " than the file holds");
            }
            ids->append<int64_t>(row_ids[p].value_or(base + position));
            versions->append<int64_t>(commit_versions[p].value_or(version));
          }
          batch =
              batch.with_column(Field{tracking.row_id_column, DataType::long_()}, ids)
                  .with_column(Field{tracking.commit_version_column, DataType::long_()}, versions);
        }
        LS_RETURN_NOT_OK(writer->write(batch));
      }
    }
    LS_ASSIGN_OR_RAISE(bin.adds, writer->finish());
    for (const AddFile& a : bin.adds) {
      LS_ASSIGN_OR_RAISE(std::string relative, decode_add_path(a.path));
      bin.written.push_back(join_path(table_path, relative));
    }
    return Status::OK();
  }();
  if (!st.ok()) writer->abort();
  return st;
}

}  // namespace

PartitionValues partition_key(PartitionValues values) {
  std::sort(values.begin(), values.end());
  return values;
}

Result<int64_t> parse_byte_size(std::string_view text) {
  auto bad = [text] {
    std::string msg = "'";
    msg.append(text);
    msg.append("' is not a size (bytes, or a number with b, kb, mb, gb)");
    return Status::InvalidArgument(msg);
  };
  const std::string_view t = trim(text);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || value < 0) return bad();
  const std::string unit = to_lower_ascii(trim(t.substr(static_cast<size_t>(end - t.data()))));
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  if (unit == "k" || unit == "kb" || unit == "kib") shift = 10;
  if (unit == "m" || unit == "mb" || unit == "mib") shift = 20;
  if (unit == "g" || unit == "gb" || unit == "gib") shift = 30;
  if (shift < 0 || value > (INT64_MAX >> shift)) return bad();
  return value << shift;
}

Result<int64_t> table_target_file_bytes(const MetadataAction& metadata) {
  auto it = metadata.configuration.find("delta.targetFileSize");
  if (it == metadata.configuration.end()) return kDefaultTargetFileBytes;
  auto parsed = parse_byte_size(it->second);
  if (!parsed.ok()) return parsed.status().with_context("delta.targetFileSize");
  return *parsed > 0 ? *parsed : kDefaultTargetFileBytes;
}

Result<OptimizeResult> optimize_table(std::shared_ptr<FileSystem> fs, const std::string& table_path,
                                      const OptimizeOptions& options) {
  if (options.target_file_bytes < 0 || options.min_file_bytes < 0) {
    return Status::InvalidArgument("OPTIMIZE: file sizes must not be negative");
  }
  if (options.max_concurrent_tasks < 1) {
    return Status::InvalidArgument("OPTIMIZE: max concurrent tasks must be at least 1");
  }
  LS_ASSIGN_OR_RAISE(Snapshot snapshot, Snapshot::load(fs, table_path));
  const std::string where_text = fs->describe(table_path);
  // Rows are read under logical names and written back under the physical ones.
  LS_ASSIGN_OR_RAISE(const ColumnMappingMode mapping, column_mapping_mode(snapshot.metadata()));
  // With row tracking enabled, rewritten rows keep their stable row ids and row commit
  // versions in the materialized columns the table names; supported but not enabled, fresh ids
  // are all the protocol asks (the commit numbers the new files).
  MaterializedRowTracking tracking;
  if (row_tracking_supported(snapshot.protocol(), snapshot.metadata()) &&
      row_tracking_enabled(snapshot.metadata())) {
    const auto& conf = snapshot.metadata().configuration;
    auto id_column = conf.find("delta.rowTracking.materializedRowIdColumnName");
    auto version_column = conf.find("delta.rowTracking.materializedRowCommitVersionColumnName");
    if (id_column == conf.end() || version_column == conf.end() || id_column->second.empty() ||
        version_column->second.empty()) {
      return Status::Corrupt("the Delta table at " + where_text +
                             " has row tracking enabled but no "
                             "delta.rowTracking.materializedRow*ColumnName properties");
    }
    tracking.row_id_column = id_column->second;
    tracking.commit_version_column = version_column->second;
  }
  OptimizeResult result;
  result.read_version = snapshot.version();
  result.target_file_bytes = options.target_file_bytes;
  if (result.target_file_bytes == 0) {
    auto target = table_target_file_bytes(snapshot.metadata());
    if (!target.ok()) return target.status().with_context(where_text);
    result.target_file_bytes = *target;
  }
  result.min_file_bytes =
      options.min_file_bytes > 0 ? options.min_file_bytes : result.target_file_bytes / 4;

  LS_ASSIGN_OR_RAISE(std::vector<LiveFile> selected,
                     select_partition_files(snapshot, options.where));

  // Per partition, the small files in path order, packed greedily into bins up to the target.
  std::set<PartitionValues> wanted;
  for (const PartitionValues& p : options.partitions) wanted.insert(partition_key(p));
  std::map<PartitionValues, std::vector<const LiveFile*>> partitions;
  for (const LiveFile& f : selected) {
    if (!wanted.empty() && !wanted.count(partition_key(f.add.partition_values))) continue;
    ++result.files_considered;
    // A file with a deletion vector would need its deleted rows dropped: not rewritten here.
    if (f.add.size >= result.min_file_bytes || f.add.has_deletion_vector()) continue;
    partitions[partition_key(f.add.partition_values)].push_back(&f);
  }
  std::vector<Bin> bins;
  for (auto& [key, files] : partitions) {
    std::sort(files.begin(), files.end(),
              [](const LiveFile* a, const LiveFile* b) { return a->add.path < b->add.path; });
    Bin current;
    auto close_bin = [&] {
      if (current.files.size() >= 2) bins.push_back(std::move(current));
      current = Bin();
    };
    for (const LiveFile* f : files) {
      if (!current.files.empty() && current.bytes + f->add.size > result.target_file_bytes) {
        close_bin();
      }
      current.files.push_back(f);
      current.bytes += f->add.size;
    }
    close_bin();
  }
  if (bins.empty()) return result;

  DeltaTableWriterOptions writer_options;
  writer_options.partition_columns = snapshot.partition_columns();
  writer_options.parquet = options.parquet;
  writer_options.target_file_bytes = result.target_file_bytes;
  writer_options.data_change = false;
  writer_options.num_indexed_columns = num_indexed_columns(snapshot.metadata().configuration);
  LS_ASSIGN_OR_RAISE(writer_options.always_stats_columns,
                     clustering_columns(snapshot.domain_metadata()));
  writer_options.column_mapping = mapping;

  // Bins on up to max_concurrent_tasks threads; each writer has its own task id (file names).
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < bins.size(); i = next++) {
      DeltaTableWriterOptions o = writer_options;
      o.task_id = static_cast<int>(i);
      bins[i].status = rewrite_bin(snapshot, fs, table_path, o, tracking, bins[i]);
    }
  };
  const size_t threads =
      std::min(bins.size(), static_cast<size_t>(std::max(1, options.max_concurrent_tasks)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  auto abort_all = [&] {
    for (const Bin& b : bins) {
      for (const std::string& path : b.written) {
        Status st = fs->delete_file(path);
        if (!st.ok()) log_warn("delta", "OPTIMIZE: deleting {}: {}", path, st.to_string());
      }
    }
  };
  for (const Bin& b : bins) {
    if (!b.status.ok()) {
      abort_all();
      return b.status.with_context("OPTIMIZE of " + where_text);
    }
  }

  LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open(fs, table_path));
  // The commit reads from the snapshot's version: appends since then are retried over, and a
  // concurrent removal of one of our files is a conflict.
  Transaction txn = table.begin();
  const int64_t now = wall_clock_ms();
  int64_t min_added = INT64_MAX, max_added = 0;
  std::map<PartitionValues, bool> touched;
  for (Bin& b : bins) {
    result.bins++;
    result.rows += b.rows;
    touched[partition_key(b.files.front()->add.partition_values)] = true;
    for (const LiveFile* f : b.files) {
      RemoveFile r;
      r.path = f->add.path;
      r.deletion_timestamp = now;
      r.data_change = false;
      r.extended_file_metadata = true;
      r.partition_values = f->add.partition_values;
      r.size = f->add.size;
      // Row tracking: a remove carries the row ids of the add it removes.
      r.base_row_id = f->add.base_row_id;
      r.default_row_commit_version = f->add.default_row_commit_version;
      txn.remove_file(std::move(r));
      result.files_removed++;
      result.bytes_removed += f->add.size;
    }
    for (AddFile& a : b.adds) {
      result.files_added++;
      result.bytes_added += a.size;
      min_added = std::min(min_added, a.size);
      max_added = std::max(max_added, a.size);
      txn.add_file(a);
    }
  }
  result.partitions_optimized = static_cast<int64_t>(touched.size());
  if (table.version() != snapshot.version()) {
    // Commits landed between the snapshot and now: check none removed a file we rewrite.
    LS_ASSIGN_OR_RAISE(Snapshot now_snapshot, Snapshot::load(fs, table_path, table.version()));
    std::map<std::string_view, bool> live;
    for (const LiveFile& f : now_snapshot.files()) live[f.add.path] = true;
    for (const Bin& b : bins) {
      for (const LiveFile* f : b.files) {
        if (!live.count(f->add.path)) {
          abort_all();
          return Status::Conflict("OPTIMIZE of " + where_text + ": " + f->add.path +
                                  " was removed by a concurrent commit; nothing was changed");
        }
      }
    }
  }
  txn.set_operation_metrics({
      {"numRemovedFiles", std::to_string(result.files_removed)},
      {"numRemovedBytes", std::to_string(result.bytes_removed)},
      {"numAddedFiles", std::to_string(result.files_added)},
      {"numAddedBytes", std::to_string(result.bytes_added)},
      {"minFileSize", std::to_string(result.files_added ? min_added : 0)},
      {"maxFileSize", std::to_string(max_added)},
      {"numBins", std::to_string(result.bins)},
      {"numPartitionsOptimized", std::to_string(result.partitions_optimized)},
      {"numFilesConsidered", std::to_string(result.files_considered)},
      {"numRowsRewritten", std::to_string(result.rows)},
  });
  auto version = txn.commit("OPTIMIZE", {{"predicate", predicate_parameter(options.where)},
                                         {"zOrderBy", "[]"},
                                         {"auto", options.automatic ? "true" : "false"}});
  if (!version.ok()) {
    abort_all();
    return version.status().with_context("OPTIMIZE of " + where_text);
  }
  result.version = *version;
  // The commit names every file it rewrote twice (remove and add): a reader replaying it
  // parses megabytes of JSON for a table that now has a handful of files. A checkpoint of this
  // version takes that away (the commit stands whatever happens to it).
  // (Auto-compaction leaves it to the stream, which checkpoints every few commits anyway.)
  if (result.files_removed >= kCheckpointAfterRemovedFiles && !options.automatic) {
    Status written = write_checkpoint_at(fs, table_path, *version);
    if (!written.ok()) {
      log_warn("delta", "OPTIMIZE of {}: checkpoint of version {}: {} (readers replay the log)",
               where_text, *version, written.to_string());
    }
  }
  return result;
}

}  // namespace lakestream
