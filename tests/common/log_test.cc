// common/log: levels, the text and JSON layouts, redaction, the recent-lines buffer, whole lines
// under concurrency, raw lines, and the environment's initial settings.
#include "lakestream/common/log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/log_fmt.h"
#include "lakestream/common/redact.h"

namespace lakestream {

// Counts how often it is formatted, to show a disabled level formats nothing.
struct CountedArg {
  static inline int formatted = 0;
};

}  // namespace lakestream

template <>
struct fmt::formatter<lakestream::CountedArg> : fmt::formatter<std::string_view> {
  auto format(const lakestream::CountedArg&, fmt::format_context& ctx) const {
    ++lakestream::CountedArg::formatted;
    return fmt::formatter<std::string_view>::format("counted", ctx);
  }
};

namespace lakestream {
namespace {

bool contains(const std::vector<std::string>& lines, std::string_view needle) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

std::string last_line() {
  std::vector<std::string> lines = recent_log_lines(1);
  return lines.empty() ? std::string() : lines.back();
}

// Lines go to `captured` instead of stderr (keeps the test output readable); the settings in
// force before the test are restored after it.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = logging_settings();
    set_log_sink_for_testing([this](std::string_view line) { captured_.emplace_back(line); });
  }
  void TearDown() override {
    set_log_sink_for_testing({});
    configure_logging(saved_);
  }

  LogSettings saved_;
  std::vector<std::string> captured_;
};

TEST(LogParseTest, LevelsInAnyCase) {
  struct Case {
    std::string_view text;
    LogLevel level;
  };
  for (const Case& c : {Case{"trace", LogLevel::kTrace}, Case{"DEBUG", LogLevel::kDebug},
                        Case{"Info", LogLevel::kInfo}, Case{"warn", LogLevel::kWarn},
                        Case{"WARNING", LogLevel::kWarn}, Case{"error", LogLevel::kError},
                        Case{" off ", LogLevel::kOff}}) {
    Result<LogLevel> r = parse_log_level(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().to_string();
    EXPECT_EQ(*r, c.level) << c.text;
  }
  for (LogLevel l : {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn,
                     LogLevel::kError, LogLevel::kOff}) {
    EXPECT_EQ(parse_log_level(log_level_name(l)).value_or(LogLevel::kOff), l) << log_level_name(l);
  }
}

TEST(LogParseTest, BadLevelNamesTheText) {
  for (std::string_view bad : {"verbose", "", "warnings", "3"}) {
    Result<LogLevel> r = parse_log_level(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("'" + std::string(bad) + "'"), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("trace, debug, info, warn, error, off"), std::string::npos)
        << r.status().message();
  }
}

TEST(LogParseTest, Formats) {
  EXPECT_EQ(parse_log_format("text").value_or(LogFormat::kJson), LogFormat::kText);
  EXPECT_EQ(parse_log_format("JSON").value_or(LogFormat::kText), LogFormat::kJson);
  Result<LogFormat> bad = parse_log_format("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'xml'"), std::string::npos) << bad.status().message();
  EXPECT_EQ(log_format_name(LogFormat::kJson), "json");
  EXPECT_EQ(log_format_name(LogFormat::kText), "text");
}

TEST_F(LogTest, ConfigureRoundTrips) {
  configure_logging({LogLevel::kDebug, LogFormat::kJson});
  EXPECT_EQ(logging_settings().level, LogLevel::kDebug);
  EXPECT_EQ(logging_settings().format, LogFormat::kJson);
  configure_logging({LogLevel::kError, LogFormat::kText});
  EXPECT_EQ(logging_settings().level, LogLevel::kError);
  EXPECT_EQ(logging_settings().format, LogFormat::kText);
}

