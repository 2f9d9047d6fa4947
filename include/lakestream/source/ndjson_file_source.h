#pragma once
// source/ndjson_file_source: NDJSON files as a StreamSource (reader format "ndjson"), so the
// engine ingests files the way it streams a topic: decode, flatten, Delta sink, exactly once.
//
//   partition = one file, numbered by a hash of its absolute path (stable across runs, whatever
//               other files are added: the table's txn for a file stays the file's)
//   offset    = the byte position where a line starts
//   event     = one non-blank line, without its line break (a trailing '\r' is dropped too)
//
// A restart with the same checkpoint continues each file right after the last line the table
// holds (txn version + 1 is taken to the next line start), so lines appended to a file later are
// read, and nothing twice. The latest offset of a file is its last non-blank line's start + 1,
// so available-now drains exactly to it. Files are read in path order, one after the other (not
// shared out like a topic's partitions: that would keep every file open at once).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/source/stream_source.h"

namespace lakestream {

/// Everything an NdjsonFileSource needs.
struct NdjsonFileSourceOptions {
  /// Files, folders (their regular files whose names do not start with '.' or '_', not
  /// recursive) and glob patterns (`landing/*.ndjson`). Each must match at least one file.
  std::vector<std::string> paths;
  /// The stream's name: the "topic" of progress records, txn app ids and dead letters.
  std::string name = "files";
  /// Bytes of input one poll reads at most (whole lines; a longer line is read whole). With
  /// max-events-per-trigger, whichever limit comes first ends the batch.
  int64_t max_bytes_per_trigger = 64LL << 20;

  /// Read a stream reader's options: path (one or several, separated by commas),
  /// max-bytes-per-trigger, name. Errors name the option.
  static Result<NdjsonFileSourceOptions> from_options(
      const std::map<std::string, std::string>& options);
};

/// The files `paths` name (see NdjsonFileSourceOptions::paths), sorted and without duplicates,
/// as absolute paths. NotFound naming the path that matches nothing.
Result<std::vector<std::string>> list_ndjson_files(const std::vector<std::string>& paths);

/// The partition number of a file: 31 bits of a hash of its absolute path.
int32_t ndjson_file_partition(const std::string& absolute_path);

class NdjsonFileSource final : public StreamSource {
 public:
  explicit NdjsonFileSource(NdjsonFileSourceOptions options);
  ~NdjsonFileSource() override;

  /// "NdjsonFileSource[landing/*.ndjson]"
  std::string description() const override;
  const std::string& topic() const override { return options_.name; }
  /// Lists the files (an error when a path matches none, or two files hash to one partition)
  /// and asks `listener` where each starts.
  Status start(PartitionAssignmentListener* listener, const SourceStart& how) override;
  /// The next lines, in file order, within the limits and max_bytes_per_trigger. Waits up to
  /// `timeout` only when every file is read to its end, then looks again for appended lines.
  Result<RawBatch> poll_batch(const PollLimits& limits, std::chrono::milliseconds timeout) override;
  /// Continue `partition` at the first line that starts at or after `offset`.
  Status seek(int32_t partition, int64_t offset) override;
  /// Files have no consumer group: nothing to record.
  Status commit(const std::map<int32_t, int64_t>&) override { return Status::OK(); }
  /// Per file, its last non-blank line's start + 1 (0 for a file without one).
  Result<std::map<int32_t, int64_t>> latest_offsets() override;
  std::map<int32_t, int64_t> positions() const override;
  void close() override;

  /// Partition → absolute path of every file, once started (to name a dead letter's file).
  std::map<int32_t, std::string> files() const;

  struct File;

 private:
  Status read_file(File& file, int64_t bound, int64_t* bytes_left, int64_t* events_left,
                   RawBatch* batch);

  NdjsonFileSourceOptions options_;
  std::vector<std::unique_ptr<File>> files_;  // in path order
  std::map<int32_t, File*> by_partition_;
};

}  // namespace lakestream
