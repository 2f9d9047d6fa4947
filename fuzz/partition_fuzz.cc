// Fuzz target: partition paths (delta/partition.h): Spark's path-name escaping and the URI
// encoding of add.path, on arbitrary bytes.
// Properties:
//  - unescape_partition_path_name(escape_partition_path_name(x)) == x, and the escaped text
//    holds no '/', '\\' or NUL (a value never leaves its folder);
//  - decode_add_path(encode_add_path(x)) == x;
//  - a partition folder built from the input's lines (col=value pairs, split at the first
//    '=') reads back: each segment unescapes to the column and value it was made from.
// Arbitrary text also goes straight to the decoders.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "lakestream/delta/partition.h"

namespace {
constexpr size_t kMaxInput = 8 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size > kMaxInput) return 0;
  const std::string_view text = as_text(data, size);

  const std::string escaped = escape_partition_path_name(text);
  check(escaped.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos);
  check(unescape_partition_path_name(escaped) == text);
  (void)unescape_partition_path_name(text);

  const std::string encoded = encode_add_path(text);
  auto decoded = decode_add_path(encoded);
  check(decoded.ok());
  check(*decoded == text);
  (void)decode_add_path(text);

  std::vector<PartitionValue> values;
  for (std::string_view line : split(text, "\n")) {
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      values.emplace_back(std::string(line), std::nullopt);
    } else {
      values.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
  }
  auto folder = partition_folder(values);
  if (folder.ok()) {
    std::vector<std::string_view> segments = split(*folder, "/");
    if (values.empty()) return 0;
    check(segments.size() == values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      size_t eq = segments[i].find('=');
      check(eq != std::string_view::npos);
      check(unescape_partition_path_name(segments[i].substr(0, eq)) == values[i].first);
      const std::string value = unescape_partition_path_name(segments[i].substr(eq + 1));
      if (values[i].second && !values[i].second->empty()) {
        check(value == *values[i].second);
      } else {
        check(value == kHiveDefaultPartition);
      }
    }
  }
  return 0;
}
