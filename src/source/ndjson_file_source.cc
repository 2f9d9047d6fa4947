#include "lakestream/source/ndjson_file_source.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "lakestream/common/strings.h"

namespace lakestream {

namespace {

constexpr int64_t kScanBlock = 64 << 10;  // backwards / forwards scans for line breaks

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Status read_at(int fd, const std::string& path, int64_t offset, int64_t len, char* out) {
  while (len > 0) {
    const ssize_t n = ::pread(fd, out, static_cast<size_t>(len), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IOError("cannot read '" + path + "' at offset " + std::to_string(offset) +
                             ": " + (n < 0 ? std::strerror(errno) : "the file shrank"));
    }
    out += n;
    offset += n;
    len -= n;
  }
  return Status::OK();
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : p.string();
}

bool listed_in_folder(const std::filesystem::directory_entry& e) {
  const std::string name = e.path().filename().string();
  std::error_code ec;
  return !name.empty() && name[0] != '.' && name[0] != '_' && e.is_regular_file(ec);
}

}  // namespace

struct NdjsonFileSource::File {
  std::string path;  // absolute
  int32_t partition = 0;
  int64_t size = 0;       // as last seen
  int64_t end = 0;        // last non-blank line start + 1, for `size`
  int64_t position = 0;   // the next line start to read
  int64_t previous = -1;  // the offset of the line before `position` (a batch's previous_offset)
  int fd = -1;

  ~File() { close_fd(); }
  void close_fd() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  Status open_fd() {
    if (fd >= 0) return Status::OK();
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::NotFound("cannot open '" + path + "': " + std::strerror(errno));
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return Status::OK();
  }

  /// Take the current size; when it changed, find the last non-blank line's start again.
  Status refresh() {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Status::NotFound("cannot stat '" + path + "': " + std::strerror(errno));
    }
    if (st.st_size == size && (end > 0 || size == 0)) return Status::OK();
    size = st.st_size;
    LS_RETURN_NOT_OK(open_fd());
    // Backwards from the end: the last non-blank byte, then the line break before it.
    std::vector<char> block(static_cast<size_t>(kScanBlock));
    int64_t last = -1;
    for (int64_t hi = size; hi > 0 && last < 0;) {
      const int64_t lo = std::max<int64_t>(0, hi - kScanBlock);
      LS_RETURN_NOT_OK(read_at(fd, path, lo, hi - lo, block.data()));
      for (int64_t i = hi - lo - 1; i >= 0; --i) {
        if (!is_blank(block[static_cast<size_t>(i)])) {
          last = lo + i;
          break;
        }
      }
      hi = lo;
    }
    if (last < 0) {
      end = 0;
      return Status::OK();
    }
    int64_t start = 0;
    for (int64_t hi = last; hi > 0;) {
      const int64_t lo = std::max<int64_t>(0, hi - kScanBlock);
      LS_RETURN_NOT_OK(read_at(fd, path, lo, hi - lo, block.data()));
      const void* nl = ::memrchr(block.data(), '\n', static_cast<size_t>(hi - lo));
      if (nl != nullptr) {
        start = lo + (static_cast<const char*>(nl) - block.data()) + 1;
        break;
      }
      hi = lo;
    }
    end = start + 1;
    return Status::OK();
  }

  /// The first line start at or after `offset` (the size when none).
  Result<int64_t> line_start_at_or_after(int64_t offset) {
    if (offset <= 0) return int64_t{0};
    if (offset >= size) return std::max(offset, size);
    LS_RETURN_NOT_OK(open_fd());
    std::vector<char> block(static_cast<size_t>(kScanBlock));
    // A line starts at `offset` when the byte before it ends one.
    for (int64_t lo = offset - 1; lo < size; lo += kScanBlock) {
      const int64_t len = std::min(kScanBlock, size - lo);
      LS_RETURN_NOT_OK(read_at(fd, path, lo, len, block.data()));
      const void* nl = std::memchr(block.data(), '\n', static_cast<size_t>(len));
      if (nl != nullptr) return lo + (static_cast<const char*>(nl) - block.data()) + 1;
    }
    return size;
  }
};

Result<NdjsonFileSourceOptions> NdjsonFileSourceOptions::from_options(
    const std::map<std::string, std::string>& options) {
  NdjsonFileSourceOptions out;
  auto path = options.find("path");
  if (path == options.end() || trim(path->second).empty()) {
    return Status::InvalidArgument("read_stream format 'ndjson': option path is required");
  }
  std::string_view rest = path->second;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view one = trim(rest.substr(0, comma));
    if (!one.empty()) out.paths.emplace_back(one);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (auto it = options.find("name"); it != options.end()) {
    if (trim(it->second).empty()) {
      return Status::InvalidArgument("read_stream format 'ndjson': option name is empty");
    }
    out.name = std::string(trim(it->second));
  }
  if (auto it = options.find("max-bytes-per-trigger"); it != options.end()) {
    const std::string& s = it->second;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v <= 0) {
      return Status::InvalidArgument(
          "read_stream format 'ndjson': option max-bytes-per-trigger must be a positive "
          "integer, got '" +
          s + "'");
    }
    out.max_bytes_per_trigger = v;
  }
  return out;
}