TEST_F(LogTest, DebugIsNotKeptAtInfo) {
  configure_logging({LogLevel::kInfo, LogFormat::kText});
  EXPECT_FALSE(log_enabled(LogLevel::kDebug));
  EXPECT_TRUE(log_enabled(LogLevel::kInfo));
  EXPECT_FALSE(log_enabled(LogLevel::kOff));
  log_debug("stream", "debug-marker-{}", 1);
  log(LogLevel::kTrace, "stream", "trace-marker");
  log_info("stream", "info-marker-{}", 1);
  std::vector<std::string> lines = recent_log_lines();
  EXPECT_FALSE(contains(lines, "debug-marker-1"));
  EXPECT_FALSE(contains(lines, "trace-marker"));
  EXPECT_TRUE(contains(lines, "info-marker-1"));
  ASSERT_EQ(captured_.size(), 1u);
  EXPECT_NE(captured_[0].find("info-marker-1"), std::string::npos);
}

TEST_F(LogTest, WarnLevelDropsInfoAndRawLinesOffDropsEverything) {
  configure_logging({LogLevel::kWarn, LogFormat::kText});
  log_info("stream", "info-at-warn");
  log_raw_line("raw-at-warn");
  log_warn("stream", "warn-at-warn");
  configure_logging({LogLevel::kOff, LogFormat::kText});
  log_error("stream", "error-at-off");
  log_raw_line("raw-at-off");
  ASSERT_EQ(captured_.size(), 1u);
  EXPECT_NE(captured_[0].find("warn-at-warn"), std::string::npos);
  std::vector<std::string> lines = recent_log_lines();
  EXPECT_FALSE(contains(lines, "info-at-warn"));
  EXPECT_FALSE(contains(lines, "raw-at-warn"));
  EXPECT_FALSE(contains(lines, "error-at-off"));
  EXPECT_FALSE(contains(lines, "raw-at-off"));
}

TEST_F(LogTest, ADisabledLevelFormatsNothing) {
  configure_logging({LogLevel::kInfo, LogFormat::kText});
  CountedArg::formatted = 0;
  log_debug("stream", "{}", CountedArg{});
  log_trace("stream", "{}", CountedArg{});
  EXPECT_EQ(CountedArg::formatted, 0);
  log_info("stream", "{}", CountedArg{});
  EXPECT_EQ(CountedArg::formatted, 1);
  EXPECT_NE(last_line().find("[stream] counted"), std::string::npos) << last_line();
}

TEST_F(LogTest, TextLayout) {
  configure_logging({LogLevel::kTrace, LogFormat::kText});
  log_info("stream", "batch {} dropped ({})", 3, "sink failed");
  const std::regex layout(
      R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} INFO  \[stream\] batch 3 dropped \(sink failed\))");
  EXPECT_TRUE(std::regex_match(last_line(), layout)) << last_line();
  ASSERT_EQ(captured_.size(), 1u);
  EXPECT_EQ(captured_[0], last_line());

  const std::vector<std::pair<LogLevel, std::string>> levels = {{LogLevel::kTrace, "TRACE "},
                                                                {LogLevel::kDebug, "DEBUG "},
                                                                {LogLevel::kWarn, "WARN  "},
                                                                {LogLevel::kError, "ERROR "}};
  for (const auto& [level, name] : levels) {
    log(level, "delta", "m");
    EXPECT_EQ(last_line().substr(24), name + "[delta] m") << last_line();
  }
}

TEST_F(LogTest, TextEscapesControlCharactersSoAMessageIsOneLine) {
  configure_logging({LogLevel::kInfo, LogFormat::kText});
  log_info("source", "first\nsecond\tthird\r");
  const std::string line = last_line();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_NE(line.find(R"([source] first\nsecond\tthird\r)"), std::string::npos) << line;
}

TEST_F(LogTest, JsonLinesParseWithEveryField) {
  configure_logging({LogLevel::kInfo, LogFormat::kJson});
  const std::string message = "say \"hi\"\nthen \\ leave\t{\"a\":1}";
  log(LogLevel::kWarn, "stream", message);
  const std::string line = last_line();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(line);  // throws (fails the test) when malformed
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 5u) << line;
  EXPECT_EQ(j.at("level"), "warn");
  EXPECT_EQ(j.at("component"), "stream");
  EXPECT_EQ(j.at("msg"), message);
  ASSERT_TRUE(j.at("thread").is_number_unsigned()) << line;
  EXPECT_GT(j.at("thread").get<uint64_t>(), 0u);
  const std::regex ts(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(j.at("ts").get<std::string>(), ts)) << line;
  // The documented field order, which shippers that grep for a prefix rely on.
  EXPECT_EQ(line.rfind("{\"ts\":\"", 0), 0u) << line;
  EXPECT_LT(line.find("\"level\""), line.find("\"component\"")) << line;
  EXPECT_LT(line.find("\"component\""), line.find("\"msg\"")) << line;
  EXPECT_LT(line.find("\"msg\""), line.find("\"thread\"")) << line;
}

