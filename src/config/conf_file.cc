#include "config/conf_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lakestream/common/strings.h"

namespace lakestream {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string at(std::string_view path, int line) {
  return "file " + std::string(path) + " line " + std::to_string(line);
}

}  // namespace

Result<std::vector<ConfEntry>> parse_conf_text(std::string_view text,
                                               std::string_view display_path) {
  // A UTF-8 byte order mark from a Windows editor is not part of the first key.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<ConfEntry> entries;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == ';' || line.front() == '[' ||
        line.substr(0, 3) == "---") {
      if (nl == text.size()) break;
      continue;
    }
    size_t k = 0;
    while (k < line.size() && line[k] != '=' && line[k] != ':' && !is_space(line[k])) {
      if (line[k] == ';' || line[k] == '#') {
        return Status::InvalidArgument(at(display_path, line_no) + ": a key cannot contain '" +
                                       std::string(1, line[k]) + "'");
      }
      ++k;
    }
    if (k == 0) {
      return Status::InvalidArgument(at(display_path, line_no) + ": the line has no key");
    }
    ConfEntry entry;
    entry.key = std::string(line.substr(0, k));
    entry.line = line_no;
    std::string_view rest = line.substr(k);
    std::string_view after_key = trim(rest);
    if (after_key.empty() || after_key.front() == '#' || after_key.front() == ';') {
      // `key` alone (or followed by a comment) is a flag set to true.
      entries.push_back(std::move(entry));
      if (nl == text.size()) break;
      continue;
    }
    // Separator: optional whitespace, at most one ':' or '=', optional whitespace.
    size_t r = 0;
    while (r < rest.size() && is_space(rest[r])) ++r;
    if (r < rest.size() && (rest[r] == '=' || rest[r] == ':')) ++r;
    while (r < rest.size() && is_space(rest[r])) ++r;
    std::string_view value = rest.substr(r);
    // A trailing comment needs whitespace before its '#' or ';'.
    for (size_t i = 1; i < value.size(); ++i) {
      if ((value[i] == '#' || value[i] == ';') && is_space(value[i - 1])) {
        value = trim(value.substr(0, i));
        break;
      }
    }
    if (value.empty()) {
      return Status::InvalidArgument(at(display_path, line_no) + ": key '" + entry.key +
                                     "' has no value");
    }
    entry.value = std::string(value);
    entries.push_back(std::move(entry));
    if (nl == text.size()) break;
  }
  return entries;
}

Result<std::optional<std::string>> read_file_if_exists(const std::string& path,
                                                       std::string_view display_path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return Status::IOError("cannot read config file " + std::string(display_path) + ": " +
                           std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::IOError("config file " + std::string(display_path) + " is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IOError("cannot open config file " + std::string(display_path));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError("error reading config file " + std::string(display_path));
  return std::optional<std::string>(buf.str());
}

std::vector<std::string> split_list_value(std::string_view text) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return {std::string(text)};
  }
  std::string_view inner = trim(text.substr(1, text.size() - 2));
  std::vector<std::string> out;
  if (inner.empty()) return out;
  for (std::string_view item : split_trimmed(inner, ',')) {
    // Quotes around an element are how Python writes a list; they are not part of the value.
    if (item.size() >= 2 && (item.front() == '\'' || item.front() == '"') &&
        item.back() == item.front()) {
      item = item.substr(1, item.size() - 2);
    }
    out.emplace_back(item);
  }
  return out;
}

}  // namespace lakestream
