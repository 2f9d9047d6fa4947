// The Delta sink and the exactly-once protocol (docs/streaming.md, docs/design.md "Exactly-once").

#include <mutex>

#include "common/log_fmt.h"
#include "lakestream/delta/clustering.h"
#include "lakestream/delta/column_mapping.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/stats.h"
#include "lakestream/delta/table_writer.h"
#include "query_sink.h"

namespace lakestream::stream_internal {

namespace {

RecordBatch dead_letter_batch(const std::vector<DeadLetter>& rows) {
  RecordBatch b = RecordBatch::make_empty(dead_letter_schema());
  for (const DeadLetter& d : rows) {
    const RejectedRecord& r = d.record;
    b.mutable_column(0).append_string(r.reason);
    b.mutable_column(1).append_string(r.field);
    b.mutable_column(2).append_string(r.position.source);
    b.mutable_column(3).append<int32_t>(r.position.partition);
    b.mutable_column(4).append<int64_t>(r.position.offset);
    b.mutable_column(5).append<int64_t>(d.enqueued_time_ms * 1000);
    b.mutable_column(6).append_string(r.raw);
  }
  return b;
}

struct Tables {
  std::shared_ptr<FileSystem> fs;
  std::string path;
  std::shared_ptr<FileSystem> dl_fs;
  std::string dl_path;
  Schema schema;
  DeltaTableWriterOptions writer_options;
  std::map<std::string, std::string> table_properties;  ///< if the sink creates the table
  bool merge_schema = false;  ///< the stream's schema may widen the table's
  std::string query_id;
  std::string description;
  // The engine thread's view of both tables.
  std::optional<DeltaTable> table;
  std::optional<DeltaTable> dead_letters;
  AutoCompactSettings auto_compact;
  std::unique_ptr<AutoCompactor> compactor;  ///< null: auto-compaction off
};

class DeltaSinkBatch final : public SinkBatch {
 public:
  DeltaSinkBatch(Tables* t, std::vector<std::unique_ptr<DeltaTableWriter>> writers)
      : t_(t),
        writers_(std::move(writers)),
        adds_(writers_.size()),
        finished_(writers_.size(), 0),
        rows_(writers_.size(), 0) {}
  ~DeltaSinkBatch() override {
    if (!done_) abort();
  }

  Status write(int chunk, const RecordBatch& batch,
               std::vector<RowViolation>* violations) override {
    const size_t before = violations->size();
    LS_RETURN_NOT_OK(writers_[static_cast<size_t>(chunk)]->write(batch, violations));
    rows_[static_cast<size_t>(chunk)] +=
        batch.num_rows() - static_cast<int64_t>(violations->size() - before);
    return Status::OK();
  }

  Status finish_chunk(int chunk) override {
    const auto c = static_cast<size_t>(chunk);
    if (finished_[c]) return Status::OK();
    LS_ASSIGN_OR_RAISE(adds_[c], writers_[c]->finish());
    finished_[c] = 1;
    return Status::OK();
  }

