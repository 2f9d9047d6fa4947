#include "lakestream/batch/show.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <vector>

#include "lakestream/common/decimal.h"
#include "lakestream/common/strings.h"
#include "lakestream/common/time.h"

namespace lakestream {

namespace {

constexpr int kMinimumColumnWidth = 3;  // Spark's minimumColWidth

// ---- UTF-8 walking ----------------------------------------------------------------------

/// Decode the code point starting at s[i]; sets *len to its byte length. A malformed byte
/// counts as one code point of one byte (so widths stay defined for arbitrary bytes).
uint32_t decode_utf8(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0 && cont(1)) {
    *len = 2;
    return ((b0 & 0x1Fu) << 6) | (byte(1) & 0x3F);
  }
  if ((b0 & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    *len = 3;
    return ((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
  }
  if ((b0 & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    *len = 4;
    return ((b0 & 0x07u) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) |
           (byte(3) & 0x3F);
  }
  *len = 1;
  return b0;
}

/// Java's String.length() contribution of one code point.
int utf16_units(uint32_t cp) { return cp >= 0x10000 ? 2 : 1; }

/// Spark's fullWidthRegex (Utils.scala): characters a terminal draws two cells wide.
bool is_full_width(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
}

int utf16_length(std::string_view s) {
  int n = 0;
  for (size_t i = 0, len = 0; i < s.size(); i += len) n += utf16_units(decode_utf8(s, i, &len));
  return n;
}

/// Byte length of the longest prefix of `s` that is at most `units` UTF-16 units long.
size_t prefix_bytes(std::string_view s, int units) {
  size_t i = 0;
  int n = 0;
  while (i < s.size()) {
    size_t len = 0;
    const int u = utf16_units(decode_utf8(s, i, &len));
    if (n + u > units) break;
    n += u;
    i += len;
  }
  return i;
}

// ---- value formatting -------------------------------------------------------------------

void append_hex_bytes(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('[');
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out->push_back(' ');
    const auto b = static_cast<unsigned char>(bytes[i]);
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 0x0F]);
  }
  out->push_back(']');
}

/// Java's Double/Float.toString layout from the shortest digits. Java picks the shortest
/// decimal that rounds back to the value, but never fewer than two significant digits: when
/// one digit would do, it takes the two-digit decimal closest to the value (so
/// Double.MIN_VALUE is "4.9E-324", not "5.0E-324"). to_chars with precision 1 gives exactly
/// that closest two-digit decimal.
template <typename T>
std::string java_floating_string(T value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";

  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  std::string digits;
  size_t e_pos = sci.find('e');
  for (size_t i = 0; i < e_pos; ++i) {
    if (sci[i] >= '0' && sci[i] <= '9') digits.push_back(sci[i]);
  }
  if (digits.size() == 1) {
    res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific, 1);
    sci = std::string_view(buf, static_cast<size_t>(res.ptr - buf));
    e_pos = sci.find('e');
    digits.clear();
    for (size_t i = 0; i < e_pos; ++i) {
      if (sci[i] >= '0' && sci[i] <= '9') digits.push_back(sci[i]);
    }
  }
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(),
                  exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();

