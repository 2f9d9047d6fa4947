#pragma once
// common/strings: small text helpers more than one module needs. Before adding a helper to a
// module, look here; before adding one here, make sure two modules need it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lakestream {

/// Append `s` as a quoted JSON string: `"` and `\` escaped, control characters as \n, \t, ...
/// or \u00XX. Bytes >= 0x80 pass through (the input is UTF-8).
void append_json_string(std::string& out, std::string_view s);

/// Spark's escapeMetaCharacters: \n \r \t \f \b \v \a written as two-character escapes so they
/// cannot break a console layout (show() cells, printSchema names).
std::string escape_meta_characters(std::string_view s);

/// `s` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);

/// `s` with ASCII letters lowered (option values, units, keys: never user data).
std::string to_lower_ascii(std::string_view s);

/// True when `a` and `b` are equal ignoring the case of ASCII letters (column names as Delta
/// compares them).
bool equals_ignore_case_ascii(std::string_view a, std::string_view b);

/// true/yes/1 or false/no/0 (any case, spaces trimmed), as config files and settings write a
/// flag; nullopt for anything else.
std::optional<bool> parse_bool_text(std::string_view text);

/// The pieces of `text` between `sep` characters, each trimmed of ASCII whitespace. Empty
/// pieces are kept, so piece k is the k-th field as the text has it ("a; ;b" gives "a", "", "b";
/// "" gives one empty piece). Views into `text`.
std::vector<std::string_view> split_trimmed(std::string_view text, char sep);

/// An option name as lakestream spells them: Spark's camelCase and snake_case become
/// kebab-case ("maxEventsPerTrigger" and "max_events_per_trigger" -> "max-events-per-trigger").
std::string kebab_case_option(std::string_view key);

/// The value of a hexadecimal digit, or -1.
int hex_digit_value(char c);

/// `s` with its %XX escapes decoded; nullopt when a '%' is not followed by two hex digits
/// (its position goes to `*bad_at` when given). Callers word the error for their context.
std::optional<std::string> percent_decode(std::string_view s, size_t* bad_at = nullptr);

}  // namespace lakestream