  Result<CommitOutcome> commit(const RawBatch& raw, std::vector<DeadLetter> dead_letters,
                               const StreamTestHook& hook, int64_t batch_id) override {
    CommitOutcome out;
    std::vector<AddFile> adds;
    for (size_t c = 0; c < writers_.size(); ++c) {
      LS_RETURN_NOT_OK(finish_chunk(static_cast<int>(c)));
      for (auto& add : adds_[c]) adds.push_back(std::move(add));
    }
    for (int64_t n : rows_) out.num_output_rows += n;
    if (hook) LS_RETURN_NOT_OK(hook("written", batch_id));

    const std::string& topic = raw.topic();
    DeltaTable& table = *t_->table;
    DeltaTable& dl_table = *t_->dead_letters;

    // Rejects already in the dead-letter table (a replay after a crash between its commit and
    // the main commit) are dropped: it holds every reject of a partition up to its txn version.
    std::vector<DeadLetter> kept;
    std::map<int32_t, int64_t> dl_txns;
    if (!dead_letters.empty()) {
      LS_RETURN_NOT_OK(dl_table.refresh().with_context("dead-letter table"));
      for (DeadLetter& d : dead_letters) {
        const int32_t p = d.record.position.partition;
        const int64_t done =
            dl_table.txn_version(dead_letter_app_id(t_->query_id, topic, p)).value_or(-1);
        if (d.record.position.offset > done) {
          dl_txns[p] = raw.ranges().at(p).last_offset;
          kept.push_back(std::move(d));
        }
      }
    }

    // The pre-commit check: every partition of the batch must continue exactly where the table
    // says. Anything else means another instance owns the partition now (a rebalance race).
    LS_RETURN_NOT_OK(table.refresh());
    LS_RETURN_NOT_OK(same_physical_columns());
    LS_RETURN_NOT_OK(same_rules());
    if (t_->writer_options.identity && table.state().metadata) {
      // Identity values assigned from a high-water mark another writer has moved since would
      // collide with its rows: fail the query (its restart starts from the table's mark)
      // instead of retrying this batch with the same values.
      Status marks =
          t_->writer_options.identity->updated_metadata(*table.state().metadata).status();
      if (!marks.ok()) {
        abort();
        return marks;
      }
    }
    if (!race_free(raw, &out)) {
      abort();
      return out;
    }

    if (!kept.empty()) {
      LS_ASSIGN_OR_RAISE(auto dl_writer,
                         DeltaTableWriter::make(t_->dl_fs, t_->dl_path, dead_letter_schema(), {}));
      dl_writer_ = std::move(dl_writer);
      LS_RETURN_NOT_OK(dl_writer_->write(dead_letter_batch(kept)));
      LS_ASSIGN_OR_RAISE(std::vector<AddFile> dl_adds, dl_writer_->finish());
      Transaction tx = dl_table.begin();
      for (auto& a : dl_adds) tx.add_file(std::move(a));
      for (const auto& [p, last] : dl_txns) {
        tx.set_txn(dead_letter_app_id(t_->query_id, topic, p), last);
      }
      auto v = tx.commit("STREAMING UPDATE", params(batch_id));
      if (!v.ok()) {
        if (v.status().code() != StatusCode::kConflict) {
          return v.status().with_context("committing the dead-letter table");
        }
        // Another instance wrote these partitions' dead letters first: a rebalance race.
        LS_RETURN_NOT_OK(table.refresh());
        race_free(raw, &out);
        reseek_all(raw, &out);
        out.why = v.status().message();
        abort();
        return out;
      }
      dl_writer_.reset();  // committed: its files belong to the table now
      out.num_dead_letter_rows = static_cast<int64_t>(kept.size());
      out.num_files_written += static_cast<int64_t>(dl_adds.size());
      for (const AddFile& a : dl_adds) out.num_bytes_written += a.size;
      if (hook) LS_RETURN_NOT_OK(hook("dead-letter-committed", batch_id));
    }

    out.num_files_written += static_cast<int64_t>(adds.size());
    for (const AddFile& a : adds) out.num_bytes_written += a.size;
    std::vector<AddFile> compactor_view;
    if (t_->compactor) compactor_view = adds;
    Transaction tx = table.begin();
    tx.set_identity(t_->writer_options.identity);
    for (auto& a : adds) tx.add_file(std::move(a));
    for (const auto& [p, range] : raw.ranges()) {
      tx.set_txn(txn_app_id(t_->query_id, topic, p), range.last_offset);
    }
    auto v = tx.commit("STREAMING UPDATE", params(batch_id));
    if (!v.ok()) {
      if (v.status().code() == StatusCode::kConflict) {
        // A concurrent schema merge our schema still fits was absorbed by commit(); one it does
        // not fit fails the refresh (merge_schema) and so the query, naming the column.
        LS_RETURN_NOT_OK(table.refresh());
        race_free(raw, &out);
        reseek_all(raw, &out);
        out.why = v.status().message();
        abort();
        return out;
      }
      // The commit may or may not have landed (an I/O error after the write): keep the files,
      // which are harmless orphans if it did not, and fail the query.
      done_ = true;
      return v.status().with_context("committing batch " + std::to_string(batch_id));
    }
    done_ = true;
    out.committed = true;
    out.table_version = *v;
    if (t_->compactor) t_->compactor->committed(compactor_view);
    if (hook) LS_RETURN_NOT_OK(hook("committed", batch_id));
    return out;
  }

