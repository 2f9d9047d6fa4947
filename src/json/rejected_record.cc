#include "lakestream/json/rejected_record.h"

namespace lakestream {

std::string RecordPosition::to_string() const {
  if (line >= 0) return source + ":" + std::to_string(line);
  std::string out = source.empty() ? std::string("event") : source;
  if (partition >= 0) out += " partition " + std::to_string(partition);
  if (offset >= 0) out += " offset " + std::to_string(offset);
  return out;
}

}  // namespace lakestream
