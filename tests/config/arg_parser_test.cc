#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "config/config_sandbox.h"
#include "lakestream/common/redact.h"
#include "lakestream/config/config.h"

namespace lakestream {
namespace {

using testing::ConfigSandbox;
using ::testing::HasSubstr;
using testing::kConnectionString;
using ::testing::Not;
using testing::streaming_parser;

constexpr const char* kJobConf = "configuration/run_args_streaming.conf";
constexpr const char* kEngineConf = "conf/lakestream-defaults.conf";
constexpr const char* kStorageKey = "c3RvcmFnZS1rZXktdmFsdWU=";

// The three required options, so a test can focus on the one it checks.
void write_required(ConfigSandbox& box, const std::string& extra = "") {
  box.write(kJobConf,
            "storage-account-name=mystorageaccount\n"
            "storage-account-key=" +
                std::string(kStorageKey) +
                "\n"
                "input-eh-connection-string=" +
                kConnectionString + "\n" + extra);
}

Config parse_ok(const ConfigSandbox& box, const ArgParser& p, std::vector<std::string> args) {
  Result<Config> r = box.parse(p, args);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : Config();
}

TEST(ArgParserTest, ReadsTheSampleConfigFileAsTheOriginal) {
  ConfigSandbox box;
  box.write(kJobConf,
            "storage-account-name=mystorageacoount\n"
            "storage-account-key=<account-key>\n"
            "storage-container-name=data\n"
            "input-eh-connection-string=Endpoint=sb://myeventhub.servicebus.windows.net/;"
            "SharedAccessKeyName=Listen;SharedAccessKey=<key>;EntityPath=input;\n"
            "output-path=delta/meter-data\n"
            "streaming-checkpoint-path=checkpoints/streaming\n"
            "max-events-per-trigger=100\n");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {});
  EXPECT_EQ(cfg.get_string("storage-account-name"), "mystorageacoount");
  EXPECT_EQ(cfg.get_string("storage-account-key"), "<account-key>");
  EXPECT_EQ(cfg.get_string("input-eh-connection-string"),
            "Endpoint=sb://myeventhub.servicebus.windows.net/;SharedAccessKeyName=Listen;"
            "SharedAccessKey=<key>;EntityPath=input;");
  EXPECT_EQ(cfg.get_string("output-path"), "delta/meter-data");
  EXPECT_EQ(cfg.get_int("max-events-per-trigger"), 100);
  EXPECT_EQ(cfg.get_string("trigger-interval"), "1 second");
  EXPECT_EQ(cfg.source_of("max-events-per-trigger").to_string(),
            std::string("file ") + kJobConf + " line 7");
  EXPECT_EQ(cfg.source_of("trigger-interval").kind, ValueSource::Kind::kDefault);
  EXPECT_TRUE(cfg.unknown_args().empty());
}

TEST(ArgParserTest, ShippedSampleFileParsesWithTheStreamingDeclaration) {
  ConfigSandbox box;
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p,
                        {"--config", std::string(LAKESTREAM_SOURCE_DIR) +
                                         "/configuration/run_args_streaming.conf.sample"});
  EXPECT_EQ(cfg.get_int("max-events-per-trigger"), 100);
  EXPECT_THAT(cfg.get_string("input-eh-connection-string"), HasSubstr(";EntityPath=input;"));
}

TEST(ArgParserTest, CommandLineTakesNameSpaceValueAndNameEqualsValue) {
  ConfigSandbox box;
  write_required(box);
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(
      box, p,
      {"--output-path", "a/b", "--max-events-per-trigger=5", "--trigger-interval=10 seconds"});
  EXPECT_EQ(cfg.get_string("output-path"), "a/b");
  EXPECT_EQ(cfg.get_int("max-events-per-trigger"), 5);
  EXPECT_EQ(cfg.get_string("trigger-interval"), "10 seconds");
  EXPECT_EQ(cfg.source_of("output-path").kind, ValueSource::Kind::kCommandLine);
  EXPECT_EQ(cfg.source_of("output-path").to_string(), "command line");
}

TEST(ArgParserTest, ConnectionStringSurvivesEveryLayerVerbatim) {
  ArgParser p = streaming_parser();
  for (int layer = 0; layer < 3; ++layer) {
    ConfigSandbox box;
    box.write(kJobConf, "storage-account-name=a\nstorage-account-key=k\n" +
                            std::string(layer == 0 ? "input-eh-connection-string = " +
                                                         std::string(kConnectionString) + "\n"
                                                   : ""));
    std::vector<std::string> args;
    if (layer == 1) box.set_env("STREAMING_INPUT_EH_CONNECTION_STRING", kConnectionString);
    if (layer == 2) args = {std::string("--input-eh-connection-string=") + kConnectionString};
    Config cfg = parse_ok(box, p, args);
    EXPECT_EQ(cfg.get_string("input-eh-connection-string"), kConnectionString) << layer;
  }
}

// ---- Layer precedence, pairwise ------------------------------------------------------------

enum class Layer { kDefault, kEngine, kFile, kEnv, kCommandLine };

std::string layer_name(Layer l) {
  switch (l) {
    case Layer::kDefault:
      return "Default";
    case Layer::kEngine:
      return "EngineDefaults";
    case Layer::kFile:
      return "JobFile";
    case Layer::kEnv:
      return "Environment";
    case Layer::kCommandLine:
      return "CommandLine";
  }
  return "?";
}

