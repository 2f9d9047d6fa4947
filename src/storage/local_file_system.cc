#include "lakestream/storage/local_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <thread>

#include "lakestream/common/strings.h"
#include "lakestream/storage/azure_file_system.h"

namespace lakestream {
namespace {

constexpr size_t kStreamBufferBytes = 256 * 1024;

std::string errno_text(int err) { return std::generic_category().message(err); }

Status io_error(std::string_view what, const std::string& where, int err) {
  std::string msg;
  msg.append(what).append(" ").append(where).append(": ").append(errno_text(err));
  // The resource faults an operator must act on, said plainly.
  switch (err) {
    case ENOSPC:
      msg += " (the disk is full: free space, then restart; nothing half-written was committed)";
      break;
    case EDQUOT:
      msg += " (the user's disk quota is used up)";
      break;
    case EMFILE:
    case ENFILE:
      msg += " (out of file descriptors: raise the limit, `ulimit -n`)";
      break;
    case EIO:
      msg += " (the device reported an I/O error)";
      break;
    default:
      break;
  }
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

std::atomic<bool>& local_fsync_flag() {
  static std::atomic<bool> enabled{true};
  return enabled;
}

/// A name no other writer (thread or process) will pick: 64 random bits per name.
std::string temp_name() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    uint64_t seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    seed ^= static_cast<uint64_t>(::getpid()) << 17;
    seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id());
    return seed;
  }());
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t r = rng();
  std::string name(kLocalTempPrefix);
  for (int i = 0; i < 16; ++i) {
    name.push_back(kHex[r & 15]);
    r >>= 4;
  }
  return name;
}

std::string parent_of(const std::string& local) {
  size_t slash = local.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return local.substr(0, slash);
}

/// fsync a folder so a rename, link or creation in it survives a crash. 0, or -1 with errno.
int sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  errno = err;
  return rc;
}

/// mkdir -p; existing folders are fine. (Their names become durable at the next publication's
/// barrier, see LocalFileSystemOptions::durable.)
Status make_dirs(const std::string& dir, const std::string& shown) {
  if (dir.empty() || dir == "/" || dir == ".") return Status::OK();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return Status::IOError("creating folder " + shown + ": " + dir + " is not a folder");
  }
  LS_RETURN_NOT_OK(make_dirs(parent_of(dir), shown));
  if (::mkdir(dir.c_str(), 0777) != 0) {
    if (errno == EEXIST) return Status::OK();
    return io_error("creating folder", dir, errno);
  }
  return Status::OK();
}

Status write_all(int fd, const char* data, size_t size, const std::string& where) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("writing", where, errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status pread_all(int fd, int64_t offset, int64_t length, void* out, const std::string& where) {
  char* dst = static_cast<char*>(out);
  while (length > 0) {
    ssize_t n = ::pread(fd, dst, static_cast<size_t>(length), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("reading", where, errno);
    }
    if (n == 0) {
      return Status::IOError("reading " + where + ": unexpected end of file at offset " +
                             std::to_string(offset) + " (" + std::to_string(length) +
                             " more bytes wanted)");
    }
    dst += n;
    offset += n;
    length -= n;
  }
  return Status::OK();
}

class LocalOutputStream final : public OutputStream {
 public:
  LocalOutputStream(int fd, std::string temp, std::string final_path, std::string shown, bool sync)
      : fd_(fd),
        temp_(std::move(temp)),
        final_(std::move(final_path)),
        shown_(std::move(shown)),
        sync_(sync) {
    // Grown on demand up to kStreamBufferBytes: a stream writing many small files at once
    // (a partitioned micro-batch keeps ~23 open) should not hold 256 KB for each.
  }
  ~LocalOutputStream() override { abort(); }

  Status write(const void* data, size_t size) override {
    if (fd_ < 0) return Status::InvalidArgument("writing " + shown_ + ": stream is closed");
    const char* p = static_cast<const char*>(data);
    written_ += static_cast<int64_t>(size);
    if (buffer_.size() + size <= kStreamBufferBytes) {
      buffer_.append(p, size);
      return Status::OK();
    }
    LS_RETURN_NOT_OK(flush());
    if (size >= kStreamBufferBytes) return write_all(fd_, p, size, shown_);
    buffer_.append(p, size);
    return Status::OK();
  }

  int64_t tell() const override { return written_; }

  Status close() override {
    if (fd_ < 0) return Status::InvalidArgument("closing " + shown_ + ": stream is closed");
    Status st = flush();
    // A file published whole (renamed into place) is a publication: the barrier makes its bytes
    // and everything written before it durable first. Direct files (data files) wait for the
    // commit that names them, whose barrier covers them.
    if (st.ok() && sync_ && !temp_.empty() && ::syncfs(fd_) != 0) {
      st = io_error("syncing the file system of", shown_, errno);
    }
    if (::close(fd_) != 0 && st.ok()) st = io_error("closing", shown_, errno);
    fd_ = -1;
    if (st.ok() && !temp_.empty() && ::rename(temp_.c_str(), final_.c_str()) != 0) {
      st = io_error("renaming a temporary file to", shown_, errno);
    }
    if (!st.ok()) {
      ::unlink(written_path().c_str());
      return st;
    }
    // Its name is durable once its folder is synced.
    if (sync_ && !temp_.empty() && sync_dir(parent_of(final_)) != 0)
      st = io_error("syncing the folder of", shown_, errno);
    return st;
  }

  void abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(written_path().c_str());
  }

 private:
  // Where the bytes go: the temporary name, or the final one when publishing directly.
  const std::string& written_path() const { return temp_.empty() ? final_ : temp_; }

  Status flush() {
    if (buffer_.empty()) return Status::OK();
    Status st = write_all(fd_, buffer_.data(), buffer_.size(), shown_);
    buffer_.clear();
    return st;
  }

  int fd_;
  std::string temp_;
  std::string final_;
  std::string shown_;
  bool sync_;
  std::string buffer_;
  int64_t written_ = 0;
};

