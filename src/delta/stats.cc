#include "lakestream/delta/stats.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "lakestream/batch/show.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {
namespace {

/// One decoded character: its code point, where it starts, and its Java (UTF-16) length.
struct Char32 {
  uint32_t cp;
  size_t offset;
  int units;
};

/// Decode UTF-8 leniently: a byte that does not start a valid sequence counts as one U+FFFD.
std::vector<Char32> decode_utf8(std::string_view s) {
  std::vector<Char32> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      out.push_back({0xFFFD, i, 1});
      ++i;
      continue;
    }
    out.push_back({cp, i, cp >= 0x10000 ? 2 : 1});
    i += static_cast<size_t>(len);
  }
  return out;
}

/// How many characters make Delta's min prefix: up to `prefix_length` UTF-16 units, plus the
/// rest of a surrogate pair cut in the middle.
size_t min_prefix_chars(const std::vector<Char32>& chars, int prefix_length) {
  size_t k = 0;
  int units = 0;
  while (k < chars.size() && units < prefix_length) units += chars[k++].units;
  return k;
}

int total_units(const std::vector<Char32>& chars) {
  int n = 0;
  for (const auto& c : chars) n += c.units;
  return n;
}

std::string_view prefix_bytes(std::string_view s, const std::vector<Char32>& chars, size_t k) {
  return s.substr(0, k < chars.size() ? chars[k].offset : s.size());
}

bool skipping_eligible(TypeId id) {
  switch (id) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kString:
      return true;
    default:
      return false;
  }
}