  std::string out;
  if (std::signbit(value)) out.push_back('-');
  const T magnitude = std::fabs(value);
  if (magnitude >= static_cast<T>(1e-3) && magnitude < static_cast<T>(1e7)) {
    if (exponent >= 0) {
      const auto int_digits = static_cast<size_t>(exponent) + 1;
      for (size_t i = 0; i < int_digits; ++i) out.push_back(i < digits.size() ? digits[i] : '0');
      out.push_back('.');
      if (digits.size() > int_digits) {
        out.append(digits, int_digits, std::string::npos);
      } else {
        out.push_back('0');
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
    }
  } else {
    out.push_back(digits[0]);
    out.push_back('.');
    if (digits.size() > 1) {
      out.append(digits, 1, std::string::npos);
    } else {
      out.push_back('0');
    }
    out.push_back('E');
    out += std::to_string(exponent);
  }
  return out;
}

void append_value(const Column& col, int64_t row, std::string* out);

void append_element(const Column& col, int64_t row, std::string* out) {
  if (col.is_null(row)) {
    *out += "null";
  } else {
    append_value(col, row, out);
  }
}

/// Cast of one non-null value to a string, following Spark's ToStringBase.
void append_value(const Column& col, int64_t row, std::string* out) {
  const DataType& type = *col.type();
  switch (type.id()) {
    case TypeId::kString:
      *out += col.string_value(row);
      break;
    case TypeId::kBinary:
      // Spark prints top-level binary as hex; see show.h for the nested case.
      append_hex_bytes(col.string_value(row), out);
      break;
    case TypeId::kBoolean:
      *out += col.bool_value(row) ? "true" : "false";
      break;
    case TypeId::kByte:
      *out += std::to_string(col.value<int8_t>(row));
      break;
    case TypeId::kShort:
      *out += std::to_string(col.value<int16_t>(row));
      break;
    case TypeId::kInt:
      *out += std::to_string(col.value<int32_t>(row));
      break;
    case TypeId::kLong:
      *out += std::to_string(col.value<int64_t>(row));
      break;
    case TypeId::kFloat:
      *out += java_float_string(col.value<float>(row));
      break;
    case TypeId::kDouble:
      *out += java_double_string(col.value<double>(row));
      break;
    case TypeId::kDecimal:
      *out += format_decimal(col.decimal_value(row), type.scale());
      break;
    case TypeId::kDate:
      *out += format_date_days(col.value<int32_t>(row));
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      *out += format_timestamp_micros(col.value<int64_t>(row));
      break;
    case TypeId::kStruct: {
      out->push_back('{');
      for (size_t f = 0; f < col.children().size(); ++f) {
        if (f > 0) *out += ", ";
        append_element(*col.child(f), row, out);
      }
      out->push_back('}');
      break;
    }
    case TypeId::kArray: {
      const Column& elements = *col.child(0);
      out->push_back('[');
      for (int32_t i = col.offset(row); i < col.offset(row + 1); ++i) {
        if (i > col.offset(row)) *out += ", ";
        append_element(elements, i, out);
      }
      out->push_back(']');
      break;
    }
    case TypeId::kMap: {
      const Column& keys = *col.child(0);
      const Column& values = *col.child(1);
      out->push_back('{');
      for (int32_t i = col.offset(row); i < col.offset(row + 1); ++i) {
        if (i > col.offset(row)) *out += ", ";
        append_element(keys, i, out);
        *out += " -> ";
        append_element(values, i, out);
      }
      out->push_back('}');
      break;
    }
    case TypeId::kNull:  // every row of a void column is null: not reached
      *out += "null";
      break;
  }
}

/// getRows' truncation rule, in UTF-16 units as Java's substring counts them.
std::string truncate_cell(std::string s, int truncate) {
  if (truncate <= 0 || utf16_length(s) <= truncate) return s;
  if (truncate < 4) {
    s.resize(prefix_bytes(s, truncate));
  } else {
    s.resize(prefix_bytes(s, truncate - 3));
    s += "...";
  }
  return s;
}

void append_padded(std::string_view cell, int width, bool right_align, std::string* out) {
  const int pad = std::max(0, width - display_width(cell));
  if (right_align) out->append(static_cast<size_t>(pad), ' ');
  *out += cell;
  if (!right_align) out->append(static_cast<size_t>(pad), ' ');
}

}  // namespace

std::string java_double_string(double value) { return java_floating_string(value); }
std::string java_float_string(float value) { return java_floating_string(value); }

int display_width(std::string_view utf8) {
  int n = 0;
  for (size_t i = 0, len = 0; i < utf8.size(); i += len) {
    const uint32_t cp = decode_utf8(utf8, i, &len);
    n += utf16_units(cp) + (is_full_width(cp) ? 1 : 0);
  }
  return n;
}

std::string cell_string(const Column& column, int64_t row) {
  std::string out;
  if (column.is_null(row)) {
    out = "null";
  } else {
    append_value(column, row, &out);
  }
  return out;
}

std::string show_string(const RecordBatch& batch, int num_rows, int truncate, bool vertical) {
  num_rows = std::max(num_rows, 0);
  const size_t num_cols = batch.num_columns();
  const int64_t shown = std::min<int64_t>(num_rows, batch.num_rows());
  const bool has_more_data = batch.num_rows() > num_rows;

  // rows[0] is the header, as in Spark's getRows.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(static_cast<size_t>(shown) + 1);
  rows.emplace_back();
  for (const auto& f : batch.schema().fields()) rows[0].push_back(escape_meta_characters(f.name));
  for (int64_t r = 0; r < shown; ++r) {
    auto& cells = rows.emplace_back();
    cells.reserve(num_cols);
    for (size_t c = 0; c < num_cols; ++c) {
      cells.push_back(
          truncate_cell(escape_meta_characters(cell_string(*batch.column(c), r)), truncate));
    }
  }

  std::string sb;
  if (!vertical) {
    std::vector<int> widths(num_cols, kMinimumColumnWidth);
    for (const auto& cells : rows) {
      for (size_t c = 0; c < num_cols; ++c)
        widths[c] = std::max(widths[c], display_width(cells[c]));
    }
    std::string sep = "+";
    for (const int w : widths) {
      sep.append(static_cast<size_t>(w), '-');
      sep.push_back('+');
    }
    sep.push_back('\n');
    auto append_row = [&](const std::vector<std::string>& cells) {
      sb.push_back('|');
      for (size_t c = 0; c < num_cols; ++c) {
        append_padded(cells[c], widths[c], truncate > 0, &sb);
        sb.push_back('|');
      }
      sb.push_back('\n');
    };
    sb += sep;
    append_row(rows[0]);
    sb += sep;
    for (size_t r = 1; r < rows.size(); ++r) append_row(rows[r]);
    sb += sep;
  } else {
    int name_width = kMinimumColumnWidth;
    for (const auto& name : rows[0]) name_width = std::max(name_width, display_width(name));
    int data_width = kMinimumColumnWidth;
    for (size_t r = 1; r < rows.size(); ++r) {
      for (const auto& cell : rows[r]) data_width = std::max(data_width, display_width(cell));
    }
    for (size_t r = 1; r < rows.size(); ++r) {
      // "+ 5": the " ", " | " and trailing " " around the padded name and data.
      std::string header = "-RECORD " + std::to_string(r - 1);
      const auto total = static_cast<size_t>(name_width + data_width + 5);
      if (header.size() < total) header.append(total - header.size(), '-');
      sb += header;
      sb.push_back('\n');
      for (size_t c = 0; c < num_cols; ++c) {
        sb.push_back(' ');
        append_padded(rows[0][c], name_width, false, &sb);
        sb += " | ";
        append_padded(rows[r][c], data_width, false, &sb);
        sb += " \n";
      }
    }
  }

  if (vertical && shown == 0) {
    sb += "(0 rows)\n";
  } else if (has_more_data) {
    sb += "only showing top " + std::to_string(num_rows) + (num_rows == 1 ? " row\n" : " rows\n");
  }
  return sb;
}

void show(const RecordBatch& batch, int num_rows, int truncate, bool vertical) {
  const std::string text = show_string(batch, num_rows, truncate, vertical);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace lakestream