class LocalInputFile final : public RandomAccessFile {
 public:
  LocalInputFile(int fd, std::string shown) : fd_(fd), shown_(std::move(shown)) {}
  ~LocalInputFile() override { ::close(fd_); }

  Result<int64_t> size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return io_error("examining", shown_, errno);
    return static_cast<int64_t>(st.st_size);
  }

  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (offset < 0 || length < 0) {
      return Status::InvalidArgument("reading " + shown_ + ": negative offset or length");
    }
    return pread_all(fd_, offset, length, out, shown_);
  }

  const std::string& path() const override { return shown_; }

 private:
  int fd_;
  std::string shown_;
};

/// Create a temporary file in `dir` (which must exist), O_EXCL so it is ours alone.
Result<std::pair<int, std::string>> create_temp(const std::string& dir, const std::string& shown) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string temp = join_path(dir, temp_name());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return std::make_pair(fd, std::move(temp));
    if (errno == ENOENT)
      return Status::NotFound("creating a temporary file for " + shown + ": no folder " + dir);
    if (errno != EEXIST) return io_error("creating a temporary file for", shown, errno);
  }
  return Status::IOError("creating a temporary file for " + shown + ": no free name");
}

}  // namespace

void set_local_fsync_default(bool enabled) { local_fsync_flag() = enabled; }
bool local_fsync_default() { return local_fsync_flag().load(); }

LocalFileSystemOptions::LocalFileSystemOptions() : durable(local_fsync_default()) {}

LocalFileSystem::LocalFileSystem(std::string root, LocalFileSystemOptions options)
    : options_(options) {
  if (root.empty()) root.push_back('.');
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(root, ec);
  root_ = ec ? root : abs.lexically_normal().string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Result<std::string> LocalFileSystem::local_path(const std::string& path) const {
  std::string out = root_;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string_view seg(path.data() + i, j - i);
    i = j + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == ".." || seg.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("path '" + path + "' leaves the folder " + root_ +
                                     " or holds a NUL byte");
    }
    if (out.back() != '/') out.push_back('/');
    out.append(seg);
  }
  return out;
}

std::string LocalFileSystem::describe(const std::string& path) const {
  auto local = local_path(path);
  return "file://" + (local.ok() ? *local : join_path(root_, path));
}

Result<std::unique_ptr<OutputStream>> LocalFileSystem::open_output_stream(const std::string& path,
                                                                          Publish publish) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(path));
  std::string shown = "file://" + local;
  const std::string dir = parent_of(local);
  if (publish == Publish::kDirect) {
    // Create first and make the folders only when missing: one system call for the usual case
    // (a stream writes many files into few folders).
    int fd = ::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0 && errno == ENOENT) {
      LS_RETURN_NOT_OK(make_dirs(dir, shown));
      fd = ::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    }
    if (fd < 0) return io_error("creating", shown, errno);
    return std::unique_ptr<OutputStream>(std::make_unique<LocalOutputStream>(
        fd, std::string(), std::move(local), std::move(shown), options_.durable));
  }
  auto temp = create_temp(dir, shown);
  if (!temp.ok() && temp.status().code() == StatusCode::kNotFound) {
    LS_RETURN_NOT_OK(make_dirs(dir, shown));
    temp = create_temp(dir, shown);
  }
  if (!temp.ok()) return temp.status();
  return std::unique_ptr<OutputStream>(std::make_unique<LocalOutputStream>(
      temp->first, std::move(temp->second), std::move(local), std::move(shown), options_.durable));
}

Result<std::unique_ptr<RandomAccessFile>> LocalFileSystem::open_input_file(
    const std::string& path) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(path));
  std::string shown = "file://" + local;
  int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("opening", shown, errno);
  return std::unique_ptr<RandomAccessFile>(std::make_unique<LocalInputFile>(fd, shown));
}

