#pragma once
// json/decode_plan: the per-schema plan the decoder follows. Built once per decoder, it holds
// for every struct its field-name lookup (so object members are matched in document order,
// one key comparison in the common case) and the duplicate-key scratch, so decoding a record
// allocates nothing. Internal to the json module.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lakestream/common/decimal.h"
#include "lakestream/common/status.h"
#include "lakestream/schema/data_type.h"
#include "lakestream/schema/schema.h"

namespace lakestream::json_internal {

struct TypePlan;

/// One member of a struct as the decoder sees it.
struct ChildPlan {
  std::string name;
  bool nullable = true;
  /// The name holds no '"' or '\\', so it can be compared with a key's raw bytes directly.
  bool plain_name = true;
  /// For plain names of up to 15 bytes: the name and its closing quote as two little-endian
  /// words plus masks, so matching a raw key is two loads and compares (simdjson's padding
  /// makes the 16-byte load safe). mask[0] == 0 when the name is longer.
  uint64_t word[2] = {0, 0};
  uint64_t mask[2] = {0, 0};

  /// For plain names of up to 13 bytes: `"name":` as two words plus masks, the member's
  /// start as compact JSON writes it (member_mask[0] == 0 when the name is longer).
  uint64_t member_word[2] = {0, 0};
  uint64_t member_mask[2] = {0, 0};

  /// True when the raw key bytes (just after the opening quote) spell exactly this name.
  bool matches_raw(const char* raw) const;
  /// True when the 16 readable bytes at `p` start with `"name":` (see member_word).
  bool matches_member(const char* p) const;
  std::unique_ptr<TypePlan> plan;
};

inline bool ChildPlan::matches_raw(const char* raw) const {
  if (mask[0] != 0) {
    uint64_t a = 0;
    uint64_t b = 0;
    std::memcpy(&a, raw, 8);
    std::memcpy(&b, raw + 8, 8);
    return (((a ^ word[0]) & mask[0]) | ((b ^ word[1]) & mask[1])) == 0;
  }
  return plain_name && std::memcmp(raw, name.data(), name.size()) == 0 && raw[name.size()] == '"';
}

inline bool ChildPlan::matches_member(const char* p) const {
  uint64_t a = 0;
  uint64_t b = 0;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return member_mask[0] != 0 &&
         (((a ^ member_word[0]) & member_mask[0]) | ((b ^ member_word[1]) & member_mask[1])) == 0;
}

/// How to decode one value of a data type.
struct TypePlan {
  TypeId id = TypeId::kString;
  DataTypePtr type;
  int precision = 0;          ///< decimal
  int scale = 0;              ///< decimal
  int128_t scale_factor = 1;  ///< decimal: 10^scale
  /// struct: the members in schema order (= child column order).
  std::vector<ChildPlan> children;
  /// struct: member name -> index into children (views into children[i].name).
  std::unordered_map<std::string_view, uint32_t> index;
  /// array: the element; map: the value (keys are always strings).
  std::unique_ptr<TypePlan> element;
  bool element_nullable = true;

  /// struct, while decoding: seen[i] == stamp when member i was present in the current object.
  /// A stamp per object instead of a cleared array keeps the per-object cost O(members seen).
  std::vector<uint32_t> seen;
  uint32_t stamp = 0;

  /// A fresh stamp for the next object of this struct.
  uint32_t next_stamp();
};

/// The plan of a record schema (a struct plan over the top-level fields). NotImplemented for a
/// map whose key type is not string.
Result<std::unique_ptr<TypePlan>> build_plan(const Schema& schema);

}  // namespace lakestream::json_internal
