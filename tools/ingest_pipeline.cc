#include "ingest_pipeline.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "lakestream/delta/delta_table.h"
#include "lakestream/delta/table_writer.h"
#include "lakestream/storage/local_file_system.h"

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

/// The input file mapped into memory: workers decode straight from the page cache (no copy),
/// the kernel reads ahead (MADV_SEQUENTIAL) while they work, and each worker drops the pages of
/// a chunk it has finished, so the resident memory stays a few chunks whatever the file size.
class InputFile {
 public:
  ~InputFile() {
    if (data_ != nullptr) ::munmap(data_, static_cast<size_t>(size_));
    if (fd_ >= 0) ::close(fd_);
  }
  Status open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::NotFound("cannot open input '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return Status::IOError("cannot stat '" + path + "'");
    size_ = st.st_size;
    if (size_ == 0) return Status::OK();
    void* p = ::mmap(nullptr, static_cast<size_t>(size_), PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) {
      return Status::IOError("cannot map input '" + path + "': " + std::strerror(errno));
    }
    data_ = static_cast<char*>(p);
    (void)::madvise(data_, static_cast<size_t>(size_), MADV_SEQUENTIAL);
    return Status::OK();
  }
  int64_t size() const { return size_; }
  const char* data() const { return data_; }

  /// Index of the first '\n' at or after `from`; size() when there is none.
  int64_t find_newline(int64_t from) const {
    if (from >= size_) return size_;
    const void* p = std::memchr(data_ + from, '\n', static_cast<size_t>(size_ - from));
    return p == nullptr ? size_ : static_cast<const char*>(p) - data_;
  }

  /// Drop the whole pages inside [begin, end) from this process (they stay in the page cache;
  /// touching them again just maps them back, so a neighbour reading a boundary is safe).
  void release(int64_t begin, int64_t end) const {
    const int64_t page = 4096;
    const int64_t b = (begin + page - 1) / page * page;
    const int64_t e = end / page * page;
    if (e > b) (void)::madvise(data_ + b, static_cast<size_t>(e - b), MADV_DONTNEED);
  }

 private:
  int fd_ = -1;
  char* data_ = nullptr;
  int64_t size_ = 0;
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
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text.data())
                          : text.size();
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

/// What one worker did.
struct WorkerState {
  std::unique_ptr<DeltaTableWriter> writer;
  std::vector<TaggedReject> rejects;
  int64_t rows = 0;
  Status status;
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
                            const std::vector<std::string>& partition_by) {
  Transaction t = table.begin();
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
  h = fnv1a(h, std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                              st.st_mtim.tv_nsec));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return "lakestream-ingest-" + std::string(hex);
}

