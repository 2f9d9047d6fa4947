#pragma once
// json/base64: decoding of base64 text, how JSON carries binary values (as Spark writes them).
// Internal to the json module.

#include <string>
#include <string_view>

namespace lakestream::json_internal {

/// Decode standard base64 (RFC 4648 alphabet, '=' padding optional) into `out` (cleared
/// first; its capacity is reused, so decoding many values does not allocate per value).
/// False when `text` holds a character outside the alphabet or has an impossible length.
bool decode_base64(std::string_view text, std::string* out);

}  // namespace lakestream::json_internal
