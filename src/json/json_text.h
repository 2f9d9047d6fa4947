#pragma once
// json/json_text: small checks on raw JSON text that simdjson's on-demand API leaves to us
// (number grammar of raw tokens, nesting depth of text kept verbatim) and the quoting of
// values in reject reasons. Internal to the json module.

#include <string>
#include <string_view>

namespace lakestream::json_internal {

/// `text` without trailing JSON whitespace (raw tokens from simdjson may carry some).
std::string_view trim_json_ws(std::string_view text);

/// True when `text` is exactly a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text);

/// True when a JSON number text has a fraction or an exponent (is not written as an integer).
bool has_fraction_or_exponent(std::string_view number);

/// Deepest object/array nesting inside a piece of well-formed JSON text ("1" -> 0,
/// "[1]" -> 1, "{\"a\":[2]}" -> 2). Brackets inside strings do not count.
int json_nesting_depth(std::string_view text);

/// A value for a reason message: 'text' (single-quoted), cut to 64 bytes with "..." so a huge
/// value cannot blow up a dead-letter row.
std::string quote_value(std::string_view text);

}  // namespace lakestream::json_internal
