#include "ingest_pipeline.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "lakestream/delta/clustering.h"
#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/stats.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/storage/local_file_system.h"
#include "lakestream/storage/open_file_system.h"

namespace lakestream::cli {

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

/// A table URI made absolute when it is a local path, so the same table named two ways gives
/// the same app id.
std::string canonical_table(const std::string& uri) {
  if (uri.find("://") != std::string::npos || uri.rfind("file:", 0) == 0) return uri;
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(uri, ec), ec);
  std::string s = ec ? uri : p.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

/// A worker's reusable read buffer: chunks are read into it with pread (one copy out of the
/// page cache into memory that stays mapped), which costs less than faulting a mapping of the
/// file in page by page and dropping it again. Mapped in 2 MiB steps with a transparent huge
/// page hint: a few faults for the worker's whole run.
class ChunkBuffer {
 public:
  ChunkBuffer() = default;
  ChunkBuffer(const ChunkBuffer&) = delete;
  ChunkBuffer& operator=(const ChunkBuffer&) = delete;
  ~ChunkBuffer() {
    if (data_ != nullptr) ::munmap(data_, capacity_);
  }
  char* data() { return data_; }
  /// Room for `n` bytes, keeping the first `keep` bytes.
  Status ensure(size_t n, size_t keep) {
    if (n <= capacity_) return Status::OK();
    constexpr size_t kStep = 2 << 20;
    const size_t cap = (std::max(n, capacity_ + capacity_ / 2) + kStep - 1) / kStep * kStep;
    void* p = ::mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      return Status::IOError("cannot allocate a " + std::to_string(cap >> 20) +
                             " MiB read buffer: " + std::strerror(errno));
    }
    (void)::madvise(p, cap, MADV_HUGEPAGE);
    if (data_ != nullptr) {
      if (keep > 0) std::memcpy(p, data_, std::min(keep, capacity_));
      ::munmap(data_, capacity_);
    }
    data_ = static_cast<char*>(p);
    capacity_ = cap;
    return Status::OK();
  }

 private:
  char* data_ = nullptr;
  size_t capacity_ = 0;
};

/// One NDJSON input file, read by chunks at line boundaries from any thread.
class InputFile {
 public:
  InputFile() = default;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { close(); }
  /// Check that the file opens and take its size. The descriptor itself is opened by the first
  /// read and closed by close(), so a run over thousands of inputs keeps only the few it is
  /// working on open.
  Status open(const std::string& path) {
    path_ = path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status::NotFound("cannot open input '" + path + "': " + std::strerror(errno));
    }
    struct stat st {};
    const int rc = ::fstat(fd, &st);
    ::close(fd);
    if (rc != 0) return Status::IOError("cannot stat '" + path + "'");
    size_ = st.st_size;
    return Status::OK();
  }
  /// Close the descriptor; no read may be under way.
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int64_t size() const { return size_; }

  /// Read the lines that start in [lo, hi) (the last one whole, wherever it ends) into `buf`;
  /// `*begin` is the file offset of `*text`. Empty when no line starts in the range.
  Status read_lines(int64_t lo, int64_t hi, ChunkBuffer* buf, int64_t* begin,
                    std::string_view* text) const {
    *text = {};
    *begin = hi;
    if (lo >= hi) return Status::OK();
    LS_RETURN_NOT_OK(open_once());
    // One byte before lo tells whether a line starts at lo; some slack past hi usually holds
    // the end of the line that crosses hi.
    const int64_t start = lo == 0 ? 0 : lo - 1;
    int64_t len = std::min(size_, hi + kSlack) - start;
    LS_RETURN_NOT_OK(buf->ensure(static_cast<size_t>(len) + kPadding, 0));
    LS_RETURN_NOT_OK(read_at(start, len, buf->data()));
    int64_t b = 0;
    if (lo > 0) {
      const void* nl = std::memchr(buf->data(), '\n', static_cast<size_t>(hi - 1 - start));
      if (nl == nullptr) return Status::OK();  // a line longer than the chunk crosses it
      b = static_cast<const char*>(nl) - buf->data() + 1;
    }
    // The first line break at or after hi - 1 ends the chunk's last line.
    int64_t scan = hi - 1 - start;
    int64_t e = -1;
    while (true) {
      const char* base = buf->data();
      const void* nl = std::memchr(base + scan, '\n', static_cast<size_t>(len - scan));
      if (nl != nullptr) {
        e = static_cast<const char*>(nl) - base + 1;
        break;
      }
      if (start + len >= size_) {
        e = len;
        break;
      }
      const int64_t more = std::min(size_ - (start + len), std::max<int64_t>(len, kSlack));
      LS_RETURN_NOT_OK(
          buf->ensure(static_cast<size_t>(len + more) + kPadding, static_cast<size_t>(len)));
      LS_RETURN_NOT_OK(read_at(start + len, more, buf->data() + len));
      scan = len;
      len += more;
    }
    *begin = start + b;
    *text = std::string_view(buf->data() + b, static_cast<size_t>(e - b));
    return Status::OK();
  }

 private:
  static constexpr int64_t kSlack = 64 << 10;
  static constexpr size_t kPadding = 64;  // simdjson reads up to 64 bytes past a document

  Status open_once() const {
    std::call_once(opened_, [this] {
      fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) {
        open_status_ =
            Status::NotFound("cannot open input '" + path_ + "': " + std::strerror(errno));
      } else {
        (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
      }
    });
    return open_status_;
  }

  Status read_at(int64_t offset, int64_t len, char* out) const {
    while (len > 0) {
      const ssize_t n = ::pread(fd_, out, static_cast<size_t>(len), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return Status::IOError("cannot read input '" + path_ + "' at offset " +
                               std::to_string(offset) + ": " +
                               (n < 0 ? std::strerror(errno) : "the file shrank"));
      }
      out += n;
      offset += n;
      len -= n;
    }
    return Status::OK();
  }

  std::string path_;
  int64_t size_ = 0;
  mutable std::once_flag opened_;
  mutable int fd_ = -1;
  mutable Status open_status_;
};

