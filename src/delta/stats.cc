#include "lakestream/delta/stats.h"

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

std::string stats_json(int64_t num_records, const std::vector<ParquetColumnStats>& columns,
                       int num_indexed_columns) {
  size_t indexed = columns.size();
  if (num_indexed_columns >= 0 && static_cast<size_t>(num_indexed_columns) < indexed) {
    indexed = static_cast<size_t>(num_indexed_columns);
  }
  std::string mins, maxs, nulls;
  for (size_t i = 0; i < indexed; ++i) {
    const ParquetColumnStats& c = columns[i];
    // Spark nests a struct's statistics per member ({"s":{"a":0}}); until they are collected
    // per leaf, a struct column gets none (readers then simply cannot skip on it). Arrays and
    // maps get their nullCount, as Spark writes it.
    if (c.type && c.type->id() == TypeId::kStruct) continue;
    std::string key;
    append_json_string(key, c.name);
    key.push_back(':');
    if (!nulls.empty()) nulls.push_back(',');
    nulls += key;
    nulls += std::to_string(c.null_count);
    if (!c.type || !skipping_eligible(c.type->id())) continue;
    if (c.min) {
      if (auto text = bound_json(*c.type, *c.min, false)) {
        if (!mins.empty()) mins.push_back(',');
        mins += key;
        mins += *text;
      }
    }
    if (c.max) {
      if (auto text = bound_json(*c.type, *c.max, true)) {
        if (!maxs.empty()) maxs.push_back(',');
        maxs += key;
        maxs += *text;
      }
    }
  }
  std::string out = "{\"numRecords\":";
  out += std::to_string(num_records);
  out +=
      ",\"minValues\":{" + mins + "},\"maxValues\":{" + maxs + "},\"nullCount\":{" + nulls + "}}";
  return out;
}

}  // namespace lakestream
