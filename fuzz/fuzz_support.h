#pragma once
// fuzz/fuzz_support: what the fuzz targets share. Byte-backed files and an in-memory
// FileSystem (the targets never touch the disk, so they are deterministic and fast per input),
// the way a target says a property failed (trap: libFuzzer and the regression driver both
// report it as a crash), and a small splitter for inputs that carry several parts.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/batch/show.h"
#include "lakestream/storage/file_system.h"

namespace lakestream::fuzz {

/// A property the target checks did not hold: stop here, loudly, in both builds.
[[noreturn]] inline void property_failed() { __builtin_trap(); }
inline void check(bool property) {
  if (!property) property_failed();
}

/// Bytes in memory seen through the RandomAccessFile interface.
class BytesFile final : public RandomAccessFile {
 public:
  BytesFile(std::string bytes, std::string path)
      : bytes_(std::move(bytes)), path_(std::move(path)) {}
  Result<int64_t> size() override { return static_cast<int64_t>(bytes_.size()); }
  Status read_at(int64_t offset, int64_t length, void* out) override {
    if (offset < 0 || length < 0 || offset > static_cast<int64_t>(bytes_.size()) ||
        length > static_cast<int64_t>(bytes_.size()) - offset) {
      return Status::IOError("read past the end of " + path_);
    }
    if (length > 0) std::memcpy(out, bytes_.data() + offset, static_cast<size_t>(length));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string bytes_;
  std::string path_;
};

/// A FileSystem over a map of path -> bytes. Enough for readers (the Delta log replay) and
/// for the odd write a reader might do; list() and list_tree() sort by path as the
/// interface promises.
class MemoryFileSystem final : public FileSystem {
 public:
  void put(std::string path, std::string bytes) { files_[std::move(path)] = std::move(bytes); }

  Result<std::unique_ptr<OutputStream>> open_output_stream(const std::string& path,
                                                           Publish) override {
    return std::unique_ptr<OutputStream>(std::make_unique<Output>(this, path));
  }
  Result<std::unique_ptr<RandomAccessFile>> open_input_file(const std::string& path) override {
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("no file " + path);
    return std::unique_ptr<RandomAccessFile>(std::make_unique<BytesFile>(it->second, path));
  }
  Result<std::string> read_file(const std::string& path) override {
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("no file " + path);
    return it->second;
  }
  Status write_file(const std::string& path, std::string_view data) override {
    files_[path] = std::string(data);
    return Status::OK();
  }
  Status put_if_absent(const std::string& path, std::string_view data) override {
    if (files_.count(path)) return Status::AlreadyExists(path);
    files_[path] = std::string(data);
    return Status::OK();
  }
  Result<std::vector<FileInfo>> list(const std::string& dir) override {
    std::vector<FileInfo> out;
    const std::string prefix = folder_prefix(dir);
    for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      if (it->first.find('/', prefix.size()) != std::string::npos) continue;
      out.push_back({it->first, static_cast<int64_t>(it->second.size()), 0});
    }
    return out;
  }
  Result<std::vector<FileInfo>> list_tree(const std::string& dir) override {
    std::vector<FileInfo> out;
    const std::string prefix = folder_prefix(dir);
    for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      out.push_back({it->first, static_cast<int64_t>(it->second.size()), 0});
    }
    return out;
  }
  Result<bool> exists(const std::string& path) override { return files_.count(path) > 0; }
  Status delete_file(const std::string& path) override {
    files_.erase(path);
    return Status::OK();
  }
  std::string describe(const std::string& path) const override { return "mem://" + path; }

 private:
  class Output final : public OutputStream {
   public:
    Output(MemoryFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
    Status write(const void* data, size_t size) override {
      bytes_.append(static_cast<const char*>(data), size);
      return Status::OK();
    }
    int64_t tell() const override { return static_cast<int64_t>(bytes_.size()); }
    Status close() override {
      fs_->files_[path_] = std::move(bytes_);
      return Status::OK();
    }
    void abort() override {}

   private:
    MemoryFileSystem* fs_;
    std::string path_;
    std::string bytes_;
  };

  static std::string folder_prefix(const std::string& dir) {
    if (dir.empty() || dir.back() == '/') return dir;
    return dir + "/";
  }

  std::map<std::string, std::string> files_;
};

/// Split `text` at every occurrence of `separator` (the parts between them, empty ones kept).
inline std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + separator.size();
  }
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The layout invariants of batch/column.h, recursively: buffers as long as the rows need,
/// offsets from 0, non-decreasing and within what they index, and a null struct row null in
/// every child.
inline void check_column(const Column& column, int64_t rows) {
  check(column.length() == rows);
  switch (column.type()->id()) {
    case TypeId::kStruct:
      for (const ColumnPtr& child : column.children()) {
        check_column(*child, rows);
        for (int64_t row = 0; row < rows; ++row) check(column.is_valid(row) || child->is_null(row));
      }
      break;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap: {
      const std::vector<int32_t>& offsets = column.offsets();
      check(offsets.size() == static_cast<size_t>(rows) + 1 && offsets[0] == 0);
      for (size_t i = 1; i < offsets.size(); ++i) check(offsets[i - 1] <= offsets[i]);
      if (column.type()->id() == TypeId::kString || column.type()->id() == TypeId::kBinary) {
        check(static_cast<size_t>(offsets.back()) <= column.data().size());
      } else {
        for (const ColumnPtr& child : column.children()) check_column(*child, offsets.back());
      }
      break;
    }
    default:
      check(column.values().size() >= static_cast<size_t>(rows * column.type()->fixed_width()));
  }
}

/// A decoded batch must be whole: columns as long as the batch, types as the schema says,
/// the layout invariants kept, and every cell readable (cell_string walks nested values).
inline void check_batch(const RecordBatch& batch) {
  check(batch.validate().ok());
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    check_column(*batch.column(c), batch.num_rows());
    for (int64_t row = 0; row < batch.num_rows(); ++row) (void)cell_string(*batch.column(c), row);
  }
}

}  // namespace lakestream::fuzz