struct ChunkCounts {
  int64_t lines = 0;      ///< line numbers the chunk uses
  int64_t non_blank = 0;  ///< lines that are not empty or whitespace only
};

ChunkCounts count_lines(std::string_view text) {
  ChunkCounts c;
  size_t pos = 0;
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const size_t end =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    ++c.lines;
    for (size_t i = pos; i < end; ++i) {
      const char ch = text[i];
      if (ch != ' ' && ch != '\t' && ch != '\r') {
        ++c.non_blank;
        break;
      }
    }
    pos = end + 1;
  }
  return c;
}

struct TaggedReject {
  int64_t chunk;
  RejectedRecord record;
};

Schema dead_letter_schema() {
  return Schema()
      .add("reason", DataType::string(), false)
      .add("field", DataType::string())
      .add("source", DataType::string(), false)
      .add("line", DataType::long_())
      .add("offset", DataType::long_())
      .add("raw", DataType::binary(), false)
      .add("ingest_time", DataType::timestamp(), false);
}

Result<std::pair<std::shared_ptr<FileSystem>, std::string>> open_table_location(
    const std::string& uri) {
  auto opened = open_file_system(uri);
  if (!opened.ok()) return opened.status().with_context("table '" + uri + "'");
  return opened;
}

std::string partition_by_json(const std::vector<std::string>& columns) {
  std::string out = "[";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ",";
    out += "\"" + columns[i] + "\"";
  }
  return out + "]";
}

/// Commit `adds` with the txn; Conflict on the txn means another run ingested the input first.
Result<int64_t> commit_adds(DeltaTable& table, std::vector<AddFile> adds, const std::string& app_id,
                            const std::vector<std::string>& partition_by,
                            std::shared_ptr<IdentityAllocator> identity = nullptr) {
  Transaction t = table.begin();
  t.set_identity(std::move(identity));
  for (AddFile& a : adds) t.add_file(std::move(a));
  t.set_txn(app_id, 0);
  return t.commit("WRITE", {{"mode", "Append"}, {"partitionBy", partition_by_json(partition_by)}});
}

}  // namespace

