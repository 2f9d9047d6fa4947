#pragma once
// common/redact: the one place that decides what a secret looks like when it is shown.
// Every config dump, error message, log line and UI page goes through these helpers, so a
// storage key or a SharedAccessKey never leaves the process in clear text.

#include <string>
#include <string_view>

namespace lakestream {

/// What a secret value is replaced with wherever it would be shown.
inline constexpr std::string_view kRedacted = "*********(redacted)";

/// A copy of a connection string, URI or SAS query with the secret parts replaced by
/// kRedacted and everything else kept readable, e.g.
///   "Endpoint=sb://hub.servicebus.windows.net/;SharedAccessKeyName=Listen;SharedAccessKey=abc="
///   ->
///   "Endpoint=sb://hub.servicebus.windows.net/;SharedAccessKeyName=Listen;SharedAccessKey=*********(redacted)"
/// Secret parts (key names matched case-insensitively at the start of a segment):
/// `SharedAccessKey=`, `AccountKey=`, `SharedAccessSignature=` (up to the next `;`),
/// `sig=` and `password=` / `pwd=` (up to the next `;`, `&`, whitespace or quote).
std::string redact_connection_string(std::string_view text);

/// Whether a configuration key names a secret: its lower-cased name contains `key`, `secret`,
/// `password`, `token`, `sas` or `connection.string` (`-` and `_` count as `.` there), e.g.
/// `lakestream.fs.azure.account.key.acct` or `input-eh-connection-string`.
bool is_secret_key_name(std::string_view key);

}  // namespace lakestream
