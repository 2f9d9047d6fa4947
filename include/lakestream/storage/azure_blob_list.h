#pragma once
// storage/azure_blob_list: a small, dependency-free reader of the List Blobs response
// (EnumerationResults XML). Only what listing needs: blob names, sizes, modification times,
// virtual folders (BlobPrefix) and the continuation marker.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lakestream/common/status.h"

namespace lakestream {

struct AzureBlobEntry {
  std::string name;         ///< full blob name in the container
  int64_t size = 0;         ///< Content-Length
  int64_t modified_ms = 0;  ///< Last-Modified, ms since the epoch (0 when absent)
};

/// One page of a listing.
struct AzureBlobListPage {
  std::vector<AzureBlobEntry> blobs;
  std::vector<std::string> prefixes;  ///< BlobPrefix names (with a delimiter)
  std::string next_marker;            ///< empty on the last page
};

/// Parse one List Blobs response body. Corrupt (naming the byte offset) on malformed XML.
/// Entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;) are decoded.
Result<AzureBlobListPage> parse_blob_list(std::string_view xml);

/// Parse an RFC 1123 date ("Wed, 09 Sep 2009 09:20:02 GMT") to ms since the epoch; -1 if bad.
int64_t parse_http_date_ms(std::string_view text);

/// The text of the first <tag>...</tag> element in `xml` (entities decoded), or "" — for
/// error bodies (<Error><Code>...</Code>).
std::string xml_element_text(std::string_view xml, std::string_view tag);

}  // namespace lakestream
