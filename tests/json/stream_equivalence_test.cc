// NDJSON text and event batches are decoded by the direct path (json/direct_scan) or in runs
// through one stage-1 pass each, falling back to one record at a time around anything they
// cannot vouch for. These tests hold both to the one-record-at-a-time result: big inputs (many
// runs) salted with every kind of bad line, including ones that break simdjson's view of the
// lines after them (an unclosed string, invalid UTF-8, two objects on a line, an object
// spread over lines), must give the same rows, rejects and positions as decoding each record
// on its own.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "json/decode_test_util.h"

namespace lakestream::testing {
namespace {

Schema stream_schema() {
  return Schema()
      .add("MeterId", DataType::string(), false)
      .add("SupplierId", DataType::string())
      .add("Measurement", Schema()
                              .add("Value", DataType::decimal(10, 2), false)
                              .add("Unit", DataType::string())
                              .as_struct())
      .add("ObservationTime", DataType::timestamp(), false)
      .add("Tags", DataType::array(DataType::int_()))
      .add("Attrs", DataType::map(DataType::string(), DataType::long_()));
}

std::string good_line(int n) {
  std::string s = R"({"MeterId":")" + std::to_string(n) + R"(","SupplierId":")" +
                  std::to_string(n % 23) + R"(","Measurement":{"Value":)" + std::to_string(n % 59) +
                  R"(.25,"Unit":"kWH"},"ObservationTime":"2021-01-19T10:)" +
                  std::to_string(10 + n % 50) + R"(:00.000Z","Tags":[1,)" + std::to_string(n % 7) +
                  R"(],"Attrs":{"a":)" + std::to_string(n) + "}}";
  return s;
}

/// The n-th line of a test input: mostly good, every `every`-th line one of many bad shapes.
std::string line_for(int n, int every) {
  if (every == 0 || n % every != every - 1) return good_line(n);
  switch ((n / every) % 25) {
    case 0:
      return R"({"MeterId":"open string, never closed)";
    case 1:
      return R"({"MeterId":"bad utf8 )" + std::string("\xC3\x28") +
             R"(","ObservationTime":"2021-01-19T10:33:00Z"})";
    case 2:
      return good_line(n) + " " + good_line(n + 1);  // two objects on one line
    case 3:
      return good_line(n) + " xyz";
    case 4:
      return "[1,2,3]";
    case 5:
      return R"({"MeterId":"5","ObservationTime":"2021-02-30T10:33:00Z"})";
    case 6:
      return "";
    case 7:
      return "   \t ";
    case 8:
      return "   " + good_line(n);  // leading blanks, still a good record
    case 9:
      return good_line(n) + "\r";  // CRLF
    case 10:
      return R"({"MeterId":"a\"})";  // escaped quote: the string stays open
    case 11:
      return R"("a string line)";
    case 12:
      return "}";
    case 13:
      return R"({"MeterId":"13","Junk":{"x":[1,2,{"y":"]}"}]},"ObservationTime":"2021-01-19T10:33:00Z"})";
    case 14:
      return R"({"MeterId":"14","Tags":[1,"two",3],"ObservationTime":"2021-01-19T10:33:00Z"})";
    case 15:
      return R"({"MeterId":"15","Attrs":{"a":1,"b":"x"},"ObservationTime":"2021-01-19T10:33:00Z"})";
    case 16:
      return R"({"MeterId":"16","MeterId":"16","ObservationTime":"2021-01-19T10:33:00Z"})";
    case 17:
      return R"({"MeterId":"17","Measurement":{"Value":1.234},"ObservationTime":"2021-01-19T10:33:00Z"})";
    case 18:
      return good_line(n).substr(0, 40);  // truncated
    case 19:
      return good_line(n) + "}";
    case 20:
      return R"({"MeterId":"20\)";  // backslash before the line break
    case 22:
      return R"({"MeterId":"ctl)" + std::string("\x01") +
             R"(","ObservationTime":"2021-01-19T10:33:00Z"})";
    case 23:
      return R"({"MeterId":"esc\u0041\n\"q","Measurement":{"Value":"12.5"},"ObservationTime":"2021-01-19T10:33:00Z"})";
    case 24:
      return R"({"MeterId":"24","Measurement":{"Value":123456789},"ObservationTime":"2021-01-19T10:33:00\u005A"})";
    default:
      return R"({"MeterId":"21","ObservationTime":"2021-01-19T10:33:00Z","SupplierId":null})";
  }
}

void expect_same_column(const Column& a, const Column& b, const std::string& what) {
  ASSERT_EQ(a.length(), b.length()) << what;
  ASSERT_EQ(a.validity(), b.validity()) << what;
  ASSERT_EQ(a.values(), b.values()) << what;
  ASSERT_EQ(a.offsets(), b.offsets()) << what;
  ASSERT_EQ(a.data(), b.data()) << what;
  ASSERT_EQ(a.children().size(), b.children().size()) << what;
  for (size_t i = 0; i < a.children().size(); ++i) {
    expect_same_column(*a.child(i), *b.child(i), what + "." + std::to_string(i));
  }
}

