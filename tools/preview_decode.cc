#include "preview_decode.h"

namespace lakestream::cli {

std::optional<PreviewMode> parse_preview_mode(std::string_view text) {
  if (text == "dead-letter") return PreviewMode::kDeadLetter;
  if (text == "permissive") return PreviewMode::kPermissive;
  if (text == "fail-fast") return PreviewMode::kFailFast;
  return std::nullopt;
}

Result<PreviewResult> decode_ndjson(const Schema&, std::string_view, const std::string&,
                                    PreviewMode) {
  // Wired to the json module's decoder as soon as it is in the tree.
  return Status::NotImplemented("the JSON decoder is not in this build yet");
}

}  // namespace lakestream::cli
