#include "config/conf_file.h"

#include <gtest/gtest.h>

#include "config/config_sandbox.h"

namespace lakestream {
namespace {

struct SyntaxCase {
  std::string name;
  std::string line;
  std::string key;
  std::string value;
};

void PrintTo(const SyntaxCase& c, std::ostream* os) { *os << c.name; }

class ConfSyntaxTest : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(ConfSyntaxTest, ReadsKeyAndValue) {
  const SyntaxCase& c = GetParam();
  auto entries = parse_conf_text(c.line, "x.conf");
  ASSERT_TRUE(entries.ok()) << entries.status().to_string();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].key, c.key);
  ASSERT_TRUE((*entries)[0].value.has_value());
  EXPECT_EQ(*(*entries)[0].value, c.value);
  EXPECT_EQ((*entries)[0].line, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ConfSyntaxTest,
    ::testing::Values(
        SyntaxCase{"Equals", "output-path=delta/meter-data", "output-path", "delta/meter-data"},
        SyntaxCase{"EqualsWithSpaces", "output-path = delta/meter-data", "output-path",
                   "delta/meter-data"},
        SyntaxCase{"Colon", "output-path: delta/meter-data", "output-path", "delta/meter-data"},
        SyntaxCase{"Space", "output-path delta/meter-data", "output-path", "delta/meter-data"},
        SyntaxCase{"Tab", "output-path\tdelta/meter-data", "output-path", "delta/meter-data"},
        SyntaxCase{"LeadingDashes", "--output-path=delta/meter-data", "--output-path",
                   "delta/meter-data"},
        SyntaxCase{"SurroundingWhitespace", "   output-path=  delta/meter-data   ", "output-path",
                   "delta/meter-data"},
        SyntaxCase{"InnerSpacesKept", "trigger-interval=1 second", "trigger-interval", "1 second"},
        SyntaxCase{"HashCommentAfterSpace", "max-events-per-trigger=100  # per batch",
                   "max-events-per-trigger", "100"},
        SyntaxCase{"SemicolonCommentAfterSpace", "max-events-per-trigger=100 ; per batch",
                   "max-events-per-trigger", "100"},
        SyntaxCase{"HashWithoutSpaceIsValue", "tag=a#b", "tag", "a#b"},
        SyntaxCase{"SecondEqualsBelongsToValue", "k==v", "k", "=v"},
        SyntaxCase{"CarriageReturn", "output-path=x\r", "output-path", "x"},
        SyntaxCase{"ConnectionStringVerbatim",
                   std::string("input-eh-connection-string=") + testing::kConnectionString,
                   "input-eh-connection-string", testing::kConnectionString},
        SyntaxCase{"ConnectionStringAfterColon",
                   std::string("input-eh-connection-string: ") + testing::kConnectionString,
                   "input-eh-connection-string", testing::kConnectionString}),
    [](const ::testing::TestParamInfo<SyntaxCase>& info) { return info.param.name; });

TEST(ConfFileTest, SkipsCommentsBlankLinesSectionsAndKeepsLineNumbers) {
  std::string text =
      "# a comment\n"
      "   ; another comment\n"
      "\n"
      "[section]\n"
      "---\n"
      "storage-account-name=acct\n"
      "\t# indented comment\n"
      "storage-container-name: data\n";
  auto entries = parse_conf_text(text, "x.conf");
  ASSERT_TRUE(entries.ok()) << entries.status().to_string();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].key, "storage-account-name");
  EXPECT_EQ((*entries)[0].line, 6);
  EXPECT_EQ((*entries)[1].key, "storage-container-name");
  EXPECT_EQ(*(*entries)[1].value, "data");
  EXPECT_EQ((*entries)[1].line, 8);
}

TEST(ConfFileTest, KeyAloneIsAFlagWithoutValue) {
  auto entries = parse_conf_text("verbose\nquiet   # comment\n", "x.conf");
  ASSERT_TRUE(entries.ok()) << entries.status().to_string();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].key, "verbose");
  EXPECT_FALSE((*entries)[0].value.has_value());
  EXPECT_EQ((*entries)[1].key, "quiet");
  EXPECT_FALSE((*entries)[1].value.has_value());
}

TEST(ConfFileTest, ByteOrderMarkIsNotPartOfTheFirstKey) {
  auto entries = parse_conf_text("\xEF\xBB\xBFoutput-path=x\n", "x.conf");
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].key, "output-path");
}

TEST(ConfFileTest, EmptyValueIsAnErrorNamingFileAndLine) {
  auto entries = parse_conf_text("a=1\n\noutput-path=\n", "configuration/x.conf");
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(entries.status().message().find("file configuration/x.conf line 3"), std::string::npos)
      << entries.status().message();
  EXPECT_NE(entries.status().message().find("output-path"), std::string::npos);
}

TEST(ConfFileTest, KeyWithCommentCharacterIsAnErrorThatDoesNotQuoteTheLine) {
  auto entries = parse_conf_text("sto;rage=SharedAccessKey=topsecret\n", "x.conf");
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.status().message().find("file x.conf line 1"), std::string::npos);
  EXPECT_EQ(entries.status().message().find("topsecret"), std::string::npos);
}

TEST(ConfFileTest, SplitsBracketListsAndKeepsPlainText) {
  EXPECT_EQ(split_list_value("[a, b ,c]"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_list_value("['x', \"y\"]"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(split_list_value("[]"), std::vector<std::string>{});
  EXPECT_EQ(split_list_value("a, b"), std::vector<std::string>{"a, b"});
}

TEST(ConfFileTest, MissingFileIsNotAnError) {
  testing::ConfigSandbox box;
  auto text = read_file_if_exists(box.dir() + "/nope.conf", "nope.conf");
  ASSERT_TRUE(text.ok());
  EXPECT_FALSE(text->has_value());
  box.write("yes.conf", "a=1\n");
  auto found = read_file_if_exists(box.dir() + "/yes.conf", "yes.conf");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, "a=1\n");
}

TEST(ConfFileTest, DirectoryIsAnIOError) {
  testing::ConfigSandbox box;
  auto text = read_file_if_exists(box.dir(), "somedir");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kIOError);
  EXPECT_NE(text.status().message().find("somedir"), std::string::npos);
}

}  // namespace
}  // namespace lakestream
