#pragma once
// storage/local_file_system: the FileSystem over a folder of the local disk. Paths given to it
// are relative to its root ('/'-separated; a leading '/' is ignored) and may not climb out of
// it ("..", NUL bytes are refused). Writes are atomic: a stream writes a hidden temporary file
// in the destination folder and renames it on close; put_if_absent publishes with link(), which
// fails if the name exists, so two racing writers never both succeed.
// Opening a table by its URI (local path, file://, abfss://): storage/open_file_system.h.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "lakestream/common/status.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// Temporary files carry this prefix (and a random suffix); list() never shows them.
inline constexpr std::string_view kLocalTempPrefix = ".ls-tmp-";

/// Whether new LocalFileSystems make what they write durable (below); true unless the engine
/// setting lakestream.storage.local.fsync=false turned it off for the process (tests, scratch
/// work: unsafe across an operating-system crash or power cut).
void set_local_fsync_default(bool enabled);
bool local_fsync_default();

struct LocalFileSystemOptions {
  /// From local_fsync_default().
  LocalFileSystemOptions();

  /// Every publication (put_if_absent: a Delta commit; a stream renamed into place: a
  /// checkpoint, _last_checkpoint) is preceded by syncfs(2) of the file system, a barrier that
  /// makes the publication's bytes and everything written before it durable, the data files a
  /// commit names and the folders made for them among them, and followed by an fsync of its
  /// folder so its name is durable too. So no commit can name a file an operating-system crash
  /// or power cut would lose, at two sync calls per commit whatever its number of files (an
  /// fsync per data file and folder cost ~4 ms each here). The barrier also flushes other
  /// processes' pending writes on the same file system.
  bool durable;
};

/// A FileSystem over the folder `root` of the local disk. Thread-safe (it holds no mutable
/// state besides the root).
class LocalFileSystem final : public FileSystem {
 public:
  /// `root` is an absolute or relative folder (made absolute now, against the current
  /// folder); it need not exist yet: writes create missing folders.
  explicit LocalFileSystem(std::string root, LocalFileSystemOptions options = {});

  const std::string& root() const { return root_; }

  using FileSystem::open_output_stream;
  Result<std::unique_ptr<OutputStream>> open_output_stream(const std::string& path,
                                                           Publish publish) override;
  Result<std::unique_ptr<RandomAccessFile>> open_input_file(const std::string& path) override;
  Result<std::string> read_file(const std::string& path) override;
  Status write_file(const std::string& path, std::string_view data) override;
  Status put_if_absent(const std::string& path, std::string_view data) override;
  Result<std::vector<FileInfo>> list(const std::string& dir) override;
  Result<std::vector<FileInfo>> list_tree(const std::string& dir) override;
  Result<bool> exists(const std::string& path) override;
  Status delete_file(const std::string& path) override;
  std::string describe(const std::string& path) const override;

  /// The local path `path` maps to, or InvalidArgument when it would leave the root.
  Result<std::string> local_path(const std::string& path) const;

 private:
  std::string root_;
  LocalFileSystemOptions options_;
};

}  // namespace lakestream
