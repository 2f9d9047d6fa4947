#include "lakestream/delta/checkpoint.h"

namespace lakestream {

Status write_checkpoint(const Snapshot& snapshot) {
  (void)snapshot;
  return Status::NotImplemented("checkpoint writing");
}

Status checkpoint_if_due(const std::shared_ptr<FileSystem>& fs, const std::string& table_path,
                         int64_t version, const MetadataAction& metadata) {
  (void)fs;
  (void)table_path;
  (void)version;
  (void)metadata;
  return Status::OK();
}

}  // namespace lakestream