Result<std::string> ingest_app_id(const std::string& table_uri, const std::string& input_path) {
  std::error_code ec;
  const auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(input_path), ec);
  if (ec) return Status::NotFound("cannot resolve input '" + input_path + "': " + ec.message());
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0) {
    return Status::NotFound("cannot stat input '" + input_path + "': " + std::strerror(errno));
  }
  uint64_t h = 14695981039346656037ULL;
  h = fnv1a(h, canonical_table(table_uri));
  h = fnv1a(h, std::string_view("\0", 1));
  h = fnv1a(h, abs.string());
  h = fnv1a(h, std::string_view("\0", 1));
  h = fnv1a(h, std::to_string(st.st_size));
  h = fnv1a(h, std::string_view("\0", 1));
  h = fnv1a(
      h, std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return "lakestream-ingest-" + std::string(hex);
}

namespace {

/// One input of the run and what the workers did with it.
struct InputJob {
  std::string path;
  std::string app_id;
  InputFile file;
  bool skip = false;  ///< already ingested (found at the start, or earlier in this run)
  int64_t num_chunks = 0;
  int64_t first_item = 0;  ///< the run-wide number of its chunk 0
  std::vector<ChunkCounts> counts;
  std::vector<int64_t> chunk_starts;
  // One slot per worker; a worker touches only its own slot, the committer only once
  // pending is 0 (or after the workers are joined).
  std::vector<std::unique_ptr<DeltaTableWriter>> writers;
  std::vector<std::vector<AddFile>> adds;  ///< the worker's files, closed
  std::vector<std::vector<TaggedReject>> rejects;
  std::vector<int64_t> rows;
  /// Chunks not yet processed plus workers not yet done with the input (a worker is done
  /// once it has claimed a chunk of a later input, or none is left, and closed its files).
  std::atomic<int64_t> pending{0};
  std::atomic<bool> started{false};
  Clock::time_point start_time;  ///< written by the worker that claims chunk 0
  Status status;                 ///< the first worker error (under Run::mutex)

  void abort_writers() {
    for (auto& w : writers) {
      if (w) w->abort();
    }
  }
};

/// The lines of chunk `chunk`'s `text` whose rows a table constraint refused, as rejects: the
/// decoded batch's rows are the chunk's non-blank lines the decoder did not reject, in order
/// (`decode_rejects` are those, with chunk-relative line numbers and offsets).
void violations_to_rejects(std::string_view text, const std::string& source,
                           const std::vector<RejectedRecord>& decode_rejects,
                           const std::vector<RowViolation>& violations, int64_t chunk,
                           std::vector<TaggedReject>* out) {
  size_t pos = 0, r = 0, v = 0;
  int64_t line = 0, row = -1;
  while (pos < text.size() && v < violations.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const size_t end =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    ++line;
    std::string_view content = text.substr(pos, end - pos);
    const size_t at = pos;
    pos = end + 1;
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
    while (r < decode_rejects.size() && decode_rejects[r].position.line < line) ++r;
    if (r < decode_rejects.size() && decode_rejects[r].position.line == line) continue;
    if (++row != violations[v].row) continue;
    if (content.ends_with('\r')) content.remove_suffix(1);
    RejectedRecord rec;
    rec.reason = violations[v].reason;
    rec.field = violations[v].column;
    rec.position.source = source;
    rec.position.line = line;
    rec.position.offset = static_cast<int64_t>(at);
    rec.raw = std::string(content);
    out->push_back({chunk, std::move(rec)});
    ++v;
  }
}

/// What the workers and the committer share.
struct Run {
  std::mutex mutex;
  std::condition_variable changed;
  std::atomic<bool> stop{false};
  int64_t committed = 0;  ///< active inputs the committer has finished with (under mutex)
  Status error;           ///< a failure that belongs to no input (under mutex)

  void fail(InputJob* job, Status st) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      Status& slot = job != nullptr ? job->status : error;
      if (slot.ok()) slot = std::move(st);
      stop = true;
    }
    changed.notify_all();
  }
};

/// Decodes, flattens and encodes the chunks it claims, in run order.
class Worker {
 public:
  Worker(int index, const IngestOptions& options, const JsonDecodeOptions& decode_options,
         const Schema& flat_schema, std::shared_ptr<FileSystem> fs, std::string table_path,
         const std::vector<InputJob*>& active, int64_t total_items, std::atomic<int64_t>* next_item,
         Run* run, IngestProgress* progress, const DeltaTableWriterOptions& table_options)
      : index_(index),
        options_(options),
        decode_options_(decode_options),
        flat_schema_(flat_schema),
        fs_(std::move(fs)),
        table_path_(std::move(table_path)),
        active_(active),
        total_items_(total_items),
        next_item_(next_item),
        run_(run),
        progress_(progress),
        table_options_(table_options) {}

