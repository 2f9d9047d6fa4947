// SharedKey canonicalization against hand-built examples. The expected signatures were computed
// outside this code base (openssl dgst -sha256 -mac HMAC over the hand-written strings below).
#include "lakestream/storage/azure_shared_key.h"

#include <gtest/gtest.h>

namespace lakestream {
namespace {

// base64("lakestream-test-key-0123456789")
constexpr std::string_view kTestKey = "bGFrZXN0cmVhbS10ZXN0LWtleS0wMTIzNDU2Nzg5";

SharedKeyRequest put_block_request() {
  SharedKeyRequest r;
  r.method = "PUT";
  r.account = "myaccount";
  r.url_path = "/mycontainer/dir/blob%20name.txt";
  r.query = {{"timeout", "30"}, {"comp", "block"}, {"blockid", "YWJj"}};
  r.headers = {{"Content-Length", "11"},
               {"Content-Type", "text/plain"},
               {"x-ms-version", "2021-08-06"},
               {"x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT"},
               {"X-MS-Meta-B", "  two   words "},
               {"x-ms-blob-type", "BlockBlob"},
               {"If-None-Match", "*"},
               {"User-Agent", "not-signed"}};
  return r;
}

TEST(SharedKey, PutBlockStringToSignFollowsTheRules) {
  // Standard headers in their fixed order; x-ms-* lower-cased, sorted, values folded; the
  // resource with sorted query parameters.
  const std::string expected =
      "PUT\n\n\n11\n\ntext/plain\n\n\n\n*\n\n\n"
      "x-ms-blob-type:BlockBlob\n"
      "x-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n"
      "x-ms-meta-b:two words\n"
      "x-ms-version:2021-08-06\n"
      "/myaccount/mycontainer/dir/blob%20name.txt\n"
      "blockid:YWJj\n"
      "comp:block\n"
      "timeout:30";
  EXPECT_EQ(shared_key_string_to_sign(put_block_request()), expected);
}

TEST(SharedKey, PutBlockSignatureMatchesAnIndependentHmac) {
  std::string sts = shared_key_string_to_sign(put_block_request());
  auto auth = shared_key_authorization("myaccount", kTestKey, sts);
  ASSERT_TRUE(auth.ok()) << auth.status().to_string();
  EXPECT_EQ(*auth, "SharedKey myaccount:BCYoM2BV5OL4Jf3ocVZtNTz137IsDQn3aoQwUhr/abo=");
}

TEST(SharedKey, ZeroContentLengthIsEmptyAndRepeatedQueryValuesJoinSorted) {
  SharedKeyRequest r;
  r.method = "GET";
  r.account = "devstoreaccount1";
  r.url_path = "/devstoreaccount1/data";  // path-style endpoint: the account appears twice
  r.query = {{"restype", "container"},
             {"Comp", "list"},
             {"include", "snapshots"},
             {"include", "metadata"},
             {"delimiter", "/"}};
  r.headers = {{"x-ms-version", "2021-08-06"},
               {"Content-Length", "0"},
               {"Range", "bytes=0-99"},
               {"x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT"}};
  const std::string expected =
      "GET\n\n\n\n\n\n\n\n\n\n\nbytes=0-99\n"
      "x-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n"
      "x-ms-version:2021-08-06\n"
      "/devstoreaccount1/devstoreaccount1/data\n"
      "comp:list\n"
      "delimiter:/\n"
      "include:metadata,snapshots\n"
      "restype:container";
  std::string sts = shared_key_string_to_sign(r);
  EXPECT_EQ(sts, expected);
  auto auth = shared_key_authorization("devstoreaccount1", kTestKey, sts);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(*auth, "SharedKey devstoreaccount1:W9EDXYku2E5hJrPxE1+0JCaCTPv66qizECgAx9Qe3LE=");
}

TEST(SharedKey, HmacSha256MatchesRfc4231TestCase2) {
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : mac) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SharedKey, BadKeyNamesTheAccountNotTheKey) {
  auto auth = shared_key_authorization("acct", "not base64 !!", "x");
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.status().message().find("acct"), std::string::npos);
  EXPECT_EQ(auth.status().message().find("not base64 !!"), std::string::npos);
}

struct Base64Case {
  std::string name;
  std::string raw;
  std::string encoded;
};

class Base64RoundTrip : public ::testing::TestWithParam<Base64Case> {};

TEST_P(Base64RoundTrip, EncodesAndDecodes) {
  EXPECT_EQ(base64_encode(GetParam().raw), GetParam().encoded);
  auto back = base64_decode(GetParam().encoded);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, GetParam().raw);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4648, Base64RoundTrip,
    ::testing::Values(Base64Case{"empty", "", ""}, Base64Case{"one", "f", "Zg=="},
                      Base64Case{"two", "fo", "Zm8="}, Base64Case{"three", "foo", "Zm9v"},
                      Base64Case{"six", "foobar", "Zm9vYmFy"},
                      Base64Case{"binary", std::string("\xff\x00\xfe", 3), "/wD+"}),
    [](const auto& info) { return info.param.name; });

TEST(UrlEncoding, PathKeepsSlashesAndEqualsQueryEncodesEverythingElse) {
  EXPECT_EQ(url_encode_path("t/SupplierId=3/a b+c.parquet"), "t/SupplierId=3/a%20b%2Bc.parquet");
  EXPECT_EQ(url_encode_query("a/b=c&d"), "a%2Fb%3Dc%26d");
  EXPECT_EQ(*url_decode("a%20b%2Fc"), "a b/c");
  EXPECT_FALSE(url_decode("bad%2").ok());
}

}  // namespace
}  // namespace lakestream
