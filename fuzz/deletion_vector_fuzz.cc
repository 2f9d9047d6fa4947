// Fuzz target: deletion vectors (delta/deletion_vector.h), the bytes a table's writer left for
// us to trust: the RoaringBitmapArray (magic, bitmap count, keys, CRoaring's portable format),
// z85 text, and the DV file layout (version byte, big-endian size, bitmap, CRC-32) read through
// load_deletion_vector from an in-memory table, inline ('i') and on disk ('u' and 'p').
//
// The first byte picks what the rest is:
//   0: a RoaringBitmapArray;   1: z85 text;
//   2: an inline DV (z85 text; size and cardinality from the next bytes);
//   3: a DV file (offset, size and cardinality from the next bytes, the file after them).
// Properties: a bitmap that parses gives the same rows after serialise + parse again, and its
// cardinality counts the rows contains() sees in a window; z85 that decodes re-encodes to the
// same text (when whole groups); a DV that loads has the descriptor's cardinality.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "lakestream/delta/deletion_vector.h"

namespace {

constexpr size_t kMaxInput = 64 * 1024;

/// The deleted rows of `rows` among the first `window` row indexes, ascending.
std::vector<uint64_t> rows_in_window(const lakestream::DeletedRows& rows, uint64_t window) {
  std::vector<int32_t> kept;
  rows.append_kept(0, static_cast<int64_t>(window), &kept);
  std::vector<uint64_t> deleted;
  size_t k = 0;
  for (uint64_t r = 0; r < window; ++r) {
    if (k < kept.size() && static_cast<uint64_t>(kept[k]) == r) {
      ++k;
    } else {
      deleted.push_back(r);
    }
  }
  return deleted;
}

int32_t read_i32(std::string_view& in) {
  uint32_t v = 0;
  for (int i = 0; i < 4 && !in.empty(); ++i) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>(in.front())) << (8 * i);
    in.remove_prefix(1);
  }
  return static_cast<int32_t>(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size < 1 || size > kMaxInput) return 0;
  const uint8_t mode = data[0] & 3;
  std::string_view in = as_text(data + 1, size - 1);

  switch (mode) {
    case 0: {
      auto rows = parse_roaring_bitmap_array(in, "fuzz.bin");
      if (!rows.ok()) return 0;
      constexpr uint64_t kWindow = 1 << 12;
      const std::vector<uint64_t> seen = rows_in_window(*rows, kWindow);
      for (uint64_t r : seen) check(rows->contains(r));
      check(rows->cardinality() >= seen.size());
      // Serialise what was seen; parsing it back gives exactly those rows.
      auto again = parse_roaring_bitmap_array(serialize_roaring_bitmap_array(seen), "again");
      check(again.ok());
      check(again->cardinality() == seen.size());
      check(rows_in_window(*again, kWindow) == seen);
      break;
    }
    case 1: {
      auto bytes = z85_decode(in);
      if (!bytes.ok()) return 0;
      check(bytes->size() <= in.size());
      if (in.size() % 5 == 0) check(z85_encode(*bytes) == in);
      break;
    }
    case 2: {
      DeletionVectorDescriptor dv;
      dv.storage_type = 'i';
      dv.size_in_bytes = read_i32(in) & 0xFFFF;
      dv.cardinality = read_i32(in) & 0xFFFF;
      dv.path_or_inline_dv = std::string(in);
      MemoryFileSystem fs;
      auto rows = load_deletion_vector(fs, "t", dv);
      if (rows.ok()) check(rows->cardinality() == static_cast<uint64_t>(dv.cardinality));
      break;
    }
    default: {
      // The same file read as 'u' (a z85 UUID under a prefix folder) and as 'p' (a path).
      DeletionVectorDescriptor dv;
      dv.offset = read_i32(in) & 0xFF;
      dv.size_in_bytes = read_i32(in) & 0xFFFF;
      dv.cardinality = read_i32(in) & 0xFFFF;
      MemoryFileSystem fs;
      dv.storage_type = 'u';
      dv.path_or_inline_dv = "ab" + z85_encode(std::string(16, '\x5a'));
      auto path = deletion_vector_file_path("t", dv);
      check(path.ok());
      fs.put(*path, std::string(in));
      auto rows = load_deletion_vector(fs, "t", dv);
      if (rows.ok()) check(rows->cardinality() == static_cast<uint64_t>(dv.cardinality));
      dv.storage_type = 'p';
      dv.path_or_inline_dv = "file:///t/dv.bin";
      fs.put("/t/dv.bin", std::string(in));
      auto by_path = load_deletion_vector(fs, "/t", dv);
      if (by_path.ok()) check(by_path->cardinality() == static_cast<uint64_t>(dv.cardinality));
      break;
    }
  }
  return 0;
}