/// The JSON text of a bound, or nullopt when it must be left out.
std::optional<std::string> bound_json(const DataType& type, const ParquetStatValue& v,
                                      bool is_max) {
  std::string out;
  switch (type.id()) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
      if (const auto* i = std::get_if<int32_t>(&v)) return std::to_string(*i);
      if (const auto* l = std::get_if<int64_t>(&v)) return std::to_string(*l);
      return std::nullopt;
    case TypeId::kLong:
      if (const auto* l = std::get_if<int64_t>(&v)) return std::to_string(*l);
      if (const auto* i = std::get_if<int32_t>(&v)) return std::to_string(*i);
      return std::nullopt;
    case TypeId::kDate:
      if (const auto* d = std::get_if<int32_t>(&v)) {
        append_json_string(out, format_date_days(*d));
        return out;
      }
      return std::nullopt;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      if (const auto* t = std::get_if<int64_t>(&v)) {
        std::string text = format_timestamp_iso(*t);
        if (type.id() == TypeId::kTimestampNtz && !text.empty() && text.back() == 'Z') {
          text.pop_back();
        }
        append_json_string(out, text);
        return out;
      }
      return std::nullopt;
    case TypeId::kFloat:
      if (const auto* f = std::get_if<float>(&v)) {
        if (!std::isfinite(*f)) return std::nullopt;
        return java_float_string(*f);
      }
      return std::nullopt;
    case TypeId::kDouble:
      if (const auto* d = std::get_if<double>(&v)) {
        if (!std::isfinite(*d)) return std::nullopt;
        return java_double_string(*d);
      }
      return std::nullopt;
    case TypeId::kDecimal:
      if (const auto* d = std::get_if<int128_t>(&v)) return format_decimal(*d, type.scale());
      return std::nullopt;
    case TypeId::kString:
      if (const auto* s = std::get_if<std::string>(&v)) {
        if (is_max) {
          auto cut = truncate_max_string(*s);
          if (!cut) return std::nullopt;
          append_json_string(out, *cut);
        } else {
          append_json_string(out, truncate_min_string(*s));
        }
        return out;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string truncate_min_string(std::string_view utf8, int prefix_length) {
  auto chars = decode_utf8(utf8);
  if (total_units(chars) <= prefix_length) return std::string(utf8);
  if (prefix_length <= 0) return std::string();
  return std::string(prefix_bytes(utf8, chars, min_prefix_chars(chars, prefix_length)));
}

std::optional<std::string> truncate_max_string(std::string_view utf8, int prefix_length) {
  auto chars = decode_utf8(utf8);
  if (total_units(chars) <= prefix_length) return std::string(utf8);
  if (prefix_length <= 0) return std::nullopt;
  const int max_units = 2 * prefix_length;
  size_t k = min_prefix_chars(chars, prefix_length);
  int units = 0;
  for (size_t i = 0; i < k; ++i) units += chars[i].units;
  while (units <= max_units) {
    if (k >= chars.size()) return std::string(utf8);
    if (chars[k].cp == 0x10FFFF) {
      // Already the largest character: it cannot be the tie-breaker's place; keep it.
      units += 2;
      ++k;
      continue;
    }
    std::string out(prefix_bytes(utf8, chars, k));
    if (chars[k].cp < 0x7F) {
      out.push_back('\x7F');
    } else {
      out += "\xF4\x8F\xBF\xBF";  // U+10FFFF
    }
    return out;
  }
  return std::nullopt;
}

namespace {

/// Builds the three stats objects of one file, walking the table schema depth first beside
/// the Parquet writer's leaves (the same order), as Delta's StatisticsCollection does:
/// - a struct nests its members' stats, recursively. Its object is there when it has a member
///   that can be (a struct, or for bounds a skipping-eligible leaf), even if that comes out
///   empty: Spark builds struct(...) of the members and to_json drops only null values, so an
///   all-null member leaves `{}`;
/// - a primitive leaf gets its nullCount and, when skipping-eligible, its bounds;
/// - an array or a map gets a nullCount only: its null rows, a null struct above it included
///   (ParquetFileInfo::columns at the top level, ::groups inside structs); its leaves are passed.
/// delta.dataSkippingNumIndexedCols counts leaves in that order: a struct's members each, an
/// array or a map as one (Delta's truncateSchema).
/// Columns past the budget are still collected when `always` names them (or a struct above
/// them): liquid clustering needs statistics on its clustering columns whatever
/// delta.dataSkippingNumIndexedCols says.
class StatsBuilder {
 public:
  StatsBuilder(const ParquetFileInfo& info, int num_indexed_columns,
               const std::vector<std::vector<std::string>>& always)
      : info_(info),
        budget_(num_indexed_columns < 0 ? INT32_MAX : num_indexed_columns),
        always_(always) {}

  std::string build() {
    Objects top;
    for (const ParquetColumnStats& c : info_.columns) {
      path_.assign(1, c.name);
      if (!c.type) {  // no type: nothing can be claimed
        ++leaf_;
        --budget_;
        continue;
      }
      if (budget_ <= 0 && !wanted()) {
        leaf_ += parquet_leaves(*c.type);
        group_ += member_groups(*c.type);
        continue;
      }
      member(c.name, *c.type, &c, top);
    }
    std::string out = "{\"numRecords\":";
    out += std::to_string(info_.num_rows);
    out += ",\"minValues\":{" + top.mins + "},\"maxValues\":{" + top.maxs + "},\"nullCount\":{" +
           top.nulls + "}}";
    return out;
  }

 private:
  /// The members of one JSON object in each of minValues, maxValues and nullCount, and
  /// whether the object would exist in Spark's output (see above).
  struct Objects {
    std::string mins, maxs, nulls;
    bool bounds_exist = false;
    bool nulls_exist = false;
  };

  static void add(std::string& obj, const std::string& key, std::string_view value) {
    if (!obj.empty()) obj.push_back(',');
    obj += key;
    obj += value;
  }

  /// Parquet leaves under `type` (a primitive is one).
  static size_t parquet_leaves(const DataType& type) {
    switch (type.id()) {
      case TypeId::kStruct: {
        size_t n = 0;
        for (const Field& f : type.fields()) n += parquet_leaves(*f.type);
        return n;
      }
      case TypeId::kArray:
        return parquet_leaves(*type.element());
      case TypeId::kMap:
        return parquet_leaves(*type.key()) + parquet_leaves(*type.value());
      default:
        return 1;
    }
  }

  /// Arrays and maps reached through struct members of `type` (ParquetFileInfo::groups).
  static size_t member_groups(const DataType& type) {
    if (type.id() != TypeId::kStruct) return 0;
    size_t n = 0;
    for (const Field& f : type.fields()) {
      const TypeId id = f.type->id();
      n += (id == TypeId::kArray || id == TypeId::kMap) ? 1 : member_groups(*f.type);
    }
    return n;
  }

  /// The stats of member `name` of type `type` into `parent`. `top_level` is the file's
  /// column when the member is one (its null_count counts the null rows of a nested column).
  void member(const std::string& name, const DataType& type, const ParquetColumnStats* top_level,
              Objects& parent) {
    std::string key;
    append_json_string(key, name);
    key.push_back(':');
    switch (type.id()) {
      case TypeId::kStruct: {
        Objects inner;
        const size_t first_leaf = leaf_, first_group = group_;
        for (const Field& f : type.fields()) {
          path_.push_back(f.name);
          if (budget_ > 0 || wanted()) {
            member(f.name, *f.type, nullptr, inner);
          } else {  // past the budget: passed over
            const TypeId id = f.type->id();
            leaf_ += parquet_leaves(*f.type);
            group_ += (id == TypeId::kArray || id == TypeId::kMap) ? 1 : member_groups(*f.type);
          }
          path_.pop_back();
        }
        // Members past the budget are passed over too.
        leaf_ = first_leaf + parquet_leaves(type);
        group_ = first_group + member_groups(type);
        if (inner.bounds_exist) {
          add(parent.mins, key, "{" + inner.mins + "}");
          add(parent.maxs, key, "{" + inner.maxs + "}");
        }
        if (inner.nulls_exist) add(parent.nulls, key, "{" + inner.nulls + "}");
        parent.bounds_exist = parent.nulls_exist = true;
        return;
      }
      case TypeId::kArray:
      case TypeId::kMap:
        --budget_;
        leaf_ += parquet_leaves(type);
        parent.nulls_exist = true;
        if (top_level) {
          add(parent.nulls, key, std::to_string(top_level->null_count));
        } else if (group_ < info_.groups.size()) {
          add(parent.nulls, key, std::to_string(info_.groups[group_++].null_count));
        }
        return;
      default:
        break;
    }
    --budget_;
    if (leaf_ >= info_.leaves.size()) return;
    const ParquetColumnStats& c = info_.leaves[leaf_++];
    parent.nulls_exist = true;
    add(parent.nulls, key, std::to_string(c.null_count));
    if (!skipping_eligible(type.id())) return;
    parent.bounds_exist = true;
    if (c.min) {
      if (auto text = bound_json(type, *c.min, false)) add(parent.mins, key, *text);
    }
    if (c.max) {
      if (auto text = bound_json(type, *c.max, true)) add(parent.maxs, key, *text);
    }
  }

  /// Whether the column at path_ is, holds or lies inside a column of always_.
  bool wanted() const {
    for (const std::vector<std::string>& a : always_) {
      const size_t n = std::min(a.size(), path_.size());
      if (std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), path_.begin())) {
        return true;
      }
    }
    return false;
  }

  const ParquetFileInfo& info_;
  int budget_;
  const std::vector<std::vector<std::string>>& always_;
  std::vector<std::string> path_;  ///< of the column being visited
  size_t leaf_ = 0;
  size_t group_ = 0;
};

}  // namespace

std::string stats_json(const ParquetFileInfo& info, int num_indexed_columns,
                       const std::vector<std::vector<std::string>>& always_columns) {
  return StatsBuilder(info, num_indexed_columns, always_columns).build();
}

int num_indexed_columns(const std::map<std::string, std::string>& configuration) {
  auto it = configuration.find("delta.dataSkippingNumIndexedCols");
  if (it == configuration.end()) return kDefaultNumIndexedColumns;
  if (it->second == "-1") return -1;
  int v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9' || v > 100000000) return kDefaultNumIndexedColumns;
    v = v * 10 + (c - '0');
  }
  return it->second.empty() ? kDefaultNumIndexedColumns : v;
}

std::string stats_json(int64_t num_records, const std::vector<ParquetColumnStats>& columns,
                       int num_indexed_columns) {
  ParquetFileInfo info;
  info.num_rows = num_records;
  info.columns = columns;
  info.leaves = columns;
  return stats_json(info, num_indexed_columns);
}

}  // namespace lakestream