void expect_same_batch(const RecordBatch& a, const RecordBatch& b) {
  ASSERT_EQ(a.num_columns(), b.num_columns());
  for (size_t i = 0; i < a.num_columns(); ++i) {
    expect_same_column(*a.column(i), *b.column(i), a.schema().field(i).name);
  }
}

struct StreamCase {
  const char* name;
  int lines;
  int every;  ///< every n-th line is bad (0: none)
  DecodeMode mode;
  bool direct = true;        ///< false: LAKESTREAM_JSON_DIRECT=0, only simdjson's on-demand path
  const char* rescued = "";  ///< the rescued-data column, "" = none
};

Result<JsonDecoder> make_decoder(DecodeMode mode, bool direct, const char* rescued = "") {
  if (!direct) setenv("LAKESTREAM_JSON_DIRECT", "0", 1);
  auto decoder = JsonDecoder::make(stream_schema(), {mode, 64, rescued});
  unsetenv("LAKESTREAM_JSON_DIRECT");
  return decoder;
}

class StreamEquivalenceTest : public ::testing::TestWithParam<StreamCase> {};

TEST_P(StreamEquivalenceTest, NdjsonMatchesLineByLine) {
  const StreamCase& c = GetParam();
  std::string text;
  std::vector<size_t> starts;
  for (int n = 0; n < c.lines; ++n) {
    starts.push_back(text.size());
    text += line_for(n, c.every);
    text += '\n';
  }
  // The whole text at once (runs through stage 1) ...
  auto decoder = make_decoder(c.mode, c.direct, c.rescued);
  ASSERT_TRUE(decoder.ok());
  RecordBatch whole = RecordBatch::make_empty(decoder->output_schema());
  std::vector<RejectedRecord> whole_rejects;
  ASSERT_TRUE(decoder->decode_ndjson(text, "f", &whole, &whole_rejects, 7).ok());
  // ... against one line per call.
  RecordBatch single = RecordBatch::make_empty(decoder->output_schema());
  std::vector<RejectedRecord> single_rejects;
  for (int n = 0; n < c.lines; ++n) {
    const size_t end = n + 1 < c.lines ? starts[n + 1] : text.size();
    const std::string_view line(text.data() + starts[n], end - starts[n]);
    std::vector<RejectedRecord> r;
    ASSERT_TRUE(decoder->decode_ndjson(line, "f", &single, &r, 7 + n).ok());
    for (RejectedRecord& one : r) {
      one.position.offset += static_cast<int64_t>(starts[n]);
      single_rejects.push_back(std::move(one));
    }
  }
  expect_consistent(whole);
  expect_same_batch(whole, single);
  ASSERT_EQ(whole_rejects.size(), single_rejects.size());
  for (size_t i = 0; i < whole_rejects.size(); ++i) {
    EXPECT_EQ(whole_rejects[i].reason, single_rejects[i].reason)
        << i << ": " << whole_rejects[i].raw;
    EXPECT_EQ(whole_rejects[i].field, single_rejects[i].field) << i;
    EXPECT_EQ(whole_rejects[i].raw, single_rejects[i].raw) << i;
    EXPECT_EQ(whole_rejects[i].position.line, single_rejects[i].position.line) << i;
    EXPECT_EQ(whole_rejects[i].position.offset, single_rejects[i].position.offset) << i;
  }
  if (c.every == 0) {
    EXPECT_EQ(whole.num_rows(), c.lines);
  } else {
    EXPECT_FALSE(whole_rejects.empty());
  }
}

TEST_P(StreamEquivalenceTest, EventsMatchOneByOne) {
  const StreamCase& c = GetParam();
  std::vector<std::string> bodies;
  for (int n = 0; n < c.lines; ++n) bodies.push_back(line_for(n, c.every));
  std::vector<JsonEvent> events;
  for (size_t i = 0; i < bodies.size(); ++i) {
    events.push_back({bodies[i], 3, static_cast<int64_t>(100 + i)});
  }
  auto decoder = make_decoder(c.mode, c.direct, c.rescued);
  ASSERT_TRUE(decoder.ok());
  RecordBatch whole = RecordBatch::make_empty(decoder->output_schema());
  std::vector<RejectedRecord> whole_rejects;
  ASSERT_TRUE(decoder->decode_events(events, "hub", &whole, &whole_rejects).ok());
  RecordBatch single = RecordBatch::make_empty(decoder->output_schema());
  std::vector<RejectedRecord> single_rejects;
  for (const JsonEvent& e : events) {
    ASSERT_TRUE(decoder->decode_events({&e, 1}, "hub", &single, &single_rejects).ok());
  }
  expect_consistent(whole);
  expect_same_batch(whole, single);
  ASSERT_EQ(whole_rejects.size(), single_rejects.size());
  for (size_t i = 0; i < whole_rejects.size(); ++i) {
    EXPECT_EQ(whole_rejects[i].reason, single_rejects[i].reason)
        << i << ": " << whole_rejects[i].raw;
    EXPECT_EQ(whole_rejects[i].raw, single_rejects[i].raw) << i;
    EXPECT_EQ(whole_rejects[i].position.offset, single_rejects[i].position.offset) << i;
  }
}