Result<std::vector<std::string>> list_ndjson_files(const std::vector<std::string>& paths) {
  std::set<std::string> files;
  for (const std::string& p : paths) {
    size_t before = files.size();
    std::error_code ec;
    if (p.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      const int rc = ::glob(p.c_str(), GLOB_NOSORT, nullptr, &g);
      for (size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) {
        if (std::filesystem::is_regular_file(g.gl_pathv[i], ec)) {
          files.insert(absolute_path(g.gl_pathv[i]));
        }
      }
      ::globfree(&g);
    } else if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::directory_iterator(p, ec)) {
        if (listed_in_folder(e)) files.insert(absolute_path(e.path().string()));
      }
      if (ec) return Status::IOError("cannot list folder '" + p + "': " + ec.message());
    } else if (std::filesystem::is_regular_file(p, ec)) {
      files.insert(absolute_path(p));
    } else {
      return Status::NotFound("input '" + p + "' does not exist");
    }
    if (files.size() == before && !std::filesystem::is_directory(p, ec)) {
      return Status::NotFound("input '" + p + "' matches no file");
    }
  }
  return std::vector<std::string>(files.begin(), files.end());
}

int32_t ndjson_file_partition(const std::string& absolute_path) {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a
  for (const char c : absolute_path) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<int32_t>((h ^ (h >> 31) ^ (h >> 62)) & 0x7fffffff);
}

NdjsonFileSource::NdjsonFileSource(NdjsonFileSourceOptions options)
    : options_(std::move(options)) {}

NdjsonFileSource::~NdjsonFileSource() { close(); }

std::string NdjsonFileSource::description() const {
  std::string out = "NdjsonFileSource[";
  for (size_t i = 0; i < options_.paths.size(); ++i) {
    if (i > 0) out += ", ";
    out += options_.paths[i];
  }
  return out + "]";
}

Status NdjsonFileSource::start(PartitionAssignmentListener* listener, const SourceStart& /*how*/) {
  if (!files_.empty()) return Status::Internal(description() + " started twice");
  LS_ASSIGN_OR_RAISE(std::vector<std::string> paths, list_ndjson_files(options_.paths));
  for (std::string& path : paths) {
    auto file = std::make_unique<File>();
    file->path = std::move(path);
    file->partition = ndjson_file_partition(file->path);
    auto [it, inserted] = by_partition_.emplace(file->partition, file.get());
    if (!inserted) {
      return Status::InvalidArgument(
          "'" + it->second->path + "' and '" + file->path + "' have the same partition number " +
          std::to_string(file->partition) + ": read them in separate streams");
    }
    LS_RETURN_NOT_OK(file->refresh());
    std::optional<int64_t> at;
    if (listener != nullptr) {
      LS_ASSIGN_OR_RAISE(at, listener->start_offset(options_.name, file->partition));
    }
    LS_ASSIGN_OR_RAISE(file->position, file->line_start_at_or_after(at.value_or(0)));
    // Started after the table's txn version: that is the line before (see seek()).
    file->previous = at.has_value() ? *at - 1 : -1;
    if (file->position >= file->size) file->close_fd();
    files_.push_back(std::move(file));
  }
  return Status::OK();
}

namespace {

/// [offset, offset + len) of `file` mapped read-only; the pointer is to `offset`'s byte and
/// unmaps when the last holder lets go.
Result<std::shared_ptr<const char>> map_range(NdjsonFileSource::File& file, int64_t offset,
                                              int64_t len) {
  static const int64_t page = ::sysconf(_SC_PAGESIZE);
  const int64_t start = offset / page * page;
  const size_t length = static_cast<size_t>(offset + len - start);
  void* p = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd, start);
  if (p == MAP_FAILED) {
    return Status::IOError("cannot map '" + file.path + "' at offset " + std::to_string(offset) +
                           ": " + std::strerror(errno));
  }
  (void)::madvise(p, length, MADV_SEQUENTIAL);
  const char* at = static_cast<const char*>(p) + (offset - start);
  return std::shared_ptr<const char>(at, [p, length](const char*) { ::munmap(p, length); });
}

}  // namespace