  void operator()() {
    auto decoder = JsonDecoder::make(options_.schema, decode_options_);
    if (!decoder.ok()) {
      run_->fail(nullptr, decoder.status());
      return;
    }
    RecordBatch batch = RecordBatch::make_empty(decoder->output_schema());
    std::vector<RejectedRecord> rejects;
    ChunkBuffer buffer;
    size_t a = 0;  // index in active_ of the input being worked on
    while (!run_->stop) {
      const int64_t item = next_item_->fetch_add(1);
      if (item >= total_items_) break;
      while (item >= active_[a]->first_item + active_[a]->num_chunks) {
        if (!retire(*active_[a++])) return;
      }
      if (!wait_for_turn(static_cast<int64_t>(a))) break;
      InputJob& job = *active_[a];
      const int64_t k = item - job.first_item;
      if (k == 0) {
        job.start_time = Clock::now();
        job.started = true;
      }
      Status st = process(job, k, *decoder, batch, rejects, buffer);
      if (!st.ok()) {
        run_->fail(&job, st.with_context("ingesting '" + job.path + "'"));
        return;
      }
      done_one(job);
    }
    // No chunk left: close this worker's files of the remaining inputs while the other
    // workers finish their last chunks.
    while (!run_->stop && a < active_.size()) {
      if (!retire(*active_[a++])) return;
    }
  }

 private:
  void done_one(InputJob& job) {
    if (job.pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(run_->mutex);
      run_->changed.notify_all();
    }
  }

  /// This worker will not touch `job` again: close its files (in parallel with the other
  /// workers, not on the committer's thread at the end).
  bool retire(InputJob& job) {
    auto& writer = job.writers[static_cast<size_t>(index_)];
    if (writer) {
      auto finished = writer->finish();
      if (!finished.ok()) {
        run_->fail(&job, finished.status().with_context("ingesting '" + job.path + "'"));
        return false;
      }
      job.adds[static_cast<size_t>(index_)] = std::move(*finished);
    }
    done_one(job);
    return true;
  }

  /// Work on active input `a` only once the committer is done with input a - 2: at most the
  /// input being committed and the next one are open, so memory does not grow with the
  /// number of inputs when commits are slow. False when the run stops meanwhile.
  bool wait_for_turn(int64_t a) {
    std::unique_lock<std::mutex> lock(run_->mutex);
    run_->changed.wait(lock, [&] { return run_->stop || run_->committed >= a - 1; });
    return !run_->stop;
  }

  Status process(InputJob& job, int64_t k, JsonDecoder& decoder, RecordBatch& batch,
                 std::vector<RejectedRecord>& rejects, ChunkBuffer& buffer) {
    const auto w = static_cast<size_t>(index_);
    const int64_t chunk = options_.chunk_bytes;
    const int64_t lo = k * chunk;
    const int64_t hi = std::min(job.file.size(), lo + chunk);
    int64_t begin = 0;
    std::string_view text;
    LS_RETURN_NOT_OK(job.file.read_lines(lo, hi, &buffer, &begin, &text));
    job.chunk_starts[static_cast<size_t>(k)] = begin;
    job.counts[static_cast<size_t>(k)] = count_lines(text);
    if (!text.empty()) {
      if (!job.writers[w]) {
        DeltaTableWriterOptions wo = table_options_;
        wo.partition_columns = options_.partition_by;
        wo.parquet.compression = options_.compression;
        wo.target_file_bytes = options_.target_file_bytes;
        wo.task_id = index_;
        wo.num_indexed_columns = options_.num_indexed_columns;
        wo.always_stats_columns = options_.always_stats_columns;
        LS_ASSIGN_OR_RAISE(job.writers[w],
                           DeltaTableWriter::make(fs_, table_path_, flat_schema_, wo));
      }
      // One batch per worker, emptied between chunks: its buffers keep their capacity, so
      // later chunks decode into memory that is already faulted in.
      for (size_t c = 0; c < batch.num_columns(); ++c) batch.mutable_column(c).truncate(0);
      rejects.clear();
      LS_RETURN_NOT_OK(decoder.decode_ndjson(text, job.path, &batch, &rejects, 1));
      violations_.clear();
      if (options_.flatten) {
        LS_ASSIGN_OR_RAISE(RecordBatch flat, batch.flatten());
        LS_RETURN_NOT_OK(job.writers[w]->write(flat, &violations_));
      } else {
        LS_RETURN_NOT_OK(job.writers[w]->write(batch, &violations_));
      }
      const int64_t kept = batch.num_rows() - static_cast<int64_t>(violations_.size());
      job.rows[w] += kept;
      if (progress_) progress_->rows_done += kept;
      // Rows a table constraint refused go where the decoder's rejects go.
      if (!violations_.empty()) {
        violations_to_rejects(text, job.path, rejects, violations_, k, &job.rejects[w]);
      }
      for (auto& r : rejects) job.rejects[w].push_back({k, std::move(r)});
    }
    if (progress_) progress_->bytes_done += hi - lo;
    return Status::OK();
  }