struct PrecedenceCase {
  Layer low;
  Layer high;
};

void PrintTo(const PrecedenceCase& c, std::ostream* os) {
  *os << layer_name(c.high) << " over " << layer_name(c.low);
}

class LayerPrecedenceTest : public ::testing::TestWithParam<PrecedenceCase> {};

TEST_P(LayerPrecedenceTest, HigherLayerWins) {
  const PrecedenceCase& c = GetParam();
  ArgParser p("job", "", {"job.conf"});
  p.add("--batch-size").default_value(1).env("JOB_BATCH_SIZE");
  ConfigSandbox box;
  std::vector<std::string> args;
  std::string engine, file;
  auto set = [&](Layer layer, int value) {
    switch (layer) {
      case Layer::kDefault:
        break;  // declared above as 1
      case Layer::kEngine:
        engine += "# engine defaults\nlakestream.batch-size " + std::to_string(value) + "\n";
        break;
      case Layer::kFile:
        file += "batch-size=" + std::to_string(value) + "\n";
        break;
      case Layer::kEnv:
        box.set_env("JOB_BATCH_SIZE", std::to_string(value));
        break;
      case Layer::kCommandLine:
        args.push_back("--batch-size=" + std::to_string(value));
        break;
    }
  };
  set(c.low, c.low == Layer::kDefault ? 1 : 2);
  set(c.high, 3);
  if (!engine.empty()) box.write(kEngineConf, engine);
  if (!file.empty()) box.write("job.conf", file);
  Config cfg = parse_ok(box, p, args);
  EXPECT_EQ(cfg.get_int("batch-size"), 3);
  const ValueSource& src = cfg.source_of("batch-size");
  switch (c.high) {
    case Layer::kDefault:
      FAIL();
    case Layer::kEngine:
      EXPECT_EQ(src.to_string(), "engine defaults conf/lakestream-defaults.conf line 2");
      break;
    case Layer::kFile:
      EXPECT_EQ(src.to_string(), "file job.conf line 1");
      break;
    case Layer::kEnv:
      EXPECT_EQ(src.to_string(), "environment variable JOB_BATCH_SIZE");
      break;
    case Layer::kCommandLine:
      EXPECT_EQ(src.to_string(), "command line");
      break;
  }
}

std::vector<PrecedenceCase> all_pairs() {
  std::vector<Layer> order = {Layer::kDefault, Layer::kEngine, Layer::kFile, Layer::kEnv,
                              Layer::kCommandLine};
  std::vector<PrecedenceCase> out;
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = i + 1; j < order.size(); ++j) out.push_back({order[i], order[j]});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Pairs, LayerPrecedenceTest, ::testing::ValuesIn(all_pairs()),
                         [](const ::testing::TestParamInfo<PrecedenceCase>& info) {
                           return layer_name(info.param.high) + "Over" + layer_name(info.param.low);
                         });

TEST(ArgParserTest, AllFourLayersTogetherEachOptionFromItsHighest) {
  ArgParser p("job", "", {"job.conf"});
  p.add("a").default_value("default-a");
  p.add("b").env("JOB_B");
  p.add("c").env("JOB_C");
  p.add("d").env("JOB_D");
  ConfigSandbox box;
  box.write(kEngineConf,
            "lakestream.a=engine-a\nlakestream.b=engine-b\nlakestream.c=engine-c\n"
            "lakestream.d=engine-d\n");
  box.write("job.conf", "b=file-b\nc=file-c\nd=file-d\n");
  box.set_env("JOB_C", "env-c");
  box.set_env("JOB_D", "env-d");
  Config cfg = parse_ok(box, p, {"--d", "cli-d"});
  EXPECT_EQ(cfg.get_string("a"), "engine-a");
  EXPECT_EQ(cfg.get_string("b"), "file-b");
  EXPECT_EQ(cfg.get_string("c"), "env-c");
  EXPECT_EQ(cfg.get_string("d"), "cli-d");
}

// ---- Job config files ----------------------------------------------------------------------

TEST(ArgParserTest, ExplicitConfigReplacesTheDefaultFile) {
  ConfigSandbox box;
  write_required(box, "output-path=from-default-file\n");
  box.write("other.conf",
            "storage-account-name=other\nstorage-account-key=k\n"
            "input-eh-connection-string=x\n");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"--config", "other.conf"});
  EXPECT_EQ(cfg.get_string("storage-account-name"), "other");
  EXPECT_EQ(cfg.get_string("output-path"), "delta/streaming-data/");
  EXPECT_EQ(cfg.source_of("output-path").kind, ValueSource::Kind::kDefault);
  EXPECT_EQ(cfg.source_of("storage-account-name").to_string(), "file other.conf line 1");
}

TEST(ArgParserTest, RepeatedConfigFilesAreReadInOrder) {
  ConfigSandbox box;
  box.write("a.conf", "output-path=a\ntrigger-interval=5 seconds\n");
  box.write("b.conf", "output-path=b\n");
  ArgParser p("job", "");
  p.add("output-path");
  p.add("trigger-interval");
  Config cfg = parse_ok(box, p, {"--config=a.conf", "--config", "b.conf"});
  EXPECT_EQ(cfg.get_string("output-path"), "b");
  EXPECT_EQ(cfg.get_string("trigger-interval"), "5 seconds");
}

