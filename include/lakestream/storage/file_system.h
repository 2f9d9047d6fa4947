#pragma once
// storage/file_system: where bytes live. Formats (Parquet, the Delta log) read and write only
// through these interfaces, so local disk and Azure Blob / ADLS Gen2 are interchangeable.
// Paths are '/'-separated and interpreted by the FileSystem (a local root, a container).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

/// How a file written through an OutputStream becomes visible.
enum class Publish {
  /// Whole at close() or not at all: local files are written under a temporary name and
  /// renamed; blobs are committed by their final request. For anything read by its name.
  kAtomic,
  /// Under its final name from the first byte (abort() removes it; a crash can leave a partial
  /// file). For files that only a later commit makes visible, such as Delta data files, which
  /// no reader opens before the log references them (Spark's and delta-rs's writers write them
  /// in place too). Saves the rename per file on local disk; blobs are atomic either way.
  kDirect,
};

/// A sequential writer. With Publish::kAtomic (the default) nothing is visible to readers until
/// close() succeeds.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status write(const void* data, size_t size) = 0;
  Status write(std::string_view s) { return write(s.data(), s.size()); }
  /// Bytes written so far.
  virtual int64_t tell() const = 0;
  /// Make the file visible. Calling write() afterwards is an error.
  virtual Status close() = 0;
  /// Give up: discard what was written; the destination is left untouched.
  virtual void abort() = 0;
};

/// A reader with positional (ranged) reads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual Result<int64_t> size() = 0;
  /// Read exactly `length` bytes at `offset` into `out` (an error if the file is shorter).
  virtual Status read_at(int64_t offset, int64_t length, void* out) = 0;
  /// Where the file is, for error messages.
  virtual const std::string& path() const = 0;
};

struct FileInfo {
  std::string path;  ///< full path as passed to the FileSystem (prefix + name)
  int64_t size = 0;
  int64_t modified_ms = 0;  ///< milliseconds since the epoch
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  /// Create or replace `path`, creating parent folders as needed, published atomically.
  Result<std::unique_ptr<OutputStream>> open_output_stream(const std::string& path) {
    return open_output_stream(path, Publish::kAtomic);
  }
  /// The same, published as `publish` says.
  virtual Result<std::unique_ptr<OutputStream>> open_output_stream(const std::string& path,
                                                                   Publish publish) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> open_input_file(const std::string& path) = 0;

  /// Whole-file read; NotFound when absent.
  virtual Result<std::string> read_file(const std::string& path) = 0;
  /// Whole-file write, replacing any existing file (atomically where the store allows).
  virtual Status write_file(const std::string& path, std::string_view data) = 0;
  /// Create `path` with `data` only if it does not exist: AlreadyExists when it does. Atomic:
  /// two writers racing on one path never both succeed, and no reader sees a partial file.
  /// This is what Delta commits rely on.
  virtual Status put_if_absent(const std::string& path, std::string_view data) = 0;

  /// The files directly under the folder `dir` (not recursive), sorted by path. A missing
  /// folder gives an empty list.
  virtual Result<std::vector<FileInfo>> list(const std::string& dir) = 0;
  /// Every file under the folder `dir` at any depth (no folders), sorted by path. A missing
  /// folder gives an empty list. What VACUUM walks.
  virtual Result<std::vector<FileInfo>> list_tree(const std::string& dir) = 0;
  virtual Result<bool> exists(const std::string& path) = 0;
  /// Delete a file; deleting a missing file is not an error.
  virtual Status delete_file(const std::string& path) = 0;

  /// A human-readable location for messages ("file:///data/t", "abfss://c@a.dfs...").
  virtual std::string describe(const std::string& path) const = 0;
};

/// Join path segments with exactly one '/' between them.
std::string join_path(std::string_view a, std::string_view b);

}  // namespace lakestream