TEST(PlainStringTest, EscapesAreDecodedAndControlCharactersRejected) {
  // Strings without escapes are read straight from the input; these must take simdjson's path.
  const std::string text = line_for(22, 1) + "\n" + line_for(23, 1) + "\n" + line_for(24, 1) + "\n";
  const Decoded d = decode_lines(stream_schema(), text);
  ASSERT_TRUE(d.status.ok());
  ASSERT_EQ(d.rejects.size(), 2u);
  EXPECT_EQ(d.rejects[0].position.line, 1);
  EXPECT_NE(d.rejects[0].reason.find("unescaped"), std::string::npos) << d.rejects[0].reason;
  EXPECT_EQ(d.rejects[1].position.line, 3);
  EXPECT_EQ(d.rejects[1].reason, "Measurement.Value: 123456789 does not fit decimal(10,2)");
  ASSERT_EQ(d.batch.num_rows(), 1);
  EXPECT_EQ(d.batch.column(0)->string_value(0), "escA\n\"q");
  EXPECT_TRUE(d.batch.column(2)->child(0)->decimal_value(0) == 1250);
}

TEST(PrettyPrintedObjectTest, EachOfItsLinesIsARecordOfItsOwn) {
  // An object spread over several lines is several bad lines in NDJSON, wherever it sits in a
  // big input, on both paths.
  const std::string pretty =
      "{\n  \"MeterId\": \"7\",\n  \"ObservationTime\": \"2021-01-19T10:33:00Z\"\n}";
  std::string text;
  for (int n = 0; n < 20'000; ++n) {
    text += good_line(n);
    text += '\n';
    if (n == 10'000) {
      text += pretty;
      text += '\n';
    }
  }
  for (const bool direct : {true, false}) {
    auto decoder = make_decoder(DecodeMode::kDeadLetter, direct);
    ASSERT_TRUE(decoder.ok());
    RecordBatch batch = RecordBatch::make_empty(stream_schema());
    std::vector<RejectedRecord> rejects;
    ASSERT_TRUE(decoder->decode_ndjson(text, "f", &batch, &rejects).ok());
    EXPECT_EQ(batch.num_rows(), 20'000) << direct;
    ASSERT_EQ(rejects.size(), 4u) << direct;
    EXPECT_EQ(rejects[0].position.line, 10'002) << direct;
    EXPECT_EQ(rejects[0].raw, "{") << direct;
    EXPECT_EQ(rejects[3].position.line, 10'005) << direct;
    EXPECT_EQ(rejects[3].raw, "}") << direct;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, StreamEquivalenceTest,
    ::testing::Values(
        StreamCase{"AllGood", 30'000, 0, DecodeMode::kDeadLetter},
        StreamCase{"BadEvery7th", 30'000, 7, DecodeMode::kDeadLetter},
        StreamCase{"BadEvery7thPermissive", 30'000, 7, DecodeMode::kPermissive},
        StreamCase{"BadEvery997th", 60'000, 997, DecodeMode::kDeadLetter},
        StreamCase{"BadEvery3000thPermissive", 60'000, 3000, DecodeMode::kPermissive},
        StreamCase{"EveryLineBad", 3'000, 1, DecodeMode::kDeadLetter},
        StreamCase{"BadEvery7thOnDemandOnly", 30'000, 7, DecodeMode::kDeadLetter, false},
        StreamCase{"BadEvery997thOnDemandOnly", 60'000, 997, DecodeMode::kPermissive, false},
        StreamCase{"EveryLineBadOnDemandOnly", 3'000, 1, DecodeMode::kDeadLetter, false},
        StreamCase{"BadEvery7thPermissiveRescued", 30'000, 7, DecodeMode::kPermissive, true,
                   "_rescued_data"},
        StreamCase{"BadEvery7thPermissiveRescuedOnDemandOnly", 30'000, 7, DecodeMode::kPermissive,
                   false, "_rescued_data"},
        StreamCase{"BadEvery997thRescued", 60'000, 997, DecodeMode::kDeadLetter, true,
                   "_rescued_data"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace lakestream::testing