TEST(ArgParserTest, MissingDefaultFileIsFine) {
  ConfigSandbox box;
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(
      box, p,
      {"--storage-account-name=a", "--storage-account-key=k", "--input-eh-connection-string=c"});
  EXPECT_EQ(cfg.get_string("storage-container-name"), "data");
}

TEST(ArgParserTest, MissingExplicitFileIsAnError) {
  ConfigSandbox box;
  write_required(box);
  ArgParser p = streaming_parser();
  Result<Config> r = box.parse(p, {"--config", "configuration/nope.conf"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("configuration/nope.conf"));
  EXPECT_THAT(r.status().message(), HasSubstr("--config"));
}

TEST(ArgParserTest, UnknownKeyInJobFileIsAnErrorNamingFileAndLine) {
  ConfigSandbox box;
  write_required(box, "# comment\nstorage-acount-name=typo\n");
  ArgParser p = streaming_parser();
  Result<Config> r = box.parse(p, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(std::string("file ") + kJobConf + " line 5"));
  EXPECT_THAT(r.status().message(), HasSubstr("storage-acount-name"));
}

TEST(ArgParserTest, KeysMayBeWrittenWithLeadingDashes) {
  ConfigSandbox box;
  write_required(box, "--output-path = dashed\n");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {});
  EXPECT_EQ(cfg.get_string("output-path"), "dashed");
}

TEST(ArgParserTest, RelativeFilesResolveAgainstTheContextDirectory) {
  ConfigSandbox box;
  box.write("sub/job.conf", "output-path=nested\n");
  ArgParser p("job", "", {"sub/job.conf"});
  p.add("output-path");
  Config cfg = parse_ok(box, p, {});
  EXPECT_EQ(cfg.get_string("output-path"), "nested");
  EXPECT_EQ(cfg.source_of("output-path").where, "sub/job.conf");
}

// ---- Environment ---------------------------------------------------------------------------

TEST(ArgParserTest, EnvironmentVariableSuppliesAnOption) {
  ConfigSandbox box;
  box.write(kJobConf, "storage-account-name=a\ninput-eh-connection-string=c\n");
  box.set_env("STREAMING_STORAGE_KEY", kStorageKey);
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {});
  EXPECT_EQ(cfg.get_string("storage-account-key"), kStorageKey);
  EXPECT_EQ(cfg.source_of("storage-account-key").to_string(),
            "environment variable STREAMING_STORAGE_KEY");
}

TEST(ArgParserTest, EmptyEnvironmentVariableCountsAsUnset) {
  ConfigSandbox box;
  write_required(box);
  box.set_env("STREAMING_STORAGE_KEY", "");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {});
  EXPECT_EQ(cfg.get_string("storage-account-key"), kStorageKey);
}

TEST(ArgParserTest, RealProcessEnvironmentIsUsedWithoutAnOverride) {
  ConfigSandbox box;
  ArgParser p("job", "");
  p.add("--token-count").as_int().env("LS_CONFIG_TEST_TOKEN_COUNT");
  ASSERT_EQ(::setenv("LS_CONFIG_TEST_TOKEN_COUNT", "42", 1), 0);
  ParseContext ctx;
  ctx.cwd = box.dir();
  Result<Config> r = p.parse(std::vector<std::string>{}, ctx);
  ::unsetenv("LS_CONFIG_TEST_TOKEN_COUNT");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->get_int("token-count"), 42);
  Result<Config> after = p.parse(std::vector<std::string>{}, ctx);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has("token-count"));
}

// ---- Required, bad values ------------------------------------------------------------------

TEST(ArgParserTest, MissingRequiredOptionIsAnErrorNamingItAndItsEnvVar) {
  ConfigSandbox box;
  box.write(kJobConf, "storage-account-name=a\ninput-eh-connection-string=c\n");
  ArgParser p = streaming_parser();
  Result<Config> r = box.parse(p, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("--storage-account-key"));
  EXPECT_THAT(r.status().message(), HasSubstr("STREAMING_STORAGE_KEY"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("--storage-account-name")));
  EXPECT_EQ(r.status().message(),
            "missing required option: --storage-account-key (or environment variable "
            "STREAMING_STORAGE_KEY); set it on the command line or in "
            "configuration/run_args_streaming.conf");
}

TEST(ArgParserTest, EveryMissingRequiredOptionIsNamed) {
  ConfigSandbox box;
  ArgParser p = streaming_parser();
  Result<Config> r = box.parse(p, {});
  ASSERT_FALSE(r.ok());
  for (const char* name :
       {"--storage-account-name", "--storage-account-key", "--input-eh-connection-string"}) {
    EXPECT_THAT(r.status().message(), HasSubstr(name));
  }
}

struct BadValueCase {
  std::string name;
  std::function<void(ConfigSandbox&, std::vector<std::string>&)> setup;
  std::string expected_source;
};

void PrintTo(const BadValueCase& c, std::ostream* os) { *os << c.name; }

class BadValueTest : public ::testing::TestWithParam<BadValueCase> {};

