#include "json/json_text.h"

#include <algorithm>

namespace lakestream::json_internal {

namespace {
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_json_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
constexpr size_t kMaxQuoted = 64;
}  // namespace

std::string_view trim_json_ws(std::string_view text) {
  size_t n = text.size();
  while (n > 0 && is_json_ws(text[n - 1])) --n;
  return text.substr(0, n);
}

bool is_json_number(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p != end && *p == '-') ++p;
  if (p == end) return false;
  if (*p == '0') {
    ++p;
  } else if (is_digit(*p)) {
    while (p != end && is_digit(*p)) ++p;
  } else {
    return false;
  }
  if (p != end && *p == '.') {
    ++p;
    if (p == end || !is_digit(*p)) return false;
    while (p != end && is_digit(*p)) ++p;
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (p == end || !is_digit(*p)) return false;
    while (p != end && is_digit(*p)) ++p;
  }
  return p == end;
}

bool has_fraction_or_exponent(std::string_view number) {
  return number.find_first_of(".eE") != std::string_view::npos;
}

int json_nesting_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) deepest = depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

std::string quote_value(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxQuoted) + 5);
  out += '\'';
  if (text.size() <= kMaxQuoted) {
    out.append(text);
  } else {
    out.append(text.substr(0, kMaxQuoted));
    out += "...";
  }
  out += '\'';
  return out;
}

}  // namespace lakestream::json_internal
