#include "lakestream/storage/file_system.h"

namespace lakestream {

std::string join_path(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  const bool absolute = a.front() == '/';
  while (!a.empty() && a.back() == '/') a.remove_suffix(1);
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  std::string out;
  out.reserve(a.size() + 1 + b.size());
  if (a.empty()) {
    if (absolute) out.push_back('/');  // "/" joined with "x" stays absolute
    out.append(b);
    return out;
  }
  out.append(a);
  if (!b.empty()) {
    out.push_back('/');
    out.append(b);
  }
  return out;
}

}  // namespace lakestream
