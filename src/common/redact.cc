#include "lakestream/common/redact.h"

#include <array>
#include <cctype>

namespace lakestream {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequals_at(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (lower(text[pos + i]) != lower(word[i])) return false;
  }
  return true;
}

// A secret key only counts at the start of a segment, so "EntityPath=..." or a host name that
// happens to contain "sig=" in the middle of a word is left alone.
bool at_segment_start(std::string_view text, size_t pos) {
  if (pos == 0) return true;
  char prev = text[pos - 1];
  return prev == ';' || prev == '&' || prev == '?' || prev == ' ' || prev == '\t' || prev == '"' ||
         prev == '\'' || prev == ',';
}

struct SecretKey {
  std::string_view name;          // including the '='
  bool value_may_hold_ampersand;  // a SAS token inside a connection string runs to the ';'
};

constexpr std::array<SecretKey, 6> kSecretKeys = {{
    {"SharedAccessKey=", false},
    {"AccountKey=", false},
    {"SharedAccessSignature=", true},
    {"sig=", false},
    {"password=", false},
    {"pwd=", false},
}};

bool ends_value(char c, bool allow_ampersand) {
  if (c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'') {
    return true;
  }
  return c == '&' && !allow_ampersand;
}

}  // namespace

std::string redact_connection_string(std::string_view text) {
  // Every secret key ends in '=', so only the text before an '=' needs a look: the rest is
  // copied in bulk (UI answers and log lines are mostly JSON, with no '=' at all).
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;  // text[0, copied) is in `out`
  size_t eq = text.find('=');
  while (eq != std::string_view::npos) {
    // The key ending at this '=' that starts earliest, as a left-to-right scan would find it.
    const SecretKey* hit = nullptr;
    size_t hit_start = 0;
    for (const SecretKey& key : kSecretKeys) {
      if (key.name.size() > eq + 1) continue;
      const size_t start = eq + 1 - key.name.size();
      if (start < copied || (hit != nullptr && start >= hit_start)) continue;
      if (at_segment_start(text, start) && iequals_at(text, start, key.name)) {
        hit = &key;
        hit_start = start;
      }
    }
    if (hit == nullptr) {
      eq = text.find('=', eq + 1);
      continue;
    }
    size_t end = eq + 1;
    while (end < text.size() && !ends_value(text[end], hit->value_may_hold_ampersand)) ++end;
    out.append(text.substr(copied, eq + 1 - copied));
    if (end > eq + 1) out.append(kRedacted);
    copied = end;
    eq = text.find('=', end);
  }
  out.append(text.substr(copied));
  return out;
}

bool is_secret_key_name(std::string_view key) {
  std::string norm;
  norm.reserve(key.size());
  for (char c : key) norm.push_back(c == '-' || c == '_' ? '.' : lower(c));
  for (std::string_view word : {"key", "secret", "password", "token", "connection.string"}) {
    if (norm.find(word) != std::string::npos) return true;
  }
  // "sas" only as a whole segment (or a segment prefix like "sastoken" is already caught by
  // "token"), so Kafka's harmless "sasl.mechanism" is not hidden.
  size_t start = 0;
  while (start <= norm.size()) {
    size_t end = norm.find('.', start);
    if (end == std::string::npos) end = norm.size();
    if (std::string_view(norm).substr(start, end - start) == "sas") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace lakestream