TEST_P(BadValueTest, NamesOptionAndSource) {
  ConfigSandbox box;
  std::vector<std::string> args = {"--storage-account-name=a", "--storage-account-key=k",
                                   "--input-eh-connection-string=c"};
  GetParam().setup(box, args);
  ArgParser p = streaming_parser();
  p.add("--max-bytes").as_int().env("STREAMING_MAX_BYTES");
  Result<Config> r = box.parse(p, args);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("--max-"));
  EXPECT_THAT(r.status().message(), HasSubstr(GetParam().expected_source));
  EXPECT_THAT(r.status().message(), HasSubstr("abc"));
}

INSTANTIATE_TEST_SUITE_P(
    Sources, BadValueTest,
    ::testing::Values(BadValueCase{"JobFile",
                                   [](ConfigSandbox& b, std::vector<std::string>& a) {
                                     a.insert(a.end(), {"--config", "configuration/x.conf"});
                                     b.write("configuration/x.conf",
                                             "# x\noutput-path=o\n\nmax-events-per-trigger=abc\n");
                                   },
                                   "file configuration/x.conf line 4"},
                      BadValueCase{"EngineDefaults",
                                   [](ConfigSandbox& b, std::vector<std::string>&) {
                                     b.write(kEngineConf,
                                             "lakestream.kafka.x=1\n"
                                             "lakestream.max-events-per-trigger=abc\n");
                                   },
                                   "engine defaults conf/lakestream-defaults.conf line 2"},
                      BadValueCase{"Environment",
                                   [](ConfigSandbox& b, std::vector<std::string>&) {
                                     b.set_env("STREAMING_MAX_BYTES", "abc");
                                   },
                                   "environment variable STREAMING_MAX_BYTES"},
                      BadValueCase{"CommandLine",
                                   [](ConfigSandbox&, std::vector<std::string>& a) {
                                     a.push_back("--max-events-per-trigger=abc");
                                   },
                                   "command line"},
                      BadValueCase{"TrailingGarbage",
                                   [](ConfigSandbox&, std::vector<std::string>& a) {
                                     a.push_back("--max-events-per-trigger=10abc");
                                   },
                                   "command line"}),
    [](const ::testing::TestParamInfo<BadValueCase>& info) { return info.param.name; });

TEST(ArgParserTest, BadIntInExplicitFileNamesFileAndLine) {
  ConfigSandbox box;
  box.write("configuration/x.conf",
            "storage-account-name=a\nstorage-account-key=k\n"
            "input-eh-connection-string=c\nmax-events-per-trigger=abc\n");
  ArgParser p = streaming_parser();
  Result<Config> r = box.parse(p, {"--config", "configuration/x.conf"});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("invalid value for --max-events-per-trigger from file "
                        "configuration/x.conf line 4: expected an integer, got 'abc'"));
}

TEST(ArgParserTest, BadValueOfASecretIsNotEchoed) {
  ConfigSandbox box;
  ArgParser p("job", "");
  p.add("--pin-code").as_int().secret().env("JOB_PIN");
  box.set_env("JOB_PIN", "hunter2-secret");
  Result<Config> r = box.parse(p, {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("--pin-code"));
  EXPECT_THAT(r.status().message(), HasSubstr("environment variable JOB_PIN"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("hunter2")));
}

TEST(ArgParserTest, OptionWithoutValueOnTheCommandLineIsAnError) {
  ConfigSandbox box;
  ArgParser p("job", "");
  p.add("--output-path");
  p.add("--verbose").flag();
  for (std::vector<std::string> args : {std::vector<std::string>{"--output-path"},
                                        std::vector<std::string>{"--output-path", "--verbose"}}) {
    Result<Config> r = box.parse(p, args);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("--output-path expects a value (command line)"));
  }
}

// ---- Types ---------------------------------------------------------------------------------

TEST(ArgParserTest, TypesAreInferredFromTypedDefaults) {
  ArgParser p("job", "");
  OptionSpec& i = p.add("i").default_value(10000);
  OptionSpec& d = p.add("d").default_value(0.5);
  OptionSpec& b = p.add("b").default_value(true);
  OptionSpec& l = p.add("l").default_value(std::vector<std::string>{"x", "y"});
  OptionSpec& s = p.add("s").default_value("1 second");
  OptionSpec& forced = p.add("forced").as_double().default_value(3);
  EXPECT_EQ(i.option_type(), OptionType::kInt);
  EXPECT_EQ(d.option_type(), OptionType::kDouble);
  EXPECT_EQ(b.option_type(), OptionType::kBool);
  EXPECT_EQ(l.option_type(), OptionType::kList);
  EXPECT_EQ(s.option_type(), OptionType::kString);
  EXPECT_EQ(forced.option_type(), OptionType::kDouble);
  ConfigSandbox box;
  Config cfg = parse_ok(box, p, {});
  EXPECT_EQ(cfg.get_int("i"), 10000);
  EXPECT_DOUBLE_EQ(cfg.get_double("d"), 0.5);
  EXPECT_TRUE(cfg.get_bool("b"));
  EXPECT_EQ(cfg.get_list("l"), (std::vector<std::string>{"x", "y"}));
  EXPECT_DOUBLE_EQ(cfg.get_double("forced"), 3.0);
  EXPECT_DOUBLE_EQ(cfg.get_double("i"), 10000.0);
}