Status NdjsonFileSource::read_file(File& file, int64_t bound, int64_t* bytes_left,
                                   int64_t* events_left, RawBatch* batch) {
  LS_RETURN_NOT_OK(file.open_fd());
  const int64_t from = file.position;
  // The lines are views into a read-only mapping of the file that the batch keeps: no copy, and
  // MAP_POPULATE maps the cached pages in one call instead of a fault per page.
  int64_t len = std::min(file.size - from, std::max<int64_t>(*bytes_left, 1));
  std::shared_ptr<const char> mapping;
  int64_t usable = 0;
  while (true) {
    LS_ASSIGN_OR_RAISE(mapping, map_range(file, from, len));
    // Whole lines only: up to the last line break, unless the file ends in the range.
    if (from + len >= file.size) {
      usable = len;
      break;
    }
    const void* nl = ::memrchr(mapping.get(), '\n', static_cast<size_t>(len));
    if (nl != nullptr) {
      usable = static_cast<const char*>(nl) - mapping.get() + 1;
      break;
    }
    // The next line does not fit in what is left: it starts the next batch, unless it is the
    // batch's first, which is read whole however long it is.
    if (!batch->empty()) {
      *bytes_left = 0;
      return Status::OK();
    }
    len = std::min(file.size - from, 2 * len);
  }
  const char* const base = mapping.get();
  int64_t at = 0;  // the next line's start in the mapping
  bool stopped = false;
  bool first_in_batch = batch->ranges().count(file.partition) == 0;
  bool reserved = false;
  while (at < usable) {
    if (*events_left <= 0 || from + at >= bound) {
      stopped = true;
      break;
    }
    const void* nl = std::memchr(base + at, '\n', static_cast<size_t>(usable - at));
    const int64_t line_end = nl != nullptr ? static_cast<const char*>(nl) - base : usable;
    int64_t body_end = line_end;
    if (body_end > at && base[body_end - 1] == '\r') --body_end;
    bool blank = true;
    for (int64_t i = at; i < body_end && blank; ++i) blank = is_blank(base[i]);
    if (!reserved) {
      // Room for about as many lines as there are of this one's length: no regrowth.
      reserved = true;
      batch->reserve(batch->size() + static_cast<size_t>((usable - at) / (line_end - at + 1)) +
                     (static_cast<size_t>(usable - at) >> 9));
    }
    if (!blank) {
      batch->append_view(file.partition, from + at, 0, {},
                         std::string_view(base + at, static_cast<size_t>(body_end - at)));
      if (first_in_batch) {
        batch->set_previous_offset(file.partition, file.previous);
        first_in_batch = false;
      }
      file.previous = from + at;
      --*events_left;
    }
    at = line_end + 1;
  }
  if (!stopped) at = usable;
  file.position = from + at;
  *bytes_left -= at;
  batch->keep_alive(std::move(mapping));
  if (file.position >= file.size) file.close_fd();
  return Status::OK();
}

Result<RawBatch> NdjsonFileSource::poll_batch(const PollLimits& limits,
                                              std::chrono::milliseconds timeout) {
  RawBatch batch(options_.name);
  int64_t bytes_left = options_.max_bytes_per_trigger;
  if (limits.max_bytes > 0) bytes_left = std::min(bytes_left, limits.max_bytes);
  int64_t events_left =
      limits.max_events > 0 ? limits.max_events : std::numeric_limits<int64_t>::max();
  for (int attempt = 0; attempt < 2 && batch.empty(); ++attempt) {
    if (attempt == 1) {
      // Every file read to its end: wait, then look for appended lines.
      std::this_thread::sleep_for(timeout);
      for (auto& f : files_) LS_RETURN_NOT_OK(f->refresh());
    }
    for (auto& f : files_) {
      auto bound_it = limits.end_offsets.find(f->partition);
      const int64_t bound =
          bound_it == limits.end_offsets.end() ? f->size : std::min(f->size, bound_it->second);
      if (f->position >= bound) continue;
      if (bytes_left <= 0 || events_left <= 0) break;
      LS_RETURN_NOT_OK(read_file(*f, bound, &bytes_left, &events_left, &batch));
      if (f->position < bound) break;  // a limit ended the batch inside this file
    }
  }
  return batch;
}

Status NdjsonFileSource::seek(int32_t partition, int64_t offset) {
  auto it = by_partition_.find(partition);
  if (it == by_partition_.end()) return Status::OK();
  LS_ASSIGN_OR_RAISE(it->second->position, it->second->line_start_at_or_after(offset));
  // The engine seeks to a txn version + 1 (or a batch's first offset, previous_offset + 1).
  it->second->previous = offset - 1;
  return Status::OK();
}

Result<std::map<int32_t, int64_t>> NdjsonFileSource::latest_offsets() {
  std::map<int32_t, int64_t> out;
  for (auto& f : files_) {
    LS_RETURN_NOT_OK(f->refresh());
    out[f->partition] = f->end;
  }
  return out;
}

std::map<int32_t, int64_t> NdjsonFileSource::positions() const {
  std::map<int32_t, int64_t> out;
  for (const auto& f : files_) out[f->partition] = f->position;
  return out;
}

std::map<int32_t, std::string> NdjsonFileSource::files() const {
  std::map<int32_t, std::string> out;
  for (const auto& f : files_) out[f->partition] = f->path;
  return out;
}

void NdjsonFileSource::close() {
  for (auto& f : files_) f->close_fd();
}

}  // namespace lakestream