Result<std::string> LocalFileSystem::read_file(const std::string& path) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(path));
  std::string shown = "file://" + local;
  int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("opening", shown, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return io_error("examining", shown, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IOError("reading " + shown + ": is a folder");
  }
  std::string data(static_cast<size_t>(st.st_size), '\0');
  Status s = pread_all(fd, 0, st.st_size, data.data(), shown);
  ::close(fd);
  if (!s.ok()) return s;
  return data;
}

Status LocalFileSystem::write_file(const std::string& path, std::string_view data) {
  LS_ASSIGN_OR_RAISE(auto stream, open_output_stream(path));
  Status s = stream->write(data);
  if (!s.ok()) {
    stream->abort();
    return s;
  }
  return stream->close();
}

Status LocalFileSystem::put_if_absent(const std::string& path, std::string_view data) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(path));
  std::string shown = "file://" + local;
  std::string dir = parent_of(local);
  LS_RETURN_NOT_OK(make_dirs(dir, shown));
  LS_ASSIGN_OR_RAISE(auto temp, create_temp(dir, shown));
  auto [fd, temp_path] = std::move(temp);
  Status st = write_all(fd, data.data(), data.size(), shown);
  // The content must be durable before the name appears: a reader that sees the name (or a
  // machine that reboots) must find the whole file. syncfs is the barrier that also makes the
  // data files this commit names (written, never synced one by one) and their folders durable:
  // one call per commit instead of two fsyncs per file.
  if (st.ok() && options_.durable && ::syncfs(fd) != 0) {
    st = io_error("syncing the file system of", shown, errno);
  }
  if (::close(fd) != 0 && st.ok()) st = io_error("closing", shown, errno);
  if (st.ok()) {
    // link() fails with EEXIST when the name exists: the atomic create-if-absent that rename()
    // (which replaces) cannot give.
    if (::link(temp_path.c_str(), local.c_str()) != 0) {
      int err = errno;
      if (err == EEXIST) {
        st = Status::AlreadyExists(shown + " already exists");
      } else {
        st = io_error("linking a temporary file to", shown, err);
      }
    } else if (options_.durable && sync_dir(dir) != 0) {
      st = io_error("syncing the folder of", shown, errno);
    }
  }
  ::unlink(temp_path.c_str());
  return st;
}

namespace {

/// The regular files of the local folder `local` (shown as `shown` in errors) into `out`, named
/// under `dir`; with `recursive`, those of its subfolders too. Our temporary files are skipped.
Status list_local(const std::string& dir, const std::string& local, const std::string& shown,
                  bool recursive, std::vector<FileInfo>& out) {
  DIR* d = ::opendir(local.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::OK();
    return io_error("listing", shown, errno);
  }
  int dfd = ::dirfd(d);
  std::vector<std::string> subfolders;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    if (name == "." || name == ".." || name.starts_with(kLocalTempPrefix)) continue;
    struct stat st;
    if (::fstatat(dfd, e->d_name, &st, 0) != 0) {
      if (errno == ENOENT) continue;  // deleted while we listed
      int err = errno;
      ::closedir(d);
      return io_error("examining", shown + "/" + std::string(name), err);
    }
    if (S_ISDIR(st.st_mode) && recursive) subfolders.emplace_back(name);
    if (!S_ISREG(st.st_mode)) continue;
    FileInfo info;
    info.path = join_path(dir, name);
    info.size = static_cast<int64_t>(st.st_size);
    info.modified_ms =
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    out.push_back(std::move(info));
    errno = 0;
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return io_error("listing", shown, err);
  for (const std::string& sub : subfolders) {
    LS_RETURN_NOT_OK(
        list_local(join_path(dir, sub), local + "/" + sub, shown + "/" + sub, true, out));
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<FileInfo>> LocalFileSystem::list(const std::string& dir) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(dir));
  std::vector<FileInfo> out;
  LS_RETURN_NOT_OK(list_local(dir, local, "file://" + local, false, out));
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Result<std::vector<FileInfo>> LocalFileSystem::list_tree(const std::string& dir) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(dir));
  std::vector<FileInfo> out;
  LS_RETURN_NOT_OK(list_local(dir, local, "file://" + local, true, out));
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Result<bool> LocalFileSystem::exists(const std::string& path) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(path));
  struct stat st;
  if (::stat(local.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return io_error("examining", "file://" + local, errno);
}

Status LocalFileSystem::delete_file(const std::string& path) {
  LS_ASSIGN_OR_RAISE(std::string local, local_path(path));
  if (::unlink(local.c_str()) != 0 && errno != ENOENT) {
    return io_error("deleting", "file://" + local, errno);
  }
  return Status::OK();
}

}  // namespace lakestream