TEST(ArgParserTest, IntAndDoubleParsing) {
  ConfigSandbox box;
  ArgParser p("job", "");
  p.add("offset").as_int();
  p.add("ratio").as_double();
  p.add("big").as_int();
  Config cfg = parse_ok(box, p, {"--offset", "-1", "--ratio=-2.5e3", "--big=+9223372036854775807"});
  EXPECT_EQ(cfg.get_int("offset"), -1);
  EXPECT_DOUBLE_EQ(cfg.get_double("ratio"), -2500.0);
  EXPECT_EQ(cfg.get_int("big"), INT64_MAX);
  Result<Config> overflow = box.parse(p, {"--big=9223372036854775808"});
  ASSERT_FALSE(overflow.ok());
  EXPECT_THAT(overflow.status().message(), HasSubstr("64-bit"));
  Result<Config> bad_double = box.parse(p, {"--ratio=1.5x"});
  ASSERT_FALSE(bad_double.ok());
  EXPECT_THAT(bad_double.status().message(), HasSubstr("--ratio"));
}

struct FlagCase {
  std::string name;
  std::string file;  // job file content
  std::string env;   // JOB_VERBOSE value ("" = none)
  std::vector<std::string> args;
  bool expected;
};

void PrintTo(const FlagCase& c, std::ostream* os) { *os << c.name; }

class FlagTest : public ::testing::TestWithParam<FlagCase> {};

TEST_P(FlagTest, Resolves) {
  const FlagCase& c = GetParam();
  ConfigSandbox box;
  if (!c.file.empty()) box.write("job.conf", c.file);
  if (!c.env.empty()) box.set_env("JOB_VERBOSE", c.env);
  ArgParser p("job", "", {"job.conf"});
  p.add("--verbose").flag().env("JOB_VERBOSE");
  Config cfg = parse_ok(box, p, c.args);
  EXPECT_EQ(cfg.get_bool("verbose"), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, FlagTest,
    ::testing::Values(FlagCase{"UnsetIsFalse", "", "", {}, false},
                      FlagCase{"BareFlag", "", "", {"--verbose"}, true},
                      FlagCase{"EqualsFalse", "verbose=true\n", "", {"--verbose=false"}, false},
                      FlagCase{"EqualsTRUE", "", "", {"--verbose=TRUE"}, true},
                      FlagCase{"FileTrue", "verbose=true\n", "", {}, true},
                      FlagCase{"FileYes", "verbose: Yes\n", "", {}, true},
                      FlagCase{"FileNo", "verbose no\n", "", {}, false},
                      FlagCase{"FileKeyAlone", "verbose\n", "", {}, true},
                      FlagCase{"EnvOne", "", "1", {}, true},
                      FlagCase{"EnvZeroOverFile", "verbose=true\n", "0", {}, false}),
    [](const ::testing::TestParamInfo<FlagCase>& info) { return info.param.name; });

TEST(ArgParserTest, FlagWithBadValueIsAnError) {
  ConfigSandbox box;
  box.write("job.conf", "verbose=maybe\n");
  ArgParser p("job", "", {"job.conf"});
  p.add("--verbose").flag();
  Result<Config> r = box.parse(p, {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("--verbose from file job.conf line 1"));
}

TEST(ArgParserTest, ListsAppendWithinALayerAndAreReplacedByAHigherOne) {
  ConfigSandbox box;
  box.write("job.conf", "topic=[a, b]\n");
  ArgParser p("job", "", {"job.conf"});
  p.add("--topic").list().env("JOB_TOPICS");
  Config from_file = parse_ok(box, p, {});
  EXPECT_EQ(from_file.get_list("topic"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(from_file.get_string("topic"), "[a, b]");
  Config from_cli = parse_ok(box, p, {"--topic", "x", "--topic=y"});
  EXPECT_EQ(from_cli.get_list("topic"), (std::vector<std::string>{"x", "y"}));
  box.set_env("JOB_TOPICS", "[e1,e2]");
  Config from_env = parse_ok(box, p, {});
  EXPECT_EQ(from_env.get_list("topic"), (std::vector<std::string>{"e1", "e2"}));
}

TEST(ArgParserTest, ShortNamesWork) {
  ConfigSandbox box;
  ArgParser p("lakestream preview", "");
  p.add("--rows").short_name('n').default_value(20);
  p.add("--input").short_name('i');
  Config cfg = parse_ok(box, p, {"-n", "5", "-isamples/x.ndjson"});
  EXPECT_EQ(cfg.get_int("rows"), 5);
  EXPECT_EQ(cfg.get_string("input"), "samples/x.ndjson");
}

// ---- Unknown arguments ---------------------------------------------------------------------

TEST(ArgParserTest, UnknownArgumentsAreCapturedAndPrintedAsAPythonList) {
  ConfigSandbox box;
  write_required(box);
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"--foo", "bar", "--output-path=o", "-x", "it's"});
  EXPECT_EQ(cfg.unknown_args(), (std::vector<std::string>{"--foo", "bar", "-x", "it's"}));
  EXPECT_EQ(cfg.unknown_args_line(), "Unknown args: ['--foo', 'bar', '-x', \"it's\"]");
  EXPECT_EQ(cfg.get_string("output-path"), "o");
  Config none = parse_ok(box, p, {});
  EXPECT_EQ(none.unknown_args_line(), "Unknown args: []");
}

// ---- Declarations --------------------------------------------------------------------------

TEST(ArgParserTest, DeclarationMistakesAreReported) {
  ConfigSandbox box;
  {
    ArgParser p("job", "");
    p.add("--a");
    p.add("a");
    Result<Config> r = box.parse(p, {});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("--a is declared twice"));
  }
  {
    ArgParser p("job", "");
    p.add("--config");
    EXPECT_FALSE(box.parse(p, {}).ok());
  }
  {
    ArgParser p("job", "");
    p.add("--n").default_value("ten").as_int();
    Result<Config> r = box.parse(p, {});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("declared default of --n"));
  }
}