Result<IngestResult> ingest_file(const IngestOptions& options, const std::string& input_path,
                                 IngestProgress* progress) {
  const auto started = Clock::now();
  IngestResult result;
  result.input = input_path;
  LS_ASSIGN_OR_RAISE(result.app_id, ingest_app_id(options.table_uri, input_path));
  const std::string& app_id = result.app_id;

  LS_ASSIGN_OR_RAISE(Schema flat_schema, options.schema.flatten());
  LS_ASSIGN_OR_RAISE(auto table_loc, open_table_location(options.table_uri));
  auto table_opened = DeltaTable::open_or_create(table_loc.first, table_loc.second,
                                                 {flat_schema, options.partition_by, {}});
  if (!table_opened.ok()) return table_opened.status().with_context(options.table_uri);
  DeltaTable& table = *table_opened;
  if (table.txn_version(app_id).has_value()) {
    result.already_ingested = true;
    result.table_version = table.version();
    return result;
  }

  InputFile input;
  LS_RETURN_NOT_OK(input.open(input_path));
  result.bytes = input.size();
  if (progress) progress->total_bytes = input.size();

  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int64_t chunk = std::max<int64_t>(options.chunk_bytes, 1);
  const int64_t num_chunks = std::max<int64_t>(1, (input.size() + chunk - 1) / chunk);
  std::vector<ChunkCounts> counts(static_cast<size_t>(num_chunks));
  std::vector<int64_t> chunk_starts(static_cast<size_t>(num_chunks), 0);
  std::atomic<int64_t> next_chunk{0};
  std::atomic<bool> stop{false};

  JsonDecodeOptions decode_options;
  // Fail-fast is decided after all chunks, on the first bad line of the file: the decoder sees
  // chunks with chunk-relative line numbers.
  decode_options.mode =
      options.mode == DecodeMode::kFailFast ? DecodeMode::kDeadLetter : options.mode;

  std::vector<WorkerState> workers(static_cast<size_t>(threads));
  for (int w = 0; w < threads; ++w) {
    DeltaTableWriterOptions wo;
    wo.partition_columns = options.partition_by;
    wo.parquet.compression = options.compression;
    wo.target_file_bytes = options.target_file_bytes;
    wo.task_id = w;
    LS_ASSIGN_OR_RAISE(workers[static_cast<size_t>(w)].writer,
                       DeltaTableWriter::make(table_loc.first, table_loc.second, flat_schema, wo));
  }

  auto work = [&](WorkerState& state) {
    auto decoder = JsonDecoder::make(options.schema, decode_options);
    if (!decoder.ok()) {
      state.status = decoder.status();
      stop = true;
      return;
    }
    std::vector<RejectedRecord> rejects;
    RecordBatch batch = RecordBatch::make_empty(options.schema);
    while (!stop) {
      const int64_t k = next_chunk.fetch_add(1);
      if (k >= num_chunks) break;
      const int64_t lo = k * chunk;
      const int64_t hi = std::min(input.size(), lo + chunk);
      // Lines starting in [lo, hi) belong to chunk k.
      const int64_t begin = k == 0 ? 0 : input.find_newline(lo - 1) + 1;
      const int64_t end = begin < hi ? std::min(input.find_newline(hi - 1) + 1, input.size())
                                     : begin;
      const std::string_view text =
          begin < end ? std::string_view(input.data() + begin, static_cast<size_t>(end - begin))
                      : std::string_view();
      Status st;
      chunk_starts[static_cast<size_t>(k)] = begin;
      counts[static_cast<size_t>(k)] = count_lines(text);
      if (!text.empty()) {
        // One batch per worker, emptied between chunks: its buffers keep their capacity, so
        // later chunks decode into memory that is already faulted in.
        for (size_t c = 0; c < batch.num_columns(); ++c) batch.mutable_column(c).truncate(0);
        rejects.clear();
        st = decoder->decode_ndjson(text, input_path, &batch, &rejects, 1);
        if (st.ok()) {
          auto flat = batch.flatten();
          st = flat.ok() ? state.writer->write(*flat) : flat.status();
          state.rows += batch.num_rows();
          if (progress) progress->rows_done += batch.num_rows();
        }
        if (!st.ok()) {
          state.status = st;
          stop = true;
          return;
        }
        for (auto& r : rejects) state.rejects.push_back({k, std::move(r)});
      }
      input.release(begin, end);
      if (progress) progress->bytes_done += hi - lo;
    }
  };

  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(work, std::ref(workers[static_cast<size_t>(w)]));
  work(workers[0]);
  for (auto& t : pool) t.join();

  auto abort_all = [&] {
    for (auto& w : workers) w.writer->abort();
  };
  for (auto& w : workers) {
    if (!w.status.ok()) {
      abort_all();
      return w.status.with_context("ingesting '" + input_path + "'");
    }
  }

  // Line numbers and byte offsets from chunk-relative to file-absolute.
  std::vector<int64_t> first_line(static_cast<size_t>(num_chunks), 1);
  for (int64_t k = 1; k < num_chunks; ++k) {
    first_line[static_cast<size_t>(k)] =
        first_line[static_cast<size_t>(k - 1)] + counts[static_cast<size_t>(k - 1)].lines;
  }
  std::vector<RejectedRecord> rejects;
  for (auto& w : workers) {
    for (auto& r : w.rejects) {
      r.record.position.line += first_line[static_cast<size_t>(r.chunk)] - 1;
      r.record.position.offset += chunk_starts[static_cast<size_t>(r.chunk)];
      rejects.push_back(std::move(r.record));
    }
    result.rows += w.rows;
  }
  std::sort(rejects.begin(), rejects.end(), [](const RejectedRecord& a, const RejectedRecord& b) {
    return a.position.line < b.position.line;
  });
  for (const auto& c : counts) result.lines += c.non_blank;
  result.rejects = static_cast<int64_t>(rejects.size());

  if (options.mode == DecodeMode::kFailFast && !rejects.empty()) {
    abort_all();
    return Status::InvalidArgument("fail-fast: " + rejects.front().position.to_string() + ": " +
                                   rejects.front().reason);
  }
  // The identity the dead-letter table exists for: nothing read is lost or counted twice.
  if (result.lines != result.rows + result.rejects) {
    abort_all();
    return Status::Internal("ingesting '" + input_path + "': " + std::to_string(result.lines) +
                            " lines read but " + std::to_string(result.rows) + " rows + " +
                            std::to_string(result.rejects) + " rejects");
  }

  std::vector<AddFile> adds;
  for (auto& w : workers) {
    auto finished = w.writer->finish();
    if (!finished.ok()) {
      abort_all();
      return finished.status();
    }
    for (auto& a : *finished) adds.push_back(std::move(a));
  }
  result.files = static_cast<int64_t>(adds.size());

  // Dead letters first (see the header): once the main table holds the txn, all is in.
  if (!rejects.empty()) {
    auto dl_loc = open_table_location(options.dead_letter_uri);
    if (!dl_loc.ok()) {
      abort_all();
      return dl_loc.status();
    }
    const Schema dl_schema = dead_letter_schema();
    auto dl_table = DeltaTable::open_or_create(dl_loc->first, dl_loc->second, {dl_schema, {}, {}});
    if (!dl_table.ok()) {
      abort_all();
      return dl_table.status().with_context(options.dead_letter_uri);
    }
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
      auto dl_writer = DeltaTableWriter::make(dl_loc->first, dl_loc->second, dl_schema, wo);
      Status st = dl_writer.ok() ? (*dl_writer)->write(batch) : dl_writer.status();
      Result<std::vector<AddFile>> dl_adds = st.ok() ? (*dl_writer)->finish() : Result<std::vector<AddFile>>(st);
      Result<int64_t> committed =
          dl_adds.ok() ? commit_adds(*dl_table, std::move(*dl_adds), app_id, {})
                       : Result<int64_t>(dl_adds.status());
      if (!committed.ok()) {
        if (dl_writer.ok()) (*dl_writer)->abort();
        // Another run committed this input's dead letters first: theirs stand.
        if (committed.status().code() != StatusCode::kConflict) {
          abort_all();
          return committed.status().with_context("dead-letter table " + options.dead_letter_uri);
        }
      }
    }
  }

  auto version = commit_adds(table, std::move(adds), app_id, options.partition_by);
  if (!version.ok()) {
    abort_all();
    if (version.status().code() == StatusCode::kConflict && table.refresh().ok() &&
        table.txn_version(app_id).has_value()) {
      result.already_ingested = true;
      result.table_version = table.version();
      result.rows = result.rejects = result.files = 0;
      return result;
    }
    return version.status().with_context("committing to " + options.table_uri);
  }
  result.table_version = *version;
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace lakestream::cli