TEST_F(LogTest, SecretsNeverReachALine) {
  const std::string hub =
      "Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=SECRET123=;EntityPath=input";
  for (LogFormat format : {LogFormat::kText, LogFormat::kJson}) {
    configure_logging({LogLevel::kInfo, format});
    log_error("source", "connecting with {} and AccountKey=abc failed", hub);
    log(LogLevel::kInfo, "storage", "DefaultEndpointsProtocol=https;AccountName=n;AccountKey=abc");
    log_raw_line(R"({"sink":")" + hub + R"("})");
    log_raw_line("https://n.blob.core.windows.net/c?sv=2022&sig=abc");
  }
  std::vector<std::string> lines = recent_log_lines(8);
  ASSERT_EQ(lines.size(), 8u);
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find("SECRET123"), std::string::npos) << line;
    EXPECT_EQ(line.find("abc"), std::string::npos) << line;
    EXPECT_NE(line.find(kRedacted), std::string::npos) << line;
  }
  for (const std::string& line : captured_) {
    EXPECT_EQ(line.find("SECRET123"), std::string::npos) << line;
    EXPECT_EQ(line.find("abc"), std::string::npos) << line;
  }
  // What is not secret stays readable.
  EXPECT_NE(lines[0].find("SharedAccessKeyName=a;"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("EntityPath=input"), std::string::npos) << lines[0];
}

TEST_F(LogTest, BufferKeepsExactlyTheLastThousandLines) {
  configure_logging({LogLevel::kInfo, LogFormat::kText});
  const int total = static_cast<int>(kLogLinesKept) + 5;
  for (int i = 0; i < total; ++i) log_info("stream", "line {}", i);
  std::vector<std::string> lines = recent_log_lines();
  ASSERT_EQ(lines.size(), kLogLinesKept);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string want = "[stream] line " + std::to_string(i + 5);
    ASSERT_EQ(lines[i].substr(lines[i].size() - want.size()), want) << i;
  }
  EXPECT_EQ(recent_log_lines(kLogLinesKept + 50).size(), kLogLinesKept);
  std::vector<std::string> last3 = recent_log_lines(3);
  ASSERT_EQ(last3.size(), 3u);
  EXPECT_EQ(last3[0], lines[lines.size() - 3]);
  EXPECT_EQ(last3[2], lines.back());
  EXPECT_TRUE(recent_log_lines(0).empty());
}

TEST_F(LogTest, RawLinesAreKeptAsIsInBothFormats) {
  const std::string progress = R"({"id":"q1","batchId":3,"numInputRows":10,"sources":[{}]})";
  configure_logging({LogLevel::kInfo, LogFormat::kText});
  log_raw_line(progress);
  EXPECT_EQ(last_line(), progress);
  configure_logging({LogLevel::kInfo, LogFormat::kJson});
  log_raw_line(progress);
  EXPECT_EQ(last_line(), progress);
  ASSERT_EQ(captured_.size(), 2u);
  EXPECT_EQ(captured_[0], progress);
  EXPECT_EQ(captured_[1], progress);
}

