#include "lakestream/delta/deletion_vector.h"

#include <roaring/roaring.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "lakestream/delta/partition.h"
#include "lakestream/delta/snapshot.h"

namespace lakestream {
namespace {

constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

uint32_t read_le32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t read_le64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint32_t read_be32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
void put_le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

struct RoaringDeleter {
  void operator()(roaring_bitmap_t* r) const { roaring_bitmap_free(r); }
};
using RoaringPtr = std::unique_ptr<roaring_bitmap_t, RoaringDeleter>;

/// 16 bytes, most significant first, as the UUID's text form.
std::string uuid_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const auto b = static_cast<uint8_t>(bytes[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace

/// The bitmaps by key (the high 32 bits of a row index), in key order.
struct DeletedRows::Impl {
  std::vector<std::pair<uint32_t, RoaringPtr>> bitmaps;
  uint64_t cardinality = 0;

  const roaring_bitmap_t* find(uint32_t key) const {
    auto it = std::lower_bound(bitmaps.begin(), bitmaps.end(), key,
                               [](const auto& e, uint32_t k) { return e.first < k; });
    return it != bitmaps.end() && it->first == key ? it->second.get() : nullptr;
  }
};

Result<std::string> z85_decode(std::string_view text) {
  static const auto kValues = [] {
    std::array<int16_t, 256> v{};
    v.fill(-1);
    for (size_t i = 0; i < kZ85Alphabet.size(); ++i) {
      v[static_cast<uint8_t>(kZ85Alphabet[i])] = static_cast<int16_t>(i);
    }
    return v;
  }();
  if (text.size() % 5 == 1) {
    return Status::InvalidArgument("z85 text of " + std::to_string(text.size()) +
                                   " characters: a group of one character holds no byte");
  }
  std::string out;
  out.reserve(text.size() / 5 * 4 + 4);
  for (size_t pos = 0; pos < text.size(); pos += 5) {
    const size_t n = std::min<size_t>(5, text.size() - pos);
    uint64_t value = 0;
    for (size_t i = 0; i < 5; ++i) {
      int16_t digit = 84;  // a short last group is padded with the highest digit
      if (i < n) {
        digit = kValues[static_cast<uint8_t>(text[pos + i])];
        if (digit < 0) {
          return Status::InvalidArgument("z85 text has a character outside the alphabet at " +
                                         std::to_string(pos + i));
        }
      }
      value = value * 85 + static_cast<uint64_t>(digit);
    }
    if (value > UINT32_MAX && n == 5) {
      return Status::InvalidArgument("z85 group at " + std::to_string(pos) + " exceeds 32 bits");
    }
    const size_t out_bytes = n == 5 ? 4 : n - 1;
    for (size_t i = 0; i < out_bytes; ++i) {
      out.push_back(static_cast<char>((value >> (24 - 8 * i)) & 0xff));
    }
  }
  return out;
}

std::string z85_encode(std::string_view bytes) {
  std::string padded(bytes);
  while (padded.size() % 4 != 0) padded.push_back('\0');
  std::string out;
  out.reserve(padded.size() / 4 * 5);
  for (size_t pos = 0; pos < padded.size(); pos += 4) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(padded[pos + i]);
    char group[5];
    for (int i = 4; i >= 0; --i) {
      group[i] = kZ85Alphabet[value % 85];
      value /= 85;
    }
    out.append(group, 5);
  }
  return out;
}

DeletedRows::DeletedRows() : impl_(std::make_shared<Impl>()) {}

bool DeletedRows::contains(uint64_t row) const {
  const roaring_bitmap_t* r = impl_->find(static_cast<uint32_t>(row >> 32));
  return r && roaring_bitmap_contains(r, static_cast<uint32_t>(row));
}

uint64_t DeletedRows::cardinality() const { return impl_->cardinality; }

void DeletedRows::append_kept(uint64_t first_row, int64_t count, std::vector<int32_t>* keep) const {
  // Walk the deleted rows of the range with an iterator (a scan calls this per row group, and
  // deletions are usually sparse): kept rows are the runs between them.
  const uint64_t end = first_row + static_cast<uint64_t>(count);
  uint64_t row = first_row;
  while (row < end) {
    const auto key = static_cast<uint32_t>(row >> 32);
    const uint64_t key_end =
        key == UINT32_MAX ? end : std::min(end, (static_cast<uint64_t>(key) + 1) << 32);
    const roaring_bitmap_t* r = impl_->find(key);
    roaring_uint32_iterator_t it;
    it.has_value = false;
    if (r) {
      roaring_init_iterator(r, &it);
      roaring_move_uint32_iterator_equalorlarger(&it, static_cast<uint32_t>(row));
    }
    while (row < key_end) {
      const uint64_t next_deleted =
          it.has_value ? std::min(key_end, (static_cast<uint64_t>(key) << 32) | it.current_value)
                       : key_end;
      for (; row < next_deleted; ++row) keep->push_back(static_cast<int32_t>(row - first_row));
      if (row < key_end) {
        ++row;  // the deleted one
        roaring_advance_uint32_iterator(&it);
      }
    }
  }
}

namespace {

/// Whether `n` bytes hold one well-formed bitmap in Roaring's portable format (RoaringFormatSpec):
/// the header's container count, keys strictly increasing, array containers sorted without
/// duplicates, runs in order and apart within 16 bits, bitsets with as many bits as their
/// cardinality says, and nothing past the last container. CRoaring 0.2 (Debian 12's) checks only
/// that the bytes are there: a container that breaks the rest made contains() and the
/// cardinality disagree, and one made its iterator read a null pointer (both found by
/// fuzz/deletion_vector_fuzz.cc), so the bytes are checked here before CRoaring sees them.
bool well_formed(const char* p, size_t n) {
  constexpr uint32_t kCookieNoRuns = 12346;
  constexpr uint32_t kCookieRuns = 12347;
  size_t pos = 0;
  auto u16 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<uint8_t>(p[at])) |
           static_cast<uint32_t>(static_cast<uint8_t>(p[at + 1])) << 8;
  };
  if (n < 4) return false;
  const uint32_t cookie = read_le32(p);
  uint32_t containers = 0;
  const char* run_flags = nullptr;
  bool offsets = true;
  if ((cookie & 0xFFFF) == kCookieRuns) {
    containers = (cookie >> 16) + 1;
    pos = 4;
    const size_t flag_bytes = (containers + 7) / 8;
    if (n - pos < flag_bytes) return false;
    run_flags = p + pos;
    pos += flag_bytes;
    offsets = containers >= 4;  // NO_OFFSET_THRESHOLD
  } else if (cookie == kCookieNoRuns) {
    if (n < 8) return false;
    containers = read_le32(p + 4);
    pos = 8;
  } else {
    return false;
  }
  if (containers > 65536 || (n - pos) / 4 < containers) return false;
  const size_t header = pos;
  pos += size_t{4} * containers;  // key and cardinality - 1 per container
  if (offsets) {
    if ((n - pos) / 4 < containers) return false;
    pos += size_t{4} * containers;
  }
  for (uint32_t c = 0; c < containers; ++c) {
    const uint32_t key = u16(header + 4 * c);
    const uint32_t cardinality = u16(header + 4 * c + 2) + 1;
    if (c > 0 && key <= u16(header + 4 * (c - 1))) return false;
    const bool run =
        run_flags != nullptr && ((static_cast<uint8_t>(run_flags[c / 8]) >> (c % 8)) & 1);
    if (run) {
      if (n - pos < 2) return false;
      const uint32_t runs = u16(pos);
      pos += 2;
      if ((n - pos) / 4 < runs) return false;
      uint64_t total = 0;
      int64_t next_free = 0;  // the first value after the previous run
      for (uint32_t r = 0; r < runs; ++r) {
        const int64_t start = u16(pos + 4 * r);
        const int64_t last = start + u16(pos + 4 * r + 2);
        if (start < next_free || last > 0xFFFF) return false;
        total += static_cast<uint64_t>(last - start + 1);
        next_free = last + 1;
      }
      if (runs == 0 || total != cardinality) return false;
      pos += size_t{4} * runs;
    } else if (cardinality <= 4096) {
      if ((n - pos) / 2 < cardinality) return false;
      for (uint32_t v = 1; v < cardinality; ++v) {
        if (u16(pos + 2 * v) <= u16(pos + 2 * (v - 1))) return false;
      }
      pos += size_t{2} * cardinality;
    } else {
      if (n - pos < 8192) return false;
      uint64_t bits = 0;
      for (size_t w = 0; w < 1024; ++w)
        bits += static_cast<uint64_t>(__builtin_popcountll(read_le64(p + pos + 8 * w)));
      if (bits != cardinality) return false;
      pos += 8192;
    }
  }
  return pos == n;
}

}  // namespace

Result<DeletedRows> parse_roaring_bitmap_array(std::string_view bytes, const std::string& where) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corrupt("deletion vector in " + where + ": " + what);
  };
  if (bytes.size() < 12) return corrupt("shorter than its header");
  const uint32_t magic = read_le32(bytes.data());
  if (magic != kRoaringBitmapArrayMagic) {
    return corrupt("magic number " + std::to_string(magic) + " (expected " +
                   std::to_string(kRoaringBitmapArrayMagic) + ", the portable RoaringBitmapArray)");
  }
  const uint64_t count = read_le64(bytes.data() + 4);
  size_t pos = 12;
  if (count > (bytes.size() - pos) / 4) {
    return corrupt("claims " + std::to_string(count) + " bitmaps in " +
                   std::to_string(bytes.size()) + " bytes");
  }
  auto impl = std::make_shared<DeletedRows::Impl>();
  impl->bitmaps.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (bytes.size() - pos < 4) return corrupt("truncated before bitmap " + std::to_string(i));
    const uint32_t key = read_le32(bytes.data() + pos);
    pos += 4;
    if (!impl->bitmaps.empty() && key <= impl->bitmaps.back().first) {
      return corrupt("bitmap keys out of order (" + std::to_string(key) + " after " +
                     std::to_string(impl->bitmaps.back().first) + ")");
    }
    const size_t left = bytes.size() - pos;
    const size_t size = roaring_bitmap_portable_deserialize_size(bytes.data() + pos, left);
    if (size == 0 || size > left) return corrupt("bitmap " + std::to_string(i) + " is malformed");
    if (!well_formed(bytes.data() + pos, size)) {
      return corrupt("bitmap " + std::to_string(i) + " is malformed");
    }
    RoaringPtr bitmap(roaring_bitmap_portable_deserialize_safe(bytes.data() + pos, size));
    if (!bitmap) return corrupt("bitmap " + std::to_string(i) + " is malformed");
    pos += size;
    impl->cardinality += roaring_bitmap_get_cardinality(bitmap.get());
    impl->bitmaps.emplace_back(key, std::move(bitmap));
  }
  if (pos != bytes.size()) {
    return corrupt(std::to_string(bytes.size() - pos) + " bytes after the last bitmap");
  }
  DeletedRows rows;
  rows.impl_ = std::move(impl);
  return rows;
}