  /// Under column mapping, the files were written with the physical names the table had when
  /// the sink opened: a concurrent schema change that gave a column other ones (another writer
  /// adding the same column first) fails the query rather than commit files readers would not
  /// match. Its restart writes under the table's names.
  Status same_physical_columns() {
    const DeltaTableWriterOptions& o = t_->writer_options;
    if (o.column_mapping == ColumnMappingMode::kNone) return Status::OK();
    const Schema& now = t_->table->schema();
    for (const Field& f : t_->schema.fields()) {
      auto then_index = o.table_schema.index_of(f.name);
      auto now_index = now.index_of(f.name);
      if (!then_index || !now_index) continue;
      auto then_field = physical_file_field(f, o.table_schema.field(*then_index), o.column_mapping);
      auto now_field = physical_file_field(f, now.field(*now_index), o.column_mapping);
      if (then_field.ok() && now_field.ok() && *then_field == *now_field) continue;
      abort();
      return Status::Conflict("column '" + f.name + "' of the column-mapped table " +
                              t_->fs->describe(t_->path) +
                              " has other physical names or ids than when the query started (a "
                              "concurrent schema change): restart the query");
    }
    return Status::OK();
  }

  /// The table's rules and column mapping mode must still be the ones the writers enforce: a
  /// constraint added (or mapping turned on) while the query runs fails it, as Delta fails a
  /// writer whose table's metadata changed; its restart takes the new ones.
  Status same_rules() {
    const DeltaTableWriterOptions& o = t_->writer_options;
    LS_ASSIGN_OR_RAISE(auto now, t_->table->constraints());
    const std::string then_text = o.constraints ? o.constraints->description() : "";
    const std::string now_text = now ? now->description() : "";
    ColumnMappingMode mode = ColumnMappingMode::kNone;
    if (t_->table->state().metadata) {
      LS_ASSIGN_OR_RAISE(mode, column_mapping_mode(*t_->table->state().metadata));
    }
    if (then_text == now_text && mode == o.column_mapping) return Status::OK();
    abort();
    return Status::Conflict(
        "the table " + t_->fs->describe(t_->path) + " changed its " +
        (mode != o.column_mapping
             ? std::string("column mapping mode")
             : "rules to [" + now_text + "] (the query enforces [" + then_text + "])") +
        " while the query ran: restart the query");
  }

  void abort() override {
    for (auto& w : writers_) w->abort();
    if (dl_writer_) dl_writer_->abort();
    done_ = true;
  }

 private:
  std::vector<std::pair<std::string, std::string>> params(int64_t batch_id) const {
    return {
        {"outputMode", "Append"}, {"queryId", t_->query_id}, {"epochId", std::to_string(batch_id)}};
  }

  /// True when no partition of `raw` was advanced by someone else; otherwise fills the
  /// outcome's reseek offsets from the table.
  bool race_free(const RawBatch& raw, CommitOutcome* out) const {
    bool ok = true;
    for (const auto& [p, range] : raw.ranges()) {
      auto txn = t_->table->txn_version(txn_app_id(t_->query_id, raw.topic(), p));
      if (txn && *txn != range.previous_offset) {
        ok = false;
        out->why = "partition " + std::to_string(p) + " of " + raw.topic() + " is at offset " +
                   std::to_string(*txn) + " in the table, the batch starts at " +
                   std::to_string(range.first_offset);
      }
    }
    if (!ok) reseek_all(raw, out);
    return ok;
  }

  void reseek_all(const RawBatch& raw, CommitOutcome* out) const {
    for (const auto& [p, range] : raw.ranges()) {
      auto txn = t_->table->txn_version(txn_app_id(t_->query_id, raw.topic(), p));
      out->reseek[p] = txn ? *txn + 1 : range.first_offset;
    }
  }