TEST(ArgParserDeathTest, MisusedGetterAbortsNamingTheOption) {
  Config cfg;
  EXPECT_DEATH((void)cfg.get_string("no-such-option"), "no-such-option");
  ArgParser p("job", "");
  p.add("--name");
  ConfigSandbox box;
  Config named = parse_ok(box, p, {});
  EXPECT_DEATH((void)named.get_int("name"), "get_int.*name");
}

// ---- --help --------------------------------------------------------------------------------

TEST(ArgParserTest, HelpListsEveryOptionWithTypeDefaultEnvAndRequired) {
  ConfigSandbox box;
  ArgParser p = streaming_parser();
  p.add("--sas-token").secret().default_value("sv=2020&sig=topsecretsig").help("A SAS token");
  Config cfg = parse_ok(box, p, {"--help"});
  ASSERT_TRUE(cfg.help_requested());
  const std::string& help = cfg.help_text();
  EXPECT_EQ(help, p.help());
  EXPECT_THAT(help, HasSubstr("usage: streaming_job"));
  EXPECT_THAT(help, HasSubstr("Streaming Job Sample"));
  for (const char* name :
       {"--storage-account-name", "--storage-account-key", "--storage-container-name",
        "--output-path", "--input-eh-connection-string", "--max-events-per-trigger",
        "--trigger-interval", "--streaming-checkpoint-path", "--config FILE", "--print-config",
        "-h, --help"}) {
    EXPECT_THAT(help, HasSubstr(name));
  }
  EXPECT_THAT(help, HasSubstr("--max-events-per-trigger INT\n      Events per micro-batch at most\n"
                              "      [type: int] [default: 10000]\n"));
  EXPECT_THAT(help, HasSubstr("--storage-account-key STRING\n      Azure storage account key\n"
                              "      [type: string] [required] [env var: STREAMING_STORAGE_KEY] "
                              "[secret]\n"));
  EXPECT_THAT(help, HasSubstr("[default: 1 second]"));
  EXPECT_THAT(help, HasSubstr(std::string("[default: ") + std::string(kRedacted) + "]"));
  EXPECT_THAT(help, Not(HasSubstr("topsecretsig")));
  EXPECT_THAT(help, HasSubstr("configuration/run_args_streaming.conf"));
  EXPECT_THAT(help, HasSubstr("lakestream-defaults.conf"));
}

TEST(ArgParserTest, HelpWorksEvenWhenConfigurationIsBroken) {
  ConfigSandbox box;
  box.write(kJobConf, "not-an-option=1\n");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"-h"});
  EXPECT_TRUE(cfg.help_requested());
}

TEST(ArgParserExitTest, ParseOrExitHelpExitsZero) {
  ArgParser p = streaming_parser();
  const char* argv[] = {"streaming_job", "--help"};
  EXPECT_EXIT(p.parse_or_exit(2, argv), ::testing::ExitedWithCode(0), "");
}

TEST(ArgParserExitTest, ParseOrExitErrorExitsTwoWithTheMessage) {
  ConfigSandbox box;
  write_required(box);
  ArgParser p = streaming_parser();
  const char* argv[] = {"streaming_job", "--max-events-per-trigger=abc"};
  EXPECT_EXIT(p.parse_or_exit(2, argv, box.context()), ::testing::ExitedWithCode(2),
              "streaming_job: error: invalid value for --max-events-per-trigger from command "
              "line");
}

TEST(ArgParserExitTest, ParseOrExitPrintConfigExitsZeroAndTwoWhenRequiredMissing) {
  ConfigSandbox box;
  ArgParser p = streaming_parser();
  const char* argv[] = {"streaming_job", "--print-config"};
  EXPECT_EXIT(p.parse_or_exit(2, argv, box.context()), ::testing::ExitedWithCode(2),
              "missing required option.*--storage-account-name");
  write_required(box);
  EXPECT_EXIT(p.parse_or_exit(2, argv, box.context()), ::testing::ExitedWithCode(0), "");
}

// ---- --print-config / dump -----------------------------------------------------------------