std::string serialize_roaring_bitmap_array(const std::vector<uint64_t>& rows) {
  std::map<uint32_t, std::vector<uint32_t>> by_key;
  for (uint64_t r : rows)
    by_key[static_cast<uint32_t>(r >> 32)].push_back(static_cast<uint32_t>(r));
  std::string out;
  put_le32(out, kRoaringBitmapArrayMagic);
  put_le64(out, by_key.size());
  for (auto& [key, low] : by_key) {
    put_le32(out, key);
    RoaringPtr bitmap(roaring_bitmap_of_ptr(low.size(), low.data()));
    roaring_bitmap_run_optimize(bitmap.get());
    const size_t size = roaring_bitmap_portable_size_in_bytes(bitmap.get());
    const size_t at = out.size();
    out.resize(at + size);
    roaring_bitmap_portable_serialize(bitmap.get(), out.data() + at);
  }
  return out;
}

Result<std::string> deletion_vector_file_path(const std::string& table_path,
                                              const DeletionVectorDescriptor& dv) {
  if (dv.storage_type == 'u') {
    const std::string& s = dv.path_or_inline_dv;
    if (s.size() < 20) {
      return Status::Corrupt("deletion vector pathOrInlineDv '" + s +
                             "' is shorter than a z85 UUID (20 characters)");
    }
    const std::string prefix = s.substr(0, s.size() - 20);
    auto uuid = z85_decode(std::string_view(s).substr(s.size() - 20));
    if (!uuid.ok()) {
      return uuid.status().with_context("deletion vector pathOrInlineDv '" + s + "'");
    }
    const std::string name = "deletion_vector_" + uuid_text(*uuid) + ".bin";
    return join_path(table_path, prefix.empty() ? name : join_path(prefix, name));
  }
  if (dv.storage_type == 'p') {
    LS_ASSIGN_OR_RAISE(std::string decoded, decode_add_path(dv.path_or_inline_dv));
    return resolve_log_path(table_path, decoded);
  }
  if (dv.storage_type == 'i') {
    return Status::InvalidArgument("an inline deletion vector has no file");
  }
  return Status::NotImplemented("deletion vector storageType '" + std::string(1, dv.storage_type) +
                                "' (lakestream reads 'u', 'p' and 'i')");
}

