#pragma once
// parquet/dictionary: the per-column-chunk dictionary of the dictionary encoder. An
// open-addressing hash table over the distinct values; values are stored once (fixed-width
// keys in a vector, byte arrays back to back in one buffer), so inserting and looking up
// allocate nothing per value.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/decimal.h"

namespace lakestream::parquet {

inline uint64_t hash_mix(uint64_t x) {
  // A 64-bit finalizer (murmur3's fmix64): spreads every input bit over the word.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint64_t load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

/// Hash of a byte string. Short strings (the common case: ids, units, codes) are read with
/// fixed-size, possibly overlapping loads instead of a variable-length copy, which would cost
/// a store-forwarding stall per value.
inline uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t a;
  uint64_t b;
  if (n >= 8) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    size_t i = 0;
    for (; i + 8 < n; i += 8) h = (h ^ hash_mix(load64(p + i))) * 0x9E3779B97F4A7C15ULL;
    a = h;
    b = load64(p + n - 8);
  } else if (n >= 4) {
    a = load32(p);
    b = load32(p + n - 4);
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8) |
        static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1]));
    b = 0;
  } else {
    a = 0;
    b = 0;
  }
  return hash_mix(a ^ hash_mix(b ^ (n * 0xff51afd7ed558ccdULL)));
}

/// Byte equality without a library call for the short strings that dominate dictionaries.
inline bool bytes_equal(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n >= 8 && n <= 16) {
    return load64(a.data()) == load64(b.data()) &&
           load64(a.data() + n - 8) == load64(b.data() + n - 8);
  }
  if (n >= 4 && n < 8) {
    return load32(a.data()) == load32(b.data()) &&
           load32(a.data() + n - 4) == load32(b.data() + n - 4);
  }
  if (n < 4) {
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  return std::memcmp(a.data(), b.data(), n) == 0;
}

/// Hash and bitwise equality of fixed-width keys (floats compare by bits, so -0.0 and 0.0 are
/// distinct entries and NaN finds itself).
template <typename Key>
struct FixedKeyOps {
  static uint64_t hash(const Key& k) {
    if constexpr (sizeof(Key) <= 8) {
      uint64_t x = 0;
      std::memcpy(&x, &k, sizeof(Key));
      return hash_mix(x);
    } else {
      uint64_t x[2];
      std::memcpy(x, &k, 16);
      return hash_mix(x[0] ^ hash_mix(x[1]));
    }
  }
  static bool equal(const Key& a, const Key& b) { return std::memcmp(&a, &b, sizeof(Key)) == 0; }
};

/// Open-addressing table: slots hold (hash bits, entry index); linear probing; grows at 1/2 load.
class SlotTable {
 public:
  struct Slot {
    uint32_t hash;
    int32_t index;  // -1: empty
  };

  // Small to start: a micro-batch writes many small files (one per partition value, each
  // with a dictionary per column), and zeroing 1,024 slots for each was ~1% of a stream's
  // engine thread. Doubling at half load costs little for the big ones.
  static constexpr size_t kInitialSlots = 64;

  SlotTable() { reset(kInitialSlots); }

  void reset(size_t capacity) {
    slots_.assign(capacity, Slot{0, -1});
    mask_ = capacity - 1;
    used_ = 0;
  }
  void clear() {
    if (used_ == 0) return;
    reset(kInitialSlots);
  }