// Real stderr (a temporary file in its place): four threads, every line whole and present once.
TEST_F(LogTest, ConcurrentLinesOnStderrAreWhole) {
  set_log_sink_for_testing({});
  configure_logging({LogLevel::kInfo, LogFormat::kText});
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  const int saved_stderr = ::dup(STDERR_FILENO);
  ASSERT_GE(saved_stderr, 0);
  ASSERT_GE(::dup2(::fileno(file), STDERR_FILENO), 0);

  constexpr int kThreads = 4;
  constexpr int kLines = 250;           // 1000 lines: the whole buffer, compared below
  const std::string padding(200, 'p');  // long lines make a torn write likelier to show
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &padding] {
      for (int i = 0; i < kLines; ++i) {
        if (i % 10 == 0) {
          log_raw_line("{\"raw\":" + std::to_string(t * kLines + i) + "}");
        } else {
          log_info("stream", "thread {} line {} {}", t, i, padding);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();

  ::fflush(stderr);
  ::dup2(saved_stderr, STDERR_FILENO);
  ::close(saved_stderr);
  std::string out;
  std::rewind(file);
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) out.append(buf, n);
  std::fclose(file);

  const std::regex text_line(R"(\S+ \S+ INFO  \[stream\] thread (\d) line (\d+) p{200})");
  const std::regex raw_line(R"(\{"raw":(\d+)\})");
  std::set<int> seen;
  size_t count = 0;
  size_t start = 0;
  ASSERT_FALSE(out.empty());
  ASSERT_EQ(out.back(), '\n');
  while (start < out.size()) {
    const size_t end = out.find('\n', start);
    const std::string line = out.substr(start, end - start);
    start = end + 1;
    ++count;
    std::smatch m;
    if (std::regex_match(line, m, text_line)) {
      EXPECT_TRUE(seen.insert(std::stoi(m[1].str()) * kLines + std::stoi(m[2].str())).second)
          << line;
    } else if (std::regex_match(line, m, raw_line)) {
      EXPECT_TRUE(seen.insert(std::stoi(m[1].str())).second) << line;
    } else {
      ADD_FAILURE() << "not a whole line: " << line;
    }
  }
  EXPECT_EQ(count, static_cast<size_t>(kThreads * kLines));
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kLines));
  // And the buffer holds the same lines as stderr, in the same order.
  std::vector<std::string> kept = recent_log_lines(kThreads * kLines);
  ASSERT_EQ(kept.size(), static_cast<size_t>(kThreads * kLines));
  std::string joined;
  for (const std::string& l : kept) joined += l + '\n';
  EXPECT_EQ(joined, out);
}

// The environment is read once, at first use, so each case runs in a fresh process (the
// "threadsafe" death-test style re-executes the binary) that touches logging only after setenv.
class LogEnvironmentDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(LogEnvironmentDeathTest, GoodValuesAreTheInitialSettings) {
  EXPECT_EXIT(
      {
        ::setenv("LAKESTREAM_LOG_LEVEL", "DEBUG", 1);
        ::setenv("LAKESTREAM_LOG_FORMAT", "json", 1);
        const LogSettings s = logging_settings();
        log_debug("stream", "started at {}", "debug");
        std::exit(s.level == LogLevel::kDebug && s.format == LogFormat::kJson ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), R"(\{"ts":"[^"]+","level":"debug","component":"stream")");
}

TEST_F(LogEnvironmentDeathTest, BadValuesKeepTheDefaultsAndSaySo) {
  EXPECT_EXIT(
      {
        ::setenv("LAKESTREAM_LOG_LEVEL", "loud", 1);
        ::setenv("LAKESTREAM_LOG_FORMAT", "xml", 1);
        const LogSettings s = logging_settings();
        const bool warned = contains(recent_log_lines(), "LAKESTREAM_LOG_LEVEL: log level 'loud'");
        std::exit(s.level == LogLevel::kInfo && s.format == LogFormat::kText && warned ? 0 : 1);
      },
      ::testing::ExitedWithCode(0),
      R"(WARN  \[log\] LAKESTREAM_LOG_FORMAT: log format 'xml' is not one of text, json; using text)");
}

TEST_F(LogEnvironmentDeathTest, EmptyValuesCountAsUnset) {
  EXPECT_EXIT(
      {
        ::setenv("LAKESTREAM_LOG_LEVEL", "", 1);
        ::setenv("LAKESTREAM_LOG_FORMAT", "", 1);
        const LogSettings s = logging_settings();
        const bool quiet = recent_log_lines().empty();
        std::exit(s.level == LogLevel::kInfo && s.format == LogFormat::kText && quiet ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace lakestream
