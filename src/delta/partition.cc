#include "lakestream/delta/partition.h"

#include <cstdio>

#include "lakestream/batch/show.h"
#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

bool spark_escapes(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;  // control characters (we add NUL, see header)
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

/// java.net.URI's legal path characters: unreserved, punct, '/', '@'; non-ASCII "other"
/// characters are legal too (the multi-argument constructors leave them as they are).
bool uri_path_legal(unsigned char c) {
  if (c >= 0x80) return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '!':
    case '~':
    case '*':
    case '\'':
    case '(':
    case ')':
    case ',':
    case ';':
    case ':':
    case '$':
    case '&':
    case '+':
    case '=':
    case '/':
    case '@':
      return true;
    default:
      return false;
  }
}

void append_escaped(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kUpperHex[c >> 4]);
  out.push_back(kUpperHex[c & 15]);
}

}  // namespace

std::string escape_partition_path_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (spark_escapes(c)) {
      append_escaped(out, c);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string unescape_partition_path_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 &&
        hex_digit_value(text[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Result<std::optional<std::string>> partition_value_text(const Column& column, int64_t row) {
  const DataType& type = *column.type();
  if (column.is_null(row)) return std::optional<std::string>();
  switch (type.id()) {
    case TypeId::kString: {
      std::string_view s = column.string_value(row);
      if (s.empty()) return std::optional<std::string>();
      return std::optional<std::string>(std::string(s));
    }
    case TypeId::kBoolean:
      return std::optional<std::string>(column.bool_value(row) ? "true" : "false");
    case TypeId::kByte:
      return std::optional<std::string>(std::to_string(column.value<int8_t>(row)));
    case TypeId::kShort:
      return std::optional<std::string>(std::to_string(column.value<int16_t>(row)));
    case TypeId::kInt:
      return std::optional<std::string>(std::to_string(column.value<int32_t>(row)));
    case TypeId::kLong:
      return std::optional<std::string>(std::to_string(column.value<int64_t>(row)));
    case TypeId::kFloat:
      return std::optional<std::string>(java_float_string(column.value<float>(row)));
    case TypeId::kDouble:
      return std::optional<std::string>(java_double_string(column.value<double>(row)));
    case TypeId::kDecimal:
      return std::optional<std::string>(format_decimal(column.decimal_value(row), type.scale()));
    case TypeId::kDate:
      return std::optional<std::string>(format_date_days(column.value<int32_t>(row)));
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return std::optional<std::string>(format_timestamp_micros(column.value<int64_t>(row)));
    case TypeId::kBinary:
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kNull:
      break;
  }
  return Status::InvalidArgument("a " + type.simple_string() +
                                 " column cannot be a partition column");
}

Result<std::string> partition_folder(const std::vector<PartitionValue>& values) {
  std::string out;
  for (const auto& [name, value] : values) {
    if (name.empty()) return Status::InvalidArgument("partition column with an empty name");
    std::string segment = escape_partition_path_name(name);
    segment.push_back('=');
    if (value.has_value() && !value->empty()) {
      segment += escape_partition_path_name(*value);
    } else {
      segment += kHiveDefaultPartition;
    }
    if (segment.size() > kMaxPartitionFolderBytes) {
      return Status::InvalidArgument(
          "partition column '" + name + "': the value makes a folder name of " +
          std::to_string(segment.size()) + " bytes after escaping; at most " +
          std::to_string(kMaxPartitionFolderBytes) + " are allowed (value starts with '" +
          value.value_or(std::string()).substr(0, 40) + "')");
    }
    if (!out.empty()) out.push_back('/');
    out += segment;
  }
  return out;
}

std::string data_file_name(int task, std::string_view uuid, ParquetCompression compression) {
  char task_text[16];
  std::snprintf(task_text, sizeof task_text, "%05d", task);
  std::string name = "part-";
  name += task_text;
  name.push_back('-');
  name.append(uuid);
  name += ".c000";
  std::string_view infix = parquet_compression_file_infix(compression);
  if (!infix.empty()) {
    name.push_back('.');
    name.append(infix);
  }
  name += ".parquet";
  return name;
}

std::string encode_add_path(std::string_view relative_path) {
  std::string out;
  out.reserve(relative_path.size() + 8);
  for (char ch : relative_path) {
    auto c = static_cast<unsigned char>(ch);
    if (uri_path_legal(c)) {
      out.push_back(ch);
    } else {
      append_escaped(out, c);
    }
  }
  return out;
}

Result<std::string> decode_add_path(std::string_view uri_path) {
  std::optional<std::string> out = percent_decode(uri_path);
  if (!out)
    return Status::Corrupt("bad percent escape in add.path '" + std::string(uri_path) + "'");
  return std::move(*out);
}

}  // namespace lakestream