  Tables* t_;
  std::vector<std::unique_ptr<DeltaTableWriter>> writers_;
  std::unique_ptr<DeltaTableWriter> dl_writer_;
  std::vector<std::vector<AddFile>> adds_;  // per chunk, once finished
  // One byte per chunk, not std::vector<bool>: two chunk threads set their flags at once,
  // and vector<bool>'s bits would share a word.
  std::vector<char> finished_;
  std::vector<int64_t> rows_;  // per chunk
  bool done_ = false;
};

class DeltaSink final : public QuerySink {
 public:
  explicit DeltaSink(Tables t) : t_(std::move(t)) {}
  ~DeltaSink() override {
    // A due checkpoint is written in the background: finish it before the query ends, and say
    // so if it failed (the commits stand; readers replay the JSON log instead).
    for (std::optional<DeltaTable>* table : {&t_.table, &t_.dead_letters}) {
      if (!*table) continue;
      Status s = (*table)->wait_for_checkpoint();
      if (!s.ok()) {
        log_warn("stream",
                 "writing a Delta checkpoint: {} (the commits stand; readers replay the log)",
                 s.to_string());
      }
    }
  }

  Status open() {
    TableCreateOptions create{t_.schema, t_.writer_options.partition_columns, t_.table_properties};
    create.merge_schema = t_.merge_schema;
    LS_ASSIGN_OR_RAISE(DeltaTable table, DeltaTable::open_or_create(t_.fs, t_.path, create));
    // Statistics as the table asks (a table this sink creates has the properties it was
    // given); a clustered table needs them on its clustering columns in every file.
    t_.writer_options.num_indexed_columns = num_indexed_columns(
        table.state().metadata ? table.state().metadata->configuration : t_.table_properties);
    LS_ASSIGN_OR_RAISE(t_.writer_options.always_stats_columns,
                       clustering_columns(table.state().domains));
    // The table's rules (CHECK constraints, invariants, generated columns), enforced by every
    // writer; a rule lakestream cannot evaluate failed open_or_create already.
    LS_RETURN_NOT_OK(table.configure_writer(&t_.writer_options));
    t_.table.emplace(std::move(table));
    LS_ASSIGN_OR_RAISE(DeltaTable dl, DeltaTable::open_or_create(t_.dl_fs, t_.dl_path,
                                                                 {dead_letter_schema(), {}, {}}));
    t_.dead_letters.emplace(std::move(dl));
    LS_ASSIGN_OR_RAISE(log_, read_log(*t_.fs, t_.path));
    LS_ASSIGN_OR_RAISE(t_.compactor, AutoCompactor::make(t_.fs, t_.path, t_.auto_compact,
                                                         t_.writer_options.parquet));
    // Check the writers accept the schema now, not at the first batch.
    LS_RETURN_NOT_OK(DeltaTableWriter::make(t_.fs, t_.path, t_.schema, t_.writer_options).status());
    return Status::OK();
  }

  std::string description() const override { return t_.description; }
  int max_chunks() const override { return 2; }
  std::optional<int64_t> table_version() const override {
    const int64_t v = t_.table ? t_.table->version() : -1;
    return v >= 0 ? std::optional<int64_t>(v) : std::nullopt;
  }
  std::string path() const override { return t_.fs->describe(t_.path); }
  std::string dead_letter_path() const override { return t_.dl_fs->describe(t_.dl_path); }

  Result<std::optional<int64_t>> start_offset(const std::string& topic,
                                              int32_t partition) override {
    // The polling thread keeps its own view of the log, so it never races the engine's.
    std::lock_guard lock(mu_);
    LS_RETURN_NOT_OK(update_log(*t_.fs, t_.path, log_));
    auto it = log_.txn_versions.find(txn_app_id(t_.query_id, topic, partition));
    if (it == log_.txn_versions.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second + 1);
  }

  Result<std::unique_ptr<SinkBatch>> begin_batch(int64_t, int chunks) override {
    std::vector<std::unique_ptr<DeltaTableWriter>> writers;
    for (int c = 0; c < chunks; ++c) {
      DeltaTableWriterOptions o = t_.writer_options;
      o.task_id = c;
      LS_ASSIGN_OR_RAISE(auto w, DeltaTableWriter::make(t_.fs, t_.path, t_.schema, o));
      writers.push_back(std::move(w));
    }
    return std::unique_ptr<SinkBatch>(std::make_unique<DeltaSinkBatch>(&t_, std::move(writers)));
  }

