#include "lakestream/storage/azure_blob_list.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

// The shape the service (and Azurite) answers List Blobs with: a delimiter listing holding
// blobs, a virtual folder and a continuation marker.
constexpr std::string_view kPage = R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="data">
  <Prefix>t/_delta_log/</Prefix>
  <Marker>start</Marker>
  <MaxResults>2</MaxResults>
  <Delimiter>/</Delimiter>
  <Blobs>
    <Blob>
      <Name>t/_delta_log/00000000000000000000.json</Name>
      <Properties>
        <Creation-Time>Tue, 02 Jan 2024 03:04:05 GMT</Creation-Time>
        <Last-Modified>Wed, 03 Jan 2024 10:20:30 GMT</Last-Modified>
        <Etag>0x8DC</Etag>
        <Content-Length>1234</Content-Length>
        <Content-Type>application/octet-stream</Content-Type>
        <Content-MD5 />
        <BlobType>BlockBlob</BlobType>
      </Properties>
      <Metadata><Content-Length>99</Content-Length></Metadata>
    </Blob>
    <BlobPrefix><Name>t/_delta_log/sub/</Name></BlobPrefix>
    <Blob>
      <Name>t/_delta_log/a&amp;b &lt;c&gt; &#233;&#x4E2D;.json</Name>
      <Properties><Content-Length>0</Content-Length></Properties>
    </Blob>
  </Blobs>
  <NextMarker>2!88!MDAwMDA2IXQvX2RlbHRhX2xvZy8-</NextMarker>
</EnumerationResults>)";

TEST(BlobListXml, ReadsBlobsFoldersAndTheMarker) {
  auto page = parse_blob_list(kPage);
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  ASSERT_EQ(page->blobs.size(), 2u);
  EXPECT_EQ(page->blobs[0].name, "t/_delta_log/00000000000000000000.json");
  EXPECT_EQ(page->blobs[0].size, 1234);  // not the metadata's Content-Length
  EXPECT_EQ(page->blobs[0].modified_ms, 1704277230000);
  EXPECT_EQ(page->blobs[1].name, "t/_delta_log/a&b <c> \xC3\xA9\xE4\xB8\xAD.json");
  EXPECT_EQ(page->blobs[1].size, 0);
  ASSERT_EQ(page->prefixes.size(), 1u);
  EXPECT_EQ(page->prefixes[0], "t/_delta_log/sub/");
  EXPECT_EQ(page->next_marker, "2!88!MDAwMDA2IXQvX2RlbHRhX2xvZy8-");
}

TEST(BlobListXml, LastPageHasAnEmptyMarker) {
  auto page = parse_blob_list(
      "<?xml version=\"1.0\"?><EnumerationResults><Blobs /><NextMarker /></EnumerationResults>");
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  EXPECT_TRUE(page->blobs.empty());
  EXPECT_TRUE(page->next_marker.empty());
}

struct BadXml {
  std::string name;
  std::string xml;
};

class BlobListXmlRejects : public ::testing::TestWithParam<BadXml> {};

TEST_P(BlobListXmlRejects, MalformedDocumentsAreCorrupt) {
  auto page = parse_blob_list(GetParam().xml);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kCorrupt);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BlobListXmlRejects,
    ::testing::Values(
        BadXml{"truncated", "<EnumerationResults><Blobs><Blob><Name>x</Name>"},
        BadXml{"mismatched", "<EnumerationResults><Blobs></Blob></EnumerationResults>"},
        BadXml{"wrong_root", "<Error><Code>AuthenticationFailed</Code></Error>"},
        BadXml{"bad_entity",
               "<EnumerationResults><Blobs><Blob><Name>a&bogus;</Name></Blob></Blobs>"
               "</EnumerationResults>"},
        BadXml{"bad_length",
               "<EnumerationResults><Blobs><Blob><Name>a</Name><Properties><Content-Length>x"
               "</Content-Length></Properties></Blob></Blobs></EnumerationResults>"},
        BadXml{"unterminated_tag", "<EnumerationResults"},
        // "</>" once read past the end of the document (found by fuzz/azure_xml_fuzz.cc).
        BadXml{"slash_only_tag", "<EnumerationResults></>"},
        BadXml{"slash_only_tag_at_end", "<EnumerationResults><Blobs></Blobs></"},
        BadXml{"closing_self_closing",
               "<EnumerationResults><Blobs></Blobs/></EnumerationResults>"}),
    [](const auto& info) { return info.param.name; });

TEST(HttpDate, ParsesRfc1123AndRejectsOtherText) {
  EXPECT_EQ(parse_http_date_ms("Thu, 01 Jan 1970 00:00:01 GMT"), 1000);
  EXPECT_EQ(parse_http_date_ms("Wed, 03 Jan 2024 10:20:30 GMT"), 1704277230000);
  EXPECT_EQ(parse_http_date_ms("2024-01-03T10:20:30Z"), -1);
  EXPECT_EQ(parse_http_date_ms("Wed, 03 Foo 2024 10:20:30 GMT"), -1);
}

TEST(ErrorXml, ElementTextIsDecoded) {
  std::string body =
      "<?xml version=\"1.0\"?><Error><Code>BlobAlreadyExists</Code>"
      "<Message>The specified blob already exists.&#xA;RequestId:1</Message></Error>";
  EXPECT_EQ(xml_element_text(body, "Code"), "BlobAlreadyExists");
  EXPECT_EQ(xml_element_text(body, "Message"), "The specified blob already exists.\nRequestId:1");
  EXPECT_EQ(xml_element_text(body, "Missing"), "");
}

}  // namespace
}  // namespace lakestream
