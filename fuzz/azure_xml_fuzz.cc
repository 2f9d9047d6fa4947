// Fuzz target: the XML the Azure Blob service answers with (storage/azure_blob_list.h): List
// Blobs pages (EnumerationResults), error bodies (<Error><Code>, <Message>) and the RFC 1123
// dates of Last-Modified. The input is one response body; what the parsers must survive is
// whatever a proxy, an emulator or a truncated response may send.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "lakestream/storage/azure_blob_list.h"

namespace {
constexpr size_t kMaxInput = 64 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakestream;
  using namespace lakestream::fuzz;
  if (size > kMaxInput) return 0;
  const std::string_view xml = as_text(data, size);
  (void)parse_blob_list(xml);
  (void)xml_element_text(xml, "Code");
  (void)xml_element_text(xml, "Message");
  (void)xml_element_text(xml, "NextMarker");
  (void)parse_http_date_ms(xml);
  return 0;
}
