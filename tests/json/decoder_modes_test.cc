// Entry points (NDJSON text, event bodies), positions, modes (dead-letter, permissive,
// fail-fast), rollback, the bundled sample file and a large mixed batch.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "json/decode_test_util.h"
#include "lakestream/common/time.h"
#include "support/message_factory.h"

namespace lakestream::testing {
namespace {

// ---- NDJSON lines and positions ---------------------------------------------------------------

TEST(NdjsonTest, BlankLinesAreSkippedButCountedAndCrLfIsAccepted) {
  const std::string good = MeterMessage{}.json();
  const std::string bad = MeterMessage{.meter_id = kOmit}.json();
  const std::string text = good + "\r\n\n   \r\n" + bad + "\r\n" + good + "\n\n" + bad;
  const Decoded d = decode_lines(meter_schema(), text);
  ASSERT_TRUE(d.status.ok());
  EXPECT_EQ(d.batch.num_rows(), 2);
  ASSERT_EQ(d.rejects.size(), 2u);
  EXPECT_EQ(d.rejects[0].position.line, 4);
  EXPECT_EQ(d.rejects[0].position.offset, static_cast<int64_t>(text.find(bad)));
  EXPECT_EQ(d.rejects[0].raw, bad);          // without the \r
  EXPECT_EQ(d.rejects[1].position.line, 7);  // the last line, without a line break
  EXPECT_EQ(d.rejects[1].raw, bad);
  EXPECT_EQ(d.rejects[1].position.to_string(), "test.ndjson:7");
  EXPECT_EQ(d.rejects[1].position.partition, -1);
}

TEST(NdjsonTest, ATruncatedLineDoesNotTakeItsNeighboursWithIt) {
  // The truncated line leaves a string open; the next line must still decode on its own.
  const std::string text =
      MeterMessage{.meter_id = json_string("1")}.json() + "\n" +
      R"({"MeterId": "12", "SupplierId": "4", "Measurement": {"Value": 7, "Un)" + "\n" +
      MeterMessage{.meter_id = json_string("3")}.json() + "\n";
  const Decoded d = decode_lines(meter_schema(), text);
  ASSERT_EQ(d.batch.num_rows(), 2);
  EXPECT_EQ(d.batch.column(0)->string_value(0), "1");
  EXPECT_EQ(d.batch.column(0)->string_value(1), "3");
  ASSERT_EQ(d.rejects.size(), 1u);
  EXPECT_EQ(d.rejects[0].position.line, 2);
  EXPECT_NE(d.rejects[0].reason.find("malformed JSON"), std::string::npos);
}

TEST(NdjsonTest, FirstLineNumberIsConfigurable) {
  auto decoder = JsonDecoder::make(meter_schema());
  ASSERT_TRUE(decoder.ok());
  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  std::vector<RejectedRecord> rejects;
  ASSERT_TRUE(decoder->decode_ndjson("{}\n", "part-2.ndjson", &batch, &rejects, 1001).ok());
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].position.to_string(), "part-2.ndjson:1001");
}

TEST(NdjsonTest, LongLinesAndShortTailLinesDecodeAlike) {
  // Lines far from the end are parsed in place, the last ones from a padded copy.
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text +=
        MeterMessage{.meter_id = json_string(std::to_string(i)),
                     .extra = "\"Pad\": \"" + std::string(static_cast<size_t>(i * 7), 'x') + "\""}
            .json() +
        "\n";
  }
  text += R"({"MeterId":"x","SupplierId":"1","Measurement":{"Value":1},"ObservationTime":1})";
  const Decoded d = decode_lines(meter_schema(), text);
  ASSERT_EQ(d.rejects.size(), 0u) << d.rejects[0].reason;
  ASSERT_EQ(d.batch.num_rows(), 51);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(d.batch.column(0)->string_value(i), std::to_string(i));
  EXPECT_EQ(d.batch.column(0)->string_value(50), "x");
  EXPECT_EQ(d.batch.column(3)->value<int64_t>(50), 1'000'000);
}

// ---- event bodies ------------------------------------------------------------------------------

