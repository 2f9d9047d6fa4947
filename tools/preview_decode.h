#pragma once
// tools/preview_decode: the seam between `lakestream preview` and the json module's decoder:
// NDJSON text in, a RecordBatch plus the rejected records (position "file:line" and reason) out.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/batch/record_batch.h"
#include "lakestream/common/status.h"
#include "lakestream/schema/schema.h"

namespace lakestream::cli {

/// What preview does with a bad record (the decoder's modes).
enum class PreviewMode { kDeadLetter, kPermissive, kFailFast };

/// "dead-letter" / "permissive" / "fail-fast", or nullopt.
std::optional<PreviewMode> parse_preview_mode(std::string_view text);

struct PreviewReject {
  std::string position;  ///< "samples/meter_readings.ndjson:5"
  std::string reason;    ///< "ObservationTime: ..."
};

struct PreviewResult {
  RecordBatch batch;
  std::vector<PreviewReject> rejects;
};

/// Decode every non-empty line of `ndjson` (named `source_name` in positions).
Result<PreviewResult> decode_ndjson(const Schema& schema, std::string_view ndjson,
                                    const std::string& source_name, PreviewMode mode);

}  // namespace lakestream::cli