TEST(ArgParserTest, PrintConfigDumpsEveryOptionWithSourceAndRedactsSecrets) {
  ConfigSandbox box;
  box.write(kJobConf,
            "storage-account-name=mystorageaccount\n"
            "input-eh-connection-string=" +
                std::string(kConnectionString) +
                "\n"
                "max-events-per-trigger=100\n");
  box.write(kEngineConf,
            "lakestream.kafka.socket.keepalive.enable=true\n"
            "lakestream.fs.azure.account.key.acct=ZW5naW5lLXNlY3JldA==\n");
  box.set_env("STREAMING_STORAGE_KEY", kStorageKey);
  ArgParser p = streaming_parser();
  p.add("--dead-letter-path").help("unset, no default");
  Config cfg = parse_ok(box, p, {"--print-config", "--output-path", "delta/x"});
  EXPECT_TRUE(cfg.print_config_requested());
  std::string dump = cfg.dump();
  std::string r(kRedacted);
  std::string expected = "storage-account-name=mystorageaccount  # file " + std::string(kJobConf) +
                         " line 1\n"
                         "storage-account-key=" +
                         r +
                         "  # environment variable STREAMING_STORAGE_KEY\n"
                         "storage-container-name=data  # default\n"
                         "output-path=delta/x  # command line\n"
                         "input-eh-connection-string=" +
                         r + "  # file " + kJobConf +
                         " line 2\n"
                         "max-events-per-trigger=100  # file " +
                         kJobConf +
                         " line 3\n"
                         "trigger-interval=1 second  # default\n"
                         "streaming-checkpoint-path=checkpoints/streaming  # default\n"
                         "dead-letter-path=  # unset\n"
                         "lakestream.kafka.socket.keepalive.enable=true  # engine defaults " +
                         kEngineConf +
                         " line 1\n"
                         "lakestream.fs.azure.account.key.acct=" +
                         r + "  # engine defaults " + kEngineConf + " line 2\n";
  EXPECT_EQ(dump, expected);
  // No part of any secret appears anywhere.
  for (const char* secret :
       {kStorageKey, "c2VjcmV0LWtleQ==", "ZW5naW5lLXNlY3JldA==", "SharedAccessKey", "servicebus"}) {
    EXPECT_THAT(dump, Not(HasSubstr(secret)));
    EXPECT_THAT(cfg.help_text(), Not(HasSubstr(secret)));
  }
}

TEST(ArgParserTest, PrintConfigShowsMissingRequiredAsUnset) {
  ConfigSandbox box;
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"--print-config"});
  EXPECT_THAT(cfg.dump(), HasSubstr("storage-account-name=  # unset (required)\n"));
  EXPECT_EQ(cfg.missing_required(),
            (std::vector<std::string>{"storage-account-name", "storage-account-key",
                                      "input-eh-connection-string"}));
}

// ---- Engine defaults -----------------------------------------------------------------------

TEST(ArgParserTest, EngineKeysAreExposedInFileOrderWithSources) {
  ConfigSandbox box;
  box.write(kEngineConf,
            "# engine defaults shared by all jobs\n"
            "lakestream.kafka.socket.keepalive.enable  true\n"
            "lakestream.ui.port=4040\n"
            "lakestream.kafka.socket.keepalive.enable=false\n"
            "lakestream.storage.sas.token: sv=1&sig=abc\n");
  ArgParser p("job", "");
  Config cfg = parse_ok(box, p, {});
  const auto& engine = cfg.engine_conf();
  ASSERT_EQ(engine.size(), 3u);
  EXPECT_EQ(engine[0].key, "lakestream.kafka.socket.keepalive.enable");
  EXPECT_EQ(engine[0].value, "false");
  EXPECT_EQ(engine[0].source.to_string(), "engine defaults conf/lakestream-defaults.conf line 4");
  EXPECT_FALSE(engine[0].secret);
  EXPECT_EQ(engine[1].key, "lakestream.ui.port");
  EXPECT_EQ(engine[1].value, "4040");
  EXPECT_TRUE(engine[2].secret);
  EXPECT_EQ(cfg.engine_value("lakestream.ui.port"), std::optional<std::string>("4040"));
  EXPECT_EQ(cfg.engine_value("lakestream.nope"), std::nullopt);
}

TEST(ArgParserTest, EngineKeyForAnOptionSuppliesItsDefault) {
  ConfigSandbox box;
  box.write(kEngineConf, "lakestream.trigger-interval=5 seconds\n");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"--print-config"});
  EXPECT_EQ(cfg.get_string("trigger-interval"), "5 seconds");
  EXPECT_EQ(cfg.source_of("trigger-interval").kind, ValueSource::Kind::kEngineDefaults);
  EXPECT_EQ(cfg.engine_value("lakestream.trigger-interval"),
            std::optional<std::string>("5 seconds"));
}