TEST(EventsTest, RejectsCarryPartitionOffsetAndBytes) {
  const std::string good = MeterMessage{}.json();
  const std::string bad =
      MeterMessage{.observation_time = json_string("2021-19-01T10:33:00Z")}.json();
  const std::vector<JsonEvent> events = {{good, 3, 40}, {bad, 3, 41}, {good, 5, 7}};
  auto decoder = JsonDecoder::make(meter_schema());
  ASSERT_TRUE(decoder.ok());
  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  std::vector<RejectedRecord> rejects;
  ASSERT_TRUE(decoder->decode_events(events, "input", &batch, &rejects).ok());
  EXPECT_EQ(batch.num_rows(), 2);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].position, (RecordPosition{"input", 3, 41, -1}));
  EXPECT_EQ(rejects[0].position.to_string(), "input partition 3 offset 41");
  EXPECT_EQ(rejects[0].raw, bad);
  EXPECT_EQ(rejects[0].reason, "ObservationTime: '2021-19-01T10:33:00Z' is not a valid timestamp");
}

TEST(OversizedRecordTest, OverTheLimitIsRejectedUndecodedWithItsFirstBytes) {
  // Both paths (events through the direct scanner, NDJSON lines in blocks and alone) refuse a
  // record over max_record_bytes whatever it holds, and keep its neighbours.
  const std::string good = MeterMessage{}.json();
  const std::string big =
      MeterMessage{.meter_id = json_string(std::string(3 << 20, 'x'))}.json();  // 3 MiB
  JsonDecodeOptions options;
  options.max_record_bytes = static_cast<int64_t>(good.size()) + 100;
  auto decoder = JsonDecoder::make(meter_schema(), options);
  ASSERT_TRUE(decoder.ok());

  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  std::vector<RejectedRecord> rejects;
  const std::vector<JsonEvent> events = {{good, 0, 1}, {big, 0, 2}, {good, 0, 3}};
  ASSERT_TRUE(decoder->decode_events(events, "input", &batch, &rejects).ok());
  EXPECT_EQ(batch.num_rows(), 2);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].position, (RecordPosition{"input", 0, 2, -1}));
  EXPECT_NE(rejects[0].reason.find("the record is " + std::to_string(big.size()) + " bytes"),
            std::string::npos)
      << rejects[0].reason;
  EXPECT_NE(rejects[0].reason.find("first 1048576 bytes are kept"), std::string::npos);
  EXPECT_EQ(rejects[0].raw, big.substr(0, 1 << 20));

  for (const std::string& text : {good + "\n" + big + "\n" + good + "\n", big + "\n" + good}) {
    RecordBatch lines = RecordBatch::make_empty(meter_schema());
    std::vector<RejectedRecord> line_rejects;
    ASSERT_TRUE(decoder->decode_ndjson(text, "f.ndjson", &lines, &line_rejects).ok());
    EXPECT_EQ(lines.num_rows(), text.starts_with(good) ? 2 : 1);
    ASSERT_EQ(line_rejects.size(), 1u);
    EXPECT_EQ(line_rejects[0].position.line, text.starts_with(good) ? 2 : 1);
    EXPECT_EQ(line_rejects[0].raw.size(), size_t{1} << 20);
  }

  // A record at the limit is decoded as usual; fail-fast stops at one over it.
  options.max_record_bytes = static_cast<int64_t>(good.size());
  auto exact = JsonDecoder::make(meter_schema(), options);
  RecordBatch one = RecordBatch::make_empty(meter_schema());
  ASSERT_TRUE(exact->decode_ndjson(good, "f", &one, &rejects).ok());
  EXPECT_EQ(one.num_rows(), 1);
  options.mode = DecodeMode::kFailFast;
  auto strict = JsonDecoder::make(meter_schema(), options);
  const std::vector<JsonEvent> over = {{big, 1, 9}};
  const Status st = strict->decode_events(over, "input", &one, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("over the limit"), std::string::npos) << st.message();
  options.max_record_bytes = 0;
  EXPECT_FALSE(JsonDecoder::make(meter_schema(), options).ok());
}

TEST(EventsTest, EmptyBodyIsRejected) {
  const std::vector<JsonEvent> events = {{"", 0, 1}};
  auto decoder = JsonDecoder::make(meter_schema());
  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  std::vector<RejectedRecord> rejects;
  ASSERT_TRUE(decoder->decode_events(events, "input", &batch, &rejects).ok());
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_NE(rejects[0].reason.find("malformed JSON"), std::string::npos);
}