  const int index_;
  const IngestOptions& options_;
  const JsonDecodeOptions& decode_options_;
  const Schema& flat_schema_;
  std::shared_ptr<FileSystem> fs_;
  std::string table_path_;
  const std::vector<InputJob*>& active_;
  const int64_t total_items_;
  std::atomic<int64_t>* next_item_;
  Run* run_;
  IngestProgress* progress_;
  /// What the table asks of its writers (DeltaTable::configure_writer: rules, column mapping).
  const DeltaTableWriterOptions& table_options_;
  std::vector<RowViolation> violations_;
};

/// Everything after the last chunk of an input: line numbers made absolute, the checks, the
/// files finished, dead letters committed, then the data (see the header).
Result<IngestResult> commit_input(const IngestOptions& options, InputJob& job, DeltaTable& table,
                                  const DeltaTableWriterOptions& table_options) {
  IngestResult result;
  result.input = job.path;
  result.app_id = job.app_id;
  result.bytes = job.file.size();
  const std::string& app_id = job.app_id;

  // Line numbers and byte offsets from chunk-relative to file-absolute.
  std::vector<int64_t> first_line(static_cast<size_t>(job.num_chunks), 1);
  for (int64_t k = 1; k < job.num_chunks; ++k) {
    first_line[static_cast<size_t>(k)] =
        first_line[static_cast<size_t>(k - 1)] + job.counts[static_cast<size_t>(k - 1)].lines;
  }
  std::vector<RejectedRecord> rejects;
  for (size_t w = 0; w < job.rejects.size(); ++w) {
    for (auto& r : job.rejects[w]) {
      r.record.position.line += first_line[static_cast<size_t>(r.chunk)] - 1;
      r.record.position.offset += job.chunk_starts[static_cast<size_t>(r.chunk)];
      rejects.push_back(std::move(r.record));
    }
    result.rows += job.rows[w];
  }
  std::sort(rejects.begin(), rejects.end(), [](const RejectedRecord& a, const RejectedRecord& b) {
    return a.position.line < b.position.line;
  });
  for (const auto& c : job.counts) result.lines += c.non_blank;
  result.rejects = static_cast<int64_t>(rejects.size());

  if (options.mode == DecodeMode::kFailFast && !rejects.empty()) {
    return Status::InvalidArgument("fail-fast: " + rejects.front().position.to_string() + ": " +
                                   rejects.front().reason);
  }
  // The identity the dead-letter table exists for: nothing read is lost or counted twice.
  if (result.lines != result.rows + result.rejects) {
    return Status::Internal("ingesting '" + job.path + "': " + std::to_string(result.lines) +
                            " lines read but " + std::to_string(result.rows) + " rows + " +
                            std::to_string(result.rejects) + " rejects");
  }

  std::vector<AddFile> adds;
  for (auto& w : job.adds) {
    for (auto& a : w) adds.push_back(std::move(a));
  }
  result.files = static_cast<int64_t>(adds.size());

  // Dead letters first (see the header): once the main table holds the txn, all is in.
  if (!rejects.empty()) {
    LS_ASSIGN_OR_RAISE(auto dl_loc, open_table_location(options.dead_letter_uri));
    const Schema dl_schema = dead_letter_schema();
    auto dl_table = DeltaTable::open_or_create(dl_loc.first, dl_loc.second, {dl_schema, {}, {}});
    if (!dl_table.ok()) return dl_table.status().with_context(options.dead_letter_uri);
    if (!dl_table->txn_version(app_id).has_value()) {
      RecordBatch batch = RecordBatch::make_empty(dl_schema);
      const int64_t now = now_micros();
      for (const RejectedRecord& r : rejects) {
        batch.mutable_column(0).append_string(r.reason);
        if (r.field.empty()) {
          batch.mutable_column(1).append_null();
        } else {
          batch.mutable_column(1).append_string(r.field);
        }
        batch.mutable_column(2).append_string(r.position.source);
        batch.mutable_column(3).append<int64_t>(r.position.line);
        batch.mutable_column(4).append<int64_t>(r.position.offset);
        batch.mutable_column(5).append_string(r.raw);
        batch.mutable_column(6).append<int64_t>(now);
      }
      DeltaTableWriterOptions wo;
      wo.parquet.compression = options.compression;
      auto dl_writer = DeltaTableWriter::make(dl_loc.first, dl_loc.second, dl_schema, wo);
      Status st = dl_writer.ok() ? (*dl_writer)->write(batch) : dl_writer.status();
      Result<std::vector<AddFile>> dl_adds =
          st.ok() ? (*dl_writer)->finish() : Result<std::vector<AddFile>>(st);
      Result<int64_t> committed = dl_adds.ok()
                                      ? commit_adds(*dl_table, std::move(*dl_adds), app_id, {})
                                      : Result<int64_t>(dl_adds.status());
      if (!committed.ok()) {
        if (dl_writer.ok()) (*dl_writer)->abort();
        // Another run committed this input's dead letters first: theirs stand.
        if (committed.status().code() != StatusCode::kConflict) {
          return committed.status().with_context("dead-letter table " + options.dead_letter_uri);
        }
      }
    }
  }

  auto version =
      commit_adds(table, std::move(adds), app_id, options.partition_by, table_options.identity);
  if (!version.ok()) {
    if (version.status().code() == StatusCode::kConflict && table.refresh().ok() &&
        table.txn_version(app_id).has_value()) {
      job.abort_writers();  // another run ingested this input first: our files go
      result.already_ingested = true;
      result.table_version = table.version();
      result.rows = result.rejects = result.files = 0;
      return result;
    }
    return version.status().with_context("committing to " + options.table_uri);
  }
  result.table_version = *version;
  return result;
}

}  // namespace