  /// Probe for `hash`: calls eq(index) on candidate entries; returns the slot where the key is
  /// or where it would go.
  template <typename Eq>
  Slot* probe(uint64_t hash, Eq&& eq) {
    const uint32_t h32 = static_cast<uint32_t>(hash >> 32);
    size_t i = static_cast<size_t>(hash) & mask_;
    while (true) {
      Slot& s = slots_[i];
      if (s.index < 0) return &s;
      if (s.hash == h32 && eq(s.index)) return &s;
      i = (i + 1) & mask_;
    }
  }
  void fill(Slot* s, uint64_t hash, int32_t index) {
    s->hash = static_cast<uint32_t>(hash >> 32);
    s->index = index;
    ++used_;
  }
  bool needs_grow() const { return used_ * 2 >= slots_.size(); }
  /// Double the table; `hash_of(index)` recomputes an entry's hash.
  template <typename HashOf>
  void grow(HashOf&& hash_of) {
    std::vector<Slot> old = std::move(slots_);
    reset(old.size() * 2);
    for (const Slot& s : old) {
      if (s.index < 0) continue;
      const uint64_t h = hash_of(s.index);
      size_t i = static_cast<size_t>(h) & mask_;
      while (slots_[i].index >= 0) i = (i + 1) & mask_;
      slots_[i] = s;
      ++used_;
    }
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t used_ = 0;
};

/// Dictionary of fixed-width keys; `plain_width` is the bytes one entry takes in the
/// dictionary page (4/8 for numbers, the FIXED_LEN_BYTE_ARRAY length for wide decimals).
template <typename Key>
class FixedDictionary {
 public:
  explicit FixedDictionary(int plain_width) : plain_width_(plain_width) {}

  /// Index of `k`, inserting it if new, unless that would take the dictionary past
  /// `limit_bytes`: then -1 (the caller falls back to PLAIN).
  int32_t find_or_insert(const Key& k, int64_t limit_bytes, bool* inserted) {
    const uint64_t h = FixedKeyOps<Key>::hash(k);
    auto* slot =
        table_.probe(h, [&](int32_t i) { return FixedKeyOps<Key>::equal(entries_[i], k); });
    if (slot->index >= 0) {
      *inserted = false;
      return slot->index;
    }
    if (plain_bytes() + plain_width_ > limit_bytes) return -1;
    const auto index = static_cast<int32_t>(entries_.size());
    entries_.push_back(k);
    table_.fill(slot, h, index);
    if (table_.needs_grow()) {
      table_.grow([&](int32_t i) { return FixedKeyOps<Key>::hash(entries_[i]); });
    }
    *inserted = true;
    return index;
  }

  size_t size() const { return entries_.size(); }
  int64_t plain_bytes() const { return static_cast<int64_t>(entries_.size()) * plain_width_; }
  const std::vector<Key>& entries() const { return entries_; }
  void clear() {
    entries_.clear();
    table_.clear();
  }

 private:
  int plain_width_;
  std::vector<Key> entries_;
  SlotTable table_;
};

/// Dictionary of byte arrays (strings, binary), stored back to back.
class BinaryDictionary {
 public:
  int32_t find_or_insert(std::string_view k, int64_t limit_bytes, bool* inserted) {
    const uint64_t h = hash_bytes(k.data(), k.size());
    auto* slot = table_.probe(h, [&](int32_t i) { return bytes_equal(entry(i), k); });
    if (slot->index >= 0) {
      *inserted = false;
      return slot->index;
    }
    if (plain_bytes() + 4 + static_cast<int64_t>(k.size()) > limit_bytes) return -1;
    const auto index = static_cast<int32_t>(offsets_.size() - 1);
    bytes_.append(k.data(), k.size());
    offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
    table_.fill(slot, h, index);
    if (table_.needs_grow()) {
      table_.grow([&](int32_t i) {
        const auto e = entry(i);
        return hash_bytes(e.data(), e.size());
      });
    }
    *inserted = true;
    return index;
  }

  std::string_view entry(int32_t i) const {
    return {bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
  }
  size_t size() const { return offsets_.size() - 1; }
  /// Size of the PLAIN dictionary page: a 4-byte length before each value.
  int64_t plain_bytes() const {
    return static_cast<int64_t>(bytes_.size()) + 4 * static_cast<int64_t>(size());
  }
  void clear() {
    bytes_.clear();
    offsets_.assign(1, 0);
    table_.clear();
  }

 private:
  std::string bytes_;
  std::vector<uint32_t> offsets_{0};
  SlotTable table_;
};

}  // namespace lakestream::parquet
