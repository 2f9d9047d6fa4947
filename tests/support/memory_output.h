#pragma once
// An OutputStream into a std::string: what the Parquet tests write files into.

#include <cstdint>
#include <string>

#include "lakestream/storage/file_system.h"

namespace lakestream::testing {

class MemoryOutput : public OutputStream {
 public:
  explicit MemoryOutput(std::string* sink) : sink_(sink) {}
  Status write(const void* data, size_t size) override {
    sink_->append(static_cast<const char*>(data), size);
    return Status::OK();
  }
  int64_t tell() const override { return static_cast<int64_t>(sink_->size()); }
  Status close() override { return Status::OK(); }
  void abort() override {}

 private:
  std::string* sink_;
};

}  // namespace lakestream::testing