Result<DeletedRows> load_deletion_vector(FileSystem& fs, const std::string& table_path,
                                         const DeletionVectorDescriptor& dv) {
  if (dv.size_in_bytes < 0) {
    return Status::Corrupt("deletion vector with a negative sizeInBytes");
  }
  std::string where;
  std::string bitmap;
  if (dv.storage_type == 'i') {
    where = "an inline deletion vector";
    auto decoded = z85_decode(dv.path_or_inline_dv);
    if (!decoded.ok()) return decoded.status().with_context(where);
    if (decoded->size() < static_cast<size_t>(dv.size_in_bytes)) {
      return Status::Corrupt(where + " decodes to " + std::to_string(decoded->size()) +
                             " bytes, fewer than its sizeInBytes " +
                             std::to_string(dv.size_in_bytes));
    }
    bitmap = decoded->substr(0, static_cast<size_t>(dv.size_in_bytes));
  } else {
    LS_ASSIGN_OR_RAISE(std::string path, deletion_vector_file_path(table_path, dv));
    where = fs.describe(path);
    const int64_t offset = dv.offset.value_or(1);
    if (offset < 1) {
      return Status::Corrupt("deletion vector file " + where + ": offset " +
                             std::to_string(offset) + " is inside the version byte");
    }
    LS_ASSIGN_OR_RAISE(auto file, fs.open_input_file(path));
    char version = 0;
    Status st = file->read_at(0, 1, &version);
    if (!st.ok()) return st.with_context("deletion vector file " + where);
    if (version != 1) {
      return Status::NotImplemented("deletion vector file " + where + " has format version " +
                                    std::to_string(static_cast<uint8_t>(version)) +
                                    " (lakestream reads version 1)");
    }
    std::string framed(static_cast<size_t>(dv.size_in_bytes) + 8, '\0');
    st = file->read_at(offset, static_cast<int64_t>(framed.size()), framed.data());
    if (!st.ok()) {
      return st.with_context("deletion vector of " + std::to_string(dv.size_in_bytes) +
                             " bytes at offset " + std::to_string(offset) + " in " + where);
    }
    const uint32_t size = read_be32(framed.data());
    if (size != static_cast<uint32_t>(dv.size_in_bytes)) {
      return Status::Corrupt("deletion vector file " + where + ": the DV at offset " +
                             std::to_string(offset) + " has size " + std::to_string(size) +
                             ", the log says " + std::to_string(dv.size_in_bytes));
    }
    bitmap = framed.substr(4, size);
    const uint32_t expected = read_be32(framed.data() + 4 + size);
    const uint32_t actual = static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(bitmap.data()), static_cast<uInt>(size)));
    if (actual != expected) {
      return Status::Corrupt("deletion vector file " + where +
                             ": checksum mismatch for the DV at offset " + std::to_string(offset) +
                             " (CRC-32 " + std::to_string(actual) + ", stored " +
                             std::to_string(expected) + ")");
    }
    where = "file " + where + " at offset " + std::to_string(offset);
  }
  LS_ASSIGN_OR_RAISE(DeletedRows rows, parse_roaring_bitmap_array(bitmap, where));
  if (rows.cardinality() != static_cast<uint64_t>(dv.cardinality)) {
    return Status::Corrupt("deletion vector in " + where + " holds " +
                           std::to_string(rows.cardinality()) +
                           " rows, the log's cardinality says " + std::to_string(dv.cardinality));
  }
  return rows;
}

}  // namespace lakestream