Status ingest_files(const IngestOptions& options, const std::vector<std::string>& inputs,
                    IngestProgress* progress,
                    const std::function<void(const IngestResult&)>& on_committed) {
  const auto run_started = Clock::now();
  JsonDecodeOptions decode_options;
  // Fail-fast is decided per input after all its chunks, on the first bad line of the file:
  // the decoder sees chunks with chunk-relative line numbers.
  decode_options.mode =
      options.mode == DecodeMode::kFailFast ? DecodeMode::kDeadLetter : options.mode;
  decode_options.rescued_data_column = options.rescued_data_column;
  // The table's schema is the decoder's output (with the rescued-data column, a top-level
  // string that flatten leaves alone), flattened. A bad option fails here, before any commit.
  LS_ASSIGN_OR_RAISE(JsonDecoder probe, JsonDecoder::make(options.schema, decode_options));
  LS_ASSIGN_OR_RAISE(Schema flat_schema, options.flatten ? probe.output_schema().flatten()
                                                         : Result<Schema>(probe.output_schema()));
  LS_ASSIGN_OR_RAISE(auto table_loc, open_table_location(options.table_uri));
  TableCreateOptions create{flat_schema, options.partition_by, options.table_properties};
  create.merge_schema = options.merge_schema;
  auto table_opened = DeltaTable::open_or_create(table_loc.first, table_loc.second, create);
  if (!table_opened.ok()) return table_opened.status().with_context(options.table_uri);
  DeltaTable& table = *table_opened;
  DeltaTableWriterOptions table_options;
  LS_RETURN_NOT_OK(table.configure_writer(&table_options).with_context(options.table_uri));

  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int64_t chunk = std::max<int64_t>(options.chunk_bytes, 1);
  IngestOptions opts = options;
  opts.chunk_bytes = chunk;
  // Statistics as the table asks (a table this run creates has the properties it was given).
  opts.num_indexed_columns = num_indexed_columns(
      table.state().metadata ? table.state().metadata->configuration : options.table_properties);
  LS_ASSIGN_OR_RAISE(opts.always_stats_columns, clustering_columns(table.state().domains));

  // Every input is identified and opened before any work, so the workers can run from one
  // input into the next without waiting for its commit.
  std::vector<std::unique_ptr<InputJob>> jobs;
  std::vector<InputJob*> active;
  std::unordered_set<std::string> app_ids;
  int64_t total_items = 0;
  for (const std::string& path : inputs) {
    auto job = std::make_unique<InputJob>();
    job->path = path;
    LS_ASSIGN_OR_RAISE(job->app_id, ingest_app_id(options.table_uri, path));
    const bool seen = !app_ids.insert(job->app_id).second;  // named twice in this run
    job->skip = seen || table.txn_version(job->app_id).has_value();
    if (!job->skip) {
      LS_RETURN_NOT_OK(job->file.open(path));
      job->num_chunks = std::max<int64_t>(1, (job->file.size() + chunk - 1) / chunk);
      job->first_item = total_items;
      total_items += job->num_chunks;
      job->counts.resize(static_cast<size_t>(job->num_chunks));
      job->chunk_starts.resize(static_cast<size_t>(job->num_chunks));
      job->writers.resize(static_cast<size_t>(threads));
      job->adds.resize(static_cast<size_t>(threads));
      job->rejects.resize(static_cast<size_t>(threads));
      job->rows.assign(static_cast<size_t>(threads), 0);
      job->pending = job->num_chunks + threads;
      if (progress) progress->total_bytes += job->file.size();
      active.push_back(job.get());
    }
    jobs.push_back(std::move(job));
  }

  Run run;
  std::atomic<int64_t> next_item{0};
  std::vector<std::thread> pool;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int w = 0; w < threads && total_items > 0; ++w) {
    workers.push_back(std::make_unique<Worker>(
        w, opts, decode_options, flat_schema, table_loc.first, table_loc.second, active,
        total_items, &next_item, &run, progress, table_options));
    pool.emplace_back(std::ref(*workers.back()));
  }
  // Whatever way this returns, the workers stop and nothing uncommitted stays behind.
  size_t next_commit = 0;  // jobs[i] for i < next_commit are done
  auto finish_run = [&](Status st) {
    run.stop = true;
    {
      std::lock_guard<std::mutex> lock(run.mutex);
      run.changed.notify_all();
    }
    for (auto& t : pool) t.join();
    pool.clear();
    if (!st.ok()) {
      for (size_t i = next_commit; i < jobs.size(); ++i) jobs[i]->abort_writers();
    }
    return st;
  };

  int64_t committed_active = 0;
  for (; next_commit < jobs.size(); ++next_commit) {
    InputJob& job = *jobs[next_commit];
    if (job.skip) {
      IngestResult r;
      r.input = job.path;
      r.app_id = job.app_id;
      r.already_ingested = true;
      r.table_version = table.version();
      on_committed(r);
      continue;
    }
    {
      std::unique_lock<std::mutex> lock(run.mutex);
      run.changed.wait(lock, [&] { return run.stop || job.pending.load() == 0; });
      if (job.pending.load() != 0) {
        // A worker failed: report the input it failed on (this one or a later one).
        Status st = run.error;
        for (size_t i = next_commit; i < jobs.size() && st.ok(); ++i) st = jobs[i]->status;
        lock.unlock();
        return finish_run(st.ok() ? Status::Internal("ingest stopped") : st);
      }
    }
    const auto started = job.started ? job.start_time : run_started;
    job.file.close();  // every chunk is read
    auto result = commit_input(opts, job, table, table_options);
    if (!result.ok()) return finish_run(result.status());
    result->seconds = std::chrono::duration<double>(Clock::now() -
                                                    (committed_active == 0 ? run_started : started))
                          .count();
    {
      std::lock_guard<std::mutex> lock(run.mutex);
      run.committed = ++committed_active;
    }
    run.changed.notify_all();
    on_committed(*result);
  }
  return finish_run(Status::OK());
}

}  // namespace lakestream::cli