TEST(ArgParserTest, EngineDefaultsFileWithoutPrefixIsAnError) {
  ConfigSandbox box;
  box.write(kEngineConf, "lakestream.a=1\nspark.sql.x=2\n");
  ArgParser p("job", "");
  Result<Config> r = box.parse(p, {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              HasSubstr("engine defaults conf/lakestream-defaults.conf line 2"));
  EXPECT_THAT(r.status().message(), HasSubstr("spark.sql.x"));
}

TEST(ArgParserTest, BadEngineSettingsStopTheParseNamingKeyValueAndSource) {
  ArgParser p("job", "");
  {
    ConfigSandbox box;
    Result<Config> r = box.parse(p, {"--ui-port", "forty"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("lakestream.ui.port: 'forty' (command line)"));
  }
  {
    ConfigSandbox box;
    box.set_env("LAKESTREAM_UI_ENABLED", "maybe");
    Result<Config> r = box.parse(p, {});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("lakestream.ui.enabled: 'maybe'"));
    EXPECT_THAT(r.status().message(), HasSubstr("LAKESTREAM_UI_ENABLED"));
  }
  {
    ConfigSandbox box;
    box.write(kEngineConf,
              "lakestream.log.level=loud\nlakestream.delta.autoCompact.minNumFiles=1\n");
    Result<Config> r = box.parse(p, {});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("lakestream.log.level: 'loud'"));
    EXPECT_THAT(r.status().message(), HasSubstr("line 1"));
  }
  {
    ConfigSandbox box;
    box.write(kEngineConf, "lakestream.ui.port=0\nlakestream.log.format=JSON\n");
    EXPECT_TRUE(box.parse(p, {"--conf", "lakestream.delta.autoCompact.minNumFiles=10"}).ok());
    Result<Config> r = box.parse(p, {"--conf", "lakestream.delta.autoCompact.minNumFiles=1"});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("a whole number >= 2"));
  }
}

TEST(ArgParserTest, ConfDirVariableIsSearchedBeforeLocalConf) {
  ConfigSandbox box;
  box.write(kEngineConf, "lakestream.where=local\n");
  box.write("etc/ls/lakestream-defaults.conf", "lakestream.where=confdir\n");
  ArgParser p("job", "");
  Config local = parse_ok(box, p, {});
  EXPECT_EQ(local.engine_value("lakestream.where"), std::optional<std::string>("local"));
  box.set_env("LAKESTREAM_CONF_DIR", box.dir() + "/etc/ls");
  Config from_dir = parse_ok(box, p, {});
  EXPECT_EQ(from_dir.engine_value("lakestream.where"), std::optional<std::string>("confdir"));
  EXPECT_EQ(from_dir.engine_conf()[0].source.where, box.dir() + "/etc/ls/lakestream-defaults.conf");
  // A conf dir without the file falls back to ./conf.
  box.set_env("LAKESTREAM_CONF_DIR", box.dir() + "/empty");
  Config fallback = parse_ok(box, p, {});
  EXPECT_EQ(fallback.engine_value("lakestream.where"), std::optional<std::string>("local"));
}

}  // namespace
}  // namespace lakestream

namespace lakestream {
namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(LAKESTREAM_SOURCE_DIR) + "/" + relative);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST(ShippedEngineDefaultsTest, IsValidAndInactiveAsShipped) {
  ConfigSandbox box;
  box.set_env("LAKESTREAM_CONF_DIR", std::string(LAKESTREAM_SOURCE_DIR) + "/conf");
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"--print-config"});
  EXPECT_TRUE(cfg.engine_conf().empty());
}

TEST(ShippedEngineDefaultsTest, EveryCommentedExampleParsesWhenUncommented) {
  std::string text = read_source_file("conf/lakestream-defaults.conf");
  ASSERT_FALSE(text.empty());
  std::string uncommented;
  std::istringstream lines(text);
  int examples = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# lakestream.", 0) == 0) {
      uncommented += line.substr(2) + "\n";
      ++examples;
    }
  }
  EXPECT_GE(examples, 5);
  ConfigSandbox box;
  box.write(kEngineConf, uncommented);
  ArgParser p = streaming_parser();
  Config cfg = parse_ok(box, p, {"--print-config"});
  EXPECT_EQ(static_cast<int>(cfg.engine_conf().size()), examples);
  EXPECT_EQ(cfg.get_int("max-events-per-trigger"), 10000);
  EXPECT_EQ(cfg.source_of("max-events-per-trigger").kind, ValueSource::Kind::kEngineDefaults);
  EXPECT_THAT(cfg.dump(), Not(HasSubstr("<account-key>")));
}

}  // namespace
}  // namespace lakestream

namespace lakestream {
namespace {

TEST(ArgParserTest, DeclaredBoundsAndChoicesRefuseBadValuesNamingTheLayer) {
  testing::ConfigSandbox box;
  ArgParser p("job", "bounds");
  p.add("--events").default_value(10).positive();
  p.add("--wait").default_value(0.5).non_negative();
  p.add("--mode").default_value("auto").choices({"auto", "group", "all"});
  Result<Config> ok = box.parse(p, {"--events", "3", "--wait", "0", "--mode", " GROUP "});
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->get_int("events"), 3);
  EXPECT_EQ(ok->get_string("mode"), "group");  // the declared spelling
  EXPECT_THAT(p.help(), HasSubstr("--mode auto|group|all"));

  Result<Config> zero = box.parse(p, {"--events", "0"});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().message(),
            "invalid value for --events from command line: expected a positive integer, got '0'");
  Result<Config> negative = box.parse(p, {"--wait=-1"});
  ASSERT_FALSE(negative.ok());
  EXPECT_THAT(negative.status().message(),
              HasSubstr("--wait from command line: expected a non-negative number, got '-1'"));
  box.write("job.conf", "mode=some\n");
  Result<Config> choice = box.parse(p, {"--config", "job.conf"});
  ASSERT_FALSE(choice.ok());
  EXPECT_THAT(choice.status().message(),
              HasSubstr("--mode from file job.conf line 1: expected one of auto, group or all, "
                        "got 'some'"));
}

}  // namespace
}  // namespace lakestream