 private:
  Tables t_;
  std::mutex mu_;
  LogState log_;
};

class ForeachSinkBatch final : public SinkBatch {
 public:
  ForeachSinkBatch(const std::function<Status(const RecordBatch&, int64_t)>* fn, int64_t id)
      : fn_(fn), id_(id) {}
  Status write(int, const RecordBatch& batch, std::vector<RowViolation>*) override {
    rows_ += batch.num_rows();
    return (*fn_)(batch, id_);
  }
  Result<CommitOutcome> commit(const RawBatch&, std::vector<DeadLetter> dead_letters,
                               const StreamTestHook&, int64_t) override {
    CommitOutcome out;
    out.committed = true;
    out.num_output_rows = rows_;
    out.num_dead_letter_rows = static_cast<int64_t>(dead_letters.size());
    return out;
  }
  void abort() override {}

 private:
  const std::function<Status(const RecordBatch&, int64_t)>* fn_;
  int64_t id_;
  int64_t rows_ = 0;
};

class ForeachSink final : public QuerySink {
 public:
  ForeachSink(std::function<Status(const RecordBatch&, int64_t)> fn, std::string description)
      : fn_(std::move(fn)), description_(std::move(description)) {}
  std::string description() const override { return description_; }
  int max_chunks() const override { return 1; }
  Result<std::optional<int64_t>> start_offset(const std::string&, int32_t) override {
    return std::optional<int64_t>();
  }
  Result<std::unique_ptr<SinkBatch>> begin_batch(int64_t batch_id, int) override {
    return std::unique_ptr<SinkBatch>(std::make_unique<ForeachSinkBatch>(&fn_, batch_id));
  }

 private:
  std::function<Status(const RecordBatch&, int64_t)> fn_;
  std::string description_;
};

}  // namespace

std::string txn_app_id(const std::string& query_id, const std::string& topic, int32_t partition) {
  return query_id + "-" + topic + "-" + std::to_string(partition);
}

std::string dead_letter_app_id(const std::string& query_id, const std::string& topic,
                               int32_t partition) {
  return txn_app_id(query_id, topic, partition) + "-dead-letter";
}

Schema dead_letter_schema() {
  return Schema()
      .add("reason", DataType::string(), false)
      .add("field", DataType::string(), false)
      .add("topic", DataType::string(), false)
      .add("partition", DataType::int_(), false)
      .add("offset", DataType::long_(), false)
      .add("enqueuedTime", DataType::timestamp(), false)
      .add("raw", DataType::binary(), false);
}

Result<std::unique_ptr<QuerySink>> make_delta_sink(
    std::shared_ptr<FileSystem> fs, std::string table_path,
    std::shared_ptr<FileSystem> dead_letter_fs, std::string dead_letter_path, const Schema& schema,
    const WriteSpec& spec, std::string query_id, AutoCompactSettings auto_compact,
    bool merge_schema) {
  Tables t;
  t.merge_schema = merge_schema;
  t.auto_compact = auto_compact;
  t.description = "DeltaSink[" + fs->describe(table_path) + "]";
  t.fs = std::move(fs);
  t.path = std::move(table_path);
  t.dl_fs = std::move(dead_letter_fs);
  t.dl_path = std::move(dead_letter_path);
  t.schema = schema;
  t.writer_options.partition_columns = spec.partition_columns;
  t.table_properties = spec.table_properties;
  auto codec = spec.options.find("compression");
  if (codec != spec.options.end()) {
    LS_ASSIGN_OR_RAISE(t.writer_options.parquet.compression,
                       parse_parquet_compression(codec->second));
  }
  t.query_id = std::move(query_id);
  auto sink = std::make_unique<DeltaSink>(std::move(t));
  LS_RETURN_NOT_OK(sink->open());
  return std::unique_ptr<QuerySink>(std::move(sink));
}

std::unique_ptr<QuerySink> make_foreach_sink(std::function<Status(const RecordBatch&, int64_t)> fn,
                                             std::string description) {
  return std::make_unique<ForeachSink>(std::move(fn), std::move(description));
}

}  // namespace lakestream::stream_internal
