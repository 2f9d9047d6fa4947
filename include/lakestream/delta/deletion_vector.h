#pragma once
// delta/deletion_vector: the rows of a data file that a deletion vector hides (PROTOCOL.md
// "Deletion Vectors" and the appendix "Deletion Vector Format"). Owns z85, the
// RoaringBitmapArray serialisation (little-endian magic 1681511377, an int64 count of 32-bit
// Roaring bitmaps, each an int32 key for the high 32 bits of a row index followed by the
// portable Roaring format) and the DV file layout (a version byte 1, then per DV a big-endian
// int32 size, the bitmap, and a big-endian CRC-32 of the bitmap). CRoaring stays inside the .cc.
//
//   LS_ASSIGN_OR_RAISE(DeletedRows rows, load_deletion_vector(fs, table_path,
//   *add.deletion_vector)); if (rows.contains(17)) { ... row 17 of the file is deleted ... }

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"
#include "lakestream/delta/actions.h"
#include "lakestream/storage/file_system.h"

namespace lakestream {

/// The magic number that starts a RoaringBitmapArray in its portable form.
inline constexpr uint32_t kRoaringBitmapArrayMagic = 1681511377;

/// Z85 (ZeroMQ RFC 32) decoding as Delta uses it: 5 characters give 4 bytes; a trailing group
/// of 2-4 characters gives 1-3 bytes. InvalidArgument naming the position on a character
/// outside the alphabet or a value beyond 32 bits.
Result<std::string> z85_decode(std::string_view text);
/// Z85 encoding; the input is padded with zero bytes to a multiple of 4 (as Delta does).
std::string z85_encode(std::string_view bytes);

/// A set of deleted row indexes (0-based positions in the data file). Copyable, shares its
/// bitmaps.
class DeletedRows {
 public:
  DeletedRows();
  bool contains(uint64_t row) const;
  uint64_t cardinality() const;
  bool empty() const { return cardinality() == 0; }
  /// Append to `keep` (as offsets from `first_row`) the rows of [first_row, first_row + count)
  /// that are not deleted.
  void append_kept(uint64_t first_row, int64_t count, std::vector<int32_t>* keep) const;

  struct Impl;

 private:
  friend Result<DeletedRows> parse_roaring_bitmap_array(std::string_view, const std::string&);
  std::shared_ptr<const Impl> impl_;
};

/// Parse a RoaringBitmapArray (magic included). Corrupt naming `where` on a wrong magic, a
/// truncated or malformed bitmap, keys out of order or bytes left over.
Result<DeletedRows> parse_roaring_bitmap_array(std::string_view bytes, const std::string& where);
/// Serialise row indexes (any order, duplicates allowed) as a RoaringBitmapArray, magic included.
std::string serialize_roaring_bitmap_array(const std::vector<uint64_t>& rows);

/// The file an on-disk DV lives in, as a path on the table's FileSystem: for storage type 'u',
/// `<table>/<prefix>/deletion_vector_<uuid>.bin` (prefix: the characters before the last 20,
/// which are the z85 UUID); for 'p', the absolute path. InvalidArgument for inline DVs and for
/// unknown storage types.
Result<std::string> deletion_vector_file_path(const std::string& table_path,
                                              const DeletionVectorDescriptor& dv);

/// Load the rows `dv` deletes: decode an inline DV, or read its bytes (size, bitmap, CRC-32)
/// from its file at its offset, checking the file's version byte, the size against
/// sizeInBytes, the checksum and the cardinality. Errors name the DV file.
Result<DeletedRows> load_deletion_vector(FileSystem& fs, const std::string& table_path,
                                         const DeletionVectorDescriptor& dv);

}  // namespace lakestream
