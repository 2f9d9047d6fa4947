// Fuzz target: the Delta log replay (delta/snapshot.h, delta/actions.h, delta/checkpoint.h)
// over an in-memory table: commit JSON, Parquet checkpoints (single and multi-part) and
// _last_checkpoint, as Snapshot::load and read_history find them by listing _delta_log/.
//
// Input: the files of _delta_log/, each introduced by a line "@@@@ <name>" (the first one may
// omit the leading newline):
//   @@@@ 00000000000000000000.json
//   {"protocol":{...}}
//   @@@@ _last_checkpoint
//   {"version":10,"size":3}
// Properties: a commit that parses serializes to text that parses back to the same text
// (serialize_commit is a fixed point after one round), and a loaded snapshot's files are
// sorted by path and unique, as Snapshot promises.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "lakestream/delta/actions.h"
#include "lakestream/delta/checkpoint.h"
#include "lakestream/delta/snapshot.h"

namespace {
constexpr size_t kMaxInput = 256 * 1024;
constexpr std::string_view kTable = "t";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size > kMaxInput) return 0;
  std::string input = "\n";
  input.append(as_text(data, size));
  auto fs = std::make_shared<MemoryFileSystem>();
  std::vector<std::string_view> sections = split(input, "\n@@@@ ");
  for (size_t i = 1; i < sections.size(); ++i) {
    std::string_view section = sections[i];
    size_t eol = section.find('\n');
    std::string_view name = section.substr(0, eol);
    std::string_view body = eol == std::string_view::npos ? "" : section.substr(eol + 1);
    if (name.empty() || name.find('/') != std::string_view::npos) continue;
    fs->put(std::string(kTable) + "/_delta_log/" + std::string(name), std::string(body));

    if (commit_file_version(name).has_value()) {
      auto parsed = parse_commit(body, name);
      if (parsed.ok()) {
        const std::string once = serialize_commit(*parsed);
        auto again = parse_commit(once, "serialized");
        check(again.ok());
        check(serialize_commit(*again) == once);
      }
    }
  }

  auto snapshot = Snapshot::load(fs, std::string(kTable));
  // LAKESTREAM_FUZZ_VERBOSE=1: say how far each input got (for checking that seeds load).
  static const bool verbose = std::getenv("LAKESTREAM_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "snapshot: %s\n",
                 snapshot.ok() ? ("version " + std::to_string(snapshot->version()) + ", " +
                                  std::to_string(snapshot->files().size()) + " files")
                                     .c_str()
                               : snapshot.status().to_string().c_str());
  }
  if (snapshot.ok()) {
    const auto& files = snapshot->files();
    for (size_t i = 1; i < files.size(); ++i) check(files[i - 1].path < files[i].path);
    (void)snapshot->total_bytes();
    (void)snapshot->total_rows();
    (void)check_reader_protocol(snapshot->protocol(), &snapshot->metadata(), "fuzz");
    (void)checkpoint_interval(snapshot->metadata());
    // Time travel to the first version replays a different segment of the same log.
    if (snapshot->version() > 0) (void)Snapshot::load(fs, std::string(kTable), 0);
  }
  (void)read_history(*fs, std::string(kTable), 5);
  return 0;
}