TEST(EventsTest, ABatchOfAnotherSchemaIsRefused) {
  auto decoder = JsonDecoder::make(meter_schema());
  RecordBatch batch = RecordBatch::make_empty(Schema().add("X", DataType::int_()));
  std::vector<RejectedRecord> rejects;
  const Status s = decoder->decode_ndjson("{}", "x", &batch, &rejects);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("does not match"), std::string::npos);
}

TEST(EventsTest, DeadLetterModeNeedsARejectList) {
  auto decoder = JsonDecoder::make(meter_schema());
  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  EXPECT_EQ(decoder->decode_ndjson("{}", "x", &batch, nullptr).code(),
            StatusCode::kInvalidArgument);
}

TEST(OptionsTest, ModeNamesRoundTripAndDepthIsChecked) {
  for (DecodeMode m : {DecodeMode::kDeadLetter, DecodeMode::kPermissive, DecodeMode::kFailFast}) {
    EXPECT_EQ(parse_decode_mode(decode_mode_name(m)), m);
  }
  EXPECT_FALSE(parse_decode_mode("FAILFAST").has_value());
  EXPECT_EQ(JsonDecoder::make(meter_schema(), {DecodeMode::kDeadLetter, 0}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(OptionsTest, ASmallerDepthLimitApplies) {
  const Schema schema = Schema().add("A", DataType::array(DataType::array(DataType::int_())));
  EXPECT_EQ(decode_lines(schema, R"({"A": [[1]]})", DecodeMode::kDeadLetter, 3).rejects.size(), 0u);
  const Decoded d = decode_lines(schema, R"({"A": [[1]]})", DecodeMode::kDeadLetter, 2);
  ASSERT_EQ(d.rejects.size(), 1u);
  EXPECT_EQ(d.rejects[0].reason, "A[0]: nesting deeper than 2 levels");
}

// ---- modes -------------------------------------------------------------------------------------

Schema permissive_schema() {
  return Schema()
      .add("A", DataType::int_())
      .add("B", DataType::int_(), false)
      .add("S",
           DataType::struct_({{"X", DataType::int_(), false}, {"Y", DataType::string(), true}}))
      .add("L", DataType::array(DataType::int_()));
}

TEST(PermissiveTest, BadNullableValueBecomesNullAndTheRecordStays) {
  const Decoded d = decode_lines(permissive_schema(), R"({"A": "x", "B": 1, "L": [1, "y", 3]})",
                                 DecodeMode::kPermissive);
  ASSERT_EQ(d.rejects.size(), 0u) << d.rejects[0].reason;
  ASSERT_EQ(d.batch.num_rows(), 1);
  EXPECT_TRUE(d.batch.column(0)->is_null(0));
  EXPECT_EQ(d.batch.column(1)->value<int32_t>(0), 1);
  const Column& elements = *d.batch.column(3)->child(0);
  ASSERT_EQ(elements.length(), 3);
  EXPECT_TRUE(elements.is_null(1));
  EXPECT_EQ(elements.value<int32_t>(2), 3);
  expect_consistent(d.batch);
}

TEST(PermissiveTest, BadNonNullMemberNullsTheNearestNullableStruct) {
  for (const char* s : {R"({"X": "bad", "Y": "kept?"})", R"({"Y": "no X"})"}) {
    const Decoded d = decode_lines(permissive_schema(), std::string(R"({"B": 2, "S": )") + s + "}",
                                   DecodeMode::kPermissive);
    ASSERT_EQ(d.rejects.size(), 0u) << s;
    ASSERT_EQ(d.batch.num_rows(), 1);
    const Column& st = *d.batch.column(2);
    EXPECT_TRUE(st.is_null(0)) << s;
    EXPECT_TRUE(st.child(0)->is_null(0));
    EXPECT_TRUE(st.child(1)->is_null(0));
    expect_consistent(d.batch);
  }
}

TEST(PermissiveTest, BadNonNullFieldStillRejects) {
  const Decoded d =
      decode_lines(permissive_schema(), R"({"A": 1, "B": "x"})", DecodeMode::kPermissive);
  EXPECT_EQ(d.batch.num_rows(), 0);
  ASSERT_EQ(d.rejects.size(), 1u);
  EXPECT_EQ(d.rejects[0].reason, "B: expected int, got a string");
}

TEST(PermissiveTest, MalformedJsonDuplicatesAndDepthStillReject) {
  const std::string lines = std::string(R"({"A": 1, "B": 2, "A": 3})") + "\n" +
                            R"({"A": tru, "B": 1})" + "\n" + R"({"A": 1, "B": 1)" + "\n" +
                            R"({"B": 1, "L": [1, [2]]})";
  const Decoded d = decode_lines(permissive_schema(), lines, DecodeMode::kPermissive, 2);
  EXPECT_EQ(d.batch.num_rows(), 0);
  ASSERT_EQ(d.rejects.size(), 4u);
  EXPECT_EQ(d.rejects[0].reason, "A: appears more than once (duplicate key)");
  EXPECT_EQ(d.rejects[1].reason, "A: malformed JSON: invalid value 'tru'");
  EXPECT_NE(d.rejects[2].reason.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(d.rejects[3].reason, "L[1]: nesting deeper than 2 levels");
}

TEST(PermissiveTest, MeterMessageWithImpossibleDateIsStillRejected) {
  const Decoded d = decode_lines(
      meter_schema(), MeterMessage{.observation_time = json_string("2021-19-01T10:33:00Z")}.json(),
      DecodeMode::kPermissive);
  EXPECT_EQ(d.batch.num_rows(), 0);
  EXPECT_EQ(d.rejects.size(), 1u);
}

TEST(FailFastTest, StopsAtTheFirstBadRecordNamingItAndKeepsTheRowsBefore) {
  const std::string text = MeterMessage{}.json() + "\n" +
                           MeterMessage{.value = json_string("lots")}.json() + "\n" +
                           MeterMessage{}.json() + "\n";
  const Decoded d = decode_lines(meter_schema(), text, DecodeMode::kFailFast);
  EXPECT_EQ(d.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(d.status.message(),
            "record at test.ndjson:2 rejected (fail-fast): Measurement.Value: 'lots' is not a "
            "valid decimal(10,0)");
  EXPECT_EQ(d.batch.num_rows(), 1);
  EXPECT_TRUE(d.rejects.empty());
  expect_consistent(d.batch);
}

TEST(FailFastTest, EventsNamePartitionAndOffset) {
  auto decoder = JsonDecoder::make(meter_schema(), {DecodeMode::kFailFast});
  RecordBatch batch = RecordBatch::make_empty(meter_schema());
  const std::string bad = "not json";
  const std::vector<JsonEvent> events = {{bad, 2, 99}};
  const Status s = decoder->decode_events(events, "input", &batch, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("input partition 2 offset 99"), std::string::npos) << s.message();
}

// ---- rollback ----------------------------------------------------------------------------------

TEST(RollbackTest, ARejectLateInTheRecordLeavesEveryColumnAtItsPreviousLength) {
  const Schema schema = Schema()
                            .add("S", DataType::struct_({{"T", DataType::string(), true},
                                                         {"N", DataType::array(DataType::int_())}}))
                            .add("M", DataType::map(DataType::string(), DataType::string()))
                            .add("Z", DataType::int_(), false);
  const std::string text = std::string(R"({"S": {"T": "a", "N": [1]}, "M": {"k": "v"}, "Z": 1})") +
                           "\n" +
                           R"({"S": {"T": "bbbb", "N": [2, 3, 4]}, "M": {"x": "y"}, "Z": "bad"})" +
                           "\n" + R"({"S": {"T": "c", "N": [5]}, "M": {}, "Z": 3})";
  const Decoded d = decode_lines(schema, text);
  ASSERT_EQ(d.rejects.size(), 1u);
  ASSERT_EQ(d.batch.num_rows(), 2);
  expect_consistent(d.batch);
  const Column& s = *d.batch.column(0);
  EXPECT_EQ(s.child(0)->string_value(1), "c");
  const Column& n = *s.child(1);
  EXPECT_EQ(n.child(0)->length(), 2);  // [1] and [5]; [2, 3, 4] rolled back
  EXPECT_EQ(n.child(0)->value<int32_t>(1), 5);
  EXPECT_EQ(d.batch.column(1)->child(0)->length(), 1);
  EXPECT_EQ(d.batch.column(2)->value<int32_t>(1), 3);
}

// ---- the bundled sample and a large mixed batch ------------------------------------------------

TEST(SampleFileTest, MeterReadingsSampleDecodesTwelveRowsAndRejectsFive) {
  std::ifstream in(std::string(LAKESTREAM_SOURCE_DIR) + "/samples/meter_readings.ndjson");
  ASSERT_TRUE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const Decoded d = decode_lines(meter_schema(), buffer.str());
  EXPECT_EQ(d.batch.num_rows(), 12);
  ASSERT_EQ(d.rejects.size(), 5u);
  EXPECT_EQ(d.rejects[0].position.line, 5);
  EXPECT_EQ(d.rejects[0].field, "ObservationTime");
  EXPECT_EQ(d.rejects[0].reason,
            "ObservationTime: '2021-19-01T10:33:00Z' is not a valid timestamp");
  EXPECT_EQ(d.rejects[1].field, "MeterId");
  EXPECT_EQ(d.rejects[2].field, "Measurement.Value");
  EXPECT_EQ(d.rejects[3].field, "");  // the truncated line
  EXPECT_NE(d.rejects[4].reason.find("does not fit decimal(10,0)"), std::string::npos);
}

TEST(LargeBatchTest, MixedGoodAndBadRecordsAddUpAndGoodValuesAreExact) {
  constexpr int kRecords = 20'000;
  const int64_t start = *parse_timestamp_micros("2021-01-19T10:33:00Z");
  std::string text;
  std::vector<int> good_ids;
  int bad_count = 0;
  for (int n = 0; n < kRecords; ++n) {
    const std::string time = format_timestamp_iso(start + int64_t{n} * 1'000'000);
    MeterMessage m = generated_meter_message(n, time);
    m.meter_id = json_string(std::to_string(n));  // identify the row
    switch (n % 10) {
      case 3:
        m.observation_time = json_string("2021-19-01T10:33:00Z");
        break;
      case 5:
        m.value = json_string("lots");
        break;
      case 7:
        m.supplier_id = kOmit;
        break;
      default:
        break;
    }
    std::string line = m.json();
    if (n % 1000 == 999) line = line.substr(0, line.size() / 2);  // truncated
    if (n % 10 == 3 || n % 10 == 5 || n % 10 == 7 || n % 1000 == 999) {
      ++bad_count;
    } else {
      good_ids.push_back(n);
    }
    text += line;
    text += '\n';
  }
  const Decoded d = decode_lines(meter_schema(), text);
  ASSERT_TRUE(d.status.ok());
  EXPECT_EQ(d.batch.num_rows() + static_cast<int64_t>(d.rejects.size()), kRecords);
  ASSERT_EQ(static_cast<int>(d.rejects.size()), bad_count);
  ASSERT_EQ(d.batch.num_rows(), static_cast<int64_t>(good_ids.size()));
  expect_consistent(d.batch);
  for (const RejectedRecord& r : d.rejects) {
    const int n = static_cast<int>(r.position.line) - 1;
    EXPECT_TRUE(n % 10 == 3 || n % 10 == 5 || n % 10 == 7 || n % 1000 == 999) << n;
  }
  const Column& value = *d.batch.column(2)->child(0);
  for (int64_t row = 0; row < d.batch.num_rows(); ++row) {
    const int n = good_ids[static_cast<size_t>(row)];
    const int64_t v = int64_t{n} * 3019;
    ASSERT_EQ(d.batch.column(0)->string_value(row), std::to_string(n));
    ASSERT_EQ(d.batch.column(1)->string_value(row), std::to_string(v % 23));
    ASSERT_TRUE(value.decimal_value(row) == v % 59) << row;
    ASSERT_EQ(d.batch.column(2)->child(1)->string_value(row), "kWH");
    ASSERT_EQ(d.batch.column(3)->value<int64_t>(row), start + int64_t{n} * 1'000'000);
  }
}

}  // namespace
}  // namespace lakestream::testing
