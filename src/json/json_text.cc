#include "json/json_text.h"

#include <algorithm>

#include "lakestream/common/strings.h"

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

namespace {

/// Past the string starting at `p` (its opening quote), or nullptr when it is not valid.
const char* string_end(const char* p, const char* end) {
  for (++p; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') return p + 1;
    if (c < 0x20) return nullptr;
    if (c != '\\') continue;
    if (++p == end) return nullptr;
    switch (*p) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        break;
      case 'u':
        if (end - p < 5) return nullptr;
        for (int k = 1; k <= 4; ++k) {
          if (hex_digit_value(p[k]) < 0) return nullptr;
        }
        p += 4;
        break;
      default:
        return nullptr;
    }
  }
  return nullptr;
}

/// Past the scalar (string, literal or number) starting at `p`, or nullptr.
const char* scalar_end(const char* p, const char* end) {
  if (*p == '"') return string_end(p, end);
  for (const std::string_view word : {"true", "false", "null"}) {
    if (*p == word[0]) {
      if (static_cast<size_t>(end - p) < word.size() || std::string_view(p, word.size()) != word) {
        return nullptr;
      }
      return p + word.size();
    }
  }
  const char* q = p;
  while (q < end && ((*q >= '0' && *q <= '9') || *q == '-' || *q == '+' || *q == '.' || *q == 'e' ||
                     *q == 'E')) {
    ++q;
  }
  return is_json_number({p, static_cast<size_t>(q - p)}) ? q : nullptr;
}

}  // namespace

size_t json_value_length(std::string_view text, std::string* stack) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  const auto skip_ws = [&] {
    while (p < end && is_json_ws(*p)) ++p;
  };
  // After '{' or ',' in an object: `"key" :`.
  const auto key = [&] {
    skip_ws();
    if (p == end || *p != '"' || (p = string_end(p, end)) == nullptr) return false;
    skip_ws();
    if (p == end || *p != ':') return false;
    ++p;
    return true;
  };
  stack->clear();
  while (true) {
    // A value.
    skip_ws();
    if (p == end) return 0;
    if (*p == '{' || *p == '[') {
      const char close = *p == '{' ? '}' : ']';
      ++p;
      skip_ws();
      if (p < end && *p == close) {
        ++p;
      } else {
        stack->push_back(close);
        if (close == '}' && !key()) return 0;
        continue;
      }
    } else if ((p = scalar_end(p, end)) == nullptr) {
      return 0;
    }
    // After a value: close what it ends, or go on to the next member or element.
    while (true) {
      if (stack->empty()) return static_cast<size_t>(p - begin);
      skip_ws();
      if (p == end) return 0;
      if (*p == stack->back()) {
        ++p;
        stack->pop_back();
        continue;
      }
      if (*p != ',') return 0;
      ++p;
      if (stack->back() == '}' && !key()) return 0;
      break;
    }
  }
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
