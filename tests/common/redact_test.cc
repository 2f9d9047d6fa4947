#include "lakestream/common/redact.h"

#include <gtest/gtest.h>

#include <cctype>

namespace lakestream {
namespace {

struct RedactCase {
  std::string name;
  std::string input;
  std::string expected;  // with "@" standing for kRedacted
};

void PrintTo(const RedactCase& c, std::ostream* os) { *os << c.name; }

std::string expand(const std::string& pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '@') {
      out += kRedacted;
    } else {
      out += c;
    }
  }
  return out;
}

class RedactConnectionStringTest : public ::testing::TestWithParam<RedactCase> {};

TEST_P(RedactConnectionStringTest, HidesSecretsKeepsTheRest) {
  EXPECT_EQ(redact_connection_string(GetParam().input), expand(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RedactConnectionStringTest,
    ::testing::Values(
        RedactCase{"EventHubsConnectionString",
                   "Endpoint=sb://myeventhub.servicebus.windows.net/;SharedAccessKeyName=Listen;"
                   "SharedAccessKey=c2VjcmV0+/=;EntityPath=input;",
                   "Endpoint=sb://myeventhub.servicebus.windows.net/;SharedAccessKeyName=Listen;"
                   "SharedAccessKey=@;EntityPath=input;"},
        RedactCase{"StorageConnectionString",
                   "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5PT0=;"
                   "EndpointSuffix=core.windows.net",
                   "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=@;"
                   "EndpointSuffix=core.windows.net"},
        RedactCase{"SharedAccessSignatureKeepsItsAmpersands",
                   "BlobEndpoint=https://a.blob.core.windows.net/;"
                   "SharedAccessSignature=sv=2020-08-04&ss=b&sig=abc%2Bdef;Other=1",
                   "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=@;Other=1"},
        RedactCase{"SasQueryInUrl",
                   "https://a.blob.core.windows.net/c/f.json?sv=2020-08-04&sp=r&sig=abc%3D&se=x",
                   "https://a.blob.core.windows.net/c/f.json?sv=2020-08-04&sp=r&sig=@&se=x"},
        RedactCase{"PasswordCaseInsensitive", "user=bob;Password=hunter2;host=h",
                   "user=bob;Password=@;host=h"},
        RedactCase{"PasswordInErrorMessage", "cannot connect with 'password=hunter2' to host",
                   "cannot connect with 'password=@' to host"},
        RedactCase{"KeyNameAloneIsNotSecret", "SharedAccessKeyName=Listen",
                   "SharedAccessKeyName=Listen"},
        RedactCase{"EmptyValueStaysEmpty", "SharedAccessKey=;EntityPath=x",
                   "SharedAccessKey=;EntityPath=x"},
        RedactCase{"WordContainingSigIsNotASecret", "design=1;config=2", "design=1;config=2"},
        RedactCase{"NothingSecret", "Endpoint=sb://localhost;UseDevelopmentEmulator=true;",
                   "Endpoint=sb://localhost;UseDevelopmentEmulator=true;"}),
    [](const ::testing::TestParamInfo<RedactCase>& info) { return info.param.name; });

TEST(RedactTest, RedactedConstantIsTheSparkStyleMarker) {
  EXPECT_EQ(kRedacted, "*********(redacted)");
}

struct KeyNameCase {
  std::string key;
  bool secret;
};

void PrintTo(const KeyNameCase& c, std::ostream* os) { *os << c.key; }

class SecretKeyNameTest : public ::testing::TestWithParam<KeyNameCase> {};

TEST_P(SecretKeyNameTest, Classifies) {
  EXPECT_EQ(is_secret_key_name(GetParam().key), GetParam().secret) << GetParam().key;
}

INSTANTIATE_TEST_SUITE_P(
    Keys, SecretKeyNameTest,
    ::testing::Values(KeyNameCase{"lakestream.fs.azure.account.key.acct", true},
                      KeyNameCase{"storage-account-key", true},
                      KeyNameCase{"lakestream.client.SECRET", true},
                      KeyNameCase{"lakestream.kafka.sasl.password", true},
                      KeyNameCase{"lakestream.auth.token", true},
                      KeyNameCase{"lakestream.storage.sas", true},
                      KeyNameCase{"input-eh-connection-string", true},
                      KeyNameCase{"lakestream.eventhubs.connection_string", true},
                      KeyNameCase{"lakestream.kafka.socket.keepalive.enable", false},
                      KeyNameCase{"lakestream.kafka.sasl.mechanism", false},
                      KeyNameCase{"output-path", false}, KeyNameCase{"lakestream.ui.port", false}),
    [](const ::testing::TestParamInfo<KeyNameCase>& info) {
      std::string name;
      for (char c : info.param.key) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

}  // namespace
}  // namespace lakestream
